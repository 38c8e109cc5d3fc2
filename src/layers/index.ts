// `tf.layers`: TF1's functional layers.
export { dense, flatten, dropout } from './core.js';
export type { DenseOptions, LayerDropoutOptions } from './core.js';
export { conv2d, maxPooling2d, averagePooling2d } from './conv.js';
export type { Conv2DLayerOptions, Pooling2DOptions } from './conv.js';
export { batchNormalization, UPDATE_OPS } from './normalization.js';
export type { BatchNormalizationOptions } from './normalization.js';
export type { Activation, Regularizer } from './layer_scope.js';
export { Layer, Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Dropout, BatchNormalization } from './classes.js';
