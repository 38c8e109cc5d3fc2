// A small WebAssembly binary encoder: just what the wasm backend's kernels need (one imported
// memory, functions of i32 parameters, SIMD128). why not binaryen or wabt: the JIT builds modules
// at run time, and either library would ship a whole compiler (megabytes of wasm) into every
// program that only needs a few hundred bytes of kernels encoded; the format is simple enough.

export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Opcodes used by the kernels (core, then SIMD after the 0xfd prefix). */
export const OP = {
  unreachable: 0x00, block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  select: 0x1b, f32Lt: 0x5d, f32Gt: 0x5e, f32Ceil: 0x8d, f32Floor: 0x8e, f32Nearest: 0x90,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f32Load: 0x2a, f64Load: 0x2b, f32Store: 0x38, f64Store: 0x39,
  i32Const: 0x41, f32Const: 0x43, f64Const: 0x44,
  i32LtU: 0x49, i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Shl: 0x74, i32ShrU: 0x76,
  f32Abs: 0x8b, f32Neg: 0x8c, f32Sqrt: 0x91, f32Add: 0x92, f32Sub: 0x93, f32Mul: 0x94, f32Div: 0x95, f32Min: 0x96, f32Max: 0x97,
  f64Add: 0xa0, f64Mul: 0xa2, f64Div: 0xa3, f64Ne: 0x62, f64Lt: 0x63, f64Gt: 0x64, i32Or: 0x72, f32DemoteF64: 0xb6, f64ConvertI32U: 0xb8, f64PromoteF32: 0xbb,
  // matmul kernels: branches on tile edges, address arithmetic
  if: 0x04, else: 0x05, i32Eq: 0x46, i32LtS: 0x48, i32Mul: 0x6c, i32RemU: 0x70,
  // int32 and bool (wasm/typed_ops.ts)
  i32Eqz: 0x45, i32Ne: 0x47, f32Eq: 0x5b, i32DivS: 0x6d, i32RemS: 0x6f, f32Ne: 0x5c, f32ConvertI32S: 0xb2, f32ConvertI32U: 0xb3, f64ConvertI32S: 0xb7,
  i32Load: 0x28, i32Load8U: 0x2d, i32Store: 0x36, i32Store8: 0x3a,
} as const;
export const SIMD = {
  v128Load: 0x00, v128Store: 0x0b, f32x4Lt: 0x43, v128Bitselect: 0x52, f32x4Ceil: 0x67, f32x4Floor: 0x68, f32x4Nearest: 0x6a, i8x16Shuffle: 0x0d, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f, f64x2ExtractLane: 0x21,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Div: 0xe7,
  f32x4Min: 0xe8, f32x4Max: 0xe9, f64x2Add: 0xf0, f64x2PromoteLowF32x4: 0x5f, v128Const: 0x0c,
  // vector math (wasm/vector_math.ts): f64x2 arithmetic, compares, bit operations, conversions
  f64x2Splat: 0x14, f64x2Sub: 0xf1, f64x2Mul: 0xf2, f64x2Div: 0xf3, f64x2Min: 0xf4, f64x2Max: 0xf5, f64x2Abs: 0xec, f64x2Sqrt: 0xef,
  f64x2Nearest: 0x94, f64x2Eq: 0x47, f64x2Lt: 0x49, f64x2Gt: 0x4a, f32x4Eq: 0x41, f32x4Gt: 0x44,
  v128And: 0x4e, v128Or: 0x50, v128Xor: 0x51, i64x2Shl: 0xcb, i64x2ShrS: 0xcc, i64x2ShrU: 0xcd, f32x4DemoteF64x2Zero: 0x5e,
  // matmul kernels: A splats
  v128Load32Splat: 0x09, v128Load64Splat: 0x0a,
  // reductions (wasm/reduce_kernel.ts)
  f64x2Ne: 0x48, f64x2ConvertLowI32x4U: 0xff, i32x4Splat: 0x11,
  // int32 and bool (wasm/typed_ops.ts)
  v128Not: 0x4d, i32x4Shl: 0xab, i32x4MinU: 0xb7, i32x4Sub: 0xb1, i32x4Mul: 0xb5, i32x4Neg: 0xa1, i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa, f32x4Ne: 0x42, i32x4Ne: 0x38, i32x4GeS: 0x3f, i32x4LtS: 0x39, i32x4ExtractLane: 0x1b, i32x4ReplaceLane: 0x1c, f64x2ConvertLowI32x4S: 0xfe,
  v128Load32Zero: 0x5c, i16x8ExtendLowI8x16U: 0x89, i32x4ExtendLowI16x8U: 0xa9, v128Store32Lane: 0x5a,
} as const;

/** A growing byte list with the format's integer and float encodings. */
export class Code {
  readonly bytes: number[] = [];
  op(...b: number[]): this { this.bytes.push(...b); return this; }
  u32(v: number): this {
    do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; this.bytes.push(b); } while (v);
    return this;
  }
  s32(v: number): this {
    for (;;) {
      const b = v & 0x7f; v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) { this.bytes.push(b); return this; }
      this.bytes.push(b | 0x80);
    }
  }
  f32(v: number): this { const a = new Uint8Array(new Float32Array([v]).buffer); this.bytes.push(...a); return this; }
  f64(v: number): this { const a = new Uint8Array(new Float64Array([v]).buffer); this.bytes.push(...a); return this; }
  simd(op: number): this { return this.op(0xfd).u32(op); }
  /** A memory access: alignment as log2 bytes, a constant byte offset added to the address. */
  mem(alignLog2: number, offset = 0): this { return this.u32(alignLog2).u32(offset); }
  name(s: string): this { const b = new TextEncoder().encode(s); this.u32(b.length); this.bytes.push(...b); return this; }
  vec<T>(xs: readonly T[], each: (x: T) => void): this { this.u32(xs.length); xs.forEach(each); return this; }
  append(c: Code | readonly number[]): this { this.bytes.push(...(c instanceof Code ? c.bytes : c)); return this; }
}

/**
 * A function being built after `params` i32 parameters: its code, its locals (`local` adds one,
 * returning its index) and the shorthands every kernel writes with.
 */
export function functionBuilder(params: number) {
  const locals: ValType[] = [];
  const c = new Code();
  const get = (i: number) => c.op(OP.localGet).u32(i);
  const set = (i: number) => c.op(OP.localSet).u32(i);
  const i32 = (v: number) => c.op(OP.i32Const).s32(v);
  /** A counted loop: local `v` from its current value up to local `bound` (exclusive) in steps of `step`. */
  const loop = (v: number, bound: number, step: number, inside: () => void) => {
    c.op(OP.block, 0x40, OP.loop, 0x40);
    get(v); get(bound); c.op(OP.i32GeU, OP.brIf).u32(1);
    inside();
    get(v); i32(step).op(OP.i32Add); set(v);
    c.op(OP.br).u32(0).op(OP.end, OP.end);
  };
  return { c, locals, local: (t: ValType) => params + locals.push(t) - 1, get, set, i32, loop };
}

export interface WasmFunction {
  readonly name: string;
  /** Number of i32 parameters (byte offsets and counts). */
  readonly params: number;
  /** Local variables after the parameters, in order. */
  readonly locals: readonly ValType[];
  /** The instructions, without the final `end`. */
  readonly body: Code;
}

function section(out: Code, id: number, content: Code) {
  out.op(id).u32(content.bytes.length).append(content);
}

/** A module importing `env.memory` and exporting each function under its name. */
export function encodeModule(funcs: readonly WasmFunction[]): Uint8Array {
  const out = new Code().op(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const arities = [...new Set(funcs.map((f) => f.params))];
  const types = new Code();
  types.vec(arities, (n) => { types.op(0x60).u32(n); for (let i = 0; i < n; i++) types.op(I32); types.u32(0); });
  section(out, 1, types);
  const imports = new Code();
  imports.vec([0], () => imports.name('env').name('memory').op(0x02, 0x00).u32(0));
  section(out, 2, imports);
  const fnSec = new Code();
  fnSec.vec(funcs, (f) => fnSec.u32(arities.indexOf(f.params)));
  section(out, 3, fnSec);
  const exportsSec = new Code();
  exportsSec.vec(funcs, (f) => exportsSec.name(f.name).op(0x00).u32(funcs.indexOf(f)));
  section(out, 7, exportsSec);
  const code = new Code();
  code.vec(funcs, (f) => {
    const body = new Code();
    // why: locals are declared as runs of one type.
    const runs: { n: number; t: ValType }[] = [];
    for (const t of f.locals) { const last = runs[runs.length - 1]; if (last && last.t === t) last.n++; else runs.push({ n: 1, t }); }
    body.vec(runs, (r) => body.u32(r.n).op(r.t)).append(f.body).op(OP.end);
    code.u32(body.bytes.length).append(body);
  });
  section(out, 10, code);
  return Uint8Array.from(out.bytes);
}
