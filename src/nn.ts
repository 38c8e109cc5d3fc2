// `tf.nn`: the neural-network functions, as TF1's tf.nn namespace.
export { relu, softmax, logSoftmax, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from './ops/nn.js';
export type { CrossEntropyArgs } from './ops/nn.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter } from './ops/conv.js';
export type { Conv2DOptions } from './ops/conv.js';
export { maxPool, avgPool } from './ops/pool.js';
export type { PoolOptions } from './ops/pool.js';
