// The whole runtime of a standalone module (`tfgen compile --standalone`): bundled into the
// module, which then imports nothing. Binds one plan (buffers, constants, baked variable values)
// and turns it into `predict(inputs) → outputs`, with feeds checked and results as ArrayValues.
// Deliberately tiny: it is most of a predictor bundle's size.

type Arr = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
type Ctor = { new (n: number | ArrayLike<number>): Arr };

const CTORS: Record<string, Ctor> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: Float64Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

/** A fetched value: a row-major typed array with its dtype and shape. */
export class ArrayValue {
  constructor(readonly data: Arr, readonly shape: number[], readonly dtype: string) {}
  /** The values as nested JS arrays (booleans for bool). */
  toArray(): unknown {
    const d = this.data, b = this.dtype === 'bool';
    const at = (off: number, k: number): unknown => {
      if (k === this.shape.length) return b ? d[off] !== 0 : d[off];
      const step = this.shape.slice(k + 1).reduce((x, y) => x * y, 1);
      return Array.from({ length: this.shape[k] }, (_, i) => at(off + i * step, k + 1));
    };
    return at(0, 0);
  }
}

export interface StandalonePlan {
  /** Signature input key → feed index; output key → fetch index (-1: an operation, null). */
  inputs: [string, number][];
  outputs: [string, number][];
  feeds: { name: string; dtype: string; shape: (number | string)[] }[];
  fetches: { dtype: string; shape: (number | string)[] }[];
  buffers: [string, number][];
  scratch: number[];
  consts: Arr[];
  vars: Arr[];
}

type Factory = (bufs: Arr[], consts: Arr[], host: unknown[], fail: (op: string, m: string) => never, lib: unknown) => (f: Arr[], v: Arr[], rt: unknown) => Arr[];

function feed(value: unknown, f: StandalonePlan['feeds'][number]): Arr {
  const C = CTORS[f.dtype];
  const src = value instanceof ArrayValue ? value.data : value;
  let data: Arr;
  if (ArrayBuffer.isView(src)) {
    if (!(src instanceof C)) throw new TypeError(`${f.name} takes a ${C.name} (dtype ${f.dtype}), got a ${src.constructor.name}`);
    data = src as Arr;
  } else {
    const flat: number[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (typeof x === 'number' || typeof x === 'boolean') flat.push(+x);
      else throw new TypeError(`${f.name} takes numbers, nested arrays or a ${C.name}, got ${x === null ? 'null' : typeof x}`);
    };
    walk(src);
    data = new C(flat);
  }
  const known = f.shape.reduce((n: number, d) => n * (typeof d === 'number' ? d : 1), 1);
  if (f.shape.every((d) => typeof d === 'number') ? data.length !== known : data.length % known !== 0) {
    throw new RangeError(`${f.name} has shape [${f.shape.join(', ')}]; got ${data.length} values`);
  }
  return data;
}

/** `predict(inputs) → outputs` for one precompiled plan with its variables baked in. */
export function signature(name: string, p: StandalonePlan, factory: Factory, lib: unknown): (inputs: Record<string, unknown>) => Record<string, unknown> {
  const bufs = [...p.buffers.map(([d, n]) => new CTORS[d](n)), ...p.scratch.map((n) => new Float64Array(n))];
  const fail = (op: string, m: string): never => { throw new RangeError(`${m} (op ${op})`); };
  const run = factory(bufs, p.consts, [], fail, lib);
  // why: the per-call path is a few property reads; keys, classes and sizes are resolved once here.
  const keys = p.feeds.map((_, i) => p.inputs.find(([, j]) => j === i)![0]);
  const ctors = p.feeds.map((f) => CTORS[f.dtype]);
  const sizes = p.feeds.map((f) => (f.shape.every((d) => typeof d === 'number') ? (f.shape as number[]).reduce((a, b) => a * b, 1) : -1));
  const outs = p.outputs.map(([key, i]) => ({ key, i, f: i < 0 ? null : p.fetches[i] }));
  const n = keys.length;
  const feeds: Arr[] = new Array(n);
  return (inputs) => {
    let given = 0;
    for (const k in inputs) {
      if (!keys.includes(k)) throw new TypeError(`${name}: unknown input '${k}'; inputs are ${keys.join(', ')}`);
      given++;
    }
    for (let i = 0; i < n; i++) {
      const v = inputs[keys[i]];
      if (v === undefined) throw new TypeError(`${name}: missing input '${keys[i]}'`);
      feeds[i] = v instanceof ctors[i] && (v as Arr).length === sizes[i] ? (v as Arr) : feed(v, p.feeds[i]);
    }
    if (given !== n) throw new TypeError(`${name}: takes ${keys.join(', ')}`);
    const res = run(feeds, p.vars, null);
    const out: Record<string, unknown> = {};
    for (const { key, i, f } of outs) {
      if (f === null) out[key] = null;
      else if (f.shape.length === 0) out[key] = f.dtype === 'bool' ? res[i][0] !== 0 : res[i][0];
      else out[key] = new ArrayValue(res[i].slice(), f.shape as number[], f.dtype);
    }
    return out;
  };
}
