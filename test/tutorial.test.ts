// Runs examples/tutorial.ts once and checks what it prints against the TF1 notebook's outputs
// (op lists, tensor reprs, fetched values, the descent and Adam traces), the linear regression
// against the range the data allows, and the SVG plot it writes. Also the Python-repr helpers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { displayRepr, format, NpScalar, pyFloat, repr, tuple } from '../examples/python_repr.js';
import { main, type TutorialResult } from '../examples/tutorial.js';

const outDir = mkdtempSync(join(tmpdir(), 'tfgen-tutorial-'));
const lines: string[] = [];
const result: TutorialResult = main({ print: (l) => lines.push(l), outDir });
const svg = readFileSync(result.svgPath, 'utf8');
rmSync(outDir, { recursive: true, force: true });

/** The printed blocks by cell: `Out[N]` → its repr, `In [N]` → its stdout lines. */
const cells = new Map<string, string>();
for (const block of lines.join('\n').split('\n\n')) {
  const m = /^(Out\[\d+\]|In \[\d+\]):[ \n]?([\s\S]*)$/.exec(block);
  if (m) cells.set(m[1], m[2]);
}
function cell(key: string): string {
  const text = cells.get(key);
  if (text === undefined) {
    const message = `the tutorial printed no ${key}`;
    throw new assert.Assertion({ message, operator: 'cell', expects: key, actual: undefined });
  }
  return text;
}
const out = (n: number) => cell(`Out[${n}]`);
const stdout = (n: number) => cell(`In [${n}]`);

const opList = (...ops: [string, string][]) =>
  `[${ops.map(([n, t]) => `<tf.Operation '${n}' type=${t}>`).join(',\n ')}]`;

test('graph cells print TF1 op lists and tensor reprs', () => {
  assert.is(out(4), '[]');
  assert.is(out(5), "[<tf.Operation 'Const' type=Const>]");
  assert.is(out(6), '(0, 1)');
  assert.is(out(7), "<tf.Tensor 'Const:0' shape=() dtype=float32>");
  assert.is(out(8), "<tf.Tensor 'Const_1:0' shape=() dtype=float32>");
  assert.is(out(9), "[<tf.Operation 'Const' type=Const>, <tf.Operation 'Const_1' type=Const>]");
  assert.is(out(10), "<tf.Tensor 'Add:0' shape=() dtype=float32>");
  assert.is(out(11), opList(['Const', 'Const'], ['Const_1', 'Const'], ['Add', 'Add']));
  assert.is(out(12), '(2, 1)');
  assert.is(out(14), 'True');
  assert.is(out(19), "<tf.Tensor 'Placeholder:0' shape=<unknown> dtype=float32>");
  const six: [string, string][] = [['Const', 'Const'], ['Const_1', 'Const'], ['Add', 'Add'],
    ['Placeholder', 'Placeholder'], ['Placeholder_1', 'Placeholder'], ['Add_1', 'Add']];
  assert.is(out(21), opList(...six));
  // NOTE: TF1 ≥ 1.4 makes names unique case-insensitively (`add_2`); the notebook's TF1 printed `add`.
  const ten = opList(...six, ['mul', 'Mul'], ['mul_1', 'Mul'], ['add_2', 'Add'], ['Sqrt', 'Sqrt']);
  assert.is(out(26), ten);
  assert.is(out(27), "<tf.Tensor 'Sqrt:0' shape=<unknown> dtype=float32>");
  assert.is(out(31), ten);
  assert.is(out(32), '[]');
});

test('fetched values print as numpy scalars, lists, tuples, dicts and arrays', () => {
  assert.is(out(15), '(4.554, 3.14, 1.414)');
  assert.is(out(16), '[4.554, 3.14, 1.414]');
  assert.is(out(17), "{'[a,b,a+b]': [3.14, 1.414, 4.554], 'a': 3.14, 'b': 1.414}");
  assert.is(out(22), '3.0');
  assert.is(out(23), 'array([3.], dtype=float32)');
  assert.is(out(24), 'array([[ 6.,  8.],\n       [10., 12.]], dtype=float32)');
  assert.is(out(28), '5.0');
  assert.is(stdout(30), '15.0');
});

test('variables: op summary, uninitialised errors, per-session values', () => {
  assert.is(out(34), [
    "[(<tf.Operation 'Variable/initial_value' type=Const>, '0 inputs and 1 output'),",
    " (<tf.Operation 'Variable' type=VariableV2>, '0 inputs and 1 output'),",
    " (<tf.Operation 'Variable/Assign' type=Assign>, '2 inputs and 1 output'),",
    " (<tf.Operation 'Variable/read' type=Identity>, '1 inputs and 1 output')]",
  ].join('\n'));
  assert.is(stdout(37), 'FailedPreconditionError: Attempting to use uninitialized value Variable');
  assert.is(out(39), '42');
  assert.is(stdout(40), 'FailedPreconditionError: Attempting to use uninitialized value Variable');
  assert.is(out(41), '(None, 42)');
});

test('gradients: op names and int32 values as in TF1', () => {
  assert.is(out(44), opList(['a', 'Const'], ['b', 'Const'], ['mul/x', 'Const'], ['mul', 'Mul'], ['add', 'Add']));
  const gradAdd = ['Shape', 'Shape_1', 'BroadcastGradientArgs', 'Sum', 'Reshape', 'Sum_1', 'Reshape_1'];
  assert.is(out(45), opList(['a', 'Const'], ['b', 'Const'], ['mul/x', 'Const'], ['mul', 'Mul'], ['add', 'Add'],
    ...gradientsPrefix('gradients'), ...gradAdd.map((n) => [`gradients/add_grad/${n}`, typeOf(n)] as [string, string]),
    ...mulGrad('gradients')));
  assert.is(out(46), "[<tf.Tensor 'gradients/mul_grad/Reshape_1:0' shape=() dtype=int32>]");
  assert.is(out(47), '[2]');
  assert.is(out(48), '[1, 2]');
  assert.is(out(50), '[7, 6]');
  assert.is(out(51), '[8, 8]');
  assert.is(out(54), opList(['Variable/initial_value', 'Const'], ['Variable', 'VariableV2'],
    ['Variable/Assign', 'Assign'], ['Variable/read', 'Identity'], ['mul', 'Mul']));
});

/** TF1's op type for a gradient-op name (a fully known shape is folded into a Const named Shape). */
function typeOf(name: string): string {
  const t = name.replace(/_\d+$/, '');
  return { Shape: 'Const', mul: 'Mul', group_deps: 'NoOp', control_dependency: 'Identity' }[t] ?? t;
}
function gradientsPrefix(scope: string): [string, string][] {
  return [[`${scope}/Shape`, 'Const'], [`${scope}/Const`, 'Const'], [`${scope}/Fill`, 'Fill']];
}
/** The ops TF1's Mul gradient adds (the `tuple/` ones only when an optimizer gates gradients). */
function mulGrad(scope: string, gated = false): [string, string][] {
  const names = ['Shape', 'Shape_1', 'BroadcastGradientArgs', 'mul', 'Sum', 'Reshape', 'mul_1', 'Sum_1', 'Reshape_1',
    ...(gated ? ['tuple/group_deps', 'tuple/control_dependency', 'tuple/control_dependency_1'] : [])];
  return names.map((n) => [`${scope}/mul_grad/${n}`, typeOf(n.replace('tuple/', ''))]);
}

type Trace = Map<number, Record<string, number | null>>;

function parseTrace(text: string): Trace {
  const trace: Trace = new Map();
  for (const line of text.split('\n')) {
    const m = /^Iter (\d+): \{(.*)\}$/.exec(line);
    assert.ok(m, `not an Iter line: ${line}`);
    const entries = [...m![2].matchAll(/'(\w+)': ([^,]+)/g)].map(([, k, v]) => [k, v === 'None' ? null : Number(v)]);
    trace.set(Number(m![1]), Object.fromEntries(entries));
  }
  return trace;
}

// TF1's In [59] (In [57] is the same but for a racy x at Iter 10), as [x, loss, new x].
const TF1_DESCENT: [number, number, number, number][] = [
  [0, 5.0, 25.0, 4.0], [10, 0.53687084, 0.2882303, 0.42949668], [20, 0.057646073, 0.0033230698, 0.046116859],
  [30, 0.0061897002, 3.8312388e-05, 0.0049517602], [40, 0.00066461402, 4.4171179e-07, 0.00053169124],
  [50, 7.1362396e-05, 5.0925917e-09, 5.7089917e-05], [60, 7.6624801e-06, 5.8713603e-11, 6.1299843e-06],
  [70, 8.2275255e-07, 6.7692179e-13, 6.5820205e-07], [80, 8.8342389e-08, 7.8043778e-15, 7.0673913e-08],
  [90, 9.4856913e-09, 8.9978338e-17, 7.5885529e-09], [99, 1.2731479e-09, 1.6209056e-18, 1.0185184e-09],
];

test('gradient descent traces (In [57], [59], [61]) equal TF1 in float32', () => {
  const f = Math.fround;
  for (const [cell, third] of [[57, 'derivative'], [59, 'derivative'], [61, 'train_op']] as const) {
    const trace = parseTrace(stdout(cell));
    assert.equal([...trace.keys()], TF1_DESCENT.map(([i]) => i), `In [${cell}] iterations`);
    for (const [i, x, loss, newX] of TF1_DESCENT) {
      const got = trace.get(i)!;
      assert.equal(Object.keys(got), ['x', 'loss', third]);
      assert.is(f(got.x!), f(x), `In [${cell}] Iter ${i} x`);
      assert.is(f(got.loss!), f(loss), `In [${cell}] Iter ${i} loss`);
      if (third === 'train_op') assert.is(got.train_op, null);
      else assert.is(f(got.derivative!), f(newX), `In [${cell}] Iter ${i} derivative`);
    }
    // x after 99 and 100 steps of x ← 0.8·x, from 5 (float32 rounding stays within 1e-5 relative).
    assert.ok(Math.abs(trace.get(99)!.x! / (5 * 0.8 ** 99) - 1) < 1e-5);
    if (third === 'derivative') assert.ok(Math.abs(trace.get(99)!.derivative! / (5 * 0.8 ** 100) - 1) < 1e-5);
  }
});

// TF1's In [64] (Adam, learning rate 0.1), as [x, loss].
const TF1_ADAM: [number, number, number][] = [
  [0, 5.0, 25.0], [10, 4.0076041, 16.06089], [20, 3.0603416, 9.3656902], [30, 2.203496, 4.8553944],
  [40, 1.4757426, 2.1778162], [50, 0.90111959, 0.81201649], [60, 0.48453021, 0.23476952],
  [70, 0.2120446, 0.044962913], [80, 0.056023382, 0.0031386192], [90, -0.017033529, 0.00029014109],
  [99, -0.03831948, 0.0014683825],
];

test('Adam: the ops of In [62] and the trace of In [64] as TF1', () => {
  const variable: [string, string][] = [['initial_value', 'Const'], ['', 'VariableV2'], ['Assign', 'Assign'],
    ['read', 'Identity']];
  const variableOps = (name: string, init = 'initial_value') =>
    variable.map(([n, t]) => [n ? `${name}/${n === 'initial_value' ? init : n}` : name, t] as [string, string]);
  const tf1 = [...variableOps('Variable'), ['mul', 'Mul'],
    ...gradientsPrefix('gradients'), ...mulGrad('gradients', true), ['gradients/AddN', 'AddN'],
    ['GradientDescent/learning_rate', 'Const'],
    ['GradientDescent/update_Variable/ApplyGradientDescent', 'ApplyGradientDescent'], ['GradientDescent', 'NoOp'],
    ...gradientsPrefix('gradients_1'), ...mulGrad('gradients_1', true), ['gradients_1/AddN', 'AddN'],
    ...variableOps('beta1_power'), ...variableOps('beta2_power'),
    ...variableOps('Variable/Adam', 'Initializer/Const'), ...variableOps('Variable/Adam_1', 'Initializer/Const'),
    ['Adam/learning_rate', 'Const'], ['Adam/beta1', 'Const'], ['Adam/beta2', 'Const'], ['Adam/epsilon', 'Const'],
    ['Adam/update_Variable/ApplyAdam', 'ApplyAdam'], ['Adam/mul', 'Mul'], ['Adam/Assign', 'Assign'],
    ['Adam/mul_1', 'Mul'], ['Adam/Assign_1', 'Assign'], ['Adam', 'NoOp']] as [string, string][];
  assert.is(tf1.length, 66);
  // All 66 ops of TF1's list, including the gated gradients' `mul_grad/tuple/…` ops.
  assert.is(out(62), opList(...tf1));
  const trace = parseTrace(stdout(64));
  assert.equal([...trace.keys()], TF1_ADAM.map(([i]) => i));
  for (const [i, x, loss] of TF1_ADAM) {
    const got = trace.get(i)!;
    // why: the printed digits differ (shortest repr vs TF1's 8 digits) but the float32 values are TF1's.
    assert.is(Math.fround(got.x!), Math.fround(x), `Iter ${i} x`);
    assert.is(Math.fround(got.loss!), Math.fround(loss), `Iter ${i} loss`);
    assert.is(got.train_op, null);
  }
});

test('linear regression (In [74]) fits slope ≈ -5·std(temps) and intercept ≈ mean(visits)', () => {
  const text = stdout(74).split('\n');
  assert.is(text.length, 11);
  const iters = text.slice(0, 10).map((l) => {
    const m = /^Iter (\d+): training loss = (\S+), validation loss = (\S+), m=(\S+), b=(\S+)$/.exec(l);
    assert.ok(m, l);
    return m!.slice(1).map(Number);
  });
  assert.equal(iters.map(([i]) => i), [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500]);
  assert.equal(iters[0].slice(3), [0, 0]);
  assert.ok(text[0].endsWith('m=0.0, b=0.0'));
  // str.format of a numpy float32 prints the widened double: every value is a float32 exactly.
  for (const row of iters) for (const v of row.slice(1)) assert.is(Math.fround(v), v);
  assert.ok(iters[9][2] < iters[0][2] / 20, 'validation loss falls');
  const last = /^m: (\S+), b: (\S+), test loss: (\S+)$/.exec(text[10]);
  assert.ok(last, text[10]);
  const [m, b, testLoss] = last!.slice(1).map(Number);
  assert.equal([m, b, testLoss], [result.m, result.b, result.testLoss]);
  // The notebook: m=-99.76, b=729.2, test loss 11160.68; the noise (σ = 100) bounds the loss near 1e4.
  assert.ok(m > -110 && m < -90, `m = ${m}`);
  assert.ok(b > 690 && b < 760, `b = ${b}`);
  assert.ok(testLoss > 5000 && testLoss < 15000, `test loss = ${testLoss}`);
});

test('the SVG plot has 200 points, axes, ticks, labels and the fitted line', () => {
  assert.match(out(65), /scatter plot of 200 points/);
  assert.is((svg.match(/<circle /g) ?? []).length, 200);
  assert.is((svg.match(/<line class="fit"/g) ?? []).length, 1);
  assert.match(svg, />temperature</);
  assert.match(svg, />hospital visits</);
  assert.ok((svg.match(/text-anchor="middle">\d+</g) ?? []).length >= 4, 'x ticks are labelled');
});

test('python_repr: reprs, IPython line breaking, str.format widening', () => {
  assert.is(repr([tuple(1, 'a'), tuple(2), null, true, { k: new NpScalar(0.1, 'float32') }]),
    "[(1, 'a'), (2,), None, True, {'k': 0.1}]");
  assert.is(repr(pyFloat(5)), '5.0');
  assert.is(repr("it's"), '"it\'s"');
  assert.is(displayRepr({ b: 1, a: 2 }), "{'a': 2, 'b': 1}");
  assert.is(displayRepr([['x'.repeat(40), 'y'.repeat(40)], 3]), `[['${'x'.repeat(40)}',\n  '${'y'.repeat(40)}'],\n 3]`);
  assert.is(format('{} {} {}', new NpScalar(0.1, 'float32'), 'text', new NpScalar(7, 'int32')),
    '0.10000000149011612 text 7');
  assert.is(format('{}', { v: new NpScalar(0.1, 'float32') }), "{'v': 0.1}");
});

test.run();
