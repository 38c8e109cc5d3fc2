// tf.cond as a functional op (TF2's If): both branches are traced into graph functions at build
// time; the If op takes the predicate and the outer tensors either branch reads, and runs only
// the taken branch. Its gradient is another If on the same predicate whose branches are the
// gradient functions of the two branches (each recomputes its forward ops). The compiler turns
// it into an `if` around the two branches' compiled code (codegen/control_flow.ts).
import type { DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph, nameScope, type Operation, Tensor } from '../graph.js';
import type { OpSpec } from '../op_spec.js';
import { compatible, formatShape, mergeShapes, type Shape } from '../shape.js';
import { zerosLike } from './array.js';
import { convertToTensor, type TensorLike } from './define_op.js';
import { functionGradient } from './function_grad.js';
import { Captures, controlFlowOf, createControlOp, flatten, makeFunction, pack, runFunction, structureText, type GraphFunction } from './functions.js';

/** What tf.cond returns for a branch result: its structure, with a Tensor for every leaf. */
export type Traced<T> = T extends Tensor | number | boolean | { _asTensor(): Tensor } ? Tensor
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Traced<T[K]> }
  : T extends Record<string, unknown> ? { [K in keyof T]: Traced<T[K]> } : Tensor;

export const If: OpSpec = {
  type: 'If',
  infer: ({ attrs }) => (attrs.Tout as DType[]).map((dtype, i) => ({ dtype, shape: (attrs.output_shapes as Shape[])[i] })),
  grad: (op, dys) => {
    const [thenFn, elseFn] = controlFlowOf(op)!.functions;
    const thenGrad = functionGradient(thenFn, `the true branch of '${op.name}'`);
    const elseGrad = functionGradient(elseFn, `the false branch of '${op.name}'`);
    if (!thenGrad || !elseGrad) return op.inputs.map(() => null);
    // why: both gradient functions take the same inputs (the captures, then the float outputs' dys) and
    // return grads for the same float captures, so one If runs whichever branch the forward pass took.
    const dyInputs = thenGrad.outputs.map((i) => dys[i] ?? zerosLike(op.outputs[i]));
    const grads = ifOp(op.inputs[0], [thenGrad.fn, elseGrad.fn], [...op.inputs.slice(1), ...dyInputs], 'If');
    const result: (Tensor | null)[] = op.inputs.map(() => null);
    thenGrad.inputs.forEach((capIdx, k) => { result[capIdx + 1] = grads[k]; });
    return result;
  },
  reference: (inputs, ctx) => {
    const op = ctx.op as Operation;
    const [thenFn, elseFn] = controlFlowOf(op)!.functions;
    const refInputs = op.spec.refInputs ?? [];
    return runFunction(inputs[0].data[0] ? thenFn : elseFn, inputs.slice(1), refInputs.length ? { ctx, inputs: refInputs.map((i) => [i - 1, i]) } : undefined);
  },
};

/** An If op over two closed functions taking `args`; returns its outputs. */
function ifOp(pred: Tensor, [thenFn, elseFn]: readonly [GraphFunction, GraphFunction], args: Tensor[], name: string, refs: readonly number[] = []): Tensor[] {
  const Tout = thenFn.outputs.map((t) => t.dtype);
  const output_shapes = thenFn.outputs.map((t, i) => mergeShapes(t.shape, elseFn.outputs[i].shape));
  // why: a cond whose branches assign variables takes them by reference (TF1: the taken branch's assigns run).
  const spec: OpSpec = refs.length ? { ...If, refInputs: refs.map((i) => i + 1), stateful: true, writesState: true } : If;
  const op = createControlOp(spec, { kind: 'if', functions: [thenFn, elseFn] }, [pred, ...args], { Tout, output_shapes }, name);
  return [...op.outputs];
}

/**
 * TF1's tf.cond: `trueFn()` when `pred` is true at run time, else `falseFn()`. Both are traced
 * now and must return the same structure of tensors, dtypes and compatible shapes; only the
 * taken branch runs. Gradients flow into the taken branch. A one-element array result comes back
 * as its element unless `strict` (TF1).
 * @example const y = tf.cond(x.greater(0), () => x.mul(2), () => x.neg())
 */
export interface CondOptions {
  /** TF1's strict: when false (the default), a branch result that is a one-element array comes back as its element. */
  strict?: boolean;
  name?: string;
}

export function cond<T>(pred: TensorLike, trueFn: () => T, falseFn: () => T, opts: CondOptions | string = {}): Traced<T> {
  const o: CondOptions = typeof opts === 'string' ? { name: opts } : opts ?? {};
  const unknown = Object.keys(o).filter((k) => k !== 'strict' && k !== 'name');
  if (unknown.length) throw new InvalidArgumentError(`tf.cond: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; accepted: strict, name.`);
  const name = o.name;
  if (typeof pred === 'boolean') {
    throw new InvalidArgumentError('tf.cond: pred must be a bool tensor, not the JS boolean ' + `${pred}: call the branch you want directly.`);
  }
  if (typeof trueFn !== 'function' || typeof falseFn !== 'function') {
    throw new InvalidArgumentError(`tf.cond: trueFn and falseFn must be functions (got ${typeof trueFn} and ${typeof falseFn}).`);
  }
  return nameScope(name ?? 'cond', (scope) => {
    const p = convertToTensor(pred, { what: 'tf.cond pred' });
    if (p.dtype !== 'bool') throw new InvalidArgumentError(`tf.cond: pred ${p} must be a bool tensor, but it has dtype ${p.dtype}; compare it (e.g. x.greater(0)) or tf.cast it to bool.`);
    if (p.shape !== null && p.shape.length !== 0) throw new InvalidArgumentError(`tf.cond: pred ${p} must be a scalar, but it has shape ${formatShape(p.shape)}; reduce it (tf.reduceAll / tf.reduceAny).`);
    const g = getDefaultGraph();
    const captures = new Captures(g, `tf.cond '${scope.slice(0, -1)}'`, true);
    const t = captures.trace(trueFn);
    const f = captures.trace(falseFn);
    checkBranches(t, f);
    const thenFn = makeFunction(captures.inner, t.outputs, `the true branch of tf.cond '${scope.slice(0, -1)}'`);
    const elseFn = makeFunction(captures.inner, f.outputs, `the false branch of tf.cond '${scope.slice(0, -1)}'`);
    const outs = ifOp(p, [thenFn, elseFn], captures.outer, scope, captures.refs);
    // why: TF1's non-strict cond unpacks a singleton list or tuple.
    if (!o.strict && Array.isArray(t.result) && t.result.length === 1 && !Array.isArray(t.result[0])) return outs[0] as Traced<T>;
    return pack(t.result, outs) as Traced<T>;
  });
}

function checkBranches(t: { result: unknown; outputs: Tensor[] }, f: { result: unknown; outputs: Tensor[] }): void {
  const ts = structureText(t.result), fs = structureText(f.result);
  if (ts !== fs || flatten(t.result).length !== flatten(f.result).length) {
    throw new InvalidArgumentError(`tf.cond: trueFn and falseFn must return the same structure, but trueFn returned ${ts} and falseFn returned ${fs}.`);
  }
  if (!t.outputs.length) throw new InvalidArgumentError('tf.cond: the branches return no tensor; return the values the cond should produce.');
  t.outputs.forEach((a, i) => {
    const b = f.outputs[i];
    if (a.dtype !== b.dtype) {
      throw new InvalidArgumentError(`tf.cond: output ${i} of trueFn is ${a} but output ${i} of falseFn is ${b}: the dtypes (${a.dtype}, ${b.dtype}) must match; tf.cast one of them.`);
    }
    if (!compatible(a.shape, b.shape)) {
      throw new InvalidArgumentError(`tf.cond: output ${i} of trueFn is ${a} with shape ${formatShape(a.shape)} but output ${i} of falseFn is ${b} with shape ${formatShape(b.shape)}: the branches must return compatible shapes.`);
    }
  });
}

