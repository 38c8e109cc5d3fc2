// `tf.nn`: the neural-network functions, as TF1's tf.nn namespace.
export {
  relu, softmax, logSoftmax, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits,
  weightedCrossEntropyWithLogits,
} from './ops/nn.js';
export type { CrossEntropyArgs } from './ops/nn.js';
// why: tfgen's softmax cross entropy already lets gradients reach the labels, which is what TF1's _v2 adds.
export { softmaxCrossEntropyWithLogits as softmaxCrossEntropyWithLogitsV2 } from './ops/nn.js';
export { sigmoid, tanh } from './ops/math_unary.js';
export { relu6, elu, selu, softplus, softsign, leakyRelu, swish, crelu } from './ops/activations.js';
export { biasAdd, xwPlusB } from './ops/bias_add.js';
export type { BiasAddOptions } from './ops/bias_add.js';
export { dropout } from './ops/dropout.js';
export type { DropoutOptions } from './ops/dropout.js';
export {
  l2Loss, l2Normalize, moments, batchNormalization, zeroFraction, localResponseNormalization, localResponseNormalization as lrn,
} from './ops/normalization.js';
export { embeddingLookup } from './ops/embedding.js';
export type { EmbeddingLookupOptions } from './ops/embedding.js';
export type { L2NormalizeOptions, LrnOptions, MomentsOptions } from './ops/normalization.js';
export { conv1d, conv2d, conv2dBackpropInput, conv2dBackpropFilter, conv2dTranspose } from './ops/conv.js';
export type { Conv2DOptions } from './ops/conv.js';
export { depthwiseConv2d, separableConv2d } from './ops/depthwise.js';
export { maxPool, avgPool } from './ops/pool.js';
export { topK, inTopK } from './ops/top_k.js';
export type { PoolOptions } from './ops/pool.js';
