// tf.whileLoop as a functional op (TF2's While): the condition and the body are traced into
// graph functions over the loop variables (and the outer tensors either reads); the While op
// runs body while cond holds (and fewer than maximumIterations times), and outputs the final
// loop variables and the trip count. The compiler turns it into a `while` around the compiled
// cond and body (codegen/control_flow.ts).
//
// Gradient: with the trip count N recorded by the forward run, a gradient While runs N times
// from the last iteration back; step k recomputes the loop variables after k iterations (an
// inner While from the initial values with maximumIterations k) and applies the body's gradient
// function there (a Call). why: no per-iteration stacks to size at build time; the price is
// N²/2 body runs, fine for the short loops TF1 programs differentiate.
import type { DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph, nameScope, Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import { formatShape, type Shape } from '../shape.js';
import { stopGradient, zerosLike } from './array.js';
import { convertToTensor, type TensorLike } from './define_op.js';
import { functionGradient } from './function_grad.js';
import { Captures, controlFlowOf, createControlOp, flatten, functionInput, makeFunction, outsideTraces, pack, runFunction, structureText, type GraphFunction } from './functions.js';
import { add, greater, subtract as sub } from './math_binary.js';
import type { Traced } from './cond.js';

const INT32_MAX = 2147483647;

export const While: OpSpec = {
  type: 'While',
  infer: ({ attrs }) => [
    ...(attrs.T as DType[]).map((dtype, i) => ({ dtype, shape: (attrs.output_shapes as Shape[])[i] })),
    { dtype: 'int32', shape: [] },
  ],
  grad: whileGrad,
  reference: (inputs, { op }) => {
    const [condFn, bodyFn] = controlFlowOf(op)!.functions;
    const n = op.attrs.T as DType[];
    let vars = inputs.slice(0, n.length);
    const max = inputs[n.length].data[0];
    const caps = inputs.slice(n.length + 1);
    let trips = 0;
    while (trips < max && runFunction(condFn, [...vars, ...caps])[0].data[0]) {
      vars = runFunction(bodyFn, [...vars, ...caps]);
      trips++;
    }
    return [...vars, new NDArray(Int32Array.of(trips), [], 'int32')];
  },
};

/** Runs a function once on its inputs (TF's PartitionedCall): the gradient While's body calls the body's gradient. */
export const Call: OpSpec = {
  type: 'Call',
  infer: ({ attrs }) => (attrs.Tout as DType[]).map((dtype, i) => ({ dtype, shape: (attrs.output_shapes as Shape[])[i] })),
  grad: (op, dys) => {
    const result: (Tensor | null)[] = op.inputs.map(() => null);
    const fg = functionGradient(controlFlowOf(op)!.functions[0], `the function of '${op.name}'`);
    if (!fg) return result;
    const grads = callOp(fg.fn, [...op.inputs, ...fg.outputs.map((i) => dys[i] ?? zerosLike(op.outputs[i]))]);
    fg.inputs.forEach((i, k) => { result[i] = grads[k]; });
    return result;
  },
  reference: (inputs, { op }) => runFunction(controlFlowOf(op)!.functions[0], inputs),
};

function callOp(fn: GraphFunction, args: Tensor[]): Tensor[] {
  const attrs = { Tout: fn.outputs.map((t) => t.dtype), output_shapes: fn.outputs.map((t) => t.shape) };
  return [...createControlOp(Call, { kind: 'call', functions: [fn] }, args, attrs, 'Call').outputs];
}

function whileOp(condFn: GraphFunction, bodyFn: GraphFunction, vars: Tensor[], maxIter: Tensor, caps: readonly Tensor[], shapes: readonly Shape[], name: string): Tensor[] {
  const attrs = { T: vars.map((t) => t.dtype), output_shapes: [...shapes] };
  return [...createControlOp(While, { kind: 'while', functions: [condFn, bodyFn] }, [...vars, maxIter, ...caps], attrs, name).outputs];
}

function whileGrad(op: Parameters<NonNullable<OpSpec['grad']>>[0], dys: readonly (Tensor | null)[]): (Tensor | null)[] {
  const [condFn, bodyFn] = controlFlowOf(op)!.functions;
  const n = (op.attrs.T as DType[]).length;
  const result: (Tensor | null)[] = op.inputs.map(() => null);
  const bodyGrad = functionGradient(bodyFn, `the body of '${op.name}'`);
  if (!bodyGrad) return result;
  const init = op.inputs.slice(0, n), caps = op.inputs.slice(n + 1);
  // The body's inputs are [vars..., caps...]; its gradient returns grads for the float ones of both.
  const varGrads = bodyGrad.inputs.filter((i) => i < n), capGrads = bodyGrad.inputs.filter((i) => i >= n);
  // why: the body's gradient takes one dy per float output; output i is loop variable i.
  if (bodyGrad.outputs.join() !== varGrads.join()) return result;
  const dFinal = varGrads.map((i) => dys[i] ?? zerosLike(op.outputs[i]));
  const accStart = capGrads.map((i) => zerosLike(op.inputs[i + 1]));
  const loopInit = [op.outputs[n], ...dFinal, ...accStart];
  const loopShapes = loopInit.map((t, k) => (k === 0 ? [] : k <= varGrads.length ? op.outputs[varGrads[k - 1]].shape : op.inputs[capGrads[k - 1 - varGrads.length] + 1].shape));
  const g = getDefaultGraph();
  const build = (outputsOf: (j: Tensor, d: Tensor[], acc: Tensor[], initIn: Tensor[], capsIn: Tensor[]) => Tensor[], what: string) => outsideTraces(g, () => {
    const j = functionInput('int32', [], 'iteration');
    const d = varGrads.map((_, k) => functionInput(loopInit[1 + k].dtype, loopShapes[1 + k], 'dvar'));
    const acc = capGrads.map((_, k) => functionInput(loopInit[1 + varGrads.length + k].dtype, loopShapes[1 + varGrads.length + k], 'dcapture'));
    const initIn = init.map((t) => functionInput(t.dtype, t.shape, 'initial'));
    const capsIn = caps.map((t) => functionInput(t.dtype, t.shape, 'capture'));
    const inputs = [j, ...d, ...acc, ...initIn, ...capsIn];
    return makeFunction(inputs, outputsOf(j, d, acc, initIn, capsIn), what);
  });
  const gradCond = build((j) => [greater(j, 0)], `the gradient condition of '${op.name}'`);
  const gradBody = build((j, d, acc, initIn, capsIn) => {
    const k = sub(j, 1);
    const state = whileOp(condFn, bodyFn, initIn, k, capsIn, init.map((t, i) => (op.outputs[i].shape ?? t.shape)), 'recompute').slice(0, n);
    const grads = callOp(bodyGrad.fn, [...state, ...capsIn, ...d]);
    return [k, ...grads.slice(0, varGrads.length), ...acc.map((a, c) => add(a, grads[varGrads.length + c]))];
  }, `the gradient body of '${op.name}'`);
  const maxIter = convertToTensor(INT32_MAX, { dtype: 'int32', name: 'maximum_iterations' });
  const outs = whileOp(gradCond, gradBody, loopInit, maxIter, [...init, ...caps], loopShapes, 'While');
  varGrads.forEach((i, k) => { result[i] = outs[1 + k]; });
  capGrads.forEach((i, c) => { result[i + 1] = outs[1 + varGrads.length + c]; });
  return result;
}

export interface WhileLoopOptions {
  /** Stop after this many iterations even if cond still holds (TF1's maximum_iterations). */
  maximumIterations?: TensorLike;
  /** Per loop variable, the least specific shape it may take across iterations (null dims vary). */
  shapeInvariants?: readonly (Shape | undefined)[];
  /** TF1's return_same_structure: a single loop variable comes back in its list too. */
  returnSameStructure?: boolean;
  /** TF1's back_prop: false stops gradients at the loop's outputs. */
  backProp?: boolean;
  /** Accepted for TF1 programs; iterations run one after another here. */
  parallelIterations?: number;
  /** Accepted for TF1 programs; there is no device memory to swap. */
  swapMemory?: boolean;
  name?: string;
}

/** What tf.whileLoop returns: the final loop variables (a single one unwrapped, as TF1 does). */
export type WhileResult<T> = T extends readonly [unknown] ? Traced<T[0]> : Traced<T>;

/** Whether `s` is at most as specific as `invariant` (each invariant dim unknown or equal). */
function fitsInvariant(s: Shape, invariant: Shape): boolean {
  if (invariant === null) return true;
  if (s === null || s.length !== invariant.length) return false;
  return invariant.every((d, i) => d === null || d === s[i]);
}

/**
 * TF1's tf.while_loop: `loopVars = body(...loopVars)` while `cond(...loopVars)` holds; returns
 * the final loop variables in the structure of loopVars. cond and body are traced once now; the
 * loop runs at run time (never unrolled). A body must keep each variable's dtype and shape
 * (or a shape invariant given for it).
 * @example const [i, x] = tf.whileLoop((i, x) => i.less(10), (i, x) => [i.add(1), x.mul(2)], [tf.constant(0, {dtype: 'int32'}), x0])
 */
export function whileLoop<const T extends readonly unknown[] | Record<string, unknown> | Tensor>(
  cond: (...vars: any[]) => TensorLike, body: (...vars: any[]) => unknown, loopVars: T, opts: WhileLoopOptions | readonly (Shape | undefined)[] = {}): WhileResult<T> {
  if (typeof cond !== 'function' || typeof body !== 'function') {
    throw new InvalidArgumentError(`tf.whileLoop: cond and body must be functions (got ${typeof cond} and ${typeof body}).`);
  }
  const o: WhileLoopOptions = Array.isArray(opts) ? { shapeInvariants: opts } : (opts as WhileLoopOptions);
  const known = ['maximumIterations', 'shapeInvariants', 'returnSameStructure', 'backProp', 'parallelIterations', 'swapMemory', 'name'];
  const unknown = Object.keys(o).filter((k) => !known.includes(k));
  if (unknown.length) throw new InvalidArgumentError(`tf.whileLoop: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; accepted: ${known.join(', ')}.`);
  return nameScope(o.name ?? 'while', (scope) => {
    const loopName = `tf.whileLoop '${scope.slice(0, -1)}'`;
    const leaves = flatten(loopVars);
    if (!leaves.length) throw new InvalidArgumentError(`${loopName}: loopVars is empty; pass at least one loop variable.`);
    const init = leaves.map((v, i) => convertToTensor(v as TensorLike, { what: `${loopName}: loop variable ${i}` }));
    const inv = o.shapeInvariants ? flatten(o.shapeInvariants as unknown[]) : undefined;
    if (inv && o.shapeInvariants!.length !== init.length) {
      throw new InvalidArgumentError(`${loopName}: ${o.shapeInvariants!.length} shapeInvariants for ${init.length} loop variables; give one per variable (undefined keeps its shape).`);
    }
    const shapes: Shape[] = init.map((t, i) => {
      const s = o.shapeInvariants?.[i];
      if (s === undefined) return t.shape;
      if (!fitsInvariant(t.shape, s)) throw new InvalidArgumentError(`${loopName}: loop variable ${i} (${t}) enters the loop with shape ${formatShape(t.shape)}, but the specified shape invariant is ${formatShape(s)}.`);
      return s;
    });
    const max = o.maximumIterations === undefined ? convertToTensor(INT32_MAX, { dtype: 'int32', name: 'maximum_iterations' })
      : convertToTensor(o.maximumIterations, { dtype: 'int32', what: `${loopName} maximumIterations` });
    if (max.shape !== null && max.shape.length !== 0) throw new InvalidArgumentError(`${loopName}: maximumIterations ${max} must be a scalar, but has shape ${formatShape(max.shape)}.`);
    const captures = new Captures(getDefaultGraph(), loopName);
    const args = (what: string) => init.map((t, i) => functionInput(t.dtype, shapes[i], `${what}_${i}`));
    const spread = (vs: Tensor[]) => {
      const s = pack(loopVars instanceof Tensor ? vs[0] : loopVars, vs);
      return Array.isArray(s) ? s : [s];
    };
    const condArgs = args('loop_var');
    const c = captures.trace(() => cond(...spread(condArgs)));
    if (c.outputs.length !== 1 || c.outputs[0].dtype !== 'bool' || (c.outputs[0].shape !== null && c.outputs[0].shape.length !== 0)) {
      const got = c.outputs.length === 1 ? `${c.outputs[0]}` : `${c.outputs.length} values`;
      throw new InvalidArgumentError(`${loopName}: cond must return a scalar bool tensor, got ${got}.`);
    }
    const bodyArgs = args('loop_var');
    const b = captures.trace(() => {
      const r = body(...spread(bodyArgs));
      // why: TF1 accepts a bare tensor from the body of a one-variable loop.
      return init.length === 1 && !Array.isArray(r) && Array.isArray(loopVars) ? [r] : r;
    });
    const want = loopVars instanceof Tensor ? '_' : structureText(loopVars);
    if (b.outputs.length !== init.length) {
      throw new InvalidArgumentError(`${loopName}: body returned ${b.outputs.length} value${b.outputs.length === 1 ? '' : 's'} for ${init.length} loop variable${init.length === 1 ? '' : 's'}; it must return one per loop variable, in the structure of loopVars (${want}).`);
    }
    if (structureText(b.result) !== want && !(loopVars instanceof Tensor)) {
      throw new InvalidArgumentError(`${loopName}: body returned the structure ${structureText(b.result)}, but loopVars is ${want}.`);
    }
    b.outputs.forEach((t, i) => {
      if (t.dtype !== init[i].dtype) throw new InvalidArgumentError(`${loopName}: loop variable ${i} (${init[i]}) enters the loop as ${init[i].dtype} but the body returns ${t}, of dtype ${t.dtype}; tf.cast it.`);
      if (!fitsInvariant(t.shape, shapes[i])) {
        throw new InvalidArgumentError(
          `${loopName}: input tensor '${init[i].name}' enters the loop with shape ${formatShape(shapes[i])}, but has shape ${formatShape(t.shape)} after one iteration (${t}). ` +
          'To allow the shape to vary across iterations, use the `shapeInvariants` option of tf.whileLoop to specify a less-specific shape.');
      }
    });
    const condFn = makeFunction([...condArgs, ...captures.inner], c.outputs, `the cond of ${loopName}`);
    const bodyFn = makeFunction([...bodyArgs, ...captures.inner], b.outputs, `the body of ${loopName}`);
    const loop = whileOp(condFn, bodyFn, init, max, captures.outer, shapes, scope).slice(0, init.length);
    const outs = o.backProp === false ? loop.map((t) => stopGradient(t)) : loop;
    if (loopVars instanceof Tensor) return outs[0] as WhileResult<T>;
    if (Array.isArray(loopVars) && loopVars.length === 1 && !o.returnSameStructure && !Array.isArray(loopVars[0])) return outs[0] as WhileResult<T>;
    return pack(loopVars, outs) as WhileResult<T>;
  });
}
