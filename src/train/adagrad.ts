// tf.train.AdagradOptimizer: one `<var>/Adagrad` accumulator slot per variable, starting at
// initialAccumulatorValue, updated by the fused ApplyAdagrad op.
import { InvalidArgumentError } from '../errors.js';
import type { Operation, Tensor } from '../graph.js';
import { ApplyAdagrad, applyOp } from '../ops/training.js';
import type { Variable } from '../variables.js';
import { cast, hyper, Optimizer } from './optimizer.js';
import { checkOptions } from '../ops/op_args.js';

export interface AdagradOptions {
  /** Accepted for TF1 programs and ignored: a run never races with another. */
  useLocking?: boolean;
  /** Starting value of the accumulators; must be positive (TF1 default 0.1). */
  initialAccumulatorValue?: number;
  name?: string;
}

export class AdagradOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  readonly initialAccumulatorValue: number;
  private lrT?: Tensor;

  /**
   * Adagrad (TF1 tf.train.AdagradOptimizer): accum += grad²; var -= learningRate·grad/√accum.
   * @example const train = new tf.train.AdagradOptimizer(0.1).minimize(loss)
   */
  constructor(learningRate: number | Tensor, opts: AdagradOptions = {}) {
    // why: a misspelt option (use_nesterov, beta_1) must fail, not be ignored.
    opts = checkOptions<AdagradOptions>('tf.train.AdagradOptimizer', opts, { kinds: { initialAccumulatorValue: 'number', name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'Adagrad');
    const init = opts.initialAccumulatorValue ?? 0.1;
    if (!(init > 0)) {
      throw new InvalidArgumentError(`initialAccumulatorValue must be positive: ${init}`);
    }
    this.learningRate = learningRate;
    this.initialAccumulatorValue = init;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) this.zerosSlot(v, 'accumulator', this.name, this.initialAccumulatorValue);
  }

  protected prepare(): void {
    this.lrT = hyper(this.learningRate, 'learning_rate');
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    const accum = this.getSlot(v, 'accumulator')!;
    return applyOp(ApplyAdagrad, [v.ref, accum.ref, cast(this.lrT!, v), grad], {}, 'ApplyAdagrad');
  }
}
