// argmax / argmin of float32 over one axis as one WebAssembly function: per output element (outer
// × inner positions), a scalar loop along the axis with the reference's step, (v beyond best or v NaN while best is not) → take v, so the first
// index wins ties and the first NaN wins over everything, as in the JS backend. The index is stored
// as int32 or, for int64 outputs, as the float64 the plan's Float64Array holds. Parameters: the
// output's byte offset, the input's, then outer, axis and inner sizes.
import type { DType } from '../../src/dtypes.js';
import { F32, functionBuilder, I32, OP, type WasmFunction } from './encode.js';

export function argFunction(name: string, kind: 'argmax' | 'argmin', out: DType): WasmFunction {
  const params = 5, [pOut, pIn, pOuter, pN, pInner] = [0, 1, 2, 3, 4];
  const { c, locals, local, get, set, i32, loop: counted } = functionBuilder(params);
  const loop = (v: number, start: number, bound: number, inside: () => void) => { i32(start); set(v); counted(v, bound, 1, inside); };
  const o = local(I32), i = local(I32), k = local(I32), best = local(I32), at = local(I32), stride = local(I32), outAt = local(I32);
  const bv = local(F32), v = local(F32), take = local(I32);
  get(pInner); i32(2).op(OP.i32Shl); set(stride);
  get(pOut); set(outAt);
  loop(o, 0, pOuter, () => loop(i, 0, pInner, () => {
    // at = x + ((o·n)·inner + i)·4, the axis' first element
    get(pIn); get(o); get(pN); c.op(OP.i32Mul); get(pInner); c.op(OP.i32Mul); get(i); c.op(OP.i32Add); i32(2).op(OP.i32Shl, OP.i32Add); set(at);
    get(at); c.op(OP.f32Load).mem(2); set(bv);
    i32(0); set(best);
    loop(k, 1, pN, () => {
      get(at); get(stride); c.op(OP.i32Add); set(at);
      get(at); c.op(OP.f32Load).mem(2); set(v);
      // take = v > bv (argmin: v < bv) || (v !== v && bv === bv)
      get(v); get(bv); c.op(kind === 'argmax' ? OP.f32Gt : OP.f32Lt);
      get(v); get(v); c.op(OP.f32Ne); get(bv); get(bv); c.op(OP.f32Eq, OP.i32And, OP.i32Or); set(take);
      get(k); get(best); get(take); c.op(OP.select); set(best);
      get(v); get(bv); get(take); c.op(OP.select); set(bv);
    });
    get(outAt); get(best);
    if (out === 'int64') c.op(OP.f64ConvertI32S, OP.f64Store).mem(3); else c.op(OP.i32Store).mem(2);
    get(outAt); i32(out === 'int64' ? 8 : 4).op(OP.i32Add); set(outAt);
  }));
  return { name, params, locals, body: c };
}
