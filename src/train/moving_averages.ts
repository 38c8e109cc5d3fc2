// tf.train.ExponentialMovingAverage: shadow variables `<var>/ExponentialMovingAverage` that
// apply() moves towards their variables (or tensors) by (1 − decay) of the gap, as TF1's
// assign_moving_average does: shadow -= (shadow − value)·(1 − decay).
import { isFloat } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { controlDependencies, nameScope, Operation, Tensor } from '../graph.js';
import { cast, zeros } from '../ops/array.js';
import { convertToTensor } from '../ops/define_op.js';
import { minimum } from '../ops/math_binary.js';
import { opArgs, type ArgSpec, type OptArgs } from '../ops/op_args.js';
import { isFullyDefined, formatShape } from '../shape.js';
import { assignSub, globalVariables, group, trainableVariables, Variable } from '../variables.js';

/** The collection of variables that have a moving average (TF1 tf.GraphKeys.MOVING_AVERAGE_VARIABLES). */
export const MOVING_AVERAGE_VARIABLES = 'moving_average_variables';

export interface ExponentialMovingAverageOptions {
  /** A step count (e.g. the global step): the decay is then min(decay, (1 + n)/(10 + n)), faster early on. */
  numUpdates?: Variable | Tensor | number;
  /** TF1's bias correction for averages of tensors; not supported (TF1's default is false). */
  zeroDebias?: boolean;
  name?: string;
}
const EMA_ARGS: ArgSpec<ExponentialMovingAverageOptions> = {
  positional: ['numUpdates', 'zeroDebias', 'name'],
  kinds: { numUpdates: 'value', zeroDebias: 'boolean', name: 'string' },
};

type Averaged = Variable | Tensor;

export class ExponentialMovingAverage {
  readonly decay: number | Tensor;
  readonly numUpdates: Variable | Tensor | number | undefined;
  readonly name: string;
  private readonly averages = new Map<Averaged, Variable>();

  /**
   * Moving averages of variables or tensors (TF1 tf.train.ExponentialMovingAverage(decay,
   * num_updates=None, zero_debias=False, name='ExponentialMovingAverage')).
   * @example const ema = new tf.train.ExponentialMovingAverage(0.999); const avgOp = ema.apply([w, b])
   */
  constructor(decay: number | Tensor, ...args: OptArgs<[numUpdates: Variable | Tensor | number, zeroDebias: boolean, name: string], ExponentialMovingAverageOptions>) {
    const o = opArgs('tf.train.ExponentialMovingAverage', args, EMA_ARGS);
    if (typeof decay === 'number' && !(decay >= 0 && decay <= 1)) {
      throw new InvalidArgumentError(`tf.train.ExponentialMovingAverage: decay must be in [0, 1], got ${decay}.`);
    }
    if (o.zeroDebias) throw new InvalidArgumentError('tf.train.ExponentialMovingAverage: zeroDebias is not supported; averages start at the variable\'s initial value (tensors: at 0).');
    this.decay = decay;
    this.numUpdates = o.numUpdates;
    this.name = o.name ?? 'ExponentialMovingAverage';
  }

  /**
   * Creates the shadow variables of `varList` (default: the trainable variables) once, and
   * returns an op that updates all of them. A variable's shadow starts at its initial value, a
   * tensor's at zero.
   */
  apply(varList?: readonly Averaged[]): Operation {
    const list = varList ?? (this.firstGraph() ? trainableVariables(this.firstGraph()!) : trainableVariables());
    if (!list.length) throw new InvalidArgumentError('ExponentialMovingAverage.apply: nothing to average (no variables given and no trainable variables).');
    for (const v of list) {
      if (!(v instanceof Variable) && !(v instanceof Tensor)) throw new InvalidArgumentError(`ExponentialMovingAverage.apply: ${String(v)} is neither a tf.Variable nor a Tensor.`);
      if (!isFloat(v.dtype)) throw new InvalidArgumentError(`ExponentialMovingAverage.apply: The variables must be half, float, or double: ${v.name} is ${v.dtype}.`);
      if (v instanceof Tensor && !isFullyDefined(v.shape)) {
        throw new InvalidArgumentError(`ExponentialMovingAverage.apply: the shape of ${v} must be fully known to average it, got ${formatShape(v.shape)}.`);
      }
    }
    const graph = list[0].graph;
    for (const v of list) if (v.graph !== graph) throw new InvalidArgumentError(`ExponentialMovingAverage.apply: ${v.name} is from another graph than ${list[0].name}.`);
    return graph.asDefault(() => {
      for (const v of list) if (!this.averages.has(v)) this.averages.set(v, this.shadow(v));
      return nameScope(this.name, (scope) => {
        let decay = this.decay instanceof Tensor ? this.decay : convertToTensor(this.decay, { name: 'decay' });
        if (this.numUpdates !== undefined) {
          const n = cast(this.numUpdates instanceof Variable ? this.numUpdates.value() : convertToTensor(this.numUpdates), 'float32', 'num_updates');
          decay = minimum(decay, n.radd(1).div(n.radd(10)));
        }
        const updates = list.map((v) => assignMovingAverage(this.averages.get(v)!, v, decay));
        return group(updates.map((u) => u.op), scope);
      });
    });
  }

  private firstGraph() {
    return this.averages.keys().next().value?.graph;
  }

  /** The shadow variable `<name>/ExponentialMovingAverage`, outside any control-dependency scope. */
  private shadow(v: Averaged): Variable {
    return controlDependencies(null, () => nameScope('', () => {
      const name = v.graph.uniqueName(this.averageName(v));
      const initial = v instanceof Variable ? v.initialValue : nameScope(`${name}/Initializer/`, () => zeros(v.shape as number[], v.dtype));
      const avg = new Variable(initial, { name: `${name}/`, trainable: false, dtype: v.dtype });
      if (v instanceof Variable) v.graph.addToCollection(MOVING_AVERAGE_VARIABLES, v);
      return avg;
    }));
  }

  /** The shadow variable of `v` once apply() made it, else undefined (TF1's None). */
  average(v: Averaged): Variable | undefined {
    return this.averages.get(v);
  }

  /** The name of `v`'s shadow variable: `<v's op name>/<this.name>` (TF1 average_name). */
  averageName(v: Averaged): string {
    return `${v.op.name}/${this.name}`;
  }

  /**
   * The variables a Saver should restore to evaluate with the averages in place (TF1
   * variables_to_restore): each averaged variable's shadow name maps to the variable itself,
   * every other global variable maps from its own name.
   * @example new tf.train.Saver(ema.variablesToRestore()).restore(sess, path)
   */
  variablesToRestore(movingAvgVariables?: readonly Variable[]): Record<string, Variable> {
    const result: Record<string, Variable> = Object.create(null);
    const graph = this.firstGraph();
    const all = graph ? globalVariables(graph) : globalVariables();
    const averaged = movingAvgVariables ?? [...new Set([...(graph ? graph.getCollection<Variable>(MOVING_AVERAGE_VARIABLES) : []), ...(graph ? trainableVariables(graph) : trainableVariables())])];
    for (const v of averaged) result[this.averageName(v)] = v;
    const shadows = new Set(this.averages.values());
    for (const v of all) {
      if (averaged.includes(v) || shadows.has(v)) continue;
      result[v.op.name] = v;
    }
    return result;
  }
}

/** TF1's assign_moving_average: variable -= (variable − value)·(1 − decay), under AssignMovingAvg. */
function assignMovingAverage(variable: Variable, value: Averaged, decay: Tensor): Tensor {
  return nameScope('AssignMovingAvg', (scope) => {
    // why: the operator forms, so the ops get TF1's names (`sub`, `sub_1`, `mul`).
    let oneMinus = decay.rsub(1);
    if (oneMinus.dtype !== variable.dtype) oneMinus = cast(oneMinus, variable.dtype);
    // why: a fresh read placed after the control dependencies in scope, so the documented
    // `controlDependencies([train], () => ema.apply(vars))` averages the trained values.
    const v = value instanceof Variable ? value.readValue() : value;
    return assignSub(variable, variable.sub(v).mul(oneMinus), scope);
  });
}
