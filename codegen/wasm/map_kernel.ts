// A float32 elementwise chain as one WebAssembly function: an f32x4 loop over four elements
// per iteration, then a scalar loop over the last n mod 4. Every op is an IEEE single operation
// (correctly rounded), so each lane computes what the JS backend's `Math.fround` after every op
// computes, bit for bit. Parameters: the output's byte offset, each looped input's, each
// one-element input's, then the element count.
import type { Node } from '../ir.js';
import { Code, F32, I32, OP, SIMD, V128, type ValType, type WasmFunction } from './encode.js';

/** The prims this kernel computes, with their scalar and f32x4 opcodes ('copy' is no op). */
const OPS: Record<string, readonly [number, number] | null> = {
  add: [OP.f32Add, SIMD.f32x4Add], sub: [OP.f32Sub, SIMD.f32x4Sub], mul: [OP.f32Mul, SIMD.f32x4Mul], div: [OP.f32Div, SIMD.f32x4Div],
  // why: f32.min/max propagate NaN and order -0 below +0, as the JS backend's fmin/fmax (Math.min/max) do.
  min: [OP.f32Min, SIMD.f32x4Min], max: [OP.f32Max, SIMD.f32x4Max],
  neg: [OP.f32Neg, SIMD.f32x4Neg], abs: [OP.f32Abs, SIMD.f32x4Abs], sqrt: [OP.f32Sqrt, SIMD.f32x4Sqrt], copy: null,
};

export const MAP_PRIMS: ReadonlySet<string> = new Set(Object.keys(OPS));

export interface MapKernel {
  name: string;
  /** Leaves read at the loop index (contiguous, the output's shape). */
  looped: readonly number[];
  /** One-element array leaves, read once. */
  scalars: readonly number[];
  /** Scalar constant leaves. */
  constants: readonly { id: number; value: number }[];
  /** Body nodes computed once before the loop, and inside it. */
  pre: readonly number[];
  inner: readonly number[];
  out: number;
}

export function mapFunction(k: MapKernel, at: (id: number) => Node): WasmFunction {
  const params = 2 + k.looped.length + k.scalars.length;
  const locals: ValType[] = [];
  const local = (t: ValType) => params + locals.push(t) - 1;
  const pOut = 0, pN = params - 1;
  const pIn = new Map(k.looped.map((id, j) => [id, 1 + j]));
  const S = new Map<number, number>(), V = new Map<number, number>();
  const c = new Code();
  const get = (i: number) => c.op(OP.localGet).u32(i);
  const set = (i: number) => c.op(OP.localSet).u32(i);
  const splat = (id: number) => { V.set(id, local(V128)); get(S.get(id)!).simd(SIMD.f32x4Splat); set(V.get(id)!); };
  const compute = (id: number, vector: boolean) => {
    const n = at(id);
    const ops = OPS[n.prim];
    for (const i of n.inputs) get((vector ? V : S).get(i)!);
    if (ops) { if (vector) c.simd(ops[1]); else c.op(ops[0]); }
    const map = vector ? V : S;
    if (!map.has(id)) map.set(id, local(vector ? V128 : F32));
    set(map.get(id)!);
  };
  for (const { id, value } of k.constants) { S.set(id, local(F32)); c.op(OP.f32Const).f32(value); set(S.get(id)!); splat(id); }
  k.scalars.forEach((id, j) => { S.set(id, local(F32)); get(1 + k.looped.length + j).op(OP.f32Load).mem(2); set(S.get(id)!); splat(id); });
  for (const id of k.pre) { compute(id, false); splat(id); }
  const i = local(I32), end4 = local(I32), end = local(I32);
  get(pN).op(OP.i32Const).s32(2).op(OP.i32Shl); set(end);
  get(pN).op(OP.i32Const).s32(-4).op(OP.i32And).op(OP.i32Const).s32(2).op(OP.i32Shl); set(end4);
  const loop = (vector: boolean, bound: number) => {
    c.op(OP.block, 0x40, OP.loop, 0x40);
    get(i); get(bound); c.op(OP.i32GeU, OP.brIf).u32(1);
    for (const id of k.looped) {
      get(pIn.get(id)!); get(i); c.op(OP.i32Add);
      if (vector) c.simd(SIMD.v128Load).mem(4); else c.op(OP.f32Load).mem(2);
      const map = vector ? V : S;
      if (!map.has(id)) map.set(id, local(vector ? V128 : F32));
      set(map.get(id)!);
    }
    for (const id of k.inner) compute(id, vector);
    get(pOut); get(i); c.op(OP.i32Add); get((vector ? V : S).get(k.out)!);
    if (vector) c.simd(SIMD.v128Store).mem(4); else c.op(OP.f32Store).mem(2);
    get(i); c.op(OP.i32Const).s32(vector ? 16 : 4).op(OP.i32Add); set(i);
    c.op(OP.br).u32(0).op(OP.end, OP.end);
  };
  loop(true, end4);
  loop(false, end);
  return { name: k.name, params, locals, body: c };
}
