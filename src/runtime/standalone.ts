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
  return (inputs) => {
    for (const k of Object.keys(inputs)) if (!p.inputs.some(([i]) => i === k)) throw new TypeError(`${name}: unknown input '${k}'`);
    const feeds = p.feeds.map((f, i) => {
      const key = p.inputs.find(([, j]) => j === i)![0];
      if (!(key in inputs)) throw new TypeError(`${name}: missing input '${key}'`);
      return feed(inputs[key], f);
    });
    const res = run(feeds, p.vars, null);
    const out: Record<string, unknown> = {};
    for (const [key, i] of p.outputs) {
      if (i < 0) { out[key] = null; continue; }
      const f = p.fetches[i];
      const shape = f.shape as number[];
      out[key] = shape.length === 0 ? (f.dtype === 'bool' ? res[i][0] !== 0 : res[i][0]) : new ArrayValue(res[i].slice(), shape, f.dtype);
    }
    return out;
  };
}
