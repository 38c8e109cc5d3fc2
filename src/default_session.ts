// The default session (TF1's session stack): what `tensor.eval()` and `op.run()` use when no
// session is passed. `sess.asDefault(fn)` makes a session the default while fn runs; a
// `tf.InteractiveSession` is the default from its creation until it is closed.
import { InvalidArgumentError } from './errors.js';
import { convertFeed, type FeedDict, type FeedValue } from './feeds.js';
import { NDArray } from './ndarray.js';
import { Operation, Tensor } from './graph.js';
import type { Session } from './session.js';
import { Variable } from './variables.js';

/** Sessions made default by asDefault, innermost last. */
const scoped: Session[] = [];
/** Open interactive sessions, newest last (the newest is the default outside any asDefault). */
const interactive: Session[] = [];

/** The default session: the innermost `sess.asDefault`, else the newest open InteractiveSession. */
export function getDefaultSession(): Session {
  const s = scoped.length ? scoped[scoped.length - 1] : interactive[interactive.length - 1];
  if (!s) {
    throw new InvalidArgumentError(
      'No default session is registered. Use sess.asDefault(() => …), create a tf.InteractiveSession, ' +
      'or pass the session explicitly (tensor.eval(feeds, sess), op.run(feeds, sess)).');
  }
  return s;
}

/** @internal Session.asDefault: runs fn with `sess` as the default session. */
export function withDefaultSession<T>(sess: Session, fn: () => T): T {
  scoped.push(sess);
  try {
    return fn();
  } finally {
    scoped.pop();
  }
}

/** @internal An InteractiveSession registers itself on creation and unregisters when closed. */
export function registerInteractive(sess: Session): void {
  interactive.push(sess);
}

export function unregisterInteractive(sess: Session): void {
  const i = interactive.lastIndexOf(sess);
  if (i >= 0) interactive.splice(i, 1);
}

/** The session that evaluates `what`: the one passed, else the default; it must run `what`'s graph. */
function sessionFor(what: Tensor | Operation, sess: Session | undefined, verb: string): Session {
  let s: Session;
  if (sess) s = sess;
  else {
    try {
      s = getDefaultSession();
    } catch {
      throw new InvalidArgumentError(
        `Cannot ${verb} ${what} using ${verb === 'evaluate' ? 'eval()' : verb === 'run' ? 'run()' : 'load()'}: No default session is registered. ` +
        'Use sess.asDefault(() => …), a tf.InteractiveSession, or pass the session explicitly.');
    }
  }
  if (s.graph !== what.graph) {
    throw new InvalidArgumentError(
      `Cannot use the ${sess ? 'given' : 'default'} session to ${verb} ${what}: its graph is different from the session's graph.`);
  }
  return s;
}

function isSession(x: unknown): x is Session {
  return typeof x === 'object' && x !== null && !(x instanceof Map) && typeof (x as Session).run === 'function' && 'graph' in x;
}

/** The (feeds, session) of `eval(feeds?, sess?)`; `eval(sess)` also works (TF1's Variable.eval(session)). */
function args(a?: FeedDict | Session | null, b?: Session): [FeedDict | undefined, Session | undefined] {
  return isSession(a) ? [undefined, a] : [a ?? undefined, b];
}

declare module './graph.js' {
  interface Tensor {
    /**
     * The tensor's value, computed in one run of `sess` or of the default session (TF1 Tensor.eval).
     * @example tf.add(a, b).eval({a: 1, b: 2}, sess)
     */
    eval(feeds?: FeedDict | Session | null, sess?: Session): any;
  }
  interface Operation {
    /** Runs the op once in `sess` or the default session (TF1 Operation.run). */
    run(feeds?: FeedDict | Session | null, sess?: Session): void;
  }
}
declare module './variables.js' {
  interface Variable {
    /** The variable's value in `sess` or the default session (TF1 Variable.eval). */
    eval(feeds?: FeedDict | Session | null, sess?: Session): any;
    /**
     * Writes a value into the variable in `sess` or the default session without adding ops to
     * the graph (TF1 Variable.load); the value is converted as a feed of the variable would be
     * and copied. On the wasm backend the next run moves it into wasm memory once.
     * @example w.load(new Float32Array(4 * 1024 * 1024), sess)
     */
    load(value: FeedValue, sess?: Session): void;
  }
}

function evalMethod(this: Tensor | Variable, a?: FeedDict | Session | null, b?: Session): unknown {
  const [feeds, sess] = args(a, b);
  const t = this instanceof Variable ? this.value() : this;
  return sessionFor(t, sess, 'evaluate').run(t, feeds);
}

function loadMethod(this: Variable, value: FeedValue, sess?: Session): void {
  const s = sessionFor(this.ref, sess, 'load a value into');
  // why: the same conversion and errors (dtype, shape) as feeding the variable's value.
  const v = convertFeed(this.value(), value);
  s._restoreVariables(new Map([[this.op, new NDArray(v.data.slice(), v.shape, v.dtype)]]));
}

function runMethod(this: Operation, a?: FeedDict | Session | null, b?: Session): void {
  const [feeds, sess] = args(a, b);
  sessionFor(this, sess, 'run').run(this, feeds);
}

for (const proto of [Tensor.prototype, Variable.prototype]) {
  Object.defineProperty(proto, 'eval', { value: evalMethod, writable: true, configurable: true, enumerable: false });
}
Object.defineProperty(Variable.prototype, 'load', { value: loadMethod, writable: true, configurable: true, enumerable: false });
Object.defineProperty(Operation.prototype, 'run', { value: runMethod, writable: true, configurable: true, enumerable: false });
