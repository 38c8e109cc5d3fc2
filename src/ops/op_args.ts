// Shape-like arguments of the movement and indexing ops (perms, axes, begin/size, paddings):
// their checks, their constant values at graph-building time, and constant folding of the ops
// that compute them, so gradients and default perms keep static shapes.
import { checkDType, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { constantValue, type Operation, Tensor } from '../graph.js';
import { intList } from '../kernels.js';
import { inferDType, NDArray } from '../ndarray.js';
import type { InferContext, KernelContext, OutputInfo } from '../op_spec.js';
import { formatDims, type Dim, type Shape } from '../shape.js';
import { NotLowerable, type LowerContext } from '../prims.js';
import { convertToTensor, isTensorLikeObject, type TensorLike } from './define_op.js';

/** Checks that input i is an int32 tensor of rank `wantRank` (shape arguments, perms, axes). */
export function intArg(ctx: InferContext, i: number, what: string, wantRank: number): void {
  const t = ctx.inputs[i];
  if (t.dtype !== 'int32') throw new InvalidArgumentError(`${ctx.name}: ${what} ${t} must be int32, not ${t.dtype}.`);
  if (t.shape !== null && t.shape.length !== wantRank) {
    const want = wantRank === 0 ? 'a scalar' : `of rank ${wantRank}`;
    throw new InvalidArgumentError(`${ctx.name}: ${what} ${t} must be ${want}, but has shape ${formatDims(t.shape)}.`);
  }
}

export function constInts(ctx: InferContext, i: number): number[] | undefined {
  const v = ctx.constantValue(i);
  return v ? intList(v) : undefined;
}

export function unknownDims(r: number | null): Shape {
  return r === null ? null : new Array<Dim>(r).fill(null);
}

export const info = (dtype: DType, s: Shape): OutputInfo[] => [{ dtype, shape: s }];
export const int32Vector = (v: readonly number[]) => new NDArray(Int32Array.from(v), [v.length], 'int32');

const folded = new WeakMap<Operation, NDArray | null>();
/**
 * The value of a small int32 op whose inputs are all constant, so shape arithmetic (gradients,
 * default perms) keeps static shapes, as TF1's constant folding in shape inference does.
 */
export function foldConstant(op: Operation): NDArray | undefined {
  if (!folded.has(op)) {
    let v: NDArray | null = null;
    const ins = op.inputs.map(constantValue);
    if (op.outputs.length === 1 && op.outputs[0].dtype === 'int32' && ins.every((x) => x && x.size <= 1024)) {
      const ctx = { op, randomStream: () => { throw new Error('not constant'); } } as unknown as KernelContext;
      try {
        const r = op.spec.reference(ins as NDArray[], ctx)[0];
        v = r instanceof NDArray ? r : null;
      } catch {
        v = null; // why: the run reports the error, with the op, when (if) it executes
      }
    }
    folded.set(op, v);
  }
  return folded.get(op) ?? undefined;
}

/** Out-of-range axis, with the valid range. */
export function axisError(what: string, axis: number, r: number): InvalidArgumentError {
  return new InvalidArgumentError(`${what}: axis ${axis} is out of range: expected an axis in [-${r}, ${r}).`);
}

export type IntsArg = readonly number[] | Tensor | NDArray;

/** An int32 tensor from a shape-like argument, named as TF1 names the op's input. */
export function ints(v: IntsArg | number, name: string): Tensor {
  return convertToTensor(v as TensorLike, { dtype: 'int32', name, what: `${name} argument` });
}

/** The dtype a value brings to an op (tensors, NDArrays, typed arrays); undefined for JS numbers. */
export function operandDType(v: TensorLike): DType | undefined {
  if (v instanceof Tensor) return v.dtype;
  if (isTensorLikeObject(v)) return v._asTensor().dtype;
  return v instanceof NDArray || ArrayBuffer.isView(v) ? inferDType(v) : undefined;
}

/** A shape-like input's value when lowering: the compiler needs it at compile time. */
export function loweredInts(ctx: LowerContext, i: number, op: Operation): number[] {
  const v = ctx.constantValue(i);
  if (!v) throw new NotLowerable(`${op.name}: input ${i} is only known at run time`);
  return intList(v);
}

// ---- Argument forms of the op functions ----
// TF1's positional order, with a trailing options object standing for TF1's keywords: every op
// function parses its optional arguments here, so a misspelt or snake_case key is an error
// naming the accepted keys (never "cannot convert an object to a tensor") and a value given both
// positionally and as an option is refused.

/** What an optional argument must be; 'dtype' also resolves TF1's aliases ('float', 'double'). */
export type ArgKind = 'value' | 'boolean' | 'string' | 'number' | 'int' | 'dtype';

export interface ArgSpec<O> {
  /** The optional parameters in TF1's positional order. */
  readonly positional: readonly (keyof O & string)[];
  /** Every accepted option (positional ones included) with its kind. */
  readonly kinds: { readonly [K in keyof O]-?: ArgKind };
  /** Further accepted names (TF1's older spellings, in camelCase) and the option each stands for. */
  readonly aliases?: Readonly<Record<string, keyof O & string>>;
}

type Trailing<P extends unknown[], O, Acc extends unknown[] = []> =
  P extends [infer H, ...infer T] ? [...Acc, O] | Trailing<T, O, [...Acc, H | undefined]> : [...Acc, O];
/** The optional arguments of an op function: a prefix of P, or a prefix followed by options O. */
export type OptArgs<P extends unknown[], O> = Partial<P> | Trailing<P, O>;

/** A plain `{…}` object: never a tensor-like value, so it can only be options. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The optional arguments `args` of `fn` as one record, checked against `spec`. */
export function opArgs<O>(fn: string, args: readonly unknown[], spec: ArgSpec<O>): Partial<O> {
  const last = args.length ? args[args.length - 1] : undefined;
  const hasOptions = isOptionsObject(last);
  const positional = hasOptions ? args.slice(0, -1) : args;
  if (positional.length > spec.positional.length) {
    throw new InvalidArgumentError(
      `${fn} takes at most ${spec.positional.length} optional arguments (${spec.positional.join(', ')}), got ` +
      `${positional.length}${hasOptions ? ' before its options object' : ''}.`);
  }
  const result: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    const kind = spec.kinds[spec.positional[i]];
    if (!omitted(v, kind)) result[spec.positional[i]] = checkKind(fn, spec.positional[i], v, kind);
  });
  if (hasOptions) Object.assign(result, optionsRecord(fn, last, spec, result));
  return result as Partial<O>;
}

/** An options object (the only optional argument of ops like tf.nn.*WithLogits), checked against `spec`. */
export function checkOptions<O>(fn: string, opts: unknown, spec: Omit<ArgSpec<O>, 'positional'>): Partial<O> {
  if (opts === undefined) return {};
  if (!isOptionsObject(opts)) throw new InvalidArgumentError(`${fn}: expected an options object {${Object.keys(spec.kinds).join(', ')}}, got ${describeArg(opts)}.`);
  return optionsRecord(fn, opts, spec, {}) as Partial<O>;
}

function optionsRecord<O>(fn: string, opts: Record<string, unknown>, spec: Omit<ArgSpec<O>, 'positional'>, given: Record<string, unknown>): Record<string, unknown> {
  const kinds = spec.kinds as Record<string, ArgKind>;
  const aliases = (spec.aliases ?? {}) as Record<string, string>;
  const accepted = [...Object.keys(kinds), ...Object.keys(aliases)];
  const result: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(opts)) {
    const canonical = key in kinds ? key : aliases[key];
    if (canonical === undefined) {
      const plain = key.replace(/_/g, '').toLowerCase();
      // why: snake_case and singular/plural slips (keep_dims, axes) are the common misspellings.
      const hint = accepted.find((k) => [plain, `${plain}s`, plain.replace(/e?s$/, ''), plain.replace(/es$/, 'is'), plain.replace(/is$/, 'es')].includes(k.toLowerCase()));
      throw new InvalidArgumentError(
        `${fn}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; accepted options: ${accepted.join(', ')}.`);
    }
    if (omitted(v, kinds[canonical])) continue;
    if (given[canonical] !== undefined || result[canonical] !== undefined) {
      throw new InvalidArgumentError(`${fn}: '${canonical}' is given twice (${key === canonical ? 'positionally and as an option' : `also as '${key}'`}); give it once.`);
    }
    result[canonical] = checkKind(fn, key, v, kinds[canonical]);
  }
  return result;
}

/** undefined, or null where null is not a value of its own (TF1's `seed=None`, `dtype=None`, `name=None`). */
function omitted(v: unknown, kind: ArgKind): boolean {
  return v === undefined || (v === null && kind !== 'value');
}

function checkKind(fn: string, name: string, v: unknown, kind: ArgKind): unknown {
  const bad = (what: string) => new InvalidArgumentError(`${fn}: '${name}' must be ${what}, got ${describeArg(v)}.`);
  switch (kind) {
    case 'boolean': if (typeof v !== 'boolean') throw bad('a boolean'); return v;
    case 'string': if (typeof v !== 'string') throw bad('a string'); return v;
    case 'number': if (typeof v !== 'number') throw bad('a number'); return v;
    case 'int': if (!Number.isInteger(v)) throw bad('an integer'); return v;
    case 'dtype': return checkDType(v, `${fn}: '${name}'`);
    case 'value':
      if (isOptionsObject(v)) throw bad('a tensor or a JS value (number, array, TypedArray, NDArray)');
      return v;
  }
}

function describeArg(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (isOptionsObject(v)) return `an object {${Object.keys(v).join(', ')}}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  return v instanceof Tensor ? String(v) : `${typeof v} ${String(v)}`;
}
