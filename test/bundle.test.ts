// The entry points bundle for browsers (no Node built-ins), and tfgen/runtime, what generated
// code imports, stays small and free of the compiler and of `new Function`.
import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

async function bundle(entry: string, minify = false): Promise<string> {
  const r = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, minify, logLevel: 'silent' });
  return r.outputFiles[0].text;
}

test('tfgen bundles for the browser', async () => {
  const code = await bundle('src/index.ts');
  assert.ok(code.includes('defaultCompiler = jitCompiler()') && code.includes('function renderJs'), 'the DSL and the JIT are in the bundle');
  assert.not.ok(/from ['"]node:/.test(code), 'no static import of a Node built-in');
});

test('tfgen/runtime bundles for the browser, without the compiler or new Function', async () => {
  const code = await bundle('src/runtime/index.ts', true);
  assert.not.ok(code.includes('new Function'), 'no new Function in the runtime');
  assert.not.ok(/renderJs|lowerGraph|scheduleKernels/.test(code), 'no compiler in the runtime');
  // why: it holds the runtime Session of compiled modules (plans per fed shapes, checkpoints apart)
  // and sess.run's full feed conversion (33 KB with both), the wasm runner of --backend wasm
  // modules (2.5 KB) and the hook of --backend gpu ones (0.7 KB; their runtime, 17 KB, is
  // tfgen/runtime/gpu); a standalone predictor imports none of it.
  assert.ok(code.length < 38_000, `runtime is ${code.length} bytes minified`);
  assert.not.ok(/class \w*Graph\b|getOperationByName/.test(code), 'no graph classes in the runtime');
});

test.run();
