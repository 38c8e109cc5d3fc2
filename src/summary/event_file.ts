// Reading event files back: the events of one file, and the scalar series of a log directory
// (each folder holding event files is a run, as TensorBoard sees it).
import { DataLossError, NotFoundError } from '../errors.js';
import { decodeMessage } from './proto.js';
import { readRecords } from './records.js';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

export interface Event {
  wall_time?: number;
  step?: number;
  file_version?: string;
  graph_def?: Uint8Array;
  summary?: { value?: { tag: string; simple_value?: number }[] };
}

/** The events of one event file's bytes (DataLossError on a CRC mismatch or a bad proto). */
export function parseEvents(bytes: Uint8Array, source = 'event file'): Event[] {
  return readRecords(bytes, source).map((r, i) => {
    try {
      return decodeMessage<Event>('Event', r);
    } catch (e) {
      throw new DataLossError(`${source}: record ${i} is not an Event (${(e as Error).message}).`);
    }
  });
}

/** One tag of one run: its scalar values by step, in step order. */
export interface ScalarSeries {
  run: string;
  tag: string;
  steps: number[];
  values: number[];
}

/**
 * Every scalar summary under `logdir`: one series per run (the folder of the event files,
 * relative to logdir; '.' for logdir itself) and tag. Files are read in name order (their
 * names start with the creation time), so a later value for a step replaces an earlier one.
 */
export function readScalars(logdir: string): ScalarSeries[] {
  const { fs, path } = node();
  if (!fs.existsSync(logdir) || !fs.statSync(logdir).isDirectory()) throw new NotFoundError(`No log directory at '${logdir}'.`);
  const byKey = new Map<string, { run: string; tag: string; points: Map<number, number> }>();
  const visit = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const run = path.relative(logdir, dir) || '.';
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) { visit(full); continue; }
      if (!e.isFile() || !e.name.includes('tfevents')) continue;
      for (const ev of parseEvents(fs.readFileSync(full), full)) {
        for (const v of ev.summary?.value ?? []) {
          // why: a oneof member is written even when 0, so an absent value is another kind of summary.
          if (v.simple_value === undefined) continue;
          const key = `${run}\u0000${v.tag}`;
          let s = byKey.get(key);
          if (!s) byKey.set(key, (s = { run, tag: v.tag, points: new Map() }));
          s.points.set(ev.step ?? 0, v.simple_value);
        }
      }
    }
  };
  visit(logdir);
  return [...byKey.values()].map(({ run, tag, points }) => {
    const steps = [...points.keys()].sort((a, b) => a - b);
    return { run, tag, steps, values: steps.map((s) => points.get(s)!) };
  });
}

function node(): { fs: Fs; path: Path } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') throw new NotFoundError('Reading a log directory needs node:fs (Node.js 20.16 or later).');
  return { fs: get('node:fs') as Fs, path: get('node:path') as Path };
}
