// Random graphs for differential tests: a builder that draws every structural choice from a
// `Pick` (fast-check's `fc.gen()` in property tests, so failures shrink and replay) and the
// fed values from a seeded generator. It keeps the concrete shape of every value beside the
// graph's static one, and records each step as a line of DSL code, so a failing graph prints
// as a program that can be pasted into a test.
import { uniformStream } from '../../src/runtime/random.js';
import * as tf from '../../src/index.js';

/** The source of structural choices: an integer in [min, max]; smaller is simpler. */
export interface Pick {
  int(min: number, max: number): number;
}

/** A Pick from a seed (for fixed runs outside fast-check). */
export function seededPick(seed: number): Pick {
  const next = mulberry32(seed);
  return { int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** A small, fast, seeded generator of floats in [0, 1) (tfgen's own mulberry32 stream). */
export const mulberry32 = (seed: number): (() => number) => uniformStream(seed);

type DType = tf.DType;
const FLOATS: DType[] = ['float32', 'float64'];
const NUMERIC: DType[] = ['float32', 'float64', 'int32'];
const ALL: DType[] = ['float32', 'float64', 'int32', 'bool'];

/** A value of the graph: its tensor, the concrete shape it has in the runs, and its name in the listing. */
export interface Val {
  readonly t: tf.Tensor;
  readonly shape: number[];
  readonly name: string;
}

export interface RandomGraphOptions {
  maxInputs?: number;
  maxSteps?: number;
  /** Largest dim of a generated shape (numel stays small anyway). */
  maxDim?: number;
  maxRank?: number;
  /** Only these op families (names of FAMILIES); all by default. */
  families?: readonly string[];
  /** Allow leaves that are Variables (needs the init op run first). */
  variables?: boolean;
  /** Allow fed data with NaN, ±Infinity, ±0 and huge values in some graphs (default true). */
  specials?: boolean;
}

/** A fed placeholder whose values must lie in [0, bound) for the run to succeed. */
export interface IndexFeed { readonly val: Val; readonly bound: number }

export interface RandomGraph {
  readonly graph: tf.Graph;
  /** Two feed sets with the same shapes and different values. */
  readonly feeds: readonly Map<tf.Tensor, tf.NDArray>[];
  readonly outputs: readonly Val[];
  /** Float placeholders, for gradients. */
  readonly floatInputs: readonly Val[];
  /** Initialiser of the graph's variables, or null. */
  readonly init: tf.Operation | null;
  /** The graph's variables (fetched too: their start-of-run values; compared after the runs). */
  readonly variables: readonly tf.Variable[];
  /** The op families used (keys of FAMILIES). */
  readonly families: ReadonlySet<string>;
  /** Fed index placeholders (gather indices, sparse labels) and the bound their values stay below. */
  readonly indexFeeds: readonly IndexFeed[];
  /** The graph as DSL code, one line per value, with the fed values. */
  readonly text: string;
}

const MAX_NUMEL = 72;
const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function fmtNum(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function fmtData(a: ArrayLike<number>): string {
  const xs = Array.from(a, fmtNum);
  return xs.length > 48 ? `[${xs.slice(0, 48).join(', ')}, …]` : `[${xs.join(', ')}]`;
}

function fmtStatic(s: tf.Shape): string {
  return s === null ? 'undefined' : `[${s.map((d) => (d === null ? 'null' : d)).join(', ')}]`;
}

function bcast(a: readonly number[], b: readonly number[]): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) return undefined;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Data modes per graph: special floats (NaN, ±Inf, ±0, huge) and large ints appear only in some graphs. */
interface DataMode { specials: boolean; bigInts: boolean }

const SPECIAL_FLOATS = [0, -0, NaN, Infinity, -Infinity, 1e30, -1e30, 3e9, -3e9, 1e-30];
const BIG_INTS = [2147483647, -2147483648, 1 << 30, -(1 << 30), 65536, 46341, -46341];

function genData(rng: () => number, dtype: DType, n: number, mode: DataMode, range?: [number, number]): tf.TypedArray {
  if (range) {
    const a = dtype === 'int32' ? new Int32Array(n) : dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = range[0] + Math.floor(rng() * (range[1] - range[0] + 1));
    return a;
  }
  switch (dtype) {
    case 'bool': return Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0));
    case 'int32': return Int32Array.from({ length: n }, () => (mode.bigInts && rng() < 0.25
      ? BIG_INTS[Math.floor(rng() * BIG_INTS.length)] : Math.floor(rng() * 13) - 6));
    // why: an NDArray's data must be its dtype's storage (int64 is float64 numbers holding integers).
    case 'int64': return Float64Array.from({ length: n }, () => Math.floor(rng() * 13) - 6);
    case 'int16': return Int16Array.from({ length: n }, () => Math.floor(rng() * 13) - 6);
    case 'int8': return Int8Array.from({ length: n }, () => Math.floor(rng() * 13) - 6);
    case 'uint8': return Uint8Array.from({ length: n }, () => Math.floor(rng() * 13));
    default: {
      const a = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const r = rng();
        if (mode.specials && r < 0.08) a[i] = SPECIAL_FLOATS[Math.floor(rng() * SPECIAL_FLOATS.length)];
        else if (r < 0.45) a[i] = (Math.floor(rng() * 17) - 8) / 2;
        else a[i] = rng() * 8 - 4;
      }
      return a;
    }
  }
}

/** An op family: builds one new value from the graph so far, or returns undefined when it does not apply. */
type Family = (b: GraphBuilder) => Val | undefined;

export class GraphBuilder {
  readonly vals: Val[] = [];
  readonly lines: string[] = [];
  readonly feeds: [Map<tf.Tensor, tf.NDArray>, Map<tf.Tensor, tf.NDArray>] = [new Map(), new Map()];
  readonly floatInputs: Val[] = [];
  readonly variables: tf.Variable[] = [];
  /** The name in the listing of each variable. */
  readonly variableNames = new Map<tf.Variable, string>();
  readonly families = new Set<string>();
  readonly indexFeeds: IndexFeed[] = [];
  private readonly rng: () => number;
  private readonly mode: DataMode;
  readonly maxDim: number;
  readonly maxRank: number;
  readonly allowVariables: boolean;

  constructor(readonly p: Pick, opts: RandomGraphOptions = {}) {
    this.maxDim = opts.maxDim ?? 4;
    this.maxRank = opts.maxRank ?? 3;
    this.allowVariables = opts.variables ?? true;
    this.rng = mulberry32(p.int(0, 0x7fffffff));
    const specials = this.chance(20);
    this.mode = { specials: specials && opts.specials !== false, bigInts: this.chance(20) };
  }

  /** True with probability pct% (false when the choice shrinks to 0). */
  chance(pct: number): boolean {
    return this.p.int(0, 99) >= 100 - pct;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.p.int(0, xs.length - 1)];
  }

  /** A value satisfying `ok`, preferring the newest (so chains form), or undefined. */
  choose(ok: (v: Val) => boolean): Val | undefined {
    const cands = this.vals.filter(ok);
    if (!cands.length) return undefined;
    return this.chance(50) ? cands[cands.length - 1] : cands[this.p.int(0, cands.length - 1)];
  }

  randomShape(minRank = 0, maxRank = this.maxRank): number[] {
    const r = this.p.int(minRank, maxRank);
    const s: number[] = [];
    for (let i = 0; i < r; i++) s.push(this.p.int(1, this.maxDim));
    while (numel(s) > MAX_NUMEL) s[s.indexOf(Math.max(...s))]--;
    return s;
  }

  /** A shape that broadcasts with `s`: fewer leading dims and some 1s, or extra leading dims and 1s expanded. */
  partnerShape(s: readonly number[]): number[] {
    switch (this.p.int(0, 3)) {
      case 0: return [...s];
      case 1: {
        const drop = this.p.int(0, s.length);
        return s.slice(drop).map((d) => (this.chance(30) ? 1 : d));
      }
      case 2: return [];
      default: {
        const extra = s.length < this.maxRank && this.chance(50) ? [this.p.int(1, 3)] : [];
        const out = [...extra, ...s.map((d) => (d === 1 && this.chance(50) ? this.p.int(1, 3) : d))];
        return numel(out) > MAX_NUMEL ? [...s] : out;
      }
    }
  }

  private line(name: string, code: string, v: { t: tf.Tensor; shape: readonly number[] }, note = ''): void {
    this.lines.push(`const ${name} = ${code};  // ${v.t.dtype}[${v.shape.join(',')}]${note}`);
  }

  /** Records a new value; checks the graph's static shape agrees with the concrete one we expect. */
  val(t: tf.Tensor, shape: number[], code: string, family?: string): Val {
    const name = `v${this.vals.length}`;
    const v: Val = { t, shape, name };
    this.line(name, code, v);
    const s = t.shape;
    if (s !== null && (s.length !== shape.length || s.some((d, i) => d !== null && d !== shape[i]))) {
      const listing = this.lines.join('\n');
      throw new Error(`random graph: ${name} = ${code} has static shape ${fmtStatic(s)}, expected concrete [${shape}]\n${listing}`);
    }
    this.vals.push(v);
    if (family) this.families.add(family);
    return v;
  }

  /** A new leaf: a placeholder (static dims sometimes unknown), a constant or a variable. */
  leaf(dtype: DType, shape: number[], opts: { kind?: 'placeholder' | 'const'; range?: [number, number] } = {}): Val {
    const variable = () => this.allowVariables && FLOATS.includes(dtype) && this.chance(20);
    const kind = opts.kind ?? (this.chance(25) ? 'const' : variable() ? 'variable' : 'placeholder');
    const dataA = genData(this.rng, dtype, numel(shape), this.mode, opts.range);
    const name = `v${this.vals.length}`;
    if (kind === 'const') {
      const t = tf.constant(new tf.NDArray(dataA, shape, dtype));
      return this.val(t, shape, `tf.constant(new tf.NDArray(${dtype}Array${fmtData(dataA)}, [${shape}], '${dtype}'))`);
    }
    if (kind === 'variable') {
      const v = new tf.Variable(new tf.NDArray(dataA, shape, dtype), { name });
      this.variables.push(v);
      this.variableNames.set(v, name);
      const init = `new tf.NDArray(${dtype}Array${fmtData(dataA)}, [${shape}], '${dtype}')`;
      return this.val(v.value(), shape, `new tf.Variable(${init}, {name: '${name}'})`);
    }
    const staticShape: tf.Shape = this.chance(8) ? null : shape.map((d) => (this.chance(30) ? null : d));
    const t = tf.placeholder(dtype, staticShape);
    const dataB = genData(this.rng, dtype, numel(shape), this.mode, opts.range);
    this.feeds[0].set(t, new tf.NDArray(dataA, shape, dtype));
    this.feeds[1].set(t, new tf.NDArray(dataB, shape, dtype));
    const v = this.val(t, shape, `tf.placeholder('${dtype}', ${fmtStatic(staticShape)})`);
    this.lines[this.lines.length - 1] += ` fed A=${fmtData(dataA)} B=${fmtData(dataB)}`;
    if (FLOATS.includes(dtype)) this.floatInputs.push(v);
    return v;
  }

  /** Feeds an intermediate value (its producer is then skipped where nothing else needs it). */
  feedIntermediate(v: Val): void {
    const data = [0, 1].map(() => genData(this.rng, v.t.dtype, numel(v.shape), this.mode));
    data.forEach((d, i) => this.feeds[i].set(v.t, new tf.NDArray(d, v.shape, v.t.dtype)));
    this.lines.push(`// feed ${v.name} (computed, fed instead): A=${fmtData(data[0])} B=${fmtData(data[1])}`);
  }

  /** An operand: an existing value satisfying `ok` (sometimes), else a new leaf made by `make`. */
  operand(ok: (v: Val) => boolean, make: () => Val): Val {
    if (this.chance(60)) {
      const v = this.choose(ok);
      if (v) return v;
    }
    return make();
  }

  /** A second operand of `dtype` that broadcasts with `a`. */
  partner(a: Val, dtype: DType = a.t.dtype): Val {
    const fits = (v: Val) => {
      const s = bcast(v.shape, a.shape);
      return v !== a && v.t.dtype === dtype && !!s && numel(s) <= MAX_NUMEL;
    };
    return this.operand(fits, () => this.leaf(dtype, this.partnerShape(a.shape)));
  }

  /** Some existing value (preferring recent ones) of one of `dtypes`, with rank in [minRank, maxRank]; else a new leaf. */
  subject(dtypes: readonly DType[], minRank = 0, maxRank = this.maxRank): Val {
    const v = this.choose((x) => dtypes.includes(x.t.dtype) && x.shape.length >= minRank && x.shape.length <= maxRank);
    return v && this.chance(85) ? v : this.leaf(this.pick(dtypes), this.randomShape(minRank, maxRank));
  }
}

const UNARY_FLOAT = [
  'negative', 'square', 'sqrt', 'exp', 'log', 'abs', 'sign', 'sigmoid', 'tanh', 'reciprocal', 'floor',
  'rsqrt', 'ceil', 'round', 'sin', 'cos', 'log1p', 'expm1',
] as const;
const UNARY_INT = ['negative', 'square', 'abs', 'sign', 'round'] as const;
const ARITH = ['add', 'subtract', 'multiply', 'divide', 'maximum', 'minimum', 'pow', 'squaredDifference', 'floorDiv', 'mod'] as const;
const COMPARE = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;
const REDUCE = ['reduceSum', 'reduceMean', 'reduceMax', 'reduceMin', 'reduceProd'] as const;

function permutation(b: GraphBuilder, r: number): number[] {
  const perm = Array.from({ length: r }, (_, i) => i);
  for (let i = r - 1; i > 0; i--) {
    const j = b.p.int(0, i);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return perm;
}

/** A random shape with `n` elements (dims from n's divisors), rank up to maxRank. */
function factorShape(b: GraphBuilder, n: number): number[] {
  const r = b.p.int(0, b.maxRank);
  const s: number[] = [];
  let rest = n;
  for (let i = 0; i < r - 1; i++) {
    const divs = Array.from({ length: rest }, (_, k) => k + 1).filter((d) => rest % d === 0);
    const d = b.pick(divs);
    s.push(d);
    rest /= d;
  }
  if (r > 0) s.push(rest);
  else if (rest !== 1) s.push(rest);
  return s;
}

/** Normalised axis a of rank r, written sometimes as a negative axis. */
function axisArg(b: GraphBuilder, a: number, r: number): number {
  return b.chance(30) ? a - r : a;
}

/** The families of ops the generator draws from, by name. */
export const FAMILIES: Record<string, Family> = {
  unary: (b) => {
    const x = b.subject(['float32', 'float64', 'int32', 'bool']);
    const dt = x.t.dtype;
    if (dt === 'bool') return b.val(tf.logicalNot(x.t), x.shape, `tf.logicalNot(${x.name})`, 'unary');
    const name = dt === 'int32' ? b.pick(UNARY_INT) : b.pick(UNARY_FLOAT);
    return b.val((tf as any)[name](x.t), x.shape, `tf.${name}(${x.name})`, 'unary');
  },
  relu: (b) => {
    const x = b.subject(NUMERIC);
    return b.val(tf.nn.relu(x.t), x.shape, `tf.nn.relu(${x.name})`, 'relu');
  },
  arith: (b) => {
    const a = b.subject(NUMERIC);
    const y = b.partner(a);
    const name = b.pick(ARITH);
    const swap = b.chance(30);
    const [l, r] = swap ? [y, a] : [a, y];
    const t = (tf as any)[name](l.t, r.t) as tf.Tensor;
    return b.val(t, bcast(l.shape, r.shape)!, `tf.${name}(${l.name}, ${r.name})`, 'arith');
  },
  scalarArith: (b) => {
    // why: a JS number operand becomes a Const of the tensor's dtype (x·1, x+0, x-0 are simplify's cases).
    const a = b.subject(NUMERIC);
    const c = b.pick([0, 1, -1, 2, 0.5, -0]);
    const k = a.t.dtype === 'int32' ? Math.trunc(c) : c;
    const name = b.pick(['add', 'subtract', 'multiply', 'maximum', 'pow'] as const);
    const swap = name !== 'pow' && b.chance(40);
    const t = swap ? (tf as any)[name](k, a.t) : (tf as any)[name](a.t, k);
    return b.val(t, a.shape, swap ? `tf.${name}(${fmtNum(k)}, ${a.name})` : `tf.${name}(${a.name}, ${fmtNum(k)})`, 'scalarArith');
  },
  compare: (b) => {
    const a = b.subject(b.chance(15) ? ['bool'] : NUMERIC);
    const y = b.partner(a);
    const name = a.t.dtype === 'bool' ? b.pick(['equal', 'notEqual'] as const) : b.pick(COMPARE);
    return b.val((tf as any)[name](a.t, y.t), bcast(a.shape, y.shape)!, `tf.${name}(${a.name}, ${y.name})`, 'compare');
  },
  logical: (b) => {
    const a = b.subject(['bool']);
    const y = b.partner(a);
    const name = b.pick(['logicalAnd', 'logicalOr'] as const);
    return b.val((tf as any)[name](a.t, y.t), bcast(a.shape, y.shape)!, `tf.${name}(${a.name}, ${y.name})`, 'logical');
  },
  where: (b) => {
    const a = b.subject(ALL);
    const y = b.partner(a);
    const s = bcast(a.shape, y.shape)!;
    const c = b.partner({ ...a, shape: s }, 'bool');
    const out = bcast(s, c.shape)!;
    return b.val(tf.where(c.t, a.t, y.t), out, `tf.where(${c.name}, ${a.name}, ${y.name})`, 'where');
  },
  cast: (b) => {
    const x = b.subject(ALL);
    const to = b.pick(ALL.filter((d) => d !== x.t.dtype));
    return b.val(tf.cast(x.t, to), x.shape, `tf.cast(${x.name}, '${to}')`, 'cast');
  },
  reduce: (b) => {
    const x = b.subject(NUMERIC);
    const r = x.shape.length;
    const name = b.pick(REDUCE);
    const keep = b.chance(40);
    if (b.chance(25)) {
      const shape = keep ? x.shape.map(() => 1) : [];
      return b.val((tf as any)[name](x.t, undefined, keep), shape, `tf.${name}(${x.name}, undefined, ${keep})`, 'reduce');
    }
    const axes = Array.from({ length: r }, (_, i) => i).filter(() => b.chance(50));
    const args = axes.map((a) => axisArg(b, a, r));
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return b.val((tf as any)[name](x.t, args, keep), shape, `tf.${name}(${x.name}, [${args}], ${keep})`, 'reduce');
  },
  argmax: (b) => {
    const x = b.subject(NUMERIC, 1);
    const a = b.p.int(0, x.shape.length - 1);
    const arg = axisArg(b, a, x.shape.length);
    const name = b.pick(['argmax', 'argmin'] as const);
    const outputType = b.pick(['int64', 'int32'] as const);
    return b.val(tf[name](x.t, arg, { outputType }), x.shape.filter((_, i) => i !== a), `tf.${name}(${x.name}, ${arg}, {outputType: '${outputType}'})`, 'argmax');
  },
  boolReduce: (b) => {
    const x = b.subject(['bool']);
    const r = x.shape.length;
    const name = b.pick(['reduceAll', 'reduceAny'] as const);
    const keep = b.chance(40);
    const axes = Array.from({ length: r }, (_, i) => i).filter(() => b.chance(50));
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return b.val(tf[name](x.t, axes, keep), shape, `tf.${name}(${x.name}, [${axes}], ${keep})`, 'boolReduce');
  },
  matmul: (b) => {
    const a = b.subject(NUMERIC, 2, 2);
    const ta = b.chance(30), tb = b.chance(30);
    const [m, k] = ta ? [a.shape[1], a.shape[0]] : a.shape;
    const bShape = (n: number) => (tb ? [n, k] : [k, n]);
    const y = b.operand((v) => v.t.dtype === a.t.dtype && v.shape.length === 2 && v.shape[tb ? 1 : 0] === k,
      () => b.leaf(a.t.dtype, bShape(b.p.int(1, b.maxDim))));
    const n = tb ? y.shape[0] : y.shape[1];
    return b.val(tf.matmul(a.t, y.t, { transposeA: ta, transposeB: tb }), [m, n],
      `tf.matmul(${a.name}, ${y.name}, {transposeA: ${ta}, transposeB: ${tb}})`, 'matmul');
  },
  reshape: (b) => {
    const x = b.subject(ALL);
    const s = factorShape(b, numel(x.shape));
    const target = s.length && b.chance(30) ? s.map((d, i, all) => (i === all.length - 1 ? -1 : d)) : s;
    return b.val(tf.reshape(x.t, target), s, `tf.reshape(${x.name}, [${target}])`, 'reshape');
  },
  broadcastTo: (b) => {
    const x = b.subject(ALL);
    const extra = x.shape.length < b.maxRank && b.chance(50) ? [b.p.int(1, 3)] : [];
    const s = [...extra, ...x.shape.map((d) => (d === 1 && b.chance(60) ? b.p.int(2, 3) : d))];
    if (numel(s) > MAX_NUMEL) return undefined;
    return b.val(tf.broadcastTo(x.t, s), s, `tf.broadcastTo(${x.name}, [${s}])`, 'broadcastTo');
  },
  transpose: (b) => {
    const x = b.subject(ALL, 1);
    if (b.chance(25)) return b.val(tf.transpose(x.t), [...x.shape].reverse(), `tf.transpose(${x.name})`, 'transpose');
    const perm = permutation(b, x.shape.length);
    return b.val(tf.transpose(x.t, perm), perm.map((p) => x.shape[p]), `tf.transpose(${x.name}, [${perm}])`, 'transpose');
  },
  concat: (b) => {
    const x = b.subject(ALL, 1);
    const r = x.shape.length;
    const axis = b.p.int(0, r - 1);
    const count = b.p.int(2, 3);
    const parts = [x];
    for (let i = 1; i < count; i++) {
      const fits = (v: Val) => v.t.dtype === x.t.dtype && v.shape.length === r && v.shape.every((d, j) => j === axis || d === x.shape[j]);
      parts.push(b.operand(fits, () => b.leaf(x.t.dtype, x.shape.map((d, j) => (j === axis ? b.p.int(1, 3) : d)))));
    }
    const s = x.shape.map((d, j) => (j === axis ? parts.reduce((acc, v) => acc + v.shape[axis], 0) : d));
    if (numel(s) > MAX_NUMEL) return undefined;
    const arg = axisArg(b, axis, r);
    return b.val(tf.concat(parts.map((v) => v.t), arg), s, `tf.concat([${parts.map((v) => v.name)}], ${arg})`, 'concat');
  },
  slice: (b) => {
    const x = b.subject(ALL, 1);
    const begin = x.shape.map((d) => b.p.int(0, d - 1));
    const size = x.shape.map((d, i) => (b.chance(25) ? -1 : b.p.int(1, d - begin[i])));
    const s = size.map((n, i) => (n === -1 ? x.shape[i] - begin[i] : n));
    return b.val(tf.slice(x.t, begin, size), s, `tf.slice(${x.name}, [${begin}], [${size}])`, 'slice');
  },
  pad: (b) => {
    const x = b.subject(ALL, 1);
    const paddings = x.shape.map(() => [b.p.int(0, 2), b.p.int(0, 2)]);
    const s = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    if (numel(s) > MAX_NUMEL) return undefined;
    return b.val(tf.pad(x.t, paddings), s, `tf.pad(${x.name}, ${JSON.stringify(paddings)})`, 'pad');
  },
  mirrorPad: (b) => {
    const x = b.subject(ALL, 1);
    const mode = b.pick(['REFLECT', 'SYMMETRIC'] as const);
    const limit = (d: number) => Math.max(0, Math.min(2, mode === 'REFLECT' ? d - 1 : d));
    const paddings = x.shape.map((d) => [b.p.int(0, limit(d)), b.p.int(0, limit(d))]);
    const s = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    if (numel(s) > MAX_NUMEL) return undefined;
    if (b.chance(30) && x.t.dtype !== 'bool') {
      const c = x.t.dtype === 'int32' ? b.p.int(-3, 3) : b.pick([0.5, -2, 7]);
      return b.val(tf.pad(x.t, paddings, { constantValues: c }), s, `tf.pad(${x.name}, ${JSON.stringify(paddings)}, {constantValues: ${c}})`, 'mirrorPad');
    }
    return b.val(tf.pad(x.t, paddings, mode), s, `tf.pad(${x.name}, ${JSON.stringify(paddings)}, '${mode}')`, 'mirrorPad');
  },
  stacking: (b) => {
    const x = b.subject(ALL, 1);
    const r = x.shape.length;
    const axis = b.p.int(0, r - 1);
    const arg = axisArg(b, axis, r);
    switch (b.pick(['stack', 'unstack', 'split', 'tile', 'reverse'] as const)) {
      case 'stack': {
        if (r >= b.maxRank) return undefined;
        const y = b.operand((v) => v.t.dtype === x.t.dtype && v.shape.length === r && v.shape.every((d, j) => d === x.shape[j]), () => b.leaf(x.t.dtype, x.shape));
        const at = b.p.int(0, r);
        const s = [...x.shape.slice(0, at), 2, ...x.shape.slice(at)];
        if (numel(s) > MAX_NUMEL) return undefined;
        return b.val(tf.stack([x.t, y.t], at), s, `tf.stack([${x.name}, ${y.name}], ${at})`, 'stacking');
      }
      case 'unstack': {
        if (x.shape[axis] === 0) return undefined;
        const k = b.p.int(0, x.shape[axis] - 1);
        return b.val(tf.unstack(x.t, arg, x.shape[axis])[k], x.shape.filter((_, j) => j !== axis), `tf.unstack(${x.name}, ${arg}, ${x.shape[axis]})[${k}]`, 'stacking');
      }
      case 'split': {
        // why: the other families expect no empty dims, so both parts keep at least one element
        const d = x.shape[axis];
        if (d < 2) return undefined;
        const first = b.p.int(1, d - 1);
        const k = b.p.int(0, 1);
        const sizes = [first, d - first];
        const s = x.shape.map((n, j) => (j === axis ? sizes[k] : n));
        return b.val(tf.split(x.t, b.chance(30) ? [first, -1] : sizes, arg)[k], s, `tf.split(${x.name}, [${sizes}], ${arg})[${k}]`, 'stacking');
      }
      case 'tile': {
        const m = x.shape.map(() => b.p.int(1, 2));
        const s = x.shape.map((n, j) => n * m[j]);
        if (numel(s) > MAX_NUMEL) return undefined;
        return b.val(tf.tile(x.t, m), s, `tf.tile(${x.name}, [${m}])`, 'stacking');
      }
      case 'reverse': {
        const axes = Array.from({ length: r }, (_, j) => j).filter(() => b.chance(50)).map((a) => axisArg(b, a, r));
        return b.val(tf.reverse(x.t, axes), x.shape, `tf.reverse(${x.name}, [${axes}])`, 'stacking');
      }
    }
  },
  scan: (b) => {
    const x = b.subject(NUMERIC, 1);
    const r = x.shape.length;
    const arg = axisArg(b, b.p.int(0, r - 1), r);
    const name = b.pick(['cumsum', 'cumprod'] as const);
    const exclusive = b.chance(50), reverse = b.chance(50);
    return b.val(tf[name](x.t, arg, exclusive, reverse), x.shape, `tf.${name}(${x.name}, ${arg}, ${exclusive}, ${reverse})`, 'scan');
  },
  clip: (b) => {
    const x = b.subject(FLOATS);
    if (b.chance(50)) {
      const lo = b.pick([-1, 0, 0.25]), hi = b.pick([0.5, 1, 2]);
      return b.val(tf.clipByValue(x.t, lo, hi), x.shape, `tf.clipByValue(${x.name}, ${lo}, ${hi})`, 'clip');
    }
    const n = b.pick([0.5, 1, 3]);
    return b.val(tf.clipByNorm(x.t, n), x.shape, `tf.clipByNorm(${x.name}, ${n})`, 'clip');
  },
  gather: (b) => {
    const x = b.subject(ALL, 1);
    const r = x.shape.length;
    const axis = b.p.int(0, r - 1);
    const indShape = b.randomShape(0, 2);
    const ind = b.leaf('int32', indShape, { kind: b.chance(50) ? 'const' : 'placeholder', range: [0, x.shape[axis] - 1] });
    if (ind.t.op.type === 'Placeholder') b.indexFeeds.push({ val: ind, bound: x.shape[axis] });
    const s = [...x.shape.slice(0, axis), ...indShape, ...x.shape.slice(axis + 1)];
    if (numel(s) > MAX_NUMEL || s.length > 4) return undefined;
    const arg = axisArg(b, axis, r);
    return b.val(tf.gather(x.t, ind.t, arg), s, `tf.gather(${x.name}, ${ind.name}, ${arg})`, 'gather');
  },
  expandDims: (b) => {
    const x = b.subject(ALL, 0, b.maxRank - 1);
    const r = x.shape.length;
    const a = b.p.int(0, r);
    const arg = b.chance(30) ? a - r - 1 : a;
    const s = [...x.shape];
    s.splice(a, 0, 1);
    return b.val(tf.expandDims(x.t, arg), s, `tf.expandDims(${x.name}, ${arg})`, 'expandDims');
  },
  squeeze: (b) => {
    const x = b.choose((v) => v.shape.includes(1)) ?? b.leaf(b.pick(ALL), [b.p.int(1, 3), 1, b.p.int(1, 3)]);
    const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    // why: squeeze without axes needs the size-1 dims known statically; give axes when some are unknown.
    const staticOnes = x.t.shape !== null && x.t.shape.every((d, i) => (d === 1) === (x.shape[i] === 1));
    const axes = staticOnes && b.chance(40) ? undefined : ones.filter(() => b.chance(60));
    const removed = axes?.length ? axes : ones; // why: no axes (or []) squeezes every size-1 dim
    const s = x.shape.filter((_, i) => !removed.includes(i));
    return b.val(tf.squeeze(x.t, axes), s, `tf.squeeze(${x.name}${axes ? `, [${axes}]` : ''})`, 'squeeze');
  },
  softmax: (b) => {
    const x = b.subject(FLOATS, 1);
    const r = x.shape.length;
    const name = b.pick(['softmax', 'logSoftmax'] as const);
    // why: another axis than the last goes through transposes, which need the rank statically.
    const axis = x.t.shape !== null && b.chance(30) ? b.p.int(0, r - 1) : -1;
    return b.val(tf.nn[name](x.t, axis), x.shape, `tf.nn.${name}(${x.name}, ${axis})`, 'softmax');
  },
  crossEntropy: (b) => {
    const logits = b.subject(FLOATS, 2, 2);
    if (logits.t.shape === null) return undefined; // why: the op needs the class axis statically
    const labels = b.operand((v) => v !== logits && v.t.dtype === logits.t.dtype && v.shape.join() === logits.shape.join(),
      () => b.leaf(logits.t.dtype, logits.shape));
    const t = tf.nn.softmaxCrossEntropyWithLogits({ labels: labels.t, logits: logits.t });
    const code = `tf.nn.softmaxCrossEntropyWithLogits({labels: ${labels.name}, logits: ${logits.name}})`;
    return b.val(t, [logits.shape[0]], code, 'crossEntropy');
  },
  sparseCrossEntropy: (b) => {
    const logits = b.subject(FLOATS, 2, 2);
    if (logits.t.shape === null) return undefined; // why: the op needs the class axis statically
    const kind = b.chance(50) ? 'const' : 'placeholder';
    const labels = b.leaf('int32', [logits.shape[0]], { kind, range: [0, logits.shape[1] - 1] });
    if (kind === 'placeholder') b.indexFeeds.push({ val: labels, bound: logits.shape[1] });
    const t = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: labels.t, logits: logits.t });
    const code = `tf.nn.sparseSoftmaxCrossEntropyWithLogits({labels: ${labels.name}, logits: ${logits.name}})`;
    return b.val(t, [logits.shape[0]], code, 'sparseCrossEntropy');
  },
  oneHot: (b) => {
    const shape = b.randomShape(0, 2);
    const depth = b.p.int(1, 4);
    // why: indices outside [0, depth) give all-off rows.
    const ind = b.leaf('int32', shape, { kind: b.chance(50) ? 'const' : 'placeholder', range: [-1, depth] });
    const axis = b.chance(50) ? -1 : b.p.int(0, shape.length);
    const dtype = b.pick(ALL);
    const [on, off] = dtype === 'bool' ? [true, false] : [b.p.int(-2, 3), b.p.int(-2, 3)];
    const s = [...shape];
    s.splice(axis === -1 ? s.length : axis, 0, depth);
    const opts = { onValue: on, offValue: off, axis, dtype };
    return b.val(tf.oneHot(ind.t, depth, opts), s, `tf.oneHot(${ind.name}, ${depth}, ${JSON.stringify(opts)})`, 'oneHot');
  },
  addN: (b) => {
    const x = b.subject(NUMERIC);
    const parts = [x];
    const count = b.p.int(2, 3);
    for (let i = 1; i < count; i++) {
      parts.push(b.operand((v) => v.t.dtype === x.t.dtype && v.shape.join() === x.shape.join(), () => b.leaf(x.t.dtype, [...x.shape])));
    }
    return b.val(tf.addN(parts.map((v) => v.t)), x.shape, `tf.addN([${parts.map((v) => v.name)}])`, 'addN');
  },
  random: (b) => {
    // why: with an op seed both sessions draw the same stream (host calls in compiled plans).
    const shape = b.randomShape(0, 2);
    const name = b.pick(['randomUniform', 'randomNormal', 'truncatedNormal'] as const);
    const dtype = name === 'randomUniform' && b.chance(30) ? 'int32' : b.pick(FLOATS);
    const seed = b.p.int(1, 1000);
    const opts = dtype === 'int32' ? { dtype, seed, minval: -5, maxval: 5 } : { dtype, seed };
    return b.val(tf[name](shape, opts), shape, `tf.${name}([${shape}], ${JSON.stringify(opts)})`, 'random');
  },
  assign: (b) => {
    // why: writes are committed at the end of the run; later ops see the assigned value through
    // the assign's output, reads of the variable see the start of the run.
    const v = b.variables.length ? b.pick(b.variables) : undefined;
    if (!v) return undefined;
    const shape = v.shape as number[];
    const fits = (c: Val) => c.t.dtype === v.dtype && c.shape.join() === shape.join();
    const x = b.operand(fits, () => b.leaf(v.dtype, [...shape], { kind: 'placeholder' }));
    const name = b.pick(['assign', 'assignAdd', 'assignSub'] as const);
    return b.val(tf[name](v, x.t), [...shape], `tf.${name}(${b.variableNames.get(v)}, ${x.name})`, 'assign');
  },
  likes: (b) => {
    const x = b.subject(ALL);
    const name = b.pick(['zerosLike', 'onesLike'] as const);
    return b.val(tf[name](x.t), x.shape, `tf.${name}(${x.name})`, 'likes');
  },
};

/** How often each family is drawn relative to the others (1 when not listed): families with many ops weigh more. */
const WEIGHTS: Record<string, number> = { unary: 7, arith: 4, compare: 2, reduce: 3, assign: 3 };

/**
 * Builds a random graph in a new tf.Graph: a few leaves, then `steps` ops drawn from the
 * families; fetches the last value and a few others.
 */
export function randomGraph(p: Pick, opts: RandomGraphOptions = {}): RandomGraph {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const b = new GraphBuilder(p, opts);
    const names = (opts.families ?? Object.keys(FAMILIES)).flatMap((f) => new Array<string>(WEIGHTS[f] ?? 1).fill(f));
    const inputs = p.int(1, opts.maxInputs ?? 3);
    for (let i = 0; i < inputs; i++) b.leaf(b.pick(ALL), b.randomShape());
    const steps = p.int(1, opts.maxSteps ?? 6);
    for (let i = 0; i < steps; i++) {
      for (let tries = 0; tries < 4; tries++) {
        const fam = FAMILIES[b.pick(names)];
        if (fam(b)) break;
      }
    }
    const last = b.vals[b.vals.length - 1];
    const outputs = [last, ...b.vals.filter((v) => v !== last && b.chance(12))];
    if (b.chance(10)) outputs.push(last); // why: a tensor fetched twice is computed once, returned twice
    const computed = b.vals.filter((v) => !b.feeds[0].has(v.t) && !['Const', 'Identity'].includes(v.t.op.type));
    if (computed.length > 1 && b.chance(12)) b.feedIntermediate(b.pick(computed.slice(0, -1)));
    const init = b.variables.length ? tf.variablesInitializer(b.variables) : null;
    const vars = b.variables.map((v) => b.variableNames.get(v)!);
    const fetchLine = `// fetch [${[...outputs.map((v) => v.name), ...vars]}]${init ? ' after running the variables initializer' : ''}`;
    const text = [...b.lines, fetchLine].join('\n');
    return { graph, feeds: b.feeds, outputs, floatInputs: b.floatInputs, init, variables: b.variables, families: b.families, indexFeeds: b.indexFeeds, text };
  });
}

/**
 * How two fetched values differ, or undefined when they are identical: same kind, dtype, shape
 * and elements equal by Object.is (so NaN equals NaN and -0 differs from 0).
 */
export function fetchDiff(actual: unknown, expected: unknown): string | undefined {
  if (actual === null || typeof actual === 'number' || typeof actual === 'boolean') {
    return Object.is(actual, expected) ? undefined : `${fmtAny(actual)}, expected ${fmtAny(expected)}`;
  }
  if (!(actual instanceof tf.NDArray) || !(expected instanceof tf.NDArray)) return `${String(actual)}, expected ${String(expected)}`;
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}], expected [${expected.shape}]`;
  for (let i = 0; i < actual.size; i++) {
    if (!Object.is(actual.data[i], expected.data[i])) {
      return `element ${i} is ${fmtNum(actual.data[i])}, expected ${fmtNum(expected.data[i])}\n` +
        `  got      ${fmtData(actual.data)}\n  expected ${fmtData(expected.data)}`;
    }
  }
  return undefined;
}

function fmtAny(v: unknown): string {
  return typeof v === 'number' ? fmtNum(v) : String(v);
}

/** A float32 or float64 array of n values drawn from f. */
export function floatArray(dtype: 'float32' | 'float64', n: number, f: () => number): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
}
