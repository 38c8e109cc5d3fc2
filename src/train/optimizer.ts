// Optimizer: TF1's minimize = computeGradients + applyGradients. Subclasses give their
// slots and the fused Apply* op; the graph they build matches TF1's names
// (`GradientDescent/update_w/ApplyGradientDescent`, slots `w/Adam`, …).
import { InvalidArgumentError } from '../errors.js';
import { controlDependencies, nameScope, Operation, Tensor } from '../graph.js';
import { gradients } from '../gradients.js';
import { convertToTensor } from '../ops/define_op.js';
import { ApplyGradientDescent, applyOp } from '../ops/training.js';
import { allocate, isFloat } from '../dtypes.js';
import { cast as castOp } from '../ops/array.js';
import { NDArray } from '../ndarray.js';
import { isFullyDefined, numElements } from '../shape.js';
import { group, trainableVariables, Variable, assignAdd } from '../variables.js';
import { checkOptions } from '../ops/op_args.js';

export type GradAndVar = [Tensor | null, Variable];

export interface MinimizeOptions {
  varList?: readonly Variable[];
  globalStep?: Variable;
  name?: string;
}

export abstract class Optimizer {
  readonly name: string;
  /** Slot variables by slot name, then by the variable they belong to. */
  protected readonly slots = new Map<string, Map<Variable, Variable>>();

  constructor(name: string) {
    this.name = name;
  }

  /**
   * Adds ops that compute the gradients and apply one update step; returns the step op.
   * @example const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss)
   */
  minimize(loss: Tensor, opts: MinimizeOptions = {}): Operation {
    const gv = this.computeGradients(loss, opts.varList);
    const usable = gv.filter(([g]) => g !== null);
    if (!usable.length) {
      throw new InvalidArgumentError(`No gradients provided for any variable: none of [${gv.map(([, v]) => v.name).join(', ')}] affects ${loss}.`);
    }
    return this.applyGradients(gv, opts.globalStep, opts.name);
  }

  /** [gradient, variable] pairs for the trainable variables (or `varList`). */
  computeGradients(loss: Tensor, varList?: readonly Variable[]): GradAndVar[] {
    const vars = varList ?? trainableVariables(loss.graph);
    if (!vars.length) throw new InvalidArgumentError('No variables to optimize.');
    for (const v of vars) {
      if (!isFloat(v.dtype)) throw new InvalidArgumentError(`Invalid type ${v.dtype} for ${v.name}; only float variables can be optimized.`);
    }
    const grads = gradients(loss, vars.map((v) => v.value()), undefined, { gateGradients: true });
    return vars.map((v, i) => [grads[i], v]);
  }

  /** Adds the update ops for the given pairs; pairs with a null gradient are skipped. */
  applyGradients(gradsAndVars: readonly GradAndVar[], globalStep?: Variable, name?: string): Operation {
    const pairs = gradsAndVars.filter(([g]) => g !== null) as [Tensor, Variable][];
    if (!pairs.length) throw new InvalidArgumentError(`No gradients provided for any variable: ${gradsAndVars.map(([, v]) => v.name).join(', ')}`);
    // why: slots are created outside any control-dependency scope (TF1 does the same), so
    // initialising them never runs the caller's dependencies.
    const vars = pairs.map(([, v]) => v);
    vars[0].graph.asDefault(() => controlDependencies(null, () => this.createSlots(vars)));
    return nameScope(name ?? this.name, (scope) => {
      this.prepare();
      const updates = pairs.map(([g, v]) => nameScope(`update_${v.op.name}`, () => this.applyDense(g, v)));
      if (!globalStep) return this.finish(updates, scope);
      const finish = this.finish(updates, 'update');
      return controlDependencies([finish], () => assignAdd(globalStep, 1, scope).op);
    });
  }

  /** The slot variable `slotName` of `v` (TF1 get_slot), if the optimizer made one. */
  getSlot(v: Variable, slotName: string): Variable | undefined {
    return this.slots.get(slotName)?.get(v);
  }

  getSlotNames(): string[] {
    return [...this.slots.keys()];
  }

  /** Creates the slot variables of the trained variables (none by default). */
  protected createSlots(_vars: readonly Variable[]): void {}

  /** Creates the hyper-parameter tensors, once per applyGradients (inside its name scope). */
  protected abstract prepare(): void;

  protected abstract applyDense(grad: Tensor, v: Variable): Operation;

  /** Groups the updates into the step op (Adam also advances its beta powers here). */
  protected finish(updates: Operation[], scope: string): Operation {
    return group(updates, scope);
  }

  /** A slot variable `<var>/<opName>` (e.g. `w/Adam`) filled with initValue, not trainable. */
  protected zerosSlot(v: Variable, slotName: string, opName: string, initValue = 0): Variable {
    let bySlot = this.slots.get(slotName);
    if (!bySlot) this.slots.set(slotName, (bySlot = new Map()));
    const existing = bySlot.get(v);
    if (existing) return existing;
    if (!isFullyDefined(v.shape)) throw new InvalidArgumentError(`Cannot create slot '${slotName}' for ${v.name}: its shape ${String(v.shape)} is not fully known.`);
    const init = new NDArray(allocate(v.dtype, numElements(v.shape)).fill(initValue), v.shape, v.dtype);
    // TF1 names: `w/Adam/Initializer/Const`, then `w/Adam` (`w/Adam_1` for the second slot).
    const slot = v.graph.asDefault(() => nameScope('', () => {
      const varName = v.graph.uniqueName(`${v.op.name}/${opName}`);
      const initial = nameScope(`${varName}/Initializer/`, () => convertToTensor(init, { name: 'Const' }));
      return new Variable(initial, { name: `${varName}/`, trainable: false });
    }));
    bySlot.set(v, slot);
    return slot;
  }
}

export class GradientDescentOptimizer extends Optimizer {
  readonly learningRate: number | Tensor;
  private lrT?: Tensor;

  /** Plain gradient descent: var -= learningRate · grad (TF1 tf.train.GradientDescentOptimizer). */
  constructor(learningRate: number | Tensor, opts: { name?: string; useLocking?: boolean } = {}) {
    opts = checkOptions<typeof opts>('tf.train.GradientDescentOptimizer', opts, { kinds: { name: 'string', useLocking: 'boolean' } });
    super(opts.name ?? 'GradientDescent');
    this.learningRate = learningRate;
  }

  protected prepare(): void {
    this.lrT = hyper(this.learningRate, 'learning_rate');
  }

  protected applyDense(grad: Tensor, v: Variable): Operation {
    return applyOp(ApplyGradientDescent, [v.ref, cast(this.lrT!, v), grad], {}, 'ApplyGradientDescent');
  }
}

/** A hyper-parameter as a float tensor named like TF1's (`learning_rate`). */
export function hyper(value: number | Tensor, name: string): Tensor {
  return value instanceof Tensor ? value : convertToTensor(value, { name });
}

/** The hyper-parameter in the variable's dtype (float64 variables train with float64 math). */
export function cast(t: Tensor, v: Variable): Tensor {
  return t.dtype === v.dtype ? t : castOp(t, v.dtype);
}

