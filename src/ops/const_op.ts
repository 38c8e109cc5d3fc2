// The Const op: a value fixed when the graph is built. On its own so that every op module
// (through define_op's convertToTensor) can make constants without importing sources.ts.
import type { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';

export const Const: OpSpec = {
  type: 'Const',
  acceptsStrings: true,
  lower: (ctx, op) => [ctx.constant(op.attrs.value as NDArray)],
  infer: ({ attrs }) => {
    const v = attrs.value as NDArray;
    return [{ dtype: v.dtype, shape: [...v.shape] }];
  },
  constant: (op) => op.attrs.value as NDArray,
  reference: (_, { op }) => [op.attrs.value as NDArray],
};
