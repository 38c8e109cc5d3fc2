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

/** How many frames of the user's code a printed error shows (err.stack keeps them all). */
const PRINTED_FRAMES = 3;
/** Frames captured, so that the user's are reached through tfgen's own. */
const STACK_FRAMES = 64;

export class OpError extends Error {
  /** The op the error comes from (a property, not printed with the error). */
  declare readonly op: ErrorOp | null;
  readonly errorCode: number;
  constructor(message: string, op: ErrorOp | null = null, errorCode = 2) {
    // why: graph building nests deeper than V8's 10 default frames; the user's frames must be in the stack.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Math.max(limit, STACK_FRAMES);
    super(op ? `${message}\n\t [[node ${op.name} (${op.type}${op.location ? `, defined at ${op.location}` : ''})]]` : message);
    Error.stackTraceLimit = limit;
    this.name = new.target.name;
    // why: an enumerable op is printed in full after the stack (hundreds of lines for a real graph).
    Object.defineProperty(this, 'op', { value: op, enumerable: false, writable: false, configurable: true });
    this.errorCode = errorCode;
  }

  /** What console.log and Node's uncaught-error report print: the message, the op's line, the user's frames. */
  [inspectCustom](): string {
    return [`${this.name}: ${this.message}`, ...userFrames(this.stack, PRINTED_FRAMES)].join('\n');
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
