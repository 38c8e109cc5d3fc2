// tf.Variable: a VariableV2 op (the storage, owned by each session), its Assign initializer and
// its `read` Identity. A Variable stands wherever a Tensor is expected (as its `read` value).
import { inspectCustom } from './inspect.js';
import { checkDType, type DType } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import { controlDependencies, createOp, getDefaultGraph, nameScope, Operation, Tensor, type Graph } from './graph.js';
import type { NDArray } from './ndarray.js';
import { convertToTensor, isTensorLikeObject, out, type TensorLike } from './ops/define_op.js';
import { Assign, AssignAdd, AssignSub, Identity, NoOp, VariableV2 } from './ops/sources.js';
import { checkOptions } from './ops/op_args.js';
import { formatShape, isFullyDefined, type Shape } from './shape.js';

export const GLOBAL_VARIABLES = 'variables';
export const TRAINABLE_VARIABLES = 'trainable_variables';

export interface VariableOptions {
  name?: string;
  dtype?: DType;
  trainable?: boolean;
  /** Require the initial value's shape to be fully known (TF1 validate_shape). */
  validateShape?: boolean;
  /** Collections besides the default ones. */
  collections?: string[];
}

const VARIABLE_OPTIONS = {
  kinds: { name: 'string', dtype: 'dtype', trainable: 'boolean', validateShape: 'boolean', collections: 'value' },
} as const;

export class Variable {
  /** The VariableV2 op; its output is the reference to the storage. */
  readonly op: Operation;
  readonly initializer: Operation;
  readonly initialValue: Tensor;
  readonly trainable: boolean;
  private readonly snapshot: Tensor;

  /**
   * A variable with an initial value (TF1 tf.Variable). `init` may be a number, nested array,
   * TypedArray, NDArray or a Tensor such as tf.randomNormal([784, 128]).
   * @example const w = new tf.Variable(tf.zeros([3, 2]), {name: 'w'})
   */
  constructor(init: TensorLike | NDArray, opts: VariableOptions = {}) {
    opts = checkOptions<VariableOptions>('tf.Variable', opts, VARIABLE_OPTIONS);
    const dtype = opts.dtype ? checkDType(opts.dtype) : undefined;
    this.trainable = opts.trainable ?? true;
    const built = nameScope(opts.name ?? 'Variable', (scope) => {
      const initial = init instanceof Tensor || isTensorLikeObject(init)
        ? convertToTensor(init, { dtype, what: 'tf.Variable initial value' })
        : convertToTensor(init, { dtype, name: 'initial_value', what: 'tf.Variable initial value' });
      if (opts.validateShape !== false && !isFullyDefined(initial.shape)) {
        throw new InvalidArgumentError(`initial_value must have a shape specified: ${initial}`);
      }
      const v = createOp(VariableV2, [], { dtype: initial.dtype, shape: initial.shape ? [...initial.shape] : null }, scope);
      const assign = createOp(Assign, [v.outputs[0], initial], { validate_shape: opts.validateShape !== false }, 'Assign');
      const read = createOp(Identity, [v.outputs[0]], {}, 'read');
      return { v, assign, read, initial };
    });
    this.op = built.v;
    this.initializer = built.assign;
    this.initialValue = built.initial;
    this.snapshot = built.read.outputs[0];
    const g = this.op.graph;
    g.addToCollection(GLOBAL_VARIABLES, this);
    if (this.trainable) g.addToCollection(TRAINABLE_VARIABLES, this);
    for (const c of opts.collections ?? []) g.addToCollection(c, this);
  }

  /** 'Variable:0' — the name of the reference tensor. */
  get name(): string { return this.ref.name; }
  get dtype(): DType { return this.op.outputs[0].dtype; }
  get shape(): Shape { return this.op.outputs[0].shape; }
  get graph(): Graph { return this.op.graph; }
  /** The reference tensor (VariableV2 output): what Assign and optimizers write through. */
  get ref(): Tensor { return this.op.outputs[0]; }

  /** The variable's value as a tensor (its `read` Identity). */
  value(): Tensor { return this.snapshot; }

  /** A new read of the value, placed after any control dependencies in scope. */
  readValue(): Tensor {
    return out(createOp(Identity, [this.ref], {}, 'read'));
  }

  /** @internal Used by convertToTensor: a Variable stands for its value. */
  _asTensor(): Tensor { return this.snapshot; }

  assign(value: TensorLike, name?: string): Tensor { return assign(this, value, { name }); }
  assignAdd(value: TensorLike, name?: string): Tensor { return assignAdd(this, value, name); }
  assignSub(value: TensorLike, name?: string): Tensor { return assignSub(this, value, name); }

  toString(): string {
    return `<tf.Variable '${this.name}' shape=${formatShape(this.shape)} dtype=${this.dtype}_ref>`;
  }

  [inspectCustom](): string { return this.toString(); }
}

function refOf(ref: Variable | Tensor, what: string): Tensor {
  if (ref instanceof Variable) return ref.ref;
  if (ref instanceof Tensor && ref.isRef) return ref;
  throw new InvalidArgumentError(`${what} needs a tf.Variable (or its reference tensor) as its first argument; got ${String(ref)}.`);
}

function stateOp(spec: typeof Assign, ref: Variable | Tensor, value: TensorLike, attrs: Record<string, boolean>, name: string): Tensor {
  const r = refOf(ref, `tf.${spec.type.charAt(0).toLowerCase()}${spec.type.slice(1)}`);
  return out(nameScope(name, (scope) => {
    const v = convertToTensor(value, { dtype: r.dtype, name: 'value', what: `${spec.type} value` });
    return createOp(spec, [r, v], attrs, scope);
  }));
}

/** Assigns `value` to the variable when run; the output is the new value (TF1 tf.assign). */
export function assign(ref: Variable | Tensor, value: TensorLike, opts: { validateShape?: boolean; name?: string } = {}): Tensor {
  return stateOp(Assign, ref, value, { validate_shape: opts.validateShape !== false }, opts.name ?? 'Assign');
}

export function assignAdd(ref: Variable | Tensor, value: TensorLike, name?: string): Tensor {
  return stateOp(AssignAdd, ref, value, {}, name ?? 'AssignAdd');
}

export function assignSub(ref: Variable | Tensor, value: TensorLike, name?: string): Tensor {
  return stateOp(AssignSub, ref, value, {}, name ?? 'AssignSub');
}

/**
 * The global variables (TF1 tf.global_variables), of the default graph or `graph`; with a scope
 * string only those whose name it matches from the start, as a regular expression (TF1's re.match).
 * @example tf.globalVariables('generator')
 */
export function globalVariables(scopeOrGraph?: string | Graph): Variable[] {
  return inScope(GLOBAL_VARIABLES, scopeOrGraph);
}

/** The trainable variables (TF1 tf.trainable_variables), optionally under a scope as globalVariables. */
export function trainableVariables(scopeOrGraph?: string | Graph): Variable[] {
  return inScope(TRAINABLE_VARIABLES, scopeOrGraph);
}

function inScope(key: string, scopeOrGraph: string | Graph | undefined): Variable[] {
  const graph = typeof scopeOrGraph === 'object' && scopeOrGraph !== null ? scopeOrGraph : getDefaultGraph();
  const all = graph.getCollection<Variable>(key);
  return typeof scopeOrGraph === 'string' ? all.filter((v) => matchesScope(scopeOrGraph, v.name)) : all;
}

/** TF1's scope filter of collections: re.match(scope, name), a regular expression matched at the start. */
export function matchesScope(scope: string, name: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${scope})`);
  } catch (e) {
    throw new InvalidArgumentError(`The scope filter ${JSON.stringify(scope)} is not a valid regular expression: ${(e as Error).message}`);
  }
  return re.test(name);
}

/** One op that runs the initializers of `varList` (TF1 tf.variables_initializer). */
export function variablesInitializer(varList: readonly Variable[], name = 'init'): Operation {
  return group(varList.map((v) => v.initializer), name);
}

/** Initialises every global variable created so far (TF1 tf.global_variables_initializer). */
export function globalVariablesInitializer(): Operation {
  return variablesInitializer(globalVariables(), 'init');
}

/** The old name of globalVariablesInitializer (TF1 tf.initialize_all_variables, deprecated there too). */
export function initializeAllVariables(): Operation {
  return globalVariablesInitializer();
}

/** One op that runs all `inputs` (TF1 tf.group): a NoOp with control dependencies on them. */
export function group(inputs: readonly (Operation | Tensor | Variable | { op: Operation })[], name = 'group_deps'): Operation {
  const ops = inputs.map((x) => (x instanceof Operation ? x : x instanceof Variable ? x.initializer : x.op));
  const g = ops.length ? ops[0].graph : getDefaultGraph();
  return g.asDefault(() => controlDependencies(ops, () => createOp(NoOp, [], {}, name)));
}
