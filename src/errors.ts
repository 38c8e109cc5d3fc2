// tf.errors: TF1's error classes. Runtime errors carry the op they come from and say where
// in the user's source that op was created. Printed (console.log, an uncaught error) they show
// the message, that op and the user's frames, not the op's whole object graph.
import { inspectCustom } from './inspect.js';

/** The minimal view of an Operation an error needs (avoids an import cycle with graph.ts). */
export interface ErrorOp {
  readonly name: string;
  readonly type: string;
  readonly location?: string;
}

/**
 * Whether a stack frame is in the user's code. why: the graph side (source_location.ts) installs
 * the test that knows tfgen's own files; the runtime alone (generated modules) only skips Node's
 * internals, packages and generated code, and stays free of module-location arithmetic.
 */
let isUserFrame = (frame: string): boolean => !/\((node:|[^)]*\/node_modules\/)|\(eval at /.test(frame);

/** @internal Installs the test of which stack frames are the user's. */
export function setUserFrameTest(test: (frame: string) => boolean): void {
  isUserFrame = test;
}

/** Up to `max` frames of a stack that are in the user's code (else its first frames). */
function userFrames(stack: string | undefined, max: number): string[] {
  const frames = (stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  const own = frames.filter(isUserFrame);
  return (own.length ? own : frames).slice(0, max);
}

/** How many frames of the user's code `stack` keeps (`fullStack` has them all). */
const PRINTED_FRAMES = 3;
/** Frames captured, so that the user's are reached through tfgen's own. */
const STACK_FRAMES = 64;

type StackCapture = (holder: object, constructorOpt?: unknown) => void;
const captureStackTrace = (Error as unknown as { captureStackTrace?: StackCapture }).captureStackTrace;

export class OpError extends Error {
  /** The op the error comes from (a property, not printed with the error). */
  declare readonly op: ErrorOp | null;
  declare readonly errorCode: number;
  /** The whole call stack where the error was made (`stack` keeps the message and the user's frames). */
  declare readonly fullStack: string | undefined;
  constructor(message: string, op: ErrorOp | null = null, errorCode = 2) {
    // why: the trace is captured once, deeper than V8's 10 default frames (graph building nests
    // deep; the user's frames must be in it), and formatted only when read.
    const limit = Error.stackTraceLimit;
    const trace: { stack?: string } = {};
    if (captureStackTrace) Error.stackTraceLimit = 0;
    super(op ? `${message}\n\t [[node ${op.name} (${op.type}${op.location ? `, defined at ${op.location}` : ''})]]` : message);
    if (captureStackTrace) {
      Error.stackTraceLimit = STACK_FRAMES;
      captureStackTrace(trace);
      Error.stackTraceLimit = limit;
    }
    this.name = new.target.name;
    // why: what console.log and Node's uncaught-error report print is `stack` and the enumerable
    // properties; an enumerable op printed hundreds of lines for a real graph, and a full stack
    // buries the message under tfgen's frames. The op and the code stay properties.
    const hidden = (key: string, value: unknown) => Object.defineProperty(this, key, { value, enumerable: false, writable: false, configurable: true });
    hidden('op', op);
    hidden('errorCode', errorCode);
    if (captureStackTrace) {
      let short: string | undefined;
      Object.defineProperty(this, 'fullStack', { enumerable: false, configurable: true, get: () => trace.stack && `${this.name}: ${this.message}\n${trace.stack.split('\n').filter((l) => /^\s+at /.test(l)).join('\n')}` });
      Object.defineProperty(this, 'stack', {
        enumerable: false,
        configurable: true,
        get: () => (short ??= [`${this.name}: ${this.message}`, ...userFrames(trace.stack, PRINTED_FRAMES)].join('\n')),
        set: (v: unknown) => Object.defineProperty(this, 'stack', { value: v, writable: true, enumerable: false, configurable: true }),
      });
    } else {
      Object.defineProperty(this, 'fullStack', { value: this.stack, enumerable: false, configurable: true });
    }
  }

  /** What console.log prints: the message, the op's line, the user's frames. */
  [inspectCustom](): string {
    return this.stack ?? `${this.name}: ${this.message}`;
  }
  /** The message without the trailing node annotation, as TF1's `e.message` minus context. */
  get shortMessage(): string {
    return this.message.split('\n\t [[node ')[0];
  }
}

export class CancelledError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 1); } }
export class UnknownError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 2); } }
export class InvalidArgumentError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 3); } }
export class DeadlineExceededError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 4); } }
export class NotFoundError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 5); } }
export class AlreadyExistsError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 6); } }
export class PermissionDeniedError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 7); } }
export class ResourceExhaustedError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 8); } }
export class FailedPreconditionError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 9); } }
export class AbortedError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 10); } }
export class OutOfRangeError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 11); } }
export class UnimplementedError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 12); } }
export class InternalError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 13); } }
export class UnavailableError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 14); } }
export class DataLossError extends OpError { constructor(m: string, op: ErrorOp | null = null) { super(m, op, 15); } }
