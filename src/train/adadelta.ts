// tf.train.AdadeltaOptimizer: slots `<var>/Adadelta` (accum, the running mean of g²) and
// `<var>/Adadelta_1` (accum_update, the running mean of the squared updates), updated by the
// fused ApplyAdadelta op with TF1's rule.
import type { Operation, Tensor } from '../graph.js';
import { ApplyAdadelta, applyOp } from '../ops/training.js';
import type { Variable } from '../variables.js';
import { cast, hyper, Optimizer } from './optimizer.js';
import { checkOptions } from '../ops/op_args.js';

export interface AdadeltaOptions {
  /** Accepted for TF1 programs and ignored: a run never races with another. */
  useLocking?: boolean;
  name?: string;
}

export class AdadeltaOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  readonly rho: number | Tensor;
  readonly epsilon: number | Tensor;
  private hyperT?: { lr: Tensor; rho: Tensor; epsilon: Tensor };

  /**
   * Adadelta (TF1 tf.train.AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-8)):
   * accum = ρ·accum + (1−ρ)·g²; update = √(accum_update+ε)/√(accum+ε)·g; var -= lr·update;
   * accum_update = ρ·accum_update + (1−ρ)·update². (Zeiler's paper uses lr = 1.)
   * @example const train = new tf.train.AdadeltaOptimizer(1.0).minimize(loss)
   */
  constructor(learningRate: number | Tensor = 0.001, rho: number | Tensor = 0.95, epsilon: number | Tensor = 1e-8, opts: AdadeltaOptions = {}) {
    // why: a misspelt option (use_nesterov, beta_1) must fail, not be ignored.
    opts = checkOptions<AdadeltaOptions>('tf.train.AdadeltaOptimizer', opts, { kinds: { name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'Adadelta');
    this.learningRate = learningRate;
    this.rho = rho;
    this.epsilon = epsilon;
  }

  protected override createSlots(vars: readonly Variable[]): void {
    for (const v of vars) {
      this.zerosSlot(v, 'accum', this.name);
      this.zerosSlot(v, 'accum_update', this.name);
    }
  }

  protected prepare(): void {
    this.hyperT = { lr: hyper(this.learningRate, 'lr'), rho: hyper(this.rho, 'rho'), epsilon: hyper(this.epsilon, 'epsilon') };
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    const h = this.hyperT!;
    const accum = this.getSlot(v, 'accum')!.ref;
    const accumUpdate = this.getSlot(v, 'accum_update')!.ref;
    return applyOp(ApplyAdadelta, [v.ref, accum, accumUpdate, cast(h.lr, v), cast(h.rho, v), cast(h.epsilon, v), grad], {}, 'ApplyAdadelta');
  }
}
