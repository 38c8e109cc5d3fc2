// tf.train.AdamOptimizer: slots `<var>/Adam` (m) and `<var>/Adam_1` (v), the non-trainable
// `beta1_power`/`beta2_power` (once per graph), the fused ApplyAdam op, and a finish step that
// advances the powers after every update (`Adam/mul`, `Adam/Assign`, …), as TF1 builds it.
import { controlDependencies, type Graph, nameScope, type Operation, type Tensor } from '../graph.js';
import { ApplyAdam, applyOp } from '../ops/training.js';
import { assign, group, Variable } from '../variables.js';
import { cast, hyper, Optimizer } from './optimizer.js';
import { checkOptions } from '../ops/op_args.js';

export interface AdamOptions {
  /** Accepted for TF1 programs and ignored: a run never races with another. */
  useLocking?: boolean;
  name?: string;
}

export class AdamOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  readonly beta1: number | Tensor;
  readonly beta2: number | Tensor;
  readonly epsilon: number | Tensor;
  private readonly powers = new Map<Graph, { beta1Power: Variable; beta2Power: Variable }>();
  private hyperT?: { lr: Tensor; beta1: Tensor; beta2: Tensor; epsilon: Tensor };

  /**
   * Adam (TF1 tf.train.AdamOptimizer): lr_t = learningRate·√(1−β2ᵗ)/(1−β1ᵗ);
   * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; var -= lr_t·m/(√v + epsilon).
   * @example const train = new tf.train.AdamOptimizer(0.1).minimize(loss)
   */
  constructor(learningRate: number | Tensor = 0.001, beta1: number | Tensor = 0.9, beta2: number | Tensor = 0.999,
    epsilon: number | Tensor = 1e-8, opts: AdamOptions = {}) {
    // why: a misspelt option (use_nesterov, beta_1) must fail, not be ignored.
    opts = checkOptions<AdamOptions>('tf.train.AdamOptimizer', opts, { kinds: { name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'Adam');
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
  }

  /** beta1_power and beta2_power of `graph` (TF1 _get_beta_accumulators), once minimize made them. */
  getBetaAccumulators(graph: Graph): [Variable, Variable] | undefined {
    const p = this.powers.get(graph);
    return p && [p.beta1Power, p.beta2Power];
  }

  protected override createSlots(vars: readonly Variable[]): void {
    const graph = vars[0].graph;
    if (!this.powers.has(graph)) {
      // why: TF1 makes them from the Python floats, so they are float32 whatever the variables'
      // dtype, and casts them per variable.
      const power = (init: number | Tensor, name: string) =>
        nameScope('', () => new Variable(init, { name, trainable: false }));
      this.powers.set(graph, {
        beta1Power: power(this.beta1, 'beta1_power'),
        beta2Power: power(this.beta2, 'beta2_power'),
      });
    }
    for (const v of vars) {
      this.zerosSlot(v, 'm', this.name);
      this.zerosSlot(v, 'v', this.name);
    }
  }

  protected prepare(): void {
    this.hyperT = {
      lr: hyper(this.learningRate, 'learning_rate'),
      beta1: hyper(this.beta1, 'beta1'),
      beta2: hyper(this.beta2, 'beta2'),
      epsilon: hyper(this.epsilon, 'epsilon'),
    };
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    const h = this.hyperT!;
    const p = this.powers.get(v.graph)!;
    const m = this.getSlot(v, 'm')!.ref;
    const vv = this.getSlot(v, 'v')!.ref;
    const scalars = [p.beta1Power.value(), p.beta2Power.value(), h.lr, h.beta1, h.beta2, h.epsilon]
      .map((t) => cast(t, v));
    return applyOp(ApplyAdam, [v.ref, m, vv, ...scalars, grad], { use_nesterov: false }, 'ApplyAdam');
  }

  protected override finish(updates: Operation[], scope: string): Operation {
    const p = this.powers.get(updates[0].graph)!;
    const h = this.hyperT!;
    const [a1, a2] = controlDependencies(updates, () => [
      assign(p.beta1Power, p.beta1Power.value().mul(cast(h.beta1, p.beta1Power))),
      assign(p.beta2Power, p.beta2Power.value().mul(cast(h.beta2, p.beta2Power))),
    ]);
    return group([...updates, a1.op, a2.op], scope);
  }
}
