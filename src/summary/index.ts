// tf.summary: summary ops and the FileWriter that writes them for TensorBoard.
export { scalar, histogram, image, text, merge, mergeAll, SUMMARIES } from './ops.js';
export type { SummaryOptions } from './ops.js';
export { FileWriter } from './file_writer.js';
export type { FileWriterOptions, SerializedSummary } from './file_writer.js';
export { parseEvents, readScalars } from './event_file.js';
export type { Event, ScalarSeries } from './event_file.js';
export { scalarCurvesSvg, logdirCurvesSvg, smooth } from './curves_svg.js';
export type { CurvesOptions } from './curves_svg.js';
