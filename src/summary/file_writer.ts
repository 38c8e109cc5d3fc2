// tf.summary.FileWriter: event files in TensorBoard's format. Events are queued and written as
// whole TFRecords; a flush that fails (disk full, permissions) truncates the file back to its
// last complete record, so a reader never sees half an event.
import {
  FailedPreconditionError, InvalidArgumentError, NotFoundError, OpError, PermissionDeniedError,
  ResourceExhaustedError, UnimplementedError, UnknownError,
} from '../errors.js';
import { Graph } from '../graph.js';
import { NDArray } from '../ndarray.js';
import { stringElements } from '../strings.js';
import { graphDefBytes } from './graph_def.js';
import { concat } from './png.js';
import { decodeMessage, encodeMessage } from './proto.js';
import { frameRecord } from './records.js';

type Fs = typeof import('node:fs');
type Os = typeof import('node:os');
type Path = typeof import('node:path');

export interface FileWriterOptions {
  /** Events queued before they are written; default 10 (TF1's max_queue). */
  maxQueue?: number;
  /** Queued events are written when an event arrives this long after the last write; default 120. */
  flushSecs?: number;
  /** Appended to the event file's name. */
  filenameSuffix?: string;
}

/** A summary as a session returns it (bytes of a Summary), or its string NDArray. */
export type SerializedSummary = Uint8Array | NDArray;

export class FileWriter {
  private readonly logdir: string;
  private readonly maxQueue: number;
  private readonly flushMs: number;
  private readonly suffix: string;
  private fd: number | null = null;
  private path = '';
  /** Bytes of complete records on disk: where a failed write is truncated back to. */
  private written = 0;
  private queue: Uint8Array[] = [];
  private lastFlush = Date.now();

  /**
   * Creates `logdir` if needed and an event file in it (`events.out.tfevents.<secs>.<host>`);
   * with `graph`, writes its GraphDef for TensorBoard's graph tab (TF1 tf.summary.FileWriter).
   * @example const writer = new tf.summary.FileWriter('logs/run1', sess.graph)
   */
  constructor(logdir: string, graph?: Graph | null, opts: FileWriterOptions = {}) {
    if (typeof logdir !== 'string' || !logdir) throw new InvalidArgumentError(`tf.summary.FileWriter: logdir must be a non-empty path, got ${String(logdir)}.`);
    if (graph !== undefined && graph !== null && !(graph instanceof Graph)) {
      throw new InvalidArgumentError(`tf.summary.FileWriter: the second argument must be a tf.Graph (e.g. sess.graph), got ${String(graph)}.`);
    }
    this.logdir = logdir;
    this.maxQueue = opts.maxQueue ?? 10;
    this.flushMs = (opts.flushSecs ?? 120) * 1000;
    this.suffix = opts.filenameSuffix ?? '';
    this.open();
    if (graph) this.addGraph(graph);
  }

  /** The directory this writer writes to. */
  getLogdir(): string {
    return this.logdir;
  }

  /** The event file being written (null once closed). */
  get filePath(): string | null {
    return this.fd === null ? null : this.path;
  }

  /** Queues a serialized Summary (what a summary op's run returns) for `globalStep`. */
  addSummary(summary: SerializedSummary, globalStep = 0): void {
    const bytes = summary instanceof NDArray && summary.dtype === 'string' && summary.size === 1 ? stringElements(summary)[0] : summary;
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidArgumentError(`FileWriter.addSummary takes the serialized summary a run returns (a Uint8Array), got ${describe(summary)}.`);
    }
    try {
      decodeMessage('Summary', bytes);
    } catch (e) {
      throw new InvalidArgumentError(`FileWriter.addSummary: the bytes are not a Summary protocol buffer (${(e as Error).message}).`);
    }
    this.addEvent(eventWith(globalStep, 5, bytes));
  }

  /** Queues the graph's GraphDef (TensorBoard shows the last one written). */
  addGraph(graph: Graph, globalStep = 0): void {
    if (!(graph instanceof Graph)) throw new InvalidArgumentError(`FileWriter.addGraph takes a tf.Graph, got ${describe(graph)}.`);
    this.addEvent(eventWith(globalStep, 4, graphDefBytes(graph)));
  }

  /** Writes the queued events to disk. */
  flush(): void {
    this.checkOpen('flush');
    if (!this.queue.length) return;
    this.write(concat(this.queue));
    this.queue = [];
  }

  /** Flushes and closes the file; add* afterwards fail until reopen(). */
  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      node().fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  /** After close(): starts a new event file in the same directory. */
  reopen(): void {
    if (this.fd === null) this.open();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  private addEvent(record: Uint8Array): void {
    this.checkOpen('add an event');
    this.queue.push(frameRecord(record));
    if (this.queue.length >= this.maxQueue || Date.now() - this.lastFlush >= this.flushMs) this.flush();
  }

  private checkOpen(what: string): void {
    if (this.fd === null) throw new FailedPreconditionError(`Cannot ${what}: the FileWriter for '${this.logdir}' is closed (call reopen() first).`);
  }

  private open(): void {
    const { fs, os, path } = node();
    try {
      fs.mkdirSync(this.logdir, { recursive: true });
    } catch (e) {
      throw fsError(e as NodeJS.ErrnoException, `Cannot create the log directory '${this.logdir}'`);
    }
    const secs = Math.floor(Date.now() / 1000);
    const base = path.join(this.logdir, `events.out.tfevents.${String(secs).padStart(10, '0')}.${os.hostname()}${this.suffix}`);
    // why: two writers started in the same second must not share (and clobber) one file.
    for (let n = 0; this.fd === null; n++) {
      const file = n ? `${base}.${n}` : base;
      try {
        this.fd = fs.openSync(file, 'wx');
        this.path = file;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw fsError(e as NodeJS.ErrnoException, `Cannot create an event file in '${this.logdir}'`);
      }
    }
    this.written = 0;
    this.queue = [];
    try {
      this.write(frameRecord(encodeMessage('Event', { wall_time: Date.now() / 1000, file_version: 'brain.Event:2' })));
    } catch (e) {
      // why: an event file that cannot even hold its header is removed, not left empty.
      fs.closeSync(this.fd!);
      this.fd = null;
      try { fs.unlinkSync(this.path); } catch { /* already failing */ }
      throw e;
    }
  }

  /** Appends whole records; on failure the file is cut back to its last complete record. */
  private write(bytes: Uint8Array): void {
    const { fs } = node();
    const fd = this.fd!;
    try {
      for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off, this.written + off);
      fs.fsyncSync(fd);
    } catch (e) {
      try { fs.ftruncateSync(fd, this.written); } catch { /* already failing */ }
      throw fsError(e as NodeJS.ErrnoException, `Cannot write events to '${this.path}'`);
    }
    this.written += bytes.length;
    this.lastFlush = Date.now();
  }
}

/** An Event of `step` and the current time whose oneof field `field` holds `payload` (bytes or a message). */
function eventWith(step: number, field: number, payload: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(step)) throw new InvalidArgumentError(`The global step must be an integer, got ${step}.`);
  const head = encodeMessage('Event', { wall_time: Date.now() / 1000, step });
  // why: a length-delimited field appended to a message is that field set, so the payload
  // (already serialized) is framed as is rather than decoded and encoded again.
  const tagAndLen: number[] = [(field << 3) | 2];
  for (let n = payload.length; ; n = Math.floor(n / 128)) {
    if (n < 128) { tagAndLen.push(n); break; }
    tagAndLen.push((n % 128) | 128);
  }
  return concat([head, Uint8Array.from(tagAndLen), payload]);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `${(v as object).constructor?.name ?? 'an object'} ${v instanceof NDArray ? `of dtype ${v.dtype}` : ''}`.trim();
  return `${typeof v} ${String(v)}`;
}

/** Node's fs, os and path, looked up only when a writer is made, so this module loads in browsers. */
function node(): { fs: Fs; os: Os; path: Path } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new UnimplementedError('tf.summary.FileWriter writes files with node:fs; it needs Node.js 20.16 or later.');
  return { fs: get('node:fs') as Fs, os: get('node:os') as Os, path: get('node:path') as Path };
}

function fsError(e: NodeJS.ErrnoException, what: string): OpError {
  if (e instanceof OpError) return e;
  const msg = `${what}: ${e.message}`;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR' || e.code === 'EEXIST') return new NotFoundError(msg);
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') return new PermissionDeniedError(msg);
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return new ResourceExhaustedError(msg);
  return new UnknownError(msg);
}
