// The whole runtime of a standalone module (`tfgen compile --standalone`): bundled into the
// module, which then imports nothing. Binds a signature's precompiled plans (buffers, constants,
// baked variable values) and turns them into `predict(inputs) → outputs`: feeds checked, the
// plan chosen for the fed sizes (run-time dims, or the one specialised on 1), results as
// ArrayValues. Deliberately tiny: it is most of a predictor bundle's size.

type Arr = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
type Ctor = { new (n: number | ArrayLike<number>): Arr };
/** A plan dim: a number, or c times the product of run-time dims (see PlanDim). */
type Dim = number | { c: number; d: number[] };

const CTORS: Record<string, Ctor> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: Float64Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

const value = (d: Dim, dims: readonly number[]) => (typeof d === 'number' ? d : d.d.reduce((v, k) => v * dims[k], d.c));

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
  /** Output key → fetch index (-1: an operation, null). */
  outputs: [string, number][];
  feeds: { name: string; dtype: string; shape: Dim[] }[];
  fetches: { dtype: string; shape: Dim[] }[];
  /** Run-time dims: the fed tensor and axis each is read from. */
  dims: { feed: number; axis: number }[];
  buffers: [string, Dim][];
  scratch: Dim[];
  consts: Arr[];
  vars: Arr[];
  factory: (bufs: Arr[], consts: Arr[], host: unknown[], fail: (op: string, m: string) => never, lib: unknown, dims: number[]) => (f: Arr[], v: Arr[], rt: unknown) => Arr[];
}

/** A feed as a typed array of its dtype, with its shape (a flat array fills the one unknown dim). */
function feed(v: unknown, f: StandalonePlan['feeds'][number]): [Arr, number[]] {
  const C = CTORS[f.dtype];
  if (v instanceof ArrayValue) v = v.data;
  if (ArrayBuffer.isView(v)) {
    if (!(v instanceof C)) throw new TypeError(`${f.name} takes a ${C.name} (dtype ${f.dtype}), got a ${v.constructor.name}`);
    const known = f.shape.reduce((n: number, d) => n * (typeof d === 'number' ? d : 1), 1);
    const n = (v as Arr).length / known;
    return [v as Arr, f.shape.map((d) => (typeof d === 'number' ? d : n))];
  }
  const flat: number[] = [], shape: number[] = [];
  const walk = (x: unknown, k: number) => {
    if (Array.isArray(x)) {
      if (shape.length === k) shape.push(x.length);
      else if (shape[k] !== x.length) throw new RangeError(`${f.name}: ragged nested arrays`);
      x.forEach((y) => walk(y, k + 1));
    } else if (typeof x === 'number' || typeof x === 'boolean') flat.push(+x);
    else throw new TypeError(`${f.name} takes numbers, nested arrays or a ${C.name}, got ${x === null ? 'null' : typeof x}`);
  };
  walk(v, 0);
  return [new C(flat), shape];
}

interface Instance {
  p: StandalonePlan;
  run: (f: Arr[], v: Arr[], rt: unknown) => Arr[];
  /** Each output's shape for these dims (null for an operation). */
  shapes: (number[] | null)[];
}

/** `predict(inputs) → outputs` over a signature's plans (input key → feed index `inputs`). */
export function signature(name: string, inputs: [string, number][], plans: StandalonePlan[], lib: unknown): (given: Record<string, unknown>) => Record<string, unknown> {
  const keys = inputs.map(([k]) => k);
  const fail = (op: string, m: string): never => { throw new RangeError(`${m} (op ${op})`); };
  const cache = plans.map(() => new Map<string, Instance>());
  const n = keys.length;
  const ctors = plans[0].feeds.map((f) => CTORS[f.dtype]);
  const arrays: Arr[] = new Array(n), shapes: number[][] = new Array(n), lens: number[] = new Array(n).fill(-1);
  // why: a loop predicting on same-sized typed arrays skips choosing and sizing a plan again.
  let last: Instance | null = null;

  const choose = (): Instance => {
    for (let j = 0; j < plans.length; j++) {
      const p = plans[j];
      const dims = p.dims.map(({ feed: f, axis }) => shapes[f][axis]);
      if (dims.some((d) => d < 2)) continue;
      if (!p.feeds.every((f, i) => f.shape.length === shapes[i].length && f.shape.every((d, a) => value(d, dims) === shapes[i][a]))) continue;
      const key = dims.join(',');
      let inst = cache[j].get(key);
      if (!inst) {
        const bufs = [...p.buffers.map(([d, len]) => new CTORS[d](value(len, dims))), ...p.scratch.map((len) => new Float64Array(value(len, dims)))];
        inst = { p, run: p.factory(bufs, p.consts, [], fail, lib, dims), shapes: p.outputs.map(([, i]) => (i < 0 ? null : p.fetches[i].shape.map((d) => value(d, dims)))) };
        cache[j].set(key, inst);
      }
      return inst;
    }
    throw new RangeError(`${name}: no compiled plan takes inputs of shapes ${shapes.map((s, i) => `${plans[0].feeds[i].name} [${s.join(', ')}]`).join(', ')}`);
  };

  return (given) => {
    let count = 0;
    for (const k in given) {
      if (!keys.includes(k)) throw new TypeError(`${name}: unknown input '${k}'; inputs are ${keys.join(', ')}`);
      count++;
    }
    if (count !== n) throw new TypeError(`${name}: missing input; inputs are ${keys.join(', ')}`);
    let same = last !== null;
    for (let j = 0; j < n; j++) {
      const i = inputs[j][1];
      const v = given[inputs[j][0]];
      if (v instanceof ctors[i] && (v as Arr).length === lens[i]) { arrays[i] = v as Arr; continue; }
      [arrays[i], shapes[i]] = feed(v, plans[0].feeds[i]);
      lens[i] = ArrayBuffer.isView(v) ? arrays[i].length : -1;
      same = false;
    }
    const inst = same ? last! : (last = choose());
    const res = inst.run(arrays, inst.p.vars, null);
    const out: Record<string, unknown> = {};
    const outs = inst.p.outputs;
    for (let o = 0; o < outs.length; o++) {
      const [key, i] = outs[o];
      const shape = inst.shapes[o];
      if (shape === null) out[key] = null;
      else if (shape.length === 0) out[key] = inst.p.fetches[i].dtype === 'bool' ? res[i][0] !== 0 : res[i][0];
      else out[key] = new ArrayValue(res[i].slice(), shape, inst.p.fetches[i].dtype);
    }
    return out;
  };
}
