// tf.train.MomentumOptimizer: one `<var>/Momentum` accumulator slot per variable, updated by
// the fused ApplyMomentum op (TF1's rule, including its Nesterov form).
import type { Operation, Tensor } from '../graph.js';
import { ApplyMomentum, applyOp } from '../ops/training.js';
import type { Variable } from '../variables.js';
import { cast, hyper, Optimizer } from './optimizer.js';
import { checkOptions } from '../ops/op_args.js';

export interface MomentumOptions {
  /** Accepted for TF1 programs and ignored: a run never races with another. */
  useLocking?: boolean;
  /** Nesterov momentum: var -= lr·grad + lr·momentum·accum (TF1 use_nesterov). */
  useNesterov?: boolean;
  name?: string;
}

export class MomentumOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  readonly momentum: number | Tensor;
  readonly useNesterov: boolean;
  private lrT?: Tensor;
  private momentumT?: Tensor;

  /**
   * Gradient descent with momentum (TF1 tf.train.MomentumOptimizer):
   * accum = momentum·accum + grad; var -= learningRate·accum.
   * @example const train = new tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
   */
  constructor(learningRate: number | Tensor, momentum: number | Tensor, opts: MomentumOptions = {}) {
    // why: a misspelt option (use_nesterov, beta_1) must fail, not be ignored.
    opts = checkOptions<MomentumOptions>('tf.train.MomentumOptimizer', opts, { kinds: { useNesterov: 'boolean', name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'Momentum');
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.useNesterov = opts.useNesterov ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) this.zerosSlot(v, 'momentum', this.name);
  }

  protected prepare(): void {
    this.lrT = hyper(this.learningRate, 'learning_rate');
    this.momentumT = hyper(this.momentum, 'momentum');
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    const accum = this.getSlot(v, 'momentum')!;
    return applyOp(ApplyMomentum, [v.ref, accum.ref, cast(this.lrT!, v), grad, cast(this.momentumT!, v)],
      { use_nesterov: this.useNesterov }, 'ApplyMomentum');
  }
}
