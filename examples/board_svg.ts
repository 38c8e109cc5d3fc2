// The scalar curves of a TensorBoard log directory as an SVG, for a look without TensorBoard:
//   node --import tsx examples/board_svg.ts <logdir> [out.svg] [--smoothing 0.6]
// Each folder with event files is a run (one coloured line); each tag gets a panel.
import fs from 'node:fs';
import * as tf from '../src/index.js';

const args = process.argv.slice(2);
const flag = args.indexOf('--smoothing');
const smoothing = flag >= 0 ? Number(args.splice(flag, 2)[1]) : 0;
const [logdir, out = 'board.svg'] = args;
if (!logdir) {
  console.error('usage: board_svg.ts <logdir> [out.svg] [--smoothing 0.6]');
  process.exit(2);
}
try {
  const series = tf.summary.readScalars(logdir);
  fs.writeFileSync(out, tf.summary.scalarCurvesSvg(series, { title: logdir, smoothing }));
  console.log(`${out}: ${series.length} series (${[...new Set(series.map((s) => s.tag))].join(', ') || 'no scalars'}) from ${logdir}`);
} catch (e) {
  // why: a missing directory or a corrupt event file is the user's input, not a crash: say it plainly.
  if (!(e instanceof tf.errors.OpError)) throw e;
  console.error(`board_svg: ${e.message}`);
  process.exit(1);
}
