// Sessions on the wasm backend with its tiny-kernel rule off (`minWork: 0`): tests of the wasm
// kernels' numbers use small shapes (every length mod 4, edge values), which the default rule
// would keep in JS (codegen/README.md "The wasm backend", tiny kernels).
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import type { WasmOptions } from '../../codegen/render/wasm.js';

/** A JIT compiling every covered kernel to wasm, whatever its size, with these options besides. */
export const allInWasm = (opts: WasmOptions = {}) => jitCompiler({ backend: wasmBackendWith({ ...opts, minWork: 0 }) });

/** Session options: backend 'wasm' with every covered kernel in wasm. */
export const WASM_ALL = { backend: 'wasm', compiler: allInWasm() } as const;
