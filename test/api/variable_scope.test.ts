// tf.getVariable and tf.variableScope: TF1's names, sharing rules and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const names = (g: tf.Graph) => g.getOperations().map((o) => o.name);

test('getVariable in a scope: TF1 names for the variable, its glorot initializer and the ops', () => fresh((g) => {
  const w = tf.variableScope('foo', () => tf.getVariable('w', [2, 3]));
  assert.is(w.name, 'foo/w:0');
  assert.equal(w.shape, [2, 3]);
  assert.is(w.dtype, 'float32');
  assert.equal(names(g), [
    'foo/w/Initializer/random_uniform/shape', 'foo/w/Initializer/random_uniform/min', 'foo/w/Initializer/random_uniform/max',
    'foo/w/Initializer/random_uniform/RandomUniform', 'foo/w/Initializer/random_uniform/sub', 'foo/w/Initializer/random_uniform/mul',
    'foo/w/Initializer/random_uniform', 'foo/w', 'foo/w/Assign', 'foo/w/read',
  ]);
  // glorot uniform: limit √(6 / (2 + 3))
  const limit = Math.fround(Math.sqrt(6 / 5));
  assert.is(g.getOperationByName('foo/w/Initializer/random_uniform/max').getAttr('value')!.toString(), String(new tf.NDArray(Float32Array.of(limit), [], 'float32')));
  assert.ok(tf.trainableVariables().includes(w) && tf.globalVariables().includes(w));
  const c = tf.variableScope('foo', () => tf.nameScope('bar', () => tf.add(1, 2)));
  assert.is(c.op.name, 'foo_1/bar/Add');
  using sess = new tf.Session();
  tf.initializeAllVariables().run(sess);
  const vals = Array.from((sess.run(w) as tf.NDArray).data);
  assert.ok(vals.every((v) => Math.abs(v) <= limit) && new Set(vals).size === 6, String(vals));
}));

test('nested scopes, the scope object, getVariableScope and op names in them', () => fresh(() => {
  let inner!: tf.VariableScope;
  const v = tf.variableScope('a', (a) => {
    assert.is(a.name, 'a');
    assert.is(tf.getVariableScope(), a);
    return tf.variableScope('b', (b) => {
      inner = b;
      assert.is(b.originalNameScope, 'a/b/');
      assert.is(tf.multiply(2, 3).op.name, 'a/b/Mul');
      return tf.getVariable('v', [1]);
    });
  });
  assert.is(v.name, 'a/b/v:0');
  assert.is(tf.getVariableScope().name, '');
  // re-entering the scope object: same variables, a fresh name scope for ops
  const [again, op] = tf.variableScope(inner, { reuse: true }, () => [tf.getVariable('v'), tf.add(1, 1)] as const);
  assert.is(again, v);
  assert.is(op.op.name, 'b/Add');
}));

test('re-entering a scope with auxiliaryNameScope: false, inside its original name scope (TF1 docs)', () => fresh(() => {
  const vs = tf.variableScope('foo', (s) => s);
  const [v, c] = tf.variableScope(vs, { auxiliaryNameScope: false }, (vs1) =>
    tf.nameScope(vs1.originalNameScope, () => [tf.getVariable('v', [1]), tf.constant([1], { name: 'c' })] as const));
  assert.is(v.name, 'foo/v:0');
  assert.is(c.name, 'foo/c:0');
  // without it, re-entering opens foo_1
  assert.is(tf.variableScope(vs, () => tf.constant(1, { name: 'd' })).name, 'foo_1/d:0');
}));

test('reuse: true returns the same variable; inherited by sub-scopes; reuseVariables()', () => fresh((g) => {
  const w = tf.variableScope('layer', () => tf.variableScope('dense', () => tf.getVariable('w', [3], { initializer: tf.zerosInitializer() })));
  const before = g.opCount;
  const again = tf.variableScope('layer', { reuse: true }, () => tf.variableScope('dense', () => tf.getVariable('w', [3])));
  assert.is(again, w);
  assert.is(g.opCount, before, 'no ops created on reuse');
  const third = tf.variableScope('layer', (s) => {
    s.reuseVariables();
    return tf.variableScope('dense', () => tf.getVariable('w'));
  });
  assert.is(third, w);
}));

test('AUTO_REUSE creates once, then returns it', () => fresh(() => {
  const foo = () => tf.variableScope('foo', { reuse: tf.AUTO_REUSE }, () => tf.getVariable('v', [1]));
  const v1 = foo();
  const v2 = foo();
  assert.is(v1, v2);
  assert.is(v1.name, 'foo/v:0');
  assert.is(tf.globalVariables().length, 1);
}));

test('an existing variable without reuse: TF1 error, nothing created', () => fresh((g) => {
  tf.variableScope('foo', () => tf.getVariable('w', [2, 3]));
  const before = g.opCount;
  const vars = tf.globalVariables().length;
  throwsClass(() => tf.variableScope('foo', () => tf.getVariable('w', [2, 3])), tf.errors.InvalidArgumentError,
    'Variable foo/w already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?', 'Originally defined at', 'variable_scope.test.ts');
  assert.is(tf.globalVariables().length, vars);
  assert.is(g.opCount, before);
  assert.is(tf.getVariableScope().name, '', 'the scope is left on error');
}));

test('reuse of a variable that does not exist (or was made by new tf.Variable): TF1 error', () => fresh((g) => {
  new tf.Variable(1, { name: 'foo/x' });
  const before = g.opCount;
  throwsClass(() => tf.variableScope('foo', { reuse: true }, () => tf.getVariable('x', [1])), tf.errors.InvalidArgumentError,
    'Variable foo/x does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?');
  assert.is(g.opCount, before);
  // without reuse, getVariable makes a new one next to the tf.Variable, named as TF1 does
  const y = tf.variableScope('foo', () => tf.getVariable('x', [1], { initializer: tf.onesInitializer() }));
  assert.is(y.name, 'foo/x_1:0');
  assert.ok(g.getOperationByName('foo/x_1/Initializer/ones'));
}));

test('shape and dtype mismatches on reuse name both', () => fresh(() => {
  tf.variableScope('foo', () => tf.getVariable('w', [2, 3]));
  throwsClass(() => tf.variableScope('foo', { reuse: true }, () => tf.getVariable('w', [3, 4])), tf.errors.InvalidArgumentError,
    'Trying to share variable foo/w, but specified shape (3, 4) and found shape (2, 3).');
  throwsClass(() => tf.variableScope('foo', { reuse: true }, () => tf.getVariable('w', [2, 3], { dtype: 'float64' })), tf.errors.InvalidArgumentError,
    'Trying to share variable foo/w, but specified dtype float64 and found dtype float32_ref.');
}));

test('creating needs a fully known shape, or a value initializer without shape', () => fresh((g) => {
  throwsClass(() => tf.getVariable('a', [null as unknown as number, 3]), tf.errors.InvalidArgumentError, 'Shape of a new variable (a) must be fully defined, but instead was (?, 3).');
  throwsClass(() => tf.getVariable('a'), tf.errors.InvalidArgumentError, 'Shape of a new variable (a) must be fully defined, but instead was <unknown>.');
  throwsClass(() => tf.getVariable('a', [2], { initializer: [1, 2] }), tf.errors.InvalidArgumentError, 'If initializer is a constant, do not specify shape.');
  throwsClass(() => tf.getVariable('a', [2], { initialiser: tf.zerosInitializer() } as never), tf.errors.InvalidArgumentError, "unknown option 'initialiser'", 'initializer');
  throwsClass(() => tf.variableScope('s', { resue: true } as never, () => 0), tf.errors.InvalidArgumentError, "unknown option 'resue'", 'reuse');
  assert.is(g.opCount, 0);
  const fromTensor = tf.getVariable('t', null, { initializer: tf.constant([1, 2], { dtype: 'int32' }) });
  assert.equal([fromTensor.dtype, fromTensor.shape], ['int32', [2]]);
  const fromValue = tf.getVariable('u', undefined, { initializer: [[1, 2], [3, 4]] });
  assert.equal([fromValue.dtype, fromValue.shape], ['float32', [2, 2]]);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(sess.run(fromValue).toArray(), [[1, 2], [3, 4]]);
}));

test('defaults: int variables start at zero; scope initializer and dtype; trainable: false', () => fresh(() => {
  const n = tf.getVariable('n', [2], { dtype: 'int32' });
  const [a, b] = tf.variableScope('s', { initializer: tf.constantInitializer(0.5), dtype: 'float64' }, () =>
    [tf.getVariable('a', [2]), tf.getVariable('b', [], { initializer: tf.onesInitializer(), trainable: false })]);
  assert.equal([a.dtype, b.dtype], ['float64', 'float64']);
  assert.ok(!tf.trainableVariables().includes(b) && tf.globalVariables().includes(b));
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(sess.run([n, a, b]).map((v: unknown) => (v instanceof tf.NDArray ? v.toArray() : v)), [[0, 0], [0.5, 0.5], 1]);
}));

test('default names: variableScope(null, {defaultName}) counts per scope and restarts on re-entry', () => fresh(() => {
  const names2 = () => [0, 1].map(() => tf.variableScope(null, { defaultName: 'dense' }, (s) => s.name));
  assert.equal(names2(), ['dense', 'dense_1']);
  assert.equal(tf.variableScope('model', () => names2()), ['model/dense', 'model/dense_1']);
  assert.equal(tf.variableScope('model', { reuse: true }, () => names2()), ['model/dense', 'model/dense_1']);
  throwsClass(() => tf.variableScope(null, () => 0), tf.errors.InvalidArgumentError, 'defaultName');
}));

test('getVariable inside controlDependencies: the variable does not depend on them', () => fresh(() => {
  const c = tf.noOp('dep');
  const w = tf.controlDependencies([c], () => tf.getVariable('w', [1], { initializer: tf.zerosInitializer() }));
  assert.equal(w.initializer.controlInputs, []);
  assert.equal(w.op.controlInputs, []);
}));

test('a getVariable rejected after building its initializer leaves nothing; the name stays free', () => fresh((g) => {
  throwsClass(() => tf.variableScope('s', () => tf.getVariable('w', [2], { dtype: 'int32', initializer: () => tf.zeros([2]) })),
    tf.errors.InvalidArgumentError, "the initializer gives float32, but the variable's dtype is int32");
  assert.is(g.opCount, 0);
  assert.equal(tf.globalVariables(), []);
  const w = tf.variableScope('s', () => tf.getVariable('w', [2], { dtype: 'int32' }));
  assert.is(w.name, 's/w:0');
  assert.ok(g.getOperationByName('s/w/Initializer/zeros'));
}));

test('Graph.atomically takes back collection entries of a rejected step', () => fresh((g) => {
  g.addToCollection('k', 1);
  assert.throws(() => g.atomically(() => { g.addToCollection('k', 2); g.addToCollection('other', 3); throw new Error('no'); }), /no/);
  assert.equal([g.getCollection('k'), g.getCollection('other')], [[1], []]);
}));

test('regularizers: per variable or per scope, their loss under <var>/Regularizer, once', () => fresh(() => {
  const l2 = (w: tf.Tensor) => tf.nn.l2Loss(w);
  tf.getVariable('a', [2], { initializer: tf.constantInitializer([1, 2]), regularizer: l2 });
  tf.variableScope('s', { regularizer: l2 }, () => tf.getVariable('b', [], { initializer: tf.constantInitializer(3) }));
  tf.variableScope('s', { reuse: true }, () => tf.getVariable('b'));
  const reg = tf.losses.getRegularizationLosses();
  assert.equal(reg.map((t) => t.op.name), ['a/Regularizer/L2Loss', 's/b/Regularizer/L2Loss']);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(sess.run(reg), [(1 + 4) / 2, 9 / 2]);
  assert.is(sess.run(tf.losses.getTotalLoss()), 2.5 + 4.5);
  throwsClass(() => tf.getVariable('c', [1], { regularizer: () => 3 as never }), tf.errors.InvalidArgumentError, "the regularizer returned 3, not a Tensor");
  assert.ok(!tf.globalVariables().some((v) => v.name === 'c:0'));
}));

test('globalVariables / trainableVariables / getCollection filter by scope as TF1 (re.match)', () => fresh((g) => {
  const gen = tf.variableScope('generator', () => [tf.getVariable('w', [1]), tf.getVariable('s', [], { trainable: false })]);
  const disc = tf.variableScope('discriminator', () => tf.getVariable('w', [1]));
  assert.equal(tf.trainableVariables('generator'), [gen[0]]);
  assert.equal(tf.globalVariables('generator'), gen);
  assert.equal(tf.trainableVariables('disc|gen'), [gen[0], disc]);
  assert.equal(tf.trainableVariables('erator'), [], 'matched from the start');
  assert.equal(tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, 'discriminator'), [disc]);
  assert.equal(tf.globalVariables(g).length, 3);
  throwsClass(() => tf.globalVariables('gen('), tf.errors.InvalidArgumentError, 'is not a valid regular expression');
}));

test('each graph has its own variable store', () => {
  const g1 = new tf.Graph(), g2 = new tf.Graph();
  const a = g1.asDefault(() => tf.getVariable('w', [1]));
  const b = g2.asDefault(() => tf.getVariable('w', [1]));
  assert.is.not(a, b);
  assert.is(b.graph, g2);
});

test.run();
