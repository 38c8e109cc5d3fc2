// Summary ops: the Summary protocol buffers they produce (decoded with the test's own parser),
// compiled runs equal to the interpreter's, string tensors, and the errors of bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import zlib from 'node:zlib';
import * as tf from '../../src/index.js';
import { fresh } from '../_lib/op_cases.js';
import { decode, SUMMARY } from '../_lib/event_reader.js';
import { decodeMessage } from '../../src/summary/proto.js';

const both = ['compiled', 'interpreter'] as const;

/** Runs `t` with each executor (checking the compiled one really compiled) and decodes the Summary. */
function summaryOf(t: tf.Tensor, feeds?: tf.FeedDict): any {
  const bytes = both.map((executor) => {
    using sess = new tf.Session({ graph: t.graph, executor });
    const b = sess.run(t, feeds);
    if (executor === 'compiled') assert.ok(sess._planFor(t, feeds), 'the plan is compiled');
    assert.instance(b, Uint8Array);
    return b as Uint8Array;
  });
  assert.equal([...bytes[0]], [...bytes[1]], 'compiled and interpreted summaries differ');
  return decode(bytes[0], SUMMARY);
}

/** Pixels of a PNG made of stored or deflated IDAT data with filter type 0 on every row. */
function pngPixels(png: Uint8Array): { width: number; height: number; colorType: number; rows: number[][] } {
  const v = new DataView(png.buffer, png.byteOffset);
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8, width = 0, height = 0, colorType = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = v.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    assert.is(v.getUint32(at + 8 + len), zlib.crc32(png.subarray(at + 4, at + 8 + len)), `CRC of ${type}`);
    if (type === 'IHDR') { width = v.getUint32(at + 8); height = v.getUint32(at + 12); colorType = data[9]; }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = raw.length / height;
  const rows = Array.from({ length: height }, (_, y) => {
    assert.is(raw[y * stride], 0, 'filter type');
    return [...raw.subarray(y * stride + 1, (y + 1) * stride)];
  });
  return { width, height, colorType, rows };
}

test('scalar: tag from the name scope, value as float32, the op named as TF1 names it', () => fresh(() => {
  const x = tf.placeholder('float32', [null]);
  const s = tf.nameScope('train', () => tf.summary.scalar('loss', tf.reduceMean(x)));
  assert.is(s.op.name, 'train/loss');
  assert.is(s.op.type, 'ScalarSummary');
  assert.is(s.dtype, 'string');
  assert.equal(s.shape, []);
  assert.is(s.op.inputs[0].op.name, 'train/loss/tags');
  const sum = summaryOf(s, new Map([[x, [0.1, 0.2, 0.4]]]));
  assert.equal(sum.value, [{ tag: 'train/loss', simple_value: Math.fround(Math.fround(0.7) / 3) }]);
}));

test('scalar: a second summary of the same name gets a unique tag; int values become floats', () => fresh(() => {
  const a = tf.summary.scalar('n', tf.constant(3, { dtype: 'int32' }));
  const b = tf.summary.scalar('n', tf.constant(-7, { dtype: 'int32' }));
  assert.equal(summaryOf(a).value, [{ tag: 'n', simple_value: 3 }]);
  assert.equal(summaryOf(b).value, [{ tag: 'n_1', simple_value: -7 }]);
  const argmax = tf.summary.scalar('best', tf.argmax(tf.constant([0.1, 0.7, 0.2]), 0));
  assert.is(argmax.op.inputs[1].dtype, 'int64');
  assert.equal(summaryOf(argmax).value, [{ tag: 'best', simple_value: 1 }]);
}));

test('histogram: counts in TF\'s default buckets, empty runs merged', () => fresh(() => {
  const h = tf.summary.histogram('h', tf.constant([0, 5, 0], { dtype: 'float64' }));
  const [v] = summaryOf(h).value;
  assert.is(v.tag, 'h');
  // the edge 5 falls under: the first of 1e-12·1.1^k above 5, and the one before it
  let prev = 0, edge = 1e-12;
  while (edge <= 5) { prev = edge; edge *= 1.1; }
  // proto3 leaves out fields equal to zero (min here), so a reader's default stands in
  assert.equal({ min: 0, ...v.histo }, {
    min: 0, max: 5, num: 3, sum: 5, sum_squares: 25,
    bucket_limit: [0, 1e-12, prev, edge, Number.MAX_VALUE],
    bucket: [0, 2, 0, 1, 0],
  });
}));

test('histogram: NaN or an infinity fails the run naming the tag', () => fresh(() => {
  const x = tf.placeholder('float32', [2]);
  const h = tf.summary.histogram('weights', x);
  for (const executor of both) {
    using sess = new tf.Session({ executor });
    assert.throws(() => sess.run(h, new Map([[x, [1, NaN]]])), (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes('Nan in summary histogram for: weights'));
    assert.throws(() => sess.run(h, new Map([[x, [Infinity, 1]]])), (e: Error) => e.message.includes('Infinity in summary histogram for: weights'));
  }
}));

test('image: float images rescaled per image (all >= 0: max -> 255; negatives: 0 -> 127), tags name/image/i', () => fresh(() => {
  const batch = tf.constant([[[[0], [0.5]], [[1], [2]]], [[[-1], [0]], [[1], [0.5]]], [[[9], [9]], [[9], [9]]]]);
  const s = tf.summary.image('digits', batch, 2);
  const values = summaryOf(s).value;
  assert.equal(values.map((v: any) => v.tag), ['digits/image/0', 'digits/image/1']);
  assert.equal(values.map((v: any) => [v.image.height, v.image.width, v.image.colorspace]), [[2, 2, 1], [2, 2, 1]]);
  const p0 = pngPixels(values[0].image.encoded_image_string);
  assert.equal([p0.width, p0.height, p0.colorType], [2, 2, 0]);
  assert.equal(p0.rows, [[0, 64], [128, 255]]);
  assert.equal(pngPixels(values[1].image.encoded_image_string).rows, [[0, 127], [254, 191]]);
}));

test('image: uint8 RGB used as is; one output gives the tag name/image; NaN pixels are red', () => fresh(() => {
  const rgb = tf.constant([[[[10, 20, 30], [40, 50, 60]]]], { dtype: 'uint8' });
  const [v] = summaryOf(tf.summary.image('rgb', rgb, 1)).value;
  assert.is(v.tag, 'rgb/image');
  const p = pngPixels(v.image.encoded_image_string);
  assert.equal([p.colorType, p.rows], [2, [[10, 20, 30, 40, 50, 60]]]);
  const bad = tf.constant([[[[NaN, 0, 0], [1, 1, 1]]]]);
  const [b] = summaryOf(tf.summary.image('bad', bad, 1)).value;
  assert.equal(pngPixels(b.image.encoded_image_string).rows, [[255, 0, 0, 255, 255, 255]]);
}));

test('text: a string tensor with the text plugin\'s metadata', () => fresh(() => {
  const [v] = summaryOf(tf.summary.text('notes', ['first *run*', 'ünïcode'])).value;
  assert.is(v.tag, 'notes');
  assert.is(v.metadata.plugin_data.plugin_name, 'text');
  assert.is(v.tensor.dtype, 7);
  assert.equal(v.tensor.tensor_shape, { dim: [{ size: 2 }] });
  assert.equal(v.tensor.string_val.map((b: Uint8Array) => new TextDecoder().decode(b)), ['first *run*', 'ünïcode']);
}));

test('family: the tag and the op scope start with the family, as TF1\'s summary_scope makes them', () => fresh(() => {
  const s = tf.summary.scalar('loss', tf.constant(2), { family: 'train' });
  assert.is(s.op.name, 'train/loss');
  assert.equal(summaryOf(s).value, [{ tag: 'train/train/loss', simple_value: 2 }]);
  assert.is(tf.summary.scalar('bad name!', tf.constant(1)).op.name, 'bad_name_', 'characters TensorBoard cannot use become _');
}));

test('text of a fed string placeholder (a common TF1 pattern)', () => fresh(() => {
  const note = tf.placeholder(tf.string, [], 'note');
  const s = tf.summary.text('log', note);
  for (const msg of ['first', 'second *run*']) {
    const [v] = summaryOf(s, new Map([[note, msg]])).value;
    assert.equal(v.tensor.string_val.map((b: Uint8Array) => new TextDecoder().decode(b)), [msg]);
    assert.equal(v.tensor.tensor_shape ?? {}, {}, 'a scalar');
  }
}));

test('merge / mergeAll: every summary of the collection in one, in creation order; null when none', () => fresh((g) => {
  assert.is(tf.summary.mergeAll(), null);
  const x = tf.placeholder('float32', []);
  tf.summary.scalar('a', x);
  tf.summary.scalar('b', x.mul(2));
  tf.summary.scalar('hidden', x, ['other']);
  const m = tf.summary.mergeAll()!;
  assert.is(m.op.name, 'Merge/MergeSummary');
  assert.is(g.getCollection('other').length, 1);
  const sum = summaryOf(m, new Map([[x, 1.5]]));
  assert.equal(sum.value, [{ tag: 'a', simple_value: 1.5 }, { tag: 'b', simple_value: 3 }]);
  assert.equal(summaryOf(tf.summary.merge([m, tf.summary.mergeAll('other')!]), new Map([[x, 1]])).value.map((v: any) => v.tag), ['a', 'b', 'hidden']);
}));

test('the summary kernels\' wire writer and the schema the readers use agree on every field', () => fresh(() => {
  const x = tf.constant([[[[0.25], [1]]]]);
  const m = tf.summary.merge([tf.summary.scalar('s', tf.constant(1.5)), tf.summary.histogram('h', tf.constant([1, 2])),
    tf.summary.image('i', x, 1), tf.summary.text('t', 'words')]);
  const bytes = new tf.Session().run(m) as Uint8Array;
  const mine = decode(bytes, SUMMARY).value;
  const schema = decodeMessage<any>('Summary', bytes).value;
  assert.equal(schema.map((v: any) => v.tag), ['s', 'h', 'i/image', 't']);
  assert.is(schema[0].simple_value, mine[0].simple_value);
  assert.equal([schema[1].histo.bucket, schema[1].histo.bucket_limit, schema[1].histo.sum], [mine[1].histo.bucket, mine[1].histo.bucket_limit, 3]);
  assert.equal([schema[2].image.height, schema[2].image.width, schema[2].image.colorspace], [1, 2, 1]);
  assert.equal([...schema[2].image.encoded_image_string], [...mine[2].image.encoded_image_string]);
  assert.equal([schema[3].tensor.dtype, schema[3].metadata.plugin_data.plugin_name], [7, 'text']);
  assert.equal(new TextDecoder().decode(schema[3].tensor.string_val[0]), 'words');
}));

test('merge: a duplicate tag fails the run', () => fresh(() => {
  const s = tf.summary.scalar('a', tf.constant(1));
  const m = tf.summary.merge([s, s]);
  for (const executor of both) {
    using sess = new tf.Session({ executor });
    assert.throws(() => sess.run(m), (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes('Duplicate tag a found in summary inputs'));
  }
}));

test('string tensors: constants, identity and fetched bytes; numeric ops refuse them', () => fresh(() => {
  const c = tf.constant('héllo');
  assert.is(c.dtype, 'string');
  for (const executor of both) {
    using sess = new tf.Session({ executor });
    assert.equal([...(sess.run(tf.identity(c)) as Uint8Array)], [...new TextEncoder().encode('héllo')]);
    assert.is(sess.run(tf.constant([['a', "it's"]])).toString(), "array([[b'a', b'it\\'s']], dtype=object)");
  }
  const bad = (f: () => unknown, text: string) => assert.throws(f, (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes(text));
  bad(() => tf.add(c, c), 'Add does not support string');
  bad(() => tf.cast(c, 'float32'), "Cast 'Cast' does not support string tensors");
  bad(() => tf.constant('a', { dtype: 'float32' }), "use dtype 'string'");
  bad(() => tf.constant(['a', 1] as never), 'must all be strings');
}));

test('bad input: clear errors at graph-build time, and no op is added', () => fresh((g) => {
  const [vec, flag, str, rank3, twoChannels, image, one] = [tf.constant([1, 2]), tf.constant(true), tf.constant('x'),
    tf.zeros([2, 3, 3]), tf.zeros([1, 3, 3, 2]), tf.zeros([1, 3, 3, 1]), tf.constant(1)];
  const bad = (f: () => unknown, text: string) => {
    const before = g.getOperations().length;
    const summaries = g.getCollection('summaries').length;
    assert.throws(f, (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes(text), text);
    assert.is(g.getCollection('summaries').length, summaries, 'nothing collected');
    assert.is(g.getOperations().length, before, 'no op added');
  };
  bad(() => tf.summary.scalar('v', vec), 'tags and values are not the same shape: [] != [2]');
  bad(() => tf.summary.scalar('flag', flag), 'ScalarSummary');
  bad(() => tf.summary.histogram('s', str), 'does not support string');
  bad(() => tf.summary.image('im', rank3), 'Tensor must be 4-D with last dim 1, 3, or 4, not [2,3,3]');
  bad(() => tf.summary.image('im', twoChannels), 'not [1,3,3,2]');
  bad(() => tf.summary.image('im', image, 0), 'maxOutputs must be a positive integer');
  bad(() => tf.summary.text('t', one as never), 'needs a string tensor');
  bad(() => tf.summary.merge([one]), 'is not a summary');
  bad(() => tf.summary.merge([]), 'at least one');
  assert.is(g.getOperations().filter((o) => o.type.endsWith('Summary')).length, 0, 'no summary op was created');
}));

test.run();
