// Reading scalar series back from a log directory, and their SVG curves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../../src/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-curves-'));
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes `values` of tag 'loss' (and a histogram, which readScalars skips) at `steps` into logdir/run. */
function writeRun(dir: string, steps: number[], values: number[]): void {
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', []);
    tf.summary.scalar('loss', x);
    tf.summary.histogram('dist', x);
    const m = tf.summary.mergeAll()!;
    using sess = new tf.Session();
    using writer = new tf.summary.FileWriter(dir, g);
    steps.forEach((s, i) => writer.addSummary(sess.run(m, new Map([[x, values[i]]])), s));
  });
}

test('readScalars: one series per run and tag, in step order, float32 values, zeros kept', () => {
  const logdir = path.join(root, 'two-runs');
  writeRun(path.join(logdir, 'b'), [20, 0, 10], [0.5, 0, 0.1]);
  writeRun(path.join(logdir, 'a', 'nested'), [1, 2], [3, 4]);
  const series = tf.summary.readScalars(logdir);
  assert.equal(series.map((s) => [s.run, s.tag]), [[path.join('a', 'nested'), 'loss'], ['b', 'loss']]);
  assert.equal(series[1].steps, [0, 10, 20]);
  assert.equal(series[1].values, [0, Math.fround(0.1), 0.5]);
  assert.equal(series[0].values, [3, 4]);
});

test('readScalars: a file in logdir itself is the run "."; a later file wins for a repeated step', () => {
  const logdir = path.join(root, 'flat');
  writeRun(logdir, [0, 1], [1, 2]);
  // the second file is named after a later second, or after the same one with a suffix .1
  writeRun(logdir, [1], [5]);
  assert.is(fs.readdirSync(logdir).length, 2);
  const [s] = tf.summary.readScalars(logdir);
  assert.equal([s.run, s.steps, s.values], ['.', [0, 1], [1, 5]]);
});

test('readScalars: a missing directory and a corrupted file fail clearly', () => {
  assert.throws(() => tf.summary.readScalars(path.join(root, 'nope')), (e: Error) => e instanceof tf.errors.NotFoundError && e.message.includes('No log directory'));
  const logdir = path.join(root, 'corrupt');
  writeRun(logdir, [0], [1]);
  const file = path.join(logdir, fs.readdirSync(logdir)[0]);
  const bytes = fs.readFileSync(file);
  bytes[bytes.length - 6] ^= 0xff;
  fs.writeFileSync(file, bytes);
  assert.throws(() => tf.summary.readScalars(logdir), (e: Error) => e instanceof tf.errors.DataLossError && e.message.includes(file) && e.message.includes('CRC mismatch'));
});

test('scalarCurvesSvg: a panel per tag, a path per run, the points where the axes put them', () => {
  const svg = tf.summary.scalarCurvesSvg([{ run: '.', tag: 'loss', steps: [0, 10], values: [1, 3] }]);
  assert.is((svg.match(/class="panel"/g) ?? []).length, 1);
  // plot area: x from 62 to 460 - 16, y from 8 + 300 - 36 (value 1) up to 8 + 26 (value 3)
  assert.ok(svg.includes('<path d="M62 272L444 34"'), 'the line from (0, 1) to (10, 3) spans the plot area');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="460" height="308"'));
  const two = tf.summary.scalarCurvesSvg([
    { run: 'train', tag: 'loss', steps: [0, 1], values: [2, 1] },
    { run: 'eval', tag: 'loss', steps: [0, 1], values: [2.5, 1.5] },
    { run: 'train', tag: 'acc <%>', steps: [0, 1], values: [0.1, 0.9] },
  ], { title: 'a & b' });
  assert.is((two.match(/class="panel"/g) ?? []).length, 2);
  assert.is((two.match(/<path /g) ?? []).length, 3);
  assert.ok(two.includes('>acc &lt;%&gt;<') && two.includes('>a &amp; b<') && two.includes('>eval<'), 'text escaped, runs in the legend');
  assert.is(two, tf.summary.scalarCurvesSvg([
    { run: 'train', tag: 'loss', steps: [0, 1], values: [2, 1] },
    { run: 'eval', tag: 'loss', steps: [0, 1], values: [2.5, 1.5] },
    { run: 'train', tag: 'acc <%>', steps: [0, 1], values: [0.1, 0.9] },
  ], { title: 'a & b' }), 'deterministic');
});

test('smoothing: TensorBoard\'s debiased moving average; the raw curve stays beside it', () => {
  assert.equal(tf.summary.smooth([1, 1, 1], 0.6), [1, 1, 1]);
  assert.equal(tf.summary.smooth([0, 1], 0.5), [0, 0.5 / 0.75]);
  const svg = tf.summary.scalarCurvesSvg([{ run: '.', tag: 't', steps: [0, 1, 2], values: [0, 1, 0] }], { smoothing: 0.5 });
  assert.is((svg.match(/<path /g) ?? []).length, 2);
  assert.throws(() => tf.summary.scalarCurvesSvg([], { smoothing: 1 }), (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes('[0, 1)'));
});

test('log scale: values at their exponents, ticks 1-2-5 per decade, non-positive values left out', () => {
  const svg = tf.summary.scalarCurvesSvg([{ run: '.', tag: 'loss', steps: [0, 1, 2], values: [1, 10, 100] }], { yScale: 'log' });
  assert.ok(svg.includes('<path d="M62 272L253 153L444 34"'), 'equal ratios are equal steps');
  const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
  assert.equal(labels, ['1', '2', '5', '10', '20', '50', '100']);
  const gap = tf.summary.scalarCurvesSvg([{ run: '.', tag: 'l', steps: [0, 1, 2], values: [1, 0, 100] }], { yScale: 'log' });
  assert.ok(gap.includes('<path d="M62 272M444 34"'), 'the zero breaks the line');
  assert.throws(() => tf.summary.scalarCurvesSvg([], { yScale: 'sqrt' as never }), (e: Error) => e.message.includes("'linear' or 'log'"));
});

test('logdirCurvesSvg: the curves of a log directory, titled with it', () => {
  const logdir = path.join(root, 'svg');
  writeRun(path.join(logdir, 'run1'), [0, 1, 2], [3, 2, 1]);
  const svg = tf.summary.logdirCurvesSvg(logdir);
  assert.ok(svg.includes(`>${logdir}<`));
  assert.is((svg.match(/<path /g) ?? []).length, 1);
  assert.ok(tf.summary.scalarCurvesSvg([]).includes('no scalar summaries'));
});

test.run();
