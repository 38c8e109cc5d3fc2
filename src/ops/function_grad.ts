// The gradient of a graph function, as another graph function: it takes the function's inputs
// and one upstream gradient per differentiable output, recomputes the forward ops (they are the
// same graph ops, reached from the gradients) and returns one gradient per differentiable input.
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph.js';
import { gradients } from '../gradients.js';
import { zerosLike } from './array.js';
import { differentiable, functionInput, makeFunction, outsideTraces, type GraphFunction } from './functions.js';

export interface FunctionGradient {
  readonly fn: GraphFunction;
  /** Indices of the function's outputs that take an upstream gradient (fn's inputs after the forward inputs). */
  readonly outputs: readonly number[];
  /** Indices of the function's inputs that get a gradient (fn's outputs, in order). */
  readonly inputs: readonly number[];
}

/** The gradient function of `fn`, or null when no gradient can flow (no float input or output). */
export function functionGradient(fn: GraphFunction, what: string): FunctionGradient | null {
  const outIdx = fn.outputs.flatMap((t, i) => (differentiable(t) ? [i] : []));
  const inIdx = fn.inputs.flatMap((t, i) => (differentiable(t) ? [i] : []));
  if (!outIdx.length || !inIdx.length) return null;
  const assign = fn.ops.find((op) => op.spec.writesState);
  if (assign) {
    throw new InvalidArgumentError(`tf.gradients through ${what} is not supported: it assigns a variable (${assign.type} '${assign.name}'), which the gradient would run again.`, assign);
  }
  const g = fn.outputs[0].graph;
  return outsideTraces(g, () => {
    const dys = outIdx.map((i) => functionInput(fn.outputs[i].dtype, fn.outputs[i].shape, 'dy'));
    const xs = inIdx.map((i) => fn.inputs[i]);
    const grads = gradients(outIdx.map((i) => fn.outputs[i]), xs, dys);
    const outs: Tensor[] = grads.map((gr, k) => gr ?? zerosLike(xs[k]));
    return { fn: makeFunction([...fn.inputs, ...dys], outs, `the gradient of ${what}`), outputs: outIdx, inputs: inIdx };
  });
}
