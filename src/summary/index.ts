// tf.summary: summary ops and the FileWriter that writes them for TensorBoard.
export { scalar, histogram, image, text, merge, mergeAll, SUMMARIES } from './ops.js';
export type { SummaryOptions } from './ops.js';
export { FileWriter } from './file_writer.js';
export type { FileWriterOptions, SerializedSummary } from './file_writer.js';
