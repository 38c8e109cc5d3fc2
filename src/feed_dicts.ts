// A session's feed dicts: keys resolved to tensors (Tensor, Variable or name), values converted
// by feeds.ts, and the recent dicts remembered so a training loop that feeds the same typed arrays
// again — often in a fresh Map or object each step — skips their conversion.
import { InvalidArgumentError } from './errors.js';
import { convertFeed, numbersInto, sharesStorage, type FeedDict, type FeedScratch, type FeedValue } from './feeds.js';
import type { TypedArray } from './dtypes.js';
import { Tensor, type Graph } from './graph.js';
import type { NDArray } from './ndarray.js';
import { Variable } from './variables.js';

/** Feed dicts remembered (by keys and values) to skip their conversion when fed again. */
const RECENT_FEEDS = 8;

/** A key no feed dict has. */
const NO_KEY = Symbol('no key');

interface Remembered { isMap: boolean; keys: unknown[]; values: unknown[]; feeds: Map<Tensor, NDArray> }

export class FeedDicts {
  private readonly recent: Remembered[] = [];
  /** Where the next remembered dict goes in `recent` (a ring, oldest replaced first). */
  private nextRecent = 0;
  /** Conversions in a row whose dict was not a remembered one. */
  private misses = 0;
  /** Buffers feeds are converted into, reused by later runs. */
  private readonly scratch: FeedScratch = new Map();
  /** Tensors of the names used as feed keys. */
  private readonly names = new Map<string, Tensor>();

  constructor(private readonly graph: Graph) {}

  /**
   * The feeds converted to their tensors' dtypes. why: when every converted feed shares its
   * value's storage, a recent dict with the same keys and values (by identity) gives the same result.
   */
  convert(feedDict: FeedDict | undefined): Map<Tensor, NDArray> {
    if (!feedDict) return new Map();
    const hit = this.recentFor(feedDict);
    if (hit) {
      this.misses = 0;
      return hit;
    }
    this.misses++;
    const feeds = new Map<Tensor, NDArray>();
    const keys: unknown[] = [], values: unknown[] = [];
    const isMap = feedDict instanceof Map;
    if (isMap) for (const key of feedDict.keys()) { keys.push(key); values.push(feedDict.get(key)); }
    else for (const key in feedDict) if (Object.hasOwn(feedDict, key)) { keys.push(key); values.push(feedDict[key]); }
    let cacheable = true;
    for (let i = 0; i < keys.length; i++) {
      const t = this.target(keys[i]);
      const arr = convertFeed(t, values[i] as FeedValue, this.scratch);
      feeds.set(t, arr);
      // why: remembering a dict keeps its arrays alive; only small batches are worth it (large
      // arrays of the right dtype are used without copying anyway).
      if (!sharesStorage(values[i], arr) || arr.data.byteLength > 1 << 20) cacheable = false;
    }
    // why: a loop feeding fresh arrays each step (batch views) never hits; after a while it only
    // seldom replaces an entry, so its dicts are not kept alive for nothing.
    if (cacheable && (this.misses < 32 || this.misses % 16 === 0)) {
      const entry = { isMap, keys, values, feeds };
      if (this.recent.length < RECENT_FEEDS) this.recent.push(entry);
      else this.recent[this.nextRecent] = entry;
      this.nextRecent = (this.nextRecent + 1) % RECENT_FEEDS;
    }
    return feeds;
  }

  /** The tensor a feed key names: a Tensor, a Variable, or a tensor name ('X' means 'X:0'). */
  target(key: unknown): Tensor {
    let t: Tensor;
    if (key instanceof Variable) t = key.ref;
    else if (key instanceof Tensor) t = key;
    else if (typeof key === 'string') {
      let named = this.names.get(key);
      if (!named) {
        named = this.graph.asGraphElement(key.includes(':') ? key : `${key}:0`) as Tensor;
        // why: names never change their tensor (ops are immutable); object feeds look them up each run.
        if (this.names.size < 1024) this.names.set(key, named);
      }
      t = named;
    } else {
      throw new InvalidArgumentError(`Cannot interpret feed_dict key ${String(key)} as a Tensor: use a Tensor, a Variable or a tensor name.`);
    }
    if (t.graph !== this.graph) throw new InvalidArgumentError(`Cannot feed ${t}: it is from another graph than this session's.`);
    return t;
  }

  /** A plain array of numbers in the tensor's conversion buffer (undefined: it needs convert()). */
  numbers(t: Tensor, values: readonly unknown[]): TypedArray | undefined {
    return numbersInto(t, values, this.scratch);
  }

  /** Forgets every remembered dict, buffer and name (the session closed). */
  clear(): void {
    this.recent.length = 0;
    this.nextRecent = 0;
    this.misses = 0;
    this.scratch.clear();
    this.names.clear();
  }

  /** A recent dict with the same keys and values; allocates nothing. */
  private recentFor(feedDict: FeedDict): Map<Tensor, NDArray> | undefined {
    const recent = this.recent;
    const isMap = feedDict instanceof Map;
    // why: entries mostly share their first key; its value in this dict is looked up once.
    let key0: unknown = NO_KEY, value0: unknown;
    next: for (let r = 0; r < recent.length; r++) {
      const e = recent[r];
      if (e.isMap !== isMap || e.keys.length === 0) continue;
      if (e.keys[0] !== key0) {
        key0 = e.keys[0];
        value0 = isMap ? (feedDict as Map<unknown, unknown>).get(key0) : (feedDict as Record<string, unknown>)[key0 as string];
      }
      if (value0 !== e.values[0]) continue;
      const { keys, values } = e;
      if (isMap) {
        if ((feedDict as Map<unknown, unknown>).size !== keys.length) continue;
        for (let i = 1; i < keys.length; i++) if ((feedDict as Map<unknown, unknown>).get(keys[i]) !== values[i]) continue next;
        return e.feeds;
      }
      let i = 0;
      for (const k in feedDict) {
        if (!Object.hasOwn(feedDict, k)) continue;
        if (i >= keys.length || k !== keys[i] || (feedDict as Record<string, unknown>)[k] !== values[i]) continue next;
        i++;
      }
      if (i === keys.length) return e.feeds;
    }
    return undefined;
  }
}

/** Whether `feeds` feeds exactly these tensors with these shapes. */
export function sameFeeds(order: readonly Tensor[], shapes: readonly number[][], feeds: Map<Tensor, NDArray>): boolean {
  if (feeds.size !== order.length) return false;
  for (let i = 0; i < order.length; i++) {
    const v = feeds.get(order[i]);
    if (!v) return false;
    const a = v.shape, b = shapes[i];
    if (a.length !== b.length) return false;
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  }
  return true;
}
