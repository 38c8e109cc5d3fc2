// tf.variableScope and tf.getVariable: variables named by the scopes around them and shared by
// that name. Each graph keeps a store of the variables getVariable made (`foo/w`) and the
// current variable scope; a scope opens a name scope of the same name for the ops inside it.
import { isFloat, isInt, checkDType, type DType } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import { controlDependencies, getDefaultGraph, nameScope, Tensor, type Graph } from './graph.js';
import { glorotUniformInitializer, zerosInitializer, type Initializer } from './initializers.js';
import { NDArray } from './ndarray.js';
import { convertToTensor, isTensorLikeObject, type TensorLike } from './ops/define_op.js';
import { compatible, formatShape, isFullyDefined, type Shape } from './shape.js';
import { Variable, GLOBAL_VARIABLES } from './variables.js';

/** TF1's tf.GraphKeys.REGULARIZATION_LOSSES. */
const REGULARIZATION_LOSSES = 'regularization_losses';

/** `reuse: tf.AUTO_REUSE`: getVariable returns the variable if it exists and creates it otherwise. */
export const AUTO_REUSE: unique symbol = Symbol('AUTO_REUSE');
export type Reuse = boolean | typeof AUTO_REUSE;

/** A variable scope (TF1 tf.VariableScope): the name prefix and defaults of getVariable inside it. */
export class VariableScope {
  /** @internal Use tf.variableScope. */
  constructor(
    readonly name: string,
    public reuse: Reuse,
    readonly initializer: Initializer | undefined,
    readonly dtype: DType,
    /** The name scope its ops went into when first entered (`foo/`, or `foo_1/`). */
    readonly originalNameScope: string,
    /** The default regularizer of getVariable inside the scope. */
    readonly regularizer?: (v: Tensor) => Tensor | null | undefined,
  ) {}

  /** Makes getVariable in this scope (and its sub-scopes) reuse variables (TF1 reuse_variables). */
  reuseVariables(): void {
    this.reuse = true;
  }

  toString(): string {
    return `<tf.VariableScope '${this.name}' reuse=${this.reuse === AUTO_REUSE ? 'AUTO_REUSE' : this.reuse}>`;
  }
}

interface Store {
  variables: Map<string, Variable>;
  current: VariableScope;
  /** How often each full scope name was opened (TF1's variable_scopes_count, for default names). */
  opened: Map<string, number>;
}

const stores = new WeakMap<Graph, Store>();

function storeOf(g: Graph): Store {
  let s = stores.get(g);
  if (!s) stores.set(g, (s = { variables: new Map(), current: new VariableScope('', false, undefined, 'float32', ''), opened: new Map() }));
  return s;
}

/** The current variable scope of the default graph (TF1 tf.get_variable_scope). */
export function getVariableScope(): VariableScope {
  return storeOf(getDefaultGraph()).current;
}

export interface VariableScopeOptions {
  /** true: getVariable only returns existing variables; tf.AUTO_REUSE: returns or creates. Inherited by sub-scopes. */
  reuse?: Reuse;
  /** The default initializer of getVariable inside the scope. */
  initializer?: Initializer;
  /** The default dtype of getVariable inside the scope. */
  dtype?: DType;
  /** The default regularizer of getVariable inside the scope. */
  regularizer?: (v: Tensor) => Tensor | null | undefined;
  /** With a null name: the name to make unique (`dense`, then `dense_1`), as TF1's default_name. */
  defaultName?: string;
  /** false: open no name scope of the same name (ops stay in the current one), as TF1's auxiliary_name_scope. */
  auxiliaryNameScope?: boolean;
}

/**
 * Runs fn inside a variable scope (TF1 tf.variable_scope): getVariable('w') inside
 * `variableScope('foo', …)` names the variable `foo/w`, and ops go into the name scope `foo`
 * (`foo_1` when that name is taken). Passing a VariableScope re-enters it.
 * @example tf.variableScope('layer1', () => tf.getVariable('w', [784, 128]))
 * @example tf.variableScope('layer1', {reuse: true}, () => tf.getVariable('w'))
 */
export function variableScope<T>(scope: string | VariableScope | null, fn: (scope: VariableScope) => T): T;
export function variableScope<T>(scope: string | VariableScope | null, opts: VariableScopeOptions, fn: (scope: VariableScope) => T): T;
export function variableScope<T>(scope: string | VariableScope | null, a: VariableScopeOptions | ((s: VariableScope) => T), b?: (s: VariableScope) => T): T {
  const opts = typeof a === 'function' ? {} : a;
  const fn = typeof a === 'function' ? a : b;
  if (typeof fn !== 'function') throw new InvalidArgumentError('tf.variableScope(name, opts?, fn): fn must be a function.');
  checkOptions(opts);
  const g = getDefaultGraph();
  const store = storeOf(g);
  const parent = store.current;
  let name: string;
  let nameScopeArg: string;
  let reuse: Reuse;
  if (scope instanceof VariableScope) {
    name = scope.name;
    // why: as TF1, re-entering a scope object opens a fresh name scope named after its last
    // component (`foo_1`); its variables keep the scope's full name.
    nameScopeArg = scope.name.split('/').pop()!;
    reuse = opts.reuse || scope.reuse;
  } else {
    let local = scope;
    if (local === null || local === undefined || local === '') {
      if (!opts.defaultName) throw new InvalidArgumentError('tf.variableScope: give a scope name, a VariableScope, or {defaultName} with a null name.');
      local = uniqueScopeName(store, parent, opts.defaultName);
      nameScopeArg = opts.defaultName;
    } else {
      if (typeof local !== 'string') throw new InvalidArgumentError(`tf.variableScope: the scope must be a string or a VariableScope, got ${String(local)}.`);
      nameScopeArg = local;
    }
    name = parent.name ? `${parent.name}/${local}` : local;
    reuse = opts.reuse || parent.reuse;
  }
  const base = scope instanceof VariableScope ? scope : parent;
  const opened = new Map(store.opened);
  const enter = (ns: string): T => {
    // why: a re-entered scope object keeps the name scope of its first entry (TF1's original_name_scope).
    const original = scope instanceof VariableScope ? scope.originalNameScope : ns;
    const entered = new VariableScope(name, reuse, opts.initializer ?? base.initializer, opts.dtype ? checkDType(opts.dtype) : base.dtype, original,
      opts.regularizer ?? base.regularizer);
    // why: as TF1, entering a scope restarts the default-name counts of its sub-scopes, so
    // re-entering `model` with reuse makes its layers `model/dense` again, not `model/dense_1`.
    store.opened.set(name, (store.opened.get(name) ?? 0) + 1);
    for (const k of store.opened.keys()) if (k.startsWith(`${name}/`)) store.opened.set(k, 0);
    store.current = entered;
    try {
      return fn(entered);
    } catch (e) {
      // why: a rejected scope (a layer failing after its weights) gives its default name back.
      store.opened.clear();
      for (const [k, n] of opened) store.opened.set(k, n);
      throw e;
    } finally {
      store.current = parent;
    }
  };
  const openNameScope = nameScopeArg && opts.auxiliaryNameScope !== false;
  return openNameScope ? nameScope(nameScopeArg, enter) : enter(g.nameStack ? `${g.nameStack}/` : '');
}

function checkOptions(opts: object): void {
  const known = ['reuse', 'initializer', 'dtype', 'defaultName', 'regularizer', 'auxiliaryNameScope'];
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new InvalidArgumentError(`tf.variableScope: unknown option '${k}'; accepted: ${known.join(', ')}.`);
  }
}

/** TF1's _get_unique_variable_scope: `prefix`, else `prefix_1`, `prefix_2`, … not yet opened. */
function uniqueScopeName(store: Store, parent: VariableScope, prefix: string): string {
  const full = parent.name ? `${parent.name}/${prefix}` : prefix;
  if (!store.opened.get(full)) return prefix;
  let i = 1;
  while (store.opened.get(`${full}_${i}`)) i++;
  return `${prefix}_${i}`;
}

export interface GetVariableOptions {
  dtype?: DType;
  /** A function of (shape, dtype) such as tf.zerosInitializer(), or a value/Tensor (then omit the shape). */
  initializer?: Initializer | TensorLike | NDArray;
  trainable?: boolean;
  collections?: string[];
  validateShape?: boolean;
  /** A function of the new variable giving a scalar loss, added to the regularization losses (once, on creation). */
  regularizer?: (v: Tensor) => Tensor | null | undefined;
}

const GET_VARIABLE_KEYS = ['dtype', 'initializer', 'trainable', 'collections', 'validateShape', 'regularizer'];

/**
 * Gets an existing variable `<scope>/<name>` or creates it (TF1 tf.get_variable). Creating needs
 * a fully known shape (or a value initializer); the default initializer is glorot uniform for
 * floats and zeros for integers and bools. Inside a scope without reuse an existing name is an
 * error; with `reuse: true` a missing one is.
 * @example const w = tf.getVariable('w', [784, 10], {initializer: tf.zerosInitializer()})
 */
export function getVariable(name: string, shape?: readonly number[] | null, opts: GetVariableOptions = {}): Variable {
  if (typeof name !== 'string' || !name) throw new InvalidArgumentError(`tf.getVariable: the name must be a non-empty string, got ${String(name)}.`);
  for (const k of Object.keys(opts)) {
    if (!GET_VARIABLE_KEYS.includes(k)) throw new InvalidArgumentError(`tf.getVariable('${name}'): unknown option '${k}'; accepted: ${GET_VARIABLE_KEYS.join(', ')}.`);
  }
  const g = getDefaultGraph();
  const store = storeOf(g);
  const scope = store.current;
  const full = scope.name ? `${scope.name}/${name}` : name;
  let existing = store.variables.get(full);
  // why: the ops of a variable made by a rejected build step were taken back (Graph.atomically).
  if (existing && !isInGraph(existing)) {
    store.variables.delete(full);
    existing = undefined;
  }
  if (existing) {
    if (scope.reuse === false) {
      throw new InvalidArgumentError(
        `Variable ${full} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? ` +
        `(tf.variableScope(name, {reuse: true}, fn)). Originally defined at: ${existing.op.location ?? 'unknown'}`);
    }
    if (shape != null && !compatible([...shape], existing.shape)) {
      throw new InvalidArgumentError(`Trying to share variable ${full}, but specified shape ${formatShape([...shape])} and found shape ${formatShape(existing.shape)}.`);
    }
    if (opts.dtype !== undefined && checkDType(opts.dtype) !== existing.dtype) {
      throw new InvalidArgumentError(`Trying to share variable ${full}, but specified dtype ${opts.dtype} and found dtype ${existing.dtype}_ref.`);
    }
    return existing;
  }
  if (scope.reuse === true) {
    throw new InvalidArgumentError(
      `Variable ${full} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`);
  }
  const init = opts.initializer ?? scope.initializer;
  const fromValue = init !== undefined && typeof init !== 'function';
  if (fromValue && opts.initializer !== undefined && shape != null) {
    throw new InvalidArgumentError(`tf.getVariable('${full}'): If initializer is a constant, do not specify shape.`);
  }
  const valueDType = init instanceof Tensor ? init.dtype : isTensorLikeObject(init) ? init._asTensor().dtype : init instanceof NDArray ? init.dtype : undefined;
  const dtype = checkDType(opts.dtype ?? (fromValue ? valueDType ?? 'float32' : scope.dtype));
  if (!fromValue && (shape == null || !isFullyDefined([...shape]))) {
    throw new InvalidArgumentError(`Shape of a new variable (${full}) must be fully defined, but instead was ${formatShape(shape == null ? null : [...shape] as Shape)}.`);
  }
  // why: variables are named absolutely (not inside the name scope of the call), outside any
  // control-dependency scope, as TF1's get_variable makes them.
  // why: one build step, so a failing initializer or regularizer leaves no variable behind.
  const made = g.atomically(() => g.asDefault(() => controlDependencies(null, () => nameScope('', () => {
    // why: an op named `full` made otherwise (a tf.Variable 'w') makes this one `w_1`, as in TF1.
    const opName = g.uniqueName(full);
    const initial = nameScope(`${opName}/Initializer/`, () => {
      if (fromValue) return convertToTensor(init as TensorLike, { dtype, name: 'initial_value', what: `tf.getVariable('${full}') initializer` });
      const f = (init as Initializer | undefined) ?? defaultInitializer(full, dtype);
      const t = f([...shape!], dtype);
      if (!(t instanceof Tensor)) throw new InvalidArgumentError(`tf.getVariable('${full}'): the initializer returned ${String(t)}, not a Tensor.`);
      return t;
    });
    if (initial.dtype !== dtype) {
      throw new InvalidArgumentError(`tf.getVariable('${full}'): the initializer gives ${initial.dtype}, but the variable's dtype is ${dtype}.`);
    }
    const v = new Variable(initial, { name: `${opName}/`, dtype, trainable: opts.trainable ?? true, collections: opts.collections?.filter((c) => c !== GLOBAL_VARIABLES), validateShape: opts.validateShape });
    const regularizer = opts.regularizer ?? scope.regularizer;
    if (regularizer) addRegularization(v, regularizer, full);
    return v;
  }))));
  store.variables.set(full, made);
  return made;
}

function defaultInitializer(full: string, dtype: DType): Initializer {
  if (isFloat(dtype)) return glorotUniformInitializer();
  if (isInt(dtype) || dtype === 'bool') return zerosInitializer();
  throw new InvalidArgumentError(`tf.getVariable('${full}'): an initializer is needed for dtype ${dtype}.`);
}

function isInGraph(v: Variable): boolean {
  try {
    return v.graph.getOperationByName(v.op.name) === v.op;
  } catch {
    return false;
  }
}

/** TF1: the regularizer's loss, built under `<name>/Regularizer/`, goes to the regularization losses. */
function addRegularization(v: Variable, regularizer: (v: Tensor) => Tensor | null | undefined, full: string): void {
  if (typeof regularizer !== 'function') throw new InvalidArgumentError(`tf.getVariable('${full}'): a regularizer must be a function of the variable, got ${String(regularizer)}.`);
  const loss = nameScope(`${v.op.name}/Regularizer/`, () => regularizer(v.value()));
  if (loss === null || loss === undefined) return;
  if (!(loss instanceof Tensor)) throw new InvalidArgumentError(`tf.getVariable('${full}'): the regularizer returned ${String(loss)}, not a Tensor.`);
  v.graph.addToCollection(REGULARIZATION_LOSSES, loss);
}
