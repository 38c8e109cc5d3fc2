// Runs a test as a strict Content-Security-Policy without 'wasm-unsafe-eval' would: every
// WebAssembly compile is refused, and console.warn is collected. The realm is put back after
// `fn` (awaited when it returns a Promise), then `reprobe` lets the backend check again.
export function withoutWebAssembly<T>(fn: (warnings: string[]) => T, reprobe: () => unknown): T {
  const real = globalThis.WebAssembly, warn = console.warn;
  const warnings: string[] = [];
  const restore = () => {
    (globalThis as { WebAssembly: unknown }).WebAssembly = real;
    console.warn = warn;
    reprobe();
  };
  console.warn = (m: unknown) => { warnings.push(String(m)); };
  (globalThis as { WebAssembly: unknown }).WebAssembly = {
    ...real, Module: function () { throw new real.CompileError('Refused to compile or instantiate WebAssembly module'); },
  };
  let out: T;
  try { out = fn(warnings); } catch (e) { restore(); throw e; }
  if (out instanceof Promise) return out.finally(restore) as T;
  restore();
  return out;
}
