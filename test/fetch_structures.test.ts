// Fetch structures as people write them: a fresh literal each step, recognised by its shape,
// and results built with own properties whatever the keys are.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../src/index.js';
import { fresh, throwsClass } from './_lib/op_cases.js';

const EXECUTORS = ['compiled', 'interpreter'] as const;

for (const executor of EXECUTORS) {
  test(`${executor}: a fresh fetch literal per step runs the plan of the first and gives this step's values`, () => fresh(() => {
    const x = new tf.Variable(5, { name: 'x' });
    const loss = x.mul(x);
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    const sess = new tf.Session({ executor });
    sess.run(x.initializer);
    const plan = sess._planFor({ x, loss, train });
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = sess.run({ x, loss, train });
      assert.equal(Object.keys(r), ['x', 'loss', 'train']);
      assert.is(r.train, null);
      assert.is(r.loss, Math.fround(r.x * r.x));
      seen.push(r.x);
      assert.ok(sess._planFor({ x, loss, train }) === plan, 'same plan for a fresh literal');
    }
    // x ← x − 0.1·2x = 0.8x in float32, each step's x read before its update
    assert.equal(seen, [5, 4, Math.fround(Math.fround(4 * 0.8))]);
    const [none, l, xv] = sess.run([train, loss, x]);
    assert.is(none, null);
    assert.is(l, Math.fround(xv * xv));
    assert.ok(xv < seen[2], 'the array form ran the train op too');
  }));

  test(`${executor}: a structure of the same shape with other keys, order or leaves is not taken for the cached one`, () => fresh(() => {
    const a = tf.constant(1, { name: 'a' }), b = tf.constant(2, { name: 'b' }), c = tf.constant(3, { name: 'c' });
    const v = new tf.Variable(7, { name: 'v' });
    const sess = new tf.Session({ executor });
    sess.run(v.initializer);
    assert.equal(sess.run({ p: a, q: b }), { p: 1, q: 2 });
    assert.equal(Object.keys(sess.run({ q: b, p: a })), ['q', 'p'], 'key order of this literal');
    assert.equal(sess.run({ p: a, r: b }), { p: 1, r: 2 }, 'another key');
    assert.equal(sess.run({ p: a, q: c }), { p: 1, q: 3 }, 'another leaf');
    assert.equal(sess.run({ p: a }), { p: 1 }, 'fewer keys');
    assert.equal(sess.run({ p: a, q: b, r: c }), { p: 1, q: 2, r: 3 }, 'more keys');
    assert.equal(sess.run([a, b]), [1, 2]);
    assert.equal(sess.run([a, [b]]), [1, [2]], 'a leaf became an array');
    assert.equal(sess.run([a, b, c]), [1, 2, 3]);
    assert.equal(sess.run([a, 'b:0']), [1, 2], 'a name in place of the tensor');
    assert.equal(sess.run([a, 'b']), [1, null], 'an op name is a target');
    assert.equal(sess.run([a, v]), [1, 7]);
    assert.equal(sess.run([a, v.initializer]), [1, null]);
    const m1 = sess.run(new Map<unknown, tf.Fetches>([['k', a], ['l', b]]));
    const m2 = sess.run(new Map<unknown, tf.Fetches>([['l', b], ['k', a]]));
    assert.equal([...m1.entries()], [['k', 1], ['l', 2]]);
    assert.equal([...m2.entries()], [['l', 2], ['k', 1]], 'Map key order of this Map');
    assert.equal([...sess.run(new Map<unknown, tf.Fetches>([['k', c], ['l', b]])).values()], [3, 2]);
    // an object with a prototype or an array-like object is not a plain fetch object
    class Box { p = a; }
    throwsClass(() => sess.run(new Box() as never), tf.errors.InvalidArgumentError, 'invalid type object');
    throwsClass(() => sess.run({ length: 1, 0: a } as never), tf.errors.InvalidArgumentError, 'length');
  }));

  test(`${executor}: results keep every key as an own property ('__proto__', 'constructor', numeric keys)`, () => fresh(() => {
    const t = tf.constant(2, { name: 't' });
    const u = tf.constant([1, 2], { name: 'u' });
    const sess = new tf.Session({ executor });
    for (let i = 0; i < 2; i++) {
      const r = sess.run({ ['__proto__']: t });
      assert.ok(Object.getPrototypeOf(r) === Object.prototype, 'the prototype is not replaced');
      assert.ok(Object.hasOwn(r, '__proto__'));
      assert.is(Object.getOwnPropertyDescriptor(r, '__proto__')!.value, 2);
      assert.equal(Object.keys(r), ['__proto__']);
    }
    const nested = sess.run({ ['__proto__']: { ['__proto__']: u }, constructor: t, 7: t, hasOwnProperty: [t] });
    assert.ok(Object.getPrototypeOf(nested) === Object.prototype);
    assert.equal(Object.keys(nested), ['7', '__proto__', 'constructor', 'hasOwnProperty']);
    const inner = Object.getOwnPropertyDescriptor(nested, '__proto__')!.value;
    assert.ok(Object.getPrototypeOf(inner) === Object.prototype, 'not an NDArray prototype');
    assert.equal((Object.getOwnPropertyDescriptor(inner, '__proto__')!.value as tf.NDArray).toArray(), [1, 2]);
    assert.is(nested.constructor, 2);
    assert.equal(nested.hasOwnProperty, [2]);
    assert.is(nested[7], 2);
  }));

  test(`${executor}: a fetch structure containing itself is refused clearly; a shared substructure is fine`, () => fresh(() => {
    const t = tf.constant(4, { name: 't' });
    const sess = new tf.Session({ executor });
    const loop: unknown[] = [t];
    loop.push({ again: loop });
    throwsClass(() => sess.run(loop as never), tf.errors.InvalidArgumentError, 'Fetch argument [1].again contains itself');
    const shared = [t];
    assert.equal(sess.run({ a: shared, b: shared }), { a: [4], b: [4] });
  }));
}

test.run();
