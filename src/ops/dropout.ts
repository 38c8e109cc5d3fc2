// tf.nn.dropout as TF1.15 builds it: keep each element with probability keepProb = 1 - rate
// (a uniform sample >= rate) and scale kept ones by 1 / keepProb, so the expected value is x.
// keepProb (TF1.x's second argument, often a placeholder fed 1 for evaluation) or {rate}.
import { isFloat } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { nameScope, Tensor } from '../graph.js';
import { cast, shape } from './array.js';
import { convertToTensor, type TensorLike } from './define_op.js';
import { divide, greaterEqual, multiply, subtract } from './math_binary.js';
import { isOptionsObject, opArgs, type ArgSpec, type IntsArg, type OptArgs } from './op_args.js';
import { randomUniform } from './random.js';

export interface DropoutOptions {
  /** The shape of the keep/drop mask, broadcast against x (e.g. [batch, 1, 1, channels]). */
  noiseShape?: IntsArg;
  seed?: number;
  name?: string;
  /** The probability of dropping an element (TF1.13+), instead of keepProb. */
  rate?: TensorLike;
}
const DROPOUT_ARGS: ArgSpec<DropoutOptions> = {
  positional: ['noiseShape', 'seed', 'name', 'rate'],
  kinds: { noiseShape: 'value', seed: 'int', name: 'string', rate: 'value' },
};

const FN = 'tf.nn.dropout';

function checkProbability(v: TensorLike | undefined, what: string, ok: (p: number) => boolean, range: string): void {
  if (typeof v === 'number' && !ok(v)) {
    throw new InvalidArgumentError(`${FN}: ${what} must be a scalar tensor or a number in the range ${range}, got ${v}.`);
  }
}

/**
 * Zeroes each element of x with probability 1 - keepProb and scales the rest by 1 / keepProb
 * (TF1 tf.nn.dropout(x, keep_prob, noise_shape, seed, name, rate)).
 * @example tf.nn.dropout(h, keepProb)          // keepProb: a placeholder fed 0.5 to train, 1 to evaluate
 * @example tf.nn.dropout(h, {rate: 0.1, seed: 1})
 */
export function dropout(x: TensorLike, keepProb?: TensorLike | DropoutOptions,
  ...args: OptArgs<[noiseShape: IntsArg, seed: number, name: string, rate: TensorLike], DropoutOptions>): Tensor {
  const asOptions = isOptionsObject(keepProb);
  const o = opArgs(FN, asOptions ? [keepProb, ...args] : args, DROPOUT_ARGS);
  const kp = asOptions ? undefined : (keepProb as TensorLike | undefined);
  if (kp !== undefined && o.rate !== undefined) throw new InvalidArgumentError(`${FN}: give keepProb or rate, not both.`);
  if (kp === undefined && o.rate === undefined) throw new InvalidArgumentError(`${FN}: give keepProb (the second argument) or {rate}.`);
  checkProbability(kp, 'keepProb', (p) => p > 0 && p <= 1, '(0, 1]');
  checkProbability(o.rate, 'rate', (p) => p >= 0 && p < 1, '[0, 1)');
  return nameScope(o.name ?? 'dropout', () => {
    const t = convertToTensor(x, { name: 'x' });
    if (!isFloat(t.dtype)) {
      throw new InvalidArgumentError(`${FN}: x ${t} has to be a floating point tensor since it's going to be scaled; got ${t.dtype}.`);
    }
    // why: as TF1, a keep probability known to be 1 drops nothing and builds nothing.
    if (kp === 1 || o.rate === 0) return t;
    const dtype = t.dtype;
    const rate = typeof kp === 'number' ? 1 - kp : o.rate !== undefined ? o.rate
      : subtract(1, convertToTensor(kp!, { dtype, name: 'keep_prob', what: `${FN} keepProb` }), 'sub');
    const rateT = convertToTensor(rate, { dtype, name: 'rate', what: `${FN} rate` });
    if (rateT.shape !== null && rateT.shape.length !== 0) {
      throw new InvalidArgumentError(`${FN}: ${kp !== undefined ? 'keepProb' : 'rate'} ${rateT} must be a scalar, but has shape [${rateT.shape}].`);
    }
    const random = randomUniform(o.noiseShape ?? shape(t), { seed: o.seed, dtype });
    const scale = typeof rate === 'number' ? 1 / (1 - rate) : divide(1, subtract(1, rateT, 'sub'));
    const keep = cast(greaterEqual(random, rateT), dtype);
    return multiply(multiply(t, scale, 'mul'), keep, 'mul');
  });
}
