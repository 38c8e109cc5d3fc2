// Property test over checkpoint bytes: a saved checkpoint, truncated, bit-flipped, with its header
// length field or its header rewritten (keys renamed to '__proto__', 'constructor', unicode…,
// entries dropped, added, retyped, reshaped or moved), or re-encoded with other names and values.
// Restoring it either succeeds with exactly the values the bytes hold, or fails with a tf error
// and leaves every variable of the session as it was. fast-check prints the seed on failure
// (replay: FC_SEED=<seed> node --import tsx test/train/checkpoint_bytes.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../../src/index.js';
import { encodeSafetensors } from '../../src/train/safetensors.js';

const RUNS = Number(process.env.FC_RUNS ?? 1500) / 5;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-ckpt-bytes-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__metadata__', '', 'wéight/ü', '名前', 'plain', 'x\u0000y', 'a/b/c'];

/** Variables of several dtypes behind checkpoint keys that are awkward in JS objects. */
function setup() {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const vars = {
      ['__proto__']: new tf.Variable([1.5, -2, 3.25], { name: 'p' }),
      constructor: new tf.Variable([[7, -8], [9, 2 ** 30]], { name: 'c', dtype: 'int32' }),
      'wéight/ü': new tf.Variable(new tf.NDArray(new Float64Array([Math.PI]), [], 'float64'), { name: 'w' }),
      plain: new tf.Variable([true, false], { name: 'b' }),
    };
    const saver = new tf.train.Saver(vars);
    return { g, vars, saver };
  });
}

const valuesOf = (sess: tf.Session, vars: Record<string, tf.Variable>) =>
  Object.keys(vars).map((k) => { const v = sess.run(vars[k]); return v instanceof tf.NDArray ? { shape: v.shape, data: [...v.data] } : v; });

/** The header members of a safetensors file (own keys, in file order) and its data bytes. */
function split(bytes: Uint8Array): { members: [string, unknown][]; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  return { members: Object.keys(header).map((k) => [k, header[k]]), data: bytes.subarray(8 + n) };
}

function join(members: readonly [string, unknown][], data: Uint8Array, pad: number): Uint8Array {
  const json = new TextEncoder().encode(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}${' '.repeat(pad)}`);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const headerEdit = fc.oneof(
  fc.record({ op: fc.constant('rename' as const), at: fc.nat(), to: fc.constantFrom(...NAMES) }),
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('dtype' as const), at: fc.nat(), to: fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'U8', 'F16', 5) }),
  fc.record({ op: fc.constant('shape' as const), at: fc.nat(), to: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('offsets' as const), at: fc.nat(), to: fc.tuple(fc.integer({ min: -4, max: 80 }), fc.integer({ min: -4, max: 80 })) }),
  fc.record({ op: fc.constant('add' as const), name: fc.constantFrom(...NAMES), shape: fc.array(fc.nat(3), { maxLength: 2 }) }),
);

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
  // why: the data is a small tail of the file; `inData` aims the flips there.
  fc.record({ kind: fc.constant('flip' as const), inData: fc.boolean(), flips: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.nat(7)), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('length' as const), delta: fc.integer({ min: -40, max: 40 }) }),
  fc.record({ kind: fc.constant('header' as const), edits: fc.array(headerEdit, { maxLength: 4 }), pad: fc.nat(9) }),
  fc.record({
    kind: fc.constant('reencode' as const),
    keep: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    retype: fc.nat(5),
    extra: fc.array(fc.constantFrom(...NAMES), { maxLength: 3 }),
    seed: fc.integer(),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** The mutated bytes, and the values a successful restore must give (null: those saved). */
function mutate(good: Uint8Array, m: Mutation, vars: Record<string, tf.Variable>, saved: Map<string, tf.NDArray>): { bytes: Uint8Array; expect: Map<string, tf.NDArray> | null } {
  switch (m.kind) {
    case 'truncate': return { bytes: good.slice(0, Math.floor(m.keep * good.length)), expect: null };
    case 'flip': {
      const b = good.slice();
      const from = m.inData ? good.length - split(good).data.length : 0;
      for (const [where, bit] of m.flips) b[from + Math.floor(where * (b.length - from))] ^= 1 << bit;
      return { bytes: b, expect: null };
    }
    case 'length': {
      const b = good.slice();
      const dv = new DataView(b.buffer);
      dv.setBigUint64(0, BigInt(Math.max(0, Number(dv.getBigUint64(0, true)) + m.delta)), true);
      return { bytes: b, expect: null };
    }
    case 'header': {
      const { members, data } = split(good);
      for (const e of m.edits) {
        const i = e.op === 'add' ? 0 : e.at % members.length;
        const entry = members[i]?.[1] as Record<string, unknown> | undefined;
        if (e.op === 'rename') members[i] = [e.to, members[i][1]];
        else if (e.op === 'drop') members.splice(i, 1);
        else if (e.op === 'swap') { const j = e.with % members.length; [members[i], members[j]] = [members[j], members[i]]; }
        else if (e.op === 'add') members.push([e.name, { dtype: 'U8', shape: e.shape, data_offsets: [0, e.shape.reduce((a, b) => a * b, 1)] }]);
        else if (entry && members[i][0] !== '__metadata__') {
          if (e.op === 'dtype') entry.dtype = e.to;
          else if (e.op === 'shape') entry.shape = e.to;
          else entry.data_offsets = e.to;
        }
        if (!members.length) break;
      }
      return { bytes: join(members, data, m.pad), expect: null };
    }
    case 'reencode': {
      // A well-formed file (tfgen's encoder, valid checksum) with some of the keys, perhaps one of
      // another dtype, and extra names: restore must take exactly these values or refuse.
      let x = m.seed | 0;
      const next = () => ((x = (Math.imul(x, 1103515245) + 12345) | 0) >>> 16) % 5;
      const tensors = new Map<string, tf.NDArray>();
      Object.keys(vars).forEach((k, i) => {
        if (!m.keep[i]) return;
        const s = saved.get(k)!;
        const dtype = m.retype === i ? (s.dtype === 'float32' ? 'float64' : 'float32') : s.dtype;
        const data = s.data.slice();
        for (let j = 0; j < data.length; j++) data[j] = s.dtype === 'bool' ? next() % 2 : next() - 2;
        tensors.set(k, new tf.NDArray(dtype === s.dtype ? data : dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data), s.shape, dtype));
      });
      for (const name of m.extra) if (name !== '__metadata__' && !tensors.has(name)) tensors.set(name, new tf.NDArray(new Uint8Array([1, 2]), [2], 'uint8'));
      return { bytes: encodeSafetensors(tensors, { format: 'tfgen.checkpoint' }), expect: tensors };
    }
  }
}

test('restoring corrupted or rewritten checkpoint bytes: exactly the values they hold, or a tf error and no change', () => {
  const { g, vars, saver } = setup();
  const saveSess = new tf.Session({ graph: g });
  saveSess.run(g.asDefault(() => tf.globalVariablesInitializer()));
  const goodFile = saver.save(saveSess, path.join(dir, 'good.safetensors'));
  const good = new Uint8Array(fs.readFileSync(goodFile));
  const saved = new Map<string, tf.NDArray>();
  for (const [k, v] of Object.entries(vars)) {
    const x = saveSess.run(v) as tf.NDArray | number;
    saved.set(k, x instanceof tf.NDArray ? x : new tf.NDArray(Float64Array.of(x), [], 'float64'));
  }
  // why: the session's values before the restore differ from every saved value, so a partial restore shows.
  const other = g.asDefault(() => tf.group(Object.values(vars).map((v) => tf.assign(v, tf.zerosLike(v.value())).op)));
  let restored = 0, refused = 0;
  fc.assert(fc.property(mutation, fc.constantFrom('compiled', 'interpreter'), (m, executor) => {
    using sess = new tf.Session({ graph: g, executor: executor as 'compiled' | 'interpreter' });
    sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    sess.run(other);
    const before = valuesOf(sess, vars);
    const { bytes, expect } = mutate(good, m, vars, saved);
    const file = path.join(dir, 'mutated.safetensors');
    fs.writeFileSync(file, bytes);
    try {
      saver.restore(sess, file);
    } catch (e) {
      if (!(e instanceof tf.errors.OpError)) throw new Error(`restore threw a raw ${(e as Error).constructor.name}: ${(e as Error).message}`);
      assert.equal(valuesOf(sess, vars), before, `a refused restore (${e.message}) changed variables`);
      refused++;
      return;
    }
    restored++;
    const want = expect ?? saved;
    for (const k of Object.keys(vars)) {
      const got = sess.run(vars[k as keyof typeof vars]) as tf.NDArray | number | boolean;
      const w = want.get(k)!;
      assert.equal(got instanceof tf.NDArray ? [...got.data] : [got], [...w.data].map((x) => (typeof got === 'boolean' ? x !== 0 : x)), `restored ${k}`);
    }
  }), { numRuns: RUNS, includeErrorInReport: true, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined });
  // why: a mutation generator that only ever corrupts (or never does) would check half the contract.
  if (process.env.FC_STATS) console.log({ restored, refused });
  assert.ok(restored > 0 && refused > 0, `restored ${restored}, refused ${refused}`);
  saveSess.close();
});

test.run();
