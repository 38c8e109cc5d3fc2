// tf.signature: named inputs → named outputs of one graph, the unit `tfgen compile` turns into a
// plain `predict(inputs) → outputs` function (like tfcompile's feeds → fetches). In development
// the same object is callable and runs through a Session, so code using it does not change when
// the model file is compiled ahead of time.
import { InvalidArgumentError } from './errors.js';
import { Graph, Operation, Tensor } from './graph.js';
import type { FeedValue } from './feeds.js';
import type { FetchValue } from './fetches.js';
import { Session } from './session.js';
import { Session as RuntimeSession } from './runtime/model.js';
import { Variable, globalVariables } from './variables.js';

export type SignatureInput = Tensor | Variable;
export type SignatureOutput = Tensor | Variable | Operation;

export interface SignatureSpec<I extends Record<string, SignatureInput>, O extends Record<string, SignatureOutput>> {
  inputs: I;
  outputs: O;
}

/** The value `predict` returns for one output: as `sess.run` returns it. */
export type SignatureResult<O> = { [K in keyof O]: O[K] extends Operation ? null : FetchValue };

/**
 * A callable signature. `predict(inputs)` runs on the signature's own session, whose variables
 * hold their initial values (initialised on the first call); `predict(inputs, sess)` runs on a
 * live session (its trained variables). A compiled module exports a function of the same shape.
 */
export interface Signature<I extends Record<string, SignatureInput>, O extends Record<string, SignatureOutput>> {
  (inputs: { [K in keyof I]: FeedValue }, session?: Session | RuntimeSession): SignatureResult<O>;
  readonly inputs: Readonly<I>;
  readonly outputs: Readonly<O>;
  readonly graph: Graph;
  /** The input and output tensors by name (a Variable as its value tensor, an Operation as is). */
  readonly inputTensors: ReadonlyMap<string, Tensor>;
  readonly outputTensors: ReadonlyMap<string, Tensor | Operation>;
  readonly [SIGNATURE]: true;
}

const SIGNATURE = Symbol.for('tfgen.signature');

export function isSignature(x: unknown): x is Signature<Record<string, SignatureInput>, Record<string, SignatureOutput>> {
  return typeof x === 'function' && (x as { [SIGNATURE]?: unknown })[SIGNATURE] === true;
}

/**
 * Declares a signature of the graph its tensors belong to.
 * @example export const predict = tf.signature({inputs: {X}, outputs: {y: yPred}})
 */
export function signature<I extends Record<string, SignatureInput>, O extends Record<string, SignatureOutput>>(
  spec: SignatureSpec<I, O>,
): Signature<I, O> {
  if (typeof spec !== 'object' || spec === null || typeof spec.inputs !== 'object' || typeof spec.outputs !== 'object' || spec.inputs === null || spec.outputs === null) {
    throw new InvalidArgumentError('tf.signature takes {inputs: {name: tensor, …}, outputs: {name: tensor, …}}.');
  }
  let graph: Graph | undefined;
  const own = (part: 'inputs' | 'outputs', key: string, x: unknown): Tensor | Operation => {
    let el: Tensor | Operation;
    if (x instanceof Variable) el = part === 'inputs' ? x.ref : x.value();
    else if (x instanceof Tensor || (part === 'outputs' && x instanceof Operation)) el = x;
    else {
      const allowed = part === 'inputs' ? 'a Tensor or Variable' : 'a Tensor, Variable or Operation';
      throw new InvalidArgumentError(`tf.signature ${part}.${key} must be ${allowed}, got ${describe(x)}.`);
    }
    graph ??= el.graph;
    if (el.graph !== graph) {
      throw new InvalidArgumentError(`tf.signature ${part}.${key} (${el.name}) belongs to another graph than the signature's other tensors.`);
    }
    return el;
  };
  const inputTensors = new Map<string, Tensor>();
  const outputTensors = new Map<string, Tensor | Operation>();
  for (const [k, x] of Object.entries(spec.inputs)) inputTensors.set(k, own('inputs', k, x) as Tensor);
  for (const [k, x] of Object.entries(spec.outputs)) outputTensors.set(k, own('outputs', k, x));
  if (outputTensors.size === 0) throw new InvalidArgumentError('tf.signature needs at least one output.');
  const g = graph!;
  let ownSession: Session | undefined;

  const call = (inputs: Record<string, FeedValue>, session?: Session | RuntimeSession) => {
    if (typeof inputs !== 'object' || inputs === null) {
      throw new InvalidArgumentError(`A signature takes one object of inputs {${[...inputTensors.keys()].join(', ')}}.`);
    }
    for (const k of Object.keys(inputs)) {
      if (!inputTensors.has(k)) throw new InvalidArgumentError(`Unknown signature input '${k}'; inputs are {${[...inputTensors.keys()].join(', ')}}.`);
    }
    const feeds = new Map<Tensor, FeedValue>();
    for (const [k, t] of inputTensors) {
      if (!(k in inputs)) throw new InvalidArgumentError(`Missing signature input '${k}' (${t.name}, ${t.dtype}).`);
      feeds.set(t, inputs[k]);
    }
    let sess = session;
    if (sess === undefined) {
      // why: without a session the variables hold their initial values, as in a compiled module built without weights.
      if (!ownSession) {
        const s = new Session({ graph: g });
        // why: run the initializers directly; building tf.globalVariablesInitializer() would add an op per signature.
        const inits = globalVariables(g).map((v) => v.initializer);
        if (inits.length) s.run(inits);
        ownSession = s;
      }
      sess = ownSession;
    } else if (sess instanceof RuntimeSession) {
      // why: an app written against tfgen/runtime passes its runtime Session, in development too
      // (the model file imported directly): it runs this graph on a DSL session of its own.
      sess = sess._graphSession(g) as Session;
    }
    if (sess.graph !== g) {
      throw new InvalidArgumentError('The session passed to a signature runs another graph than the signature\'s.');
    }
    const fetches: Record<string, Tensor | Operation> = Object.fromEntries(outputTensors);
    return sess.run(fetches, feeds);
  };
  return Object.assign(call, {
    inputs: spec.inputs,
    outputs: spec.outputs,
    graph: g,
    inputTensors,
    outputTensors,
    [SIGNATURE]: true as const,
  }) as unknown as Signature<I, O>;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return typeof x;
}
