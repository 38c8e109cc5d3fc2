// The default session: InteractiveSession, sess.asDefault, tensor.eval, op.run, tf.getDefaultSession.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f32 = Math.fround;

test('no default session: getDefaultSession, eval and run fail saying what to do', () => fresh(() => {
  const c = tf.constant(1);
  throwsClass(() => tf.getDefaultSession(), tf.errors.InvalidArgumentError, 'No default session is registered', 'asDefault');
  throwsClass(() => c.eval(), tf.errors.InvalidArgumentError, "Cannot evaluate <tf.Tensor 'Const:0'", 'No default session', 'pass the session explicitly');
  throwsClass(() => tf.noOp().run(), tf.errors.InvalidArgumentError, "Cannot run <tf.Operation 'NoOp'", 'No default session');
}));

test('sess.asDefault: eval and run use it inside fn, nest, and restore on exit and on throw', () => fresh(() => {
  const a = tf.placeholder('float32', [], 'a');
  const v = new tf.Variable(3, { name: 'v' });
  const inc = tf.assignAdd(v, 1);
  using outer = new tf.Session();
  using inner = new tf.Session();
  const got = outer.asDefault(() => {
    assert.is(tf.getDefaultSession(), outer);
    v.initializer.run();
    assert.is(inc.op.run(), undefined);
    assert.is(v.eval(), 4);
    inner.asDefault(() => {
      assert.is(tf.getDefaultSession(), inner);
      tf.globalVariablesInitializer().run();
    });
    assert.is(tf.getDefaultSession(), outer);
    assert.throws(() => inner.asDefault(() => { throw new Error('boom'); }), /boom/);
    assert.is(tf.getDefaultSession(), outer);
    return a.mul(2).eval({ a: 1.5 });
  });
  assert.is(got, 3);
  // each session has its own state: outer has v = 4, inner v = 3
  assert.is(v.eval(outer), 4);
  assert.is(v.eval(undefined, inner), 3);
  assert.is(tf.add(v, 0.5).eval(null, inner), 3.5);
  throwsClass(() => tf.getDefaultSession(), tf.errors.InvalidArgumentError, 'No default session');
}));

test('eval with feeds as a Map and by name; explicit session wins over the default', () => fresh(() => {
  const x = tf.placeholder('float32', [2], 'x');
  const y = tf.reduceSum(x.mul(x));
  using s1 = new tf.Session();
  using s2 = new tf.Session({ executor: 'interpreter' });
  s1.asDefault(() => {
    assert.is(y.eval(new Map([[x, [3, 4]]])), 25);
    assert.is(y.eval({ x: [1, 2] }, s2), 5);
  });
  throwsClass(() => y.eval(), tf.errors.InvalidArgumentError, 'No default session');
  throwsClass(() => y.eval(undefined, s2), tf.errors.InvalidArgumentError, "You must feed a value for placeholder tensor 'x'");
}));

test('InteractiveSession is the default until closed; the previous open one comes back', () => fresh(() => {
  const w = new tf.Variable([[1, 2], [3, 4]], { name: 'w' });
  const c = tf.constant(0.1);
  const first = new tf.InteractiveSession();
  assert.ok(first instanceof tf.Session);
  assert.is(tf.getDefaultSession(), first);
  tf.globalVariablesInitializer().run();
  assert.equal(w.eval().toArray(), [[1, 2], [3, 4]]);
  assert.is(tf.add(c, c).eval(), f32(f32(0.1) + f32(0.1)));
  const second = new tf.InteractiveSession({ executor: 'interpreter' });
  assert.is(tf.getDefaultSession(), second);
  throwsClass(() => w.eval(), tf.errors.FailedPreconditionError, 'Attempting to use uninitialized value w');
  // asDefault takes precedence over the interactive session
  first.asDefault(() => assert.is(tf.getDefaultSession(), first));
  second.close();
  assert.is(tf.getDefaultSession(), first);
  first.close();
  throwsClass(() => tf.getDefaultSession(), tf.errors.InvalidArgumentError, 'No default session');
}));

test('InteractiveSession on another graph makes it the default graph until closed', () => fresh((outer) => {
  const g = new tf.Graph();
  const sess = new tf.InteractiveSession({ graph: g });
  const c = tf.constant(2, { name: 'c' });
  assert.is(c.graph, g);
  assert.is(tf.getDefaultGraph(), g);
  assert.is(c.mul(3).eval(), 6);
  // an asDefault opened afterwards still wins
  assert.is(outer.asDefault(() => tf.getDefaultGraph()), outer);
  assert.is(tf.getDefaultGraph(), g);
  sess.close();
  assert.is(tf.getDefaultGraph(), outer);
  // on the default graph it changes nothing
  const same = new tf.InteractiveSession();
  assert.is(same.graph, outer);
  same.close();
  assert.is(tf.getDefaultGraph(), outer);
}));

test('a tensor of another graph: clear error, no run', () => {
  const g1 = new tf.Graph();
  const g2 = new tf.Graph();
  const t = g1.asDefault(() => tf.constant(1));
  const sess = new tf.Session({ graph: g2 });
  throwsClass(() => sess.asDefault(() => t.eval()), tf.errors.InvalidArgumentError,
    'Cannot use the default session to evaluate', "its graph is different from the session's graph");
  throwsClass(() => t.eval(sess), tf.errors.InvalidArgumentError, 'Cannot use the given session to evaluate');
  throwsClass(() => t.op.run(sess), tf.errors.InvalidArgumentError, 'Cannot use the given session to run');
  sess.close();
});

test('a closed session used as the default fails as a closed session', () => fresh(() => {
  const sess = new tf.InteractiveSession();
  const c = tf.constant(2);
  sess.close();
  throwsClass(() => sess.asDefault(() => c.eval()), tf.errors.InvalidArgumentError, 'closed Session');
}));

test.run();
