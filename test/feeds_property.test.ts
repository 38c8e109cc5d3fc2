// Property test over feeds: random JS values — every typed-array class, NDArrays, nested arrays
// with holes and ragged rows, NaN/±Infinity/−0, huge and fractional numbers, BigInts, strings,
// objects with odd keys — fed to placeholders of every dtype and static shape, on both executors.
// Each run gives exactly the value numpy.asarray(value, dtype) gives (modelled below, apart from
// the code under test), or, where numpy's result is undefined or an error, an InvalidArgumentError
// naming the placeholder. Never a raw JS error, never a result of another dtype.
// A failure prints fast-check's seed; replay with FC_SEED=<seed> (FC_RUNS=<n> runs more cases):
//   FC_SEED=<seed> node --import tsx test/feeds_property.test.ts
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import * as tf from '../src/index.js';
import { stringArray } from '../src/strings.js';

const RUNS = Number(process.env.FC_RUNS ?? 400);
const NUMERIC = ['float32', 'float64', 'int32', 'int64', 'int16', 'int8', 'uint8', 'bool'] as const;
const DTYPES = [...NUMERIC, 'string'] as const;
type DType = (typeof DTYPES)[number];
type NumericDType = (typeof NUMERIC)[number];
const STORAGE = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: Float64Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array };
const BITS: Partial<Record<DType, [bits: number, signed: boolean]>> = { int32: [32, true], int64: [64, true], int16: [16, true], int8: [8, true], uint8: [8, false] };
/** tfgen's int64 holds the integers its float64 storage holds exactly; beyond, it refuses. */
const INT64_EXACT = 2n ** 53n - 1n;

// ---- the model: numpy.asarray(value, dtype) as TF1's session.py applies it ----------------------

/** numpy's refusal (an error, or a value the C standard leaves undefined). */
const REFUSE = Symbol('refuse');
type Elem = number | typeof REFUSE;

function intBounds(dt: DType): [bigint, bigint] {
  const [bits, signed] = BITS[dt]!;
  return signed ? [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n] : [0n, (1n << BigInt(bits)) - 1n];
}

/** The float32 nearest an integer, ties to even, found by comparing exact distances. */
function nearestFloat32(v: bigint): number {
  if (v >= -(2n ** 24n) && v <= 2n ** 24n) return Number(v); // exact in float32
  const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
  f32[0] = Number(v);
  const bits = u32[0];
  const candidates = [bits - 1, bits, bits + 1].map((b) => { u32[0] = b >>> 0; return f32[0]; }).filter(Number.isFinite);
  let best = candidates[0], bestD = -1n;
  for (const c of candidates) {
    const d = BigInt(c) > v ? BigInt(c) - v : v - BigInt(c);
    f32[0] = c;
    const even = (u32[0] & 1) === 0;
    if (bestD < 0n || d < bestD || (d === bestD && even)) { best = c; bestD = d; }
  }
  return best;
}

/** An exact integer (a Python int, or an element of an integer array) into dt; `wrap`: numpy's array cast. */
function fromInteger(v: bigint, dt: DType, wrap: boolean): Elem {
  if (dt === 'bool') return v !== 0n ? 1 : 0;
  if (dt === 'float64') return Number(v);
  if (dt === 'float32') return nearestFloat32(v);
  const [lo, hi] = intBounds(dt);
  let w = v;
  if (v < lo || v > hi) {
    if (!wrap) return REFUSE;
    const span = hi - lo + 1n;
    w = (((v - lo) % span) + span) % span + lo;
  }
  if (dt === 'int64' && (w > INT64_EXACT || w < -INT64_EXACT)) return REFUSE;
  return Number(w);
}

/** A double (a Python float, or an element of a float array) into dt. */
function fromDouble(v: number, dt: DType): Elem {
  if (dt === 'bool') return Number.isNaN(v) || v !== 0 ? 1 : 0;
  if (dt === 'float64') return v;
  if (dt === 'float32') return Math.fround(v);
  if (!Number.isFinite(v)) return REFUSE;
  const [lo, hi] = intBounds(dt);
  const t = BigInt(Math.trunc(v));
  if (dt === 'int64' && (t > INT64_EXACT || t < -INT64_EXACT)) return REFUSE;
  return t >= lo && t <= hi ? Number(t) : REFUSE;
}

/** A JS scalar as numpy sees the Python object it stands for. */
function fromScalar(v: unknown, dt: DType): Elem {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return fromInteger(v, dt, false);
  if (typeof v !== 'number') return REFUSE;
  // an integer-valued number is a Python int for integer dtypes (it must fit), a float otherwise
  if (BITS[dt] && Number.isInteger(v)) return fromInteger(BigInt(v), dt, false);
  return fromDouble(v, dt);
}

const FLOAT_ARRAYS = new Set(['Float32Array', 'Float64Array']);
const isTyped = (v: unknown): v is ArrayLike<number | bigint> & ArrayBufferView => ArrayBuffer.isView(v) && !(v instanceof DataView);

/** Elements of a typed array or NDArray (numpy's unsafe array cast). */
function fromArray(data: ArrayLike<number | bigint>, floatSource: boolean, dt: DType): Elem[] {
  return Array.from(data as ArrayLike<number>, (e: number | bigint) =>
    typeof e === 'bigint' ? fromInteger(e, dt, true) : floatSource ? fromDouble(e, dt) : fromInteger(BigInt(e), dt, true));
}

interface Modelled { shape: number[]; values: (Elem | string)[] }

/** A string tensor takes strings (or a string NDArray) only, in numpy's rectangular shapes. */
function modelStrings(v: unknown): Modelled | typeof REFUSE {
  if (v instanceof tf.NDArray) return v.dtype === 'string' ? { shape: [...v.shape], values: (v.data as unknown as Uint8Array[]).map((b) => new TextDecoder().decode(b)) } : REFUSE;
  if (typeof v === 'string') return { shape: [], values: [v] };
  if (!Array.isArray(v) || v.length === 0) return REFUSE;
  const parts = [];
  for (let i = 0; i < v.length; i++) {
    const m = i in v && !(v[i] instanceof tf.NDArray) ? modelStrings(v[i]) : REFUSE;
    if (m === REFUSE) return REFUSE;
    parts.push(m);
  }
  const inner = parts[0].shape;
  if (parts.some((p) => p.shape.length !== inner.length || p.shape.some((d, k) => d !== inner[k]))) return REFUSE;
  return { shape: [v.length, ...inner], values: parts.flatMap((p) => p.values) };
}

/** numpy's shape rules for a nested value: every sibling has the same shape. */
function model(v: unknown, dt: DType): Modelled | typeof REFUSE {
  if (dt === 'string') return modelStrings(v);
  if (v instanceof tf.NDArray && v.dtype === 'string') return REFUSE;
  if (v instanceof tf.NDArray) return { shape: [...v.shape], values: fromArray(v.data, v.dtype.startsWith('float'), dt) };
  if (isTyped(v)) return { shape: [v.length], values: fromArray(v, FLOAT_ARRAYS.has(v.constructor.name), dt) };
  if (Array.isArray(v)) {
    const parts: Modelled[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return REFUSE;
      const m = model(v[i], dt);
      if (m === REFUSE) return REFUSE;
      parts.push(m);
    }
    const inner = parts[0]?.shape ?? [];
    if (parts.some((p) => p.shape.length !== inner.length || p.shape.some((d, k) => d !== inner[k]))) return REFUSE;
    return { shape: [v.length, ...inner], values: parts.flatMap((p) => p.values) };
  }
  const e = fromScalar(v, dt);
  return e === REFUSE ? REFUSE : { shape: [], values: [e] };
}

/** The fed value's shape after TF1's placeholder rules: a flat typed array fills the static shape. */
function feedShape(v: unknown, m: Modelled, staticShape: (number | null)[] | null): number[] | typeof REFUSE {
  let shape = m.shape;
  if (isTyped(v) && staticShape !== null && staticShape.length !== 1) {
    const n = m.values.length;
    const unknown = staticShape.filter((d) => d === null).length;
    const known = staticShape.reduce<number>((p, d) => p * (d ?? 1), 1);
    if (unknown === 0 && known === n) shape = staticShape as number[];
    else if (unknown === 1 && known > 0 && n % known === 0) shape = staticShape.map((d) => d ?? n / known);
    else return REFUSE;
  }
  if (staticShape !== null && (staticShape.length !== shape.length || staticShape.some((d, i) => d !== null && d !== shape[i]))) return REFUSE;
  return shape;
}

// ---- random values ---------------------------------------------------------------------------------

const EDGE_NUMBERS = [0, -0, 0.5, -0.5, 1.5, -1.5, 127, 127.9, 128, -128.9, -129, 255, 255.5, 256, -1, 32767, 32768, -32769,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 31 - 0.5, 2 ** 53, 2 ** 53 + 2, 1e20, 1e300, -1e-300, 5e-324,
  3.4028235677973366e38, 3.5e38, NaN, Infinity, -Infinity];
const number = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.double(), fc.integer({ min: -300, max: 300 }), fc.integer());
const scalar = fc.oneof({ weight: 6, arbitrary: number }, fc.boolean(), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }));

const ODD_OBJECTS: (() => unknown)[] = [
  () => ({ ['__proto__']: 1 }), () => ({ length: 2, 0: 1, 1: 2 }), () => ({ constructor: null }), () => ({ toString: 5, valueOf: 'x' }),
  () => ({ data: new Float32Array(1), shape: [1], dtype: 'float32' }), () => Object.create(null), () => new Map([[0, 1]]),
  () => new DataView(new ArrayBuffer(4)), () => new ArrayBuffer(8), () => Symbol('s'), () => () => 1, () => new Date(0),
];
const bad = fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom(null, undefined, '1', '', 'NaN'),
  fc.constantFrom(...ODD_OBJECTS).map((make) => make()));

const len = { maxLength: 5 };
const typedArray = fc.oneof(
  fc.float32Array(len), fc.float64Array(len), fc.int8Array(len), fc.uint8Array(len), fc.uint8ClampedArray(len),
  fc.int16Array(len), fc.uint16Array(len), fc.int32Array(len), fc.uint32Array(len), fc.bigInt64Array(len), fc.bigUint64Array(len),
  fc.array(number, len).map((a) => Float64Array.from(a)), fc.array(number, len).map((a) => Float32Array.from(a)),
);
const ndarray = fc.tuple(fc.constantFrom(...NUMERIC), fc.array(number, len)).map(([dt, vals]) => {
  const data = new STORAGE[dt](vals.length);
  // why: an NDArray's data holds its dtype's values (bool 0/1; int64 integers its float64 holds exactly).
  const int64 = (x: number): number => (Number.isFinite(x) ? (Math.trunc(x) % 2 ** 53) + 0 : 0);
  vals.forEach((x, i) => { data[i] = dt === 'bool' ? (x !== 0 ? 1 : 0) : dt === 'int64' ? int64(x) : x; });
  return new tf.NDArray(data, [vals.length], dt);
});
const text = fc.string({ maxLength: 4 });
const strings = fc.oneof(text, fc.array(text, len), fc.array(fc.array(text, { minLength: 2, maxLength: 2 }), len),
  fc.array(text, len).map((a) => stringArray(a)));

/** A rectangular nested array of the given shape (what users mostly feed). */
const rectangular = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((shape) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return fc.array(scalar, { minLength: n, maxLength: n }).map((vals) => {
    let k = 0;
    const build = (axis: number): unknown => (axis === shape.length ? vals[k++] : Array.from({ length: shape[axis] }, () => build(axis + 1)));
    return build(0);
  });
});
/** Arbitrary trees: mostly ragged, with typed-array and NDArray rows, bad leaves and holes. */
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar }, bad, typedArray, ndarray,
    fc.array(tie('node'), { maxLength: 3 }), fc.sparseArray(tie('node'), { maxLength: 3 })),
})).node;
const rows = fc.integer({ min: 0, max: 3 }).chain((n) => fc.array(fc.oneof(
  fc.array(scalar, { minLength: n, maxLength: n }), fc.float64Array({ minLength: n, maxLength: n }),
  fc.int16Array({ minLength: n, maxLength: n }), fc.bigInt64Array({ minLength: n, maxLength: n }), fc.uint8ClampedArray({ minLength: n, maxLength: n }),
), { maxLength: 3 }));

const value = fc.oneof(scalar, bad, typedArray, ndarray, rectangular, rows, tree, strings);
const staticShape: fc.Arbitrary<(number | null)[] | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) }, fc.constant<(number | null)[]>([null]), fc.constant<(number | null)[]>([]),
  fc.array(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 })), { maxLength: 3 }),
);

// ---- the property ------------------------------------------------------------------------------------

const same = (a: number, b: number): boolean => Object.is(a, b);

for (const executor of ['compiled', 'interpreter'] as const) {
  test(`${executor}: any JS value fed to any placeholder gives numpy's value or an InvalidArgumentError naming it`, () => {
    const g = new tf.Graph();
    const sess = new tf.Session({ graph: g, executor });
    const placeholders = new Map<string, [tf.Tensor, tf.Tensor]>();
    const placeholderFor = (dt: DType, s: (number | null)[] | null): [tf.Tensor, tf.Tensor] => {
      const key = `${dt}/${JSON.stringify(s)}`;
      let p = placeholders.get(key);
      if (!p) {
        p = g.asDefault(() => { const ph = tf.placeholder(dt, s); return [ph, tf.identity(ph)] as [tf.Tensor, tf.Tensor]; });
        placeholders.set(key, p);
      }
      return p;
    };
    const seed = process.env.FC_SEED;
    fc.assert(fc.property(value, fc.constantFrom(...DTYPES), staticShape, fc.boolean(), (v, dt, s, byName) => {
      const [p, copy] = placeholderFor(dt, s);
      const m = model(v, dt);
      const shape = m === REFUSE ? REFUSE : feedShape(v, m, s);
      const expected = m === REFUSE || shape === REFUSE || m.values.includes(REFUSE) ? REFUSE : { shape, values: m.values as number[] };
      let got: unknown;
      try {
        const feeds = byName ? { [p.op.name]: v } : new Map([[p, v]]);
        got = sess.run([p, copy], feeds as tf.FeedDict);
      } catch (e) {
        if (!(e instanceof tf.errors.InvalidArgumentError)) throw new Error(`a ${(e as Error)?.constructor?.name} instead of an InvalidArgumentError: ${(e as Error)?.message}`);
        if (expected !== REFUSE) throw new Error(`refused what numpy converts to ${JSON.stringify(expected.values.map(String))} (shape ${expected.shape}): ${e.message}`);
        if (e.op !== p.op || !e.message.includes(p.op.name)) throw new Error(`the error does not name ${p.name}: ${e.message}`);
        return;
      }
      if (expected === REFUSE) throw new Error(`accepted what numpy refuses; got ${String(got)}`);
      for (const r of got as unknown[]) {
        if (dt === 'string') {
          const bytes = r instanceof tf.NDArray ? (r.data as unknown as Uint8Array[]) : [r as Uint8Array];
          if (r instanceof tf.NDArray) assert.equal(r.shape, expected.shape);
          assert.equal(bytes.map((b) => new TextDecoder().decode(b)), expected.values);
          continue;
        }
        if (expected.shape.length === 0) {
          const want = dt === 'bool' ? expected.values[0] !== 0 : expected.values[0];
          if (typeof r === 'number' ? !same(r, want as number) : r !== want) throw new Error(`scalar ${String(r)}, numpy gives ${String(want)}`);
          continue;
        }
        if (!(r instanceof tf.NDArray)) throw new Error(`not an NDArray: ${String(r)}`);
        assert.is(r.dtype, dt);
        assert.ok(r.data instanceof STORAGE[dt as NumericDType], `${dt} stored in a ${r.data.constructor.name}`);
        assert.equal(r.shape, expected.shape);
        const data = Array.from(r.data);
        if (data.length !== expected.values.length || data.some((x, i) => !same(x, expected.values[i]))) {
          throw new Error(`values ${data.map(String)}, numpy gives ${expected.values.map(String)}`);
        }
      }
    }), { numRuns: RUNS, seed: seed ? Number(seed) : undefined, includeErrorInReport: true });
  });
}

test.run();
