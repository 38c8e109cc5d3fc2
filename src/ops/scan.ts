// Scans along an axis: Cumsum and Cumprod (TF1 tf.cumsum / tf.cumprod, with exclusive and
// reverse), and the gradient of Prod that TF1 builds from exclusive cumulative products.
import { allocate, int64Value, isInt32Family, type DType } from '../dtypes.js';
import { constantValue, createOp, nameScope, type Operation, type Tensor } from '../graph.js';
import { intList } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, OpSpec } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { isFullyDefined, normAxis, numElements } from '../shape.js';
import { reshape, shape, size } from './array.js';
import { convertToTensor, NUMERIC, out, requireDType, type TensorLike } from './define_op.js';
import { divide, multiply } from './math_binary.js';
import { invertPermutation, transpose } from './movement.js';
import { axisError, constInts, foldConstant, info, int32Vector, intArg, ints, loweredInts, opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { stack } from './stacking.js';

type ScanKind = 'sum' | 'prod';

/** Whether output i of a scan takes input j (TF1's exclusive/reverse). */
function takes(i: number, j: number, exclusive: boolean, reverse: boolean): boolean {
  return reverse ? (exclusive ? j > i : j >= i) : (exclusive ? j < i : j <= i);
}

function scanAxis(axis: number, r: number, what: string): number {
  const a = normAxis(axis, r);
  if (a === undefined) throw axisError(what, axis, r);
  return a;
}

function scanSpec(type: 'Cumsum' | 'Cumprod', kind: ScanKind): OpSpec {
  const init = kind === 'sum' ? 0 : 1;
  return {
    type,
    infer: (ctx) => {
      const x = ctx.inputs[0];
      requireDType(ctx, 0, NUMERIC, type);
      intArg(ctx, 1, 'axis', 0);
      const axis = constInts(ctx, 1)?.[0];
      if (axis !== undefined && x.shape !== null) scanAxis(axis, x.shape.length, `${type} '${ctx.name}' of ${x}`);
      return info(x.dtype, x.shape);
    },
    grad: (op, [dy]) => [kind === 'sum' ? sumGrad(op, dy!) : prodScanGrad(op, dy!), null],
    // why: a scan is a reduction over a masked square: out[i] = Σ_j [takes(i, j)] x[j], with the
    // masked terms 0 (or 1), in ascending j as the reference kernel sums; it fuses into one
    // reduce kernel (quadratic in the axis length, which is short in the programs this serves).
    lower: (ctx, op) => {
      const x = ctx.inputs[0];
      const a = scanAxis(loweredInts(ctx, 1, op)[0], x.shape.length, `${type} '${op.name}'`);
      return [lowerScan(ctx, x, a, kind, op.attrs)];
    },
    reference: ([x, axisV], { op }) => {
      const a = scanAxis(axisV.data[0], x.rank, `${type} '${op.name}'`);
      const exclusive = op.attrs.exclusive === true, reverse = op.attrs.reverse === true;
      const step = scanStep(kind, x.dtype);
      const outer = numElements(x.shape.slice(0, a)), n = x.shape[a], inner = numElements(x.shape.slice(a + 1));
      const res = new NDArray(allocate(x.dtype, x.size), x.shape, x.dtype);
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < inner; k++) {
          for (let i = 0; i < n; i++) {
            let acc = init;
            for (let j = 0; j < n; j++) if (takes(i, j, exclusive, reverse)) acc = step(acc, x.data[(o * n + j) * inner + k]);
            res.data[(o * n + i) * inner + k] = acc;
          }
        }
      }
      return [res];
    },
  };
}

/** The accumulation of a scan, as the compiled reduction computes it (ints wrap; int64 is checked). */
function scanStep(kind: ScanKind, dtype: DType): (acc: number, v: number) => number {
  if (isInt32Family(dtype)) return kind === 'sum' ? (a, v) => (a + v) | 0 : Math.imul;
  const f = kind === 'sum' ? (a: number, v: number) => a + v : (a: number, v: number) => a * v;
  return dtype === 'int64' ? (a, v) => int64Value(f(a, v)) : f;
}

function lowerScan(ctx: LowerContext, x: IRValue, a: number, kind: ScanKind, attrs: Attrs): IRValue {
  const s = x.shape, n = s[a];
  const exclusive = attrs.exclusive === true, reverse = attrs.reverse === true;
  const mask = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mask[i * n + j] = takes(i, j, exclusive, reverse) ? 1 : 0;
  const ones = (k: number) => new Array<number>(k).fill(1);
  const maskV = ctx.constant(new NDArray(mask, [...ones(a), n, n, ...ones(s.length - a - 1)], 'bool'));
  const xj = ctx.reshape(x, [...s.slice(0, a), 1, n, ...s.slice(a + 1)]);
  const fill = ctx.constant(new NDArray(allocate(x.dtype, 1).fill(kind === 'sum' ? 0 : 1), [], x.dtype));
  return ctx.reduce(kind, ctx.where(maskV, xj, fill), [a + 1], false);
}

export const Cumsum = scanSpec('Cumsum', 'sum');
export const Cumprod = scanSpec('Cumprod', 'prod');

// TF1's _CumsumGrad: the reverse scan of dy.
function sumGrad(op: Operation, dy: Tensor): Tensor {
  return scan(Cumsum, dy, op.inputs[1], op.attrs.exclusive === true, op.attrs.reverse !== true, 'Cumsum');
}

// TF1's _CumprodGrad: cumsum(cumprod(x)·dy, reversed) / x (undefined where x is 0, as in TF1).
function prodScanGrad(op: Operation, dy: Tensor): Tensor {
  const [x, axis] = op.inputs;
  const exclusive = op.attrs.exclusive === true, reverse = op.attrs.reverse === true;
  const prod = scan(Cumprod, x, axis, exclusive, reverse, 'Cumprod');
  return divide(scan(Cumsum, multiply(prod, dy, 'mul'), axis, exclusive, !reverse, 'Cumsum'), x, 'truediv');
}

function scan(spec: OpSpec, x: Tensor, axis: Tensor, exclusive: boolean, reverse: boolean, name: string): Tensor {
  return out(createOp(spec, [x, axis], { T: x.dtype, Tidx: 'int32', exclusive, reverse }, name));
}

/** [reduced axes…, other axes…] of a reduction, from x's shape and the axes (internal; folds when constant). */
export const ReductionPerm: OpSpec = {
  type: 'ReductionPerm',
  infer: ({ inputs }) => [{ dtype: 'int32', shape: [inputs[0].shape?.[0] ?? null] }],
  constant: foldConstant,
  reference: ([s, axes]) => {
    const r = s.size;
    const reduced = [...new Set(intList(axes).map((v) => normAxis(v, r)!))].sort((p, q) => p - q);
    return [int32Vector([...reduced, ...Array.from({ length: r }, (_, i) => i).filter((i) => !reduced.includes(i))])];
  },
};

/**
 * TF1's _ProdGrad: the product of all other reduced elements of each x, as the product of
 * exclusive cumulative products from the left and from the right (no division, so zeros work).
 * `dyKept` is dy broadcast back to x's shape.
 */
export function prodGrad(op: Operation, dyKept: Tensor): Tensor {
  const [x, axes] = op.inputs;
  const perm = out(createOp(ReductionPerm, [shape(x), axes], {}, 'ReductionPerm'));
  const permuted = transpose(x, perm);
  // [reduced elements, other elements]; other = the size of the reduction's result
  const axesV = constantValue(axes);
  let folded: Tensor;
  if (axesV && isFullyDefined(x.shape)) {
    const dims = x.shape;
    const reduced = new Set(intList(axesV).map((v) => normAxis(v, dims.length)!));
    const count = (keep: boolean) => dims.reduce((acc, d, i) => (reduced.has(i) === keep ? acc * d : acc), 1);
    folded = reshape(permuted, [count(true), count(false)]);
  } else {
    folded = reshape(permuted, stack([-1, size(op.outputs[0])]));
  }
  const zero = convertToTensor(0, { dtype: 'int32', name: 'axis' });
  const left = scan(Cumprod, folded, zero, true, false, 'Cumprod');
  const right = scan(Cumprod, folded, zero, true, true, 'Cumprod_1');
  const y = reshape(multiply(left, right, 'mul'), shape(permuted));
  return multiply(dyKept, transpose(y, invertPermutation(perm)), 'mul');
}

export interface ScanOptions { axis?: number | Tensor; exclusive?: boolean; reverse?: boolean; name?: string }
const SCAN_ARGS: ArgSpec<ScanOptions> = {
  positional: ['axis', 'exclusive', 'reverse', 'name'],
  kinds: { axis: 'value', exclusive: 'boolean', reverse: 'boolean', name: 'string' },
};
type ScanArgs = OptArgs<[axis: number | Tensor, exclusive: boolean, reverse: boolean, name: string], ScanOptions>;

function scanOp(spec: OpSpec, fn: string, x: TensorLike, args: ScanArgs): Tensor {
  const o = opArgs(fn, args, SCAN_ARGS);
  return nameScope(o.name ?? spec.type, (scope) => {
    const t = convertToTensor(x, { name: 'x' });
    const axis = ints((o.axis ?? 0) as number, 'axis');
    return out(createOp(spec, [t, axis], { T: t.dtype, Tidx: 'int32', exclusive: o.exclusive === true, reverse: o.reverse === true }, scope));
  });
}

/**
 * Cumulative sum along `axis` (TF1 tf.cumsum(x, axis=0, exclusive=False, reverse=False, name)).
 * @example tf.cumsum([1, 2, 3])                        // [1, 3, 6]
 * @example tf.cumsum([1, 2, 3], {exclusive: true})     // [0, 1, 3]
 */
export function cumsum(x: TensorLike, ...args: ScanArgs): Tensor { return scanOp(Cumsum, 'tf.cumsum', x, args); }
/** Cumulative product along `axis` (TF1 tf.cumprod, same arguments as cumsum). */
export function cumprod(x: TensorLike, ...args: ScanArgs): Tensor { return scanOp(Cumprod, 'tf.cumprod', x, args); }
