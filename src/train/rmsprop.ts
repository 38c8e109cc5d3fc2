// tf.train.RMSPropOptimizer: slots `<var>/RMSProp` (mean square, starting at ONE as in TF1) and
// `<var>/RMSProp_1` (momentum); centered adds the mean-gradient slot before the momentum
// (`RMSProp_1` = mg, `RMSProp_2` = momentum), exactly TF1's creation order.
import type { Operation, Tensor } from '../graph.js';
import { ApplyCenteredRMSProp, ApplyRMSProp, applyOp } from '../ops/training.js';
import type { Variable } from '../variables.js';
import { cast, hyper, Optimizer } from './optimizer.js';
import { checkOptions } from '../ops/op_args.js';

export interface RMSPropOptions {
  /** Accepted for TF1 programs and ignored: a run never races with another. */
  useLocking?: boolean;
  /** Discount of the running mean square (TF1 default 0.9). */
  decay?: number | Tensor;
  momentum?: number | Tensor;
  epsilon?: number | Tensor;
  /** Normalise by the estimated variance instead of the mean square (ApplyCenteredRMSProp). */
  centered?: boolean;
  name?: string;
}

export class RMSPropOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  readonly decay: number | Tensor;
  readonly momentum: number | Tensor;
  readonly epsilon: number | Tensor;
  readonly centered: boolean;
  private hyperT?: { lr: Tensor; decay: Tensor; momentum: Tensor; epsilon: Tensor };

  /**
   * RMSProp (TF1 tf.train.RMSPropOptimizer): ms += (grad² − ms)(1 − decay);
   * mom = momentum·mom + learningRate·grad/√(ms + epsilon); var -= mom.
   * @example const train = new tf.train.RMSPropOptimizer(0.01, {momentum: 0.9}).minimize(loss)
   */
  constructor(learningRate: number | Tensor, opts: RMSPropOptions = {}) {
    // why: a misspelt option (use_nesterov, beta_1) must fail, not be ignored.
    opts = checkOptions<RMSPropOptions>('tf.train.RMSPropOptimizer', opts, { kinds: { decay: 'value', momentum: 'value', epsilon: 'value', centered: 'boolean', name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'RMSProp');
    this.learningRate = learningRate;
    this.decay = opts.decay ?? 0.9;
    this.momentum = opts.momentum ?? 0;
    this.epsilon = opts.epsilon ?? 1e-10;
    this.centered = opts.centered ?? false;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) {
      this.zerosSlot(v, 'rms', this.name, 1);
      if (this.centered) this.zerosSlot(v, 'mg', this.name);
      this.zerosSlot(v, 'momentum', this.name);
    }
  }

  protected prepare(): void {
    this.hyperT = {
      lr: hyper(this.learningRate, 'learning_rate'),
      decay: hyper(this.decay, 'decay'),
      momentum: hyper(this.momentum, 'momentum'),
      epsilon: hyper(this.epsilon, 'epsilon'),
    };
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    const h = this.hyperT!;
    const scalars = [h.lr, h.decay, h.momentum, h.epsilon].map((t) => cast(t, v));
    const rms = this.getSlot(v, 'rms')!.ref;
    const mom = this.getSlot(v, 'momentum')!.ref;
    if (this.centered) {
      const mg = this.getSlot(v, 'mg')!.ref;
      return applyOp(ApplyCenteredRMSProp, [v.ref, mg, rms, mom, ...scalars, grad], {}, 'ApplyCenteredRMSProp');
    }
    return applyOp(ApplyRMSProp, [v.ref, rms, mom, ...scalars, grad], {}, 'ApplyRMSProp');
  }
}
