// Fetch structures of a runtime Session: handles (or tensor/op names) nested in arrays, plain
// objects and Maps, flattened to unique tensor names and target op names, then rebuilt.
import { InvalidArgumentError } from '../errors.js';
import type { CompiledModel, Handle } from './model.js';
import type { RunValue } from './run_plan.js';

export type HandleFetches = Handle | string | readonly HandleFetches[] | { readonly [k: string]: HandleFetches } | Map<unknown, HandleFetches>;

export interface FlatHandles {
  readonly tensors: string[];
  readonly targets: string[];
  readonly model: CompiledModel | null;
  rebuild(values: ReadonlyMap<string, RunValue>): unknown;
}

export function flattenHandles(fetches: HandleFetches): FlatHandles {
  const tensors: string[] = [];
  const targets: string[] = [];
  let model: CompiledModel | null = null;
  const build = (x: unknown): (v: ReadonlyMap<string, RunValue>) => unknown => {
    if (typeof x === 'object' && x !== null && 'kind' in x && 'model' in x) {
      const h = x as Handle;
      if (model && h.model !== model) throw new InvalidArgumentError(`Fetch ${h} is from ${h.model.source}, the other fetches from ${model.source}.`);
      model = h.model;
      if (h.kind === 'operation') {
        if (!targets.includes(h.name)) targets.push(h.name);
        return () => null;
      }
      const name = h.kind === 'variable' ? h.ref.name : h.name;
      if (!tensors.includes(name)) tensors.push(name);
      return (v) => v.get(name);
    }
    if (typeof x === 'string') {
      if (!x.includes(':')) {
        if (!targets.includes(x)) targets.push(x);
        return () => null;
      }
      if (!tensors.includes(x)) tensors.push(x);
      return (v) => v.get(x);
    }
    if (Array.isArray(x)) {
      const parts = x.map(build);
      return (v) => parts.map((p) => p(v));
    }
    if (x instanceof Map) {
      const parts = [...x].map(([k, f]) => [k, build(f)] as const);
      return (v) => new Map(parts.map(([k, p]) => [k, p(v)]));
    }
    if (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype) {
      const parts = Object.entries(x).map(([k, f]) => [k, build(f)] as const);
      return (v) => {
        const o: Record<string, unknown> = {};
        for (const [k, p] of parts) Object.defineProperty(o, k, { value: p(v), enumerable: true, writable: true, configurable: true });
        return o;
      };
    }
    throw new InvalidArgumentError(`Fetch argument ${String(x)} cannot be interpreted as a Tensor: fetch handles of a compiled model, tensor names, or arrays/objects/Maps of them.`);
  };
  const rebuild = build(fetches);
  return { tensors, targets, model, rebuild };
}
