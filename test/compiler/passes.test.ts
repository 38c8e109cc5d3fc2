// The compiler's passes one by one, IR in → IR out: small Programs built by hand (or lowered from
// a tiny graph), checked as printed IR after each pass, with the verifier run on every result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/index.js';
import { allocate } from '../../src/dtypes.js';
import type { Prim } from '../../src/prims.js';
import { NodeList, type Node, type NodeAttrs, type Program } from '../../codegen/ir.js';
import { lowerGraph } from '../../codegen/lower.js';
import { compileProgram, PASSES } from '../../codegen/pipeline.js';
import { cse } from '../../codegen/passes/cse.js';
import { dce } from '../../codegen/passes/dce.js';
import { foldConstants } from '../../codegen/passes/fold_constants.js';
import { simplify } from '../../codegen/passes/simplify.js';
import { printProgram } from '../../codegen/print.js';
import { verify } from '../../codegen/verify.js';

/** Builds a Program node by node; shapes and dtypes default to the broadcast of the inputs. */
class Build {
  readonly graph = new tf.Graph();
  readonly list = new NodeList();
  readonly feeds: { tensor: tf.Tensor; shape: readonly number[] }[] = [];
  readonly variables: tf.Operation[] = [];

  at(id: number): Node { return this.list.nodes[id]; }

  input(shape: number[], dtype: tf.DType = 'float32', name = `x${this.feeds.length}`): number {
    const tensor = this.graph.asDefault(() => tf.placeholder(dtype, shape, name));
    this.feeds.push({ tensor, shape });
    return this.node('input', [], { feed: this.feeds.length - 1 }, name, shape, dtype);
  }

  const(values: number[], shape: number[] = [], dtype: tf.DType = 'float32', name = 'c'): number {
    const data = allocate(dtype, values.length);
    data.set(values);
    return this.node('const', [], { value: new tf.NDArray(data, shape, dtype) }, name, shape, dtype);
  }

  read(shape: number[], name = 'v'): number {
    const v = this.graph.asDefault(() => new tf.Variable(tf.zeros(shape), { name }));
    this.variables.push(v.op);
    return this.node('read', [], { variable: this.variables.length - 1 }, name, shape, 'float32');
  }

  node(prim: Prim, inputs: number[], attrs: NodeAttrs = {}, name: string = prim, shape?: readonly number[], dtype?: tf.DType) {
    const ins = inputs.map((i) => this.at(i));
    const bshape = shape ?? ins.reduce<readonly number[]>((s, x) => broadcast(s, x.shape as number[]), []);
    const dt = dtype ?? ins[ins.length - 1].dtype;
    return this.list.add({ prim, inputs, shape: [...bshape], dtype: dt, attrs, origin: [name] });
  }

  program(outputs: number[], writes: { variable: number; node: number }[] = []): Program {
    return { nodes: this.list.nodes, feeds: this.feeds, variables: this.variables, randomOps: [], outputs, writes };
  }
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    return da === 1 ? db : da;
  });
}

/** Runs a pass, verifies its output and returns the printed IR. */
function after(pass: { name: string; run(p: Program): Program }, p: Program): string {
  verify(p, 'input');
  const q = pass.run(p);
  verify(q, pass.name);
  return printProgram(q);
}

const lines = (...xs: string[]) => xs.join('\n');

test('simplify: x·1, 1·x, x−0, x+(−0) and integer x+0 are x', () => {
  const b = new Build();
  const x = b.input([2]);
  const i = b.input([2], 'int32', 'i');
  const one = b.const([1]), zero = b.const([0]);
  const negZero = b.const([-0], [], 'float32', 'nz'), izero = b.const([0], [], 'int32', 'iz');
  const outs = [
    b.node('mul', [x, one]), b.node('mul', [one, x]), b.node('sub', [x, zero]), b.node('add', [x, negZero]),
    b.node('add', [negZero, x]), b.node('add', [i, izero]), b.node('add', [izero, i]),
  ];
  assert.fixture(after(simplify, b.program(outs)), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = input() {feed=1} : int32[2]  # i',
    '%2 = const() {value=[1]} : float32[]  # c',
    '%3 = const() {value=[0]} : float32[]  # c',
    '%4 = const() {value=[-0]} : float32[]  # nz',
    '%5 = const() {value=[0]} : int32[]  # iz',
    'outputs: %0, %0, %0, %0, %0, %1, %1',
  ));
});

test('simplify: float x+0, 0−x, x−(−0), x·2 and neutrals that broadcast x stay', () => {
  // why: −0 + 0 is +0, so x + 0 is not x for x = −0; a neutral operand that widens x changes its shape.
  const b = new Build();
  const x = b.input([2]);
  const zero = b.const([0]), negZero = b.const([-0], [], 'float32', 'nz'), two = b.const([2]);
  const ones = b.const([1, 1, 1, 1], [2, 2], 'float32', 'ones');
  const outs = [
    b.node('add', [x, zero]), b.node('sub', [zero, x]), b.node('sub', [x, negZero]), b.node('mul', [x, two]), b.node('mul', [x, ones]),
  ];
  assert.fixture(after(simplify, b.program(outs)), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = const() {value=[0]} : float32[]  # c',
    '%2 = const() {value=[-0]} : float32[]  # nz',
    '%3 = const() {value=[2]} : float32[]  # c',
    '%4 = const() {value=[1,1,1,1]} : float32[2,2]  # ones',
    '%5 = add(%0, %1) : float32[2]  # add',
    '%6 = sub(%1, %0) : float32[2]  # sub',
    '%7 = sub(%0, %2) : float32[2]  # sub',
    '%8 = mul(%0, %3) : float32[2]  # mul',
    '%9 = mul(%0, %4) : float32[2,2]  # mul',
    'outputs: %5, %6, %7, %8, %9',
  ));
});

test('simplify: (x+0)+0 is x+0 (y+0 is never −0), while (x·2)+0 keeps its +0', () => {
  const b = new Build();
  const x = b.input([2]);
  const zero = b.const([0]), two = b.const([2]);
  const once = b.node('add', [x, zero]);
  const doubled = b.node('mul', [x, two]);
  const outs = [b.node('add', [once, zero]), b.node('add', [zero, b.node('add', [once, zero])]), b.node('add', [doubled, zero])];
  assert.fixture(after(simplify, b.program(outs)), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = const() {value=[0]} : float32[]  # c',
    '%2 = const() {value=[2]} : float32[]  # c',
    '%3 = add(%0, %1) : float32[2]  # add',
    '%4 = mul(%0, %2) : float32[2]  # mul',
    '%5 = add(%4, %1) : float32[2]  # add',
    'outputs: %3, %3, %5',
  ));
  // why: the values agree with adding twice, −0 included.
  for (const v of [-0, 0, -1.5, Number.MIN_VALUE]) assert.ok(Object.is((v + 0) + 0, v + 0));
});

test('simplify: −(−x) is x, −(−(−x)) is −x (the dead −x is left to cse and dce)', () => {
  const b = new Build();
  const x = b.input([3]);
  const n1 = b.node('neg', [x]);
  const n2 = b.node('neg', [n1]);
  const n3 = b.node('neg', [n2]);
  assert.fixture(after(simplify, b.program([n2, n3])), lines(
    '%0 = input() {feed=0} : float32[3]  # x0',
    '%1 = neg(%0) : float32[3]  # neg',
    '%2 = neg(%0) : float32[3]  # neg',
    'outputs: %0, %2',
  ));
});

test('simplify: reshape of reshape is one reshape; reshape/broadcast copy/cast to the same shape and dtype is the input', () => {
  const b = new Build();
  const x = b.input([2, 3]);
  const r1 = b.node('reshape', [x], {}, 'r1', [3, 2]);
  const r2 = b.node('reshape', [r1], {}, 'r2', [6]);
  const r3 = b.node('reshape', [r2], {}, 'r3', [2, 3]);
  const same = b.node('reshape', [x], {}, 'same', [2, 3]);
  const copy = b.node('copy', [x], {}, 'copy', [2, 3]);
  const widen = b.node('copy', [x], {}, 'widen', [4, 2, 3]);
  const cast = b.node('cast', [x], {}, 'cast', [2, 3], 'float32');
  const realCast = b.node('cast', [x], {}, 'tofloat64', [2, 3], 'float64');
  assert.fixture(after(simplify, b.program([r2, r3, same, copy, widen, cast, realCast])), lines(
    '%0 = input() {feed=0} : float32[2,3]  # x0',
    '%1 = reshape(%0) : float32[3,2]  # r1',
    '%2 = reshape(%0) : float32[6]  # r2',
    '%3 = copy(%0) : float32[4,2,3]  # widen',
    '%4 = cast(%0) : float64[2,3]  # tofloat64',
    'outputs: %2, %0, %0, %0, %3, %0, %4',
  ));
});

test('simplify: transpose of transpose composes the perms; inverse perms cancel', () => {
  const b = new Build();
  const x = b.input([2, 3, 4]);
  const t1 = b.node('transpose', [x], { perm: [1, 2, 0] }, 't1', [3, 4, 2]);
  const t2 = b.node('transpose', [t1], { perm: [1, 2, 0] }, 't2', [4, 2, 3]);
  const back = b.node('transpose', [t2], { perm: [1, 2, 0] }, 'back', [2, 3, 4]);
  const swap = b.node('transpose', [t1], { perm: [0, 2, 1] }, 'swap', [3, 2, 4]);
  assert.fixture(after(simplify, b.program([t2, back, swap])), lines(
    '%0 = input() {feed=0} : float32[2,3,4]  # x0',
    '%1 = transpose(%0) {perm=[1,2,0]} : float32[3,4,2]  # t1',
    '%2 = transpose(%0) {perm=[2,0,1]} : float32[4,2,3]  # t2',
    '%3 = transpose(%0) {perm=[1,0,2]} : float32[3,2,4]  # swap',
    'outputs: %2, %0, %3',
  ));
});

test('simplify: an identity transpose is its input', () => {
  const b = new Build();
  const x = b.input([2, 3]);
  const t = b.node('transpose', [x], { perm: [0, 1] }, 't', [2, 3]);
  const n = b.node('neg', [t], {}, 'n', [2, 3]);
  assert.fixture(after(simplify, b.program([n])), lines(
    '%0 = input() {feed=0} : float32[2,3]  # x0',
    '%1 = neg(%0) : float32[2,3]  # n',
    'outputs: %1',
  ));
});

test('simplify reaches a fixpoint: a second run changes nothing', () => {
  const g = new tf.Graph();
  const p = g.asDefault(() => {
    const x = tf.placeholder('float32', [2, 3], 'x');
    const y = tf.add(tf.multiply(tf.negative(tf.negative(tf.subtract(x, 0))), 1), -0);
    const z = tf.transpose(tf.transpose(tf.reshape(tf.reshape(y, [3, 2]), [6, 1]), [1, 0]), [1, 0]);
    return lowerGraph({ schedule: g.getOperations(), fetches: [y, z], feeds: [{ tensor: x, shape: [2, 3] }] });
  });
  const once = simplify.run(p);
  verify(once, 'simplify');
  assert.is(printProgram(simplify.run(once)), printProgram(once));
  assert.equal(once.outputs.map((o) => once.nodes[o].prim), ['input', 'reshape']);
});

test('fold_constants: elementwise ops and reductions of constants become constants, rounded as at run time', () => {
  const b = new Build();
  const a = b.const([0.1, 3e38], [2]), c = b.const([0.2, 3e38], [2]);
  const sum = b.node('add', [a, c], {}, 'sum');
  const sq = b.node('sqrt', [sum], {}, 'sqrt');
  const red = b.node('reduce', [sq], { kind: 'max', axes: [0], keepDims: false }, 'max', []);
  const toInt = b.node('cast', [b.const([2.7, -2.7, NaN], [3], 'float64', 'd')], {}, 'toInt', [3], 'int32');
  const cmp = b.node('lt', [a, c], {}, 'lt', [2], 'bool');
  assert.fixture(after(foldConstants, b.program([sum, red, toInt, cmp])), lines(
    '%0 = const() {value=[0.10000000149011612,3.0000000054977558e+38]} : float32[2]  # c',
    '%1 = const() {value=[0.20000000298023224,3.0000000054977558e+38]} : float32[2]  # c',
    '%2 = const() {value=[0.30000001192092896,Infinity]} : float32[2]  # sum',
    '%3 = const() {value=[0.547722578048706,Infinity]} : float32[2]  # sqrt',
    '%4 = const() {value=[Infinity]} : float32[]  # max',
    '%5 = const() {value=[2.7,-2.7,NaN]} : float64[3]  # d',
    '%6 = const() {value=[2,-2,0]} : int32[3]  # toInt',
    '%7 = const() {value=[1,0]} : bool[2]  # lt',
    'outputs: %2, %4, %6, %7',
  ));
});

test('fold_constants: nodes with a run-time input, matmuls and huge results are left alone', () => {
  const b = new Build();
  const x = b.input([2]);
  const k = b.const([3]);
  const mixed = b.node('mul', [x, k], {}, 'mixed');
  const m = b.const([1, 2, 3, 4], [2, 2], 'float32', 'm');
  const mm = b.node('matmul', [m, m], {}, 'mm', [2, 2]);
  const big = b.node('copy', [k], {}, 'big', [1 << 17]);
  assert.fixture(after(foldConstants, b.program([mixed, mm, big])), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = const() {value=[3]} : float32[]  # c',
    '%2 = mul(%0, %1) : float32[2]  # mixed',
    '%3 = const() {value=[1,2,3,4]} : float32[2,2]  # m',
    '%4 = matmul(%3, %3) : float32[2,2]  # mm',
    '%5 = copy(%1) : float32[131072]  # big',
    'outputs: %2, %4, %5',
  ));
});

test('cse: identical subexpressions and equal constants merge; feeds, reads, host calls, −0/0 and other attrs do not', () => {
  const b = new Build();
  const x = b.input([2]), y = b.input([2]);
  const m1 = b.node('mul', [x, y], {}, 'm1'), m2 = b.node('mul', [x, y], {}, 'm2');
  const s = b.node('add', [m1, m2], {}, 's');
  const c1 = b.const([2], [], 'float32', 'two'), c2 = b.const([2], [], 'float32', 'two_1');
  const z1 = b.const([0], [], 'float32', 'zero'), z2 = b.const([-0], [], 'float32', 'negzero');
  const i2 = b.const([2], [], 'int32', 'itwo');
  const r1 = b.read([2], 'v'), r2 = b.read([2], 'w');
  const x2 = b.input([2, 2], 'float32', 'x2');
  const sum0 = b.node('reduce', [x2], { kind: 'sum', axes: [0], keepDims: false }, 'sum0', [2]);
  const sum1 = b.node('reduce', [x2], { kind: 'sum', axes: [1], keepDims: false }, 'sum1', [2]);
  const uses = [c1, c2, z1, z2, r1, r2, sum0, sum1].map((k) => b.node('add', [s, k], {}, 'use'));
  const hostOp = b.graph.asDefault(() => tf.placeholder('float32', [2], 'h').op);
  const h1 = b.node('host', [x], { hostOp, hostIndex: 0 }, 'h1'), h2 = b.node('host', [x], { hostOp, hostIndex: 0 }, 'h2');
  void i2;
  assert.fixture(after(cse, b.program([...uses, h1, h2, i2])), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = input() {feed=1} : float32[2]  # x1',
    '%2 = mul(%0, %1) : float32[2]  # m1',
    '%3 = add(%2, %2) : float32[2]  # s',
    '%4 = const() {value=[2]} : float32[]  # two',
    '%5 = const() {value=[0]} : float32[]  # zero',
    '%6 = const() {value=[-0]} : float32[]  # negzero',
    '%7 = const() {value=[2]} : int32[]  # itwo',
    '%8 = read() {var=0} : float32[2]  # v',
    '%9 = read() {var=1} : float32[2]  # w',
    '%10 = input() {feed=2} : float32[2,2]  # x2',
    '%11 = reduce(%10) {kind=sum axes=[0]} : float32[2]  # sum0',
    '%12 = reduce(%10) {kind=sum axes=[1]} : float32[2]  # sum1',
    '%13 = add(%3, %4) : float32[2]  # use',
    '%14 = add(%3, %5) : float32[2]  # use',
    '%15 = add(%3, %6) : float32[2]  # use',
    '%16 = add(%3, %8) : float32[2]  # use',
    '%17 = add(%3, %9) : float32[2]  # use',
    '%18 = add(%3, %11) : float32[2]  # use',
    '%19 = add(%3, %12) : float32[2]  # use',
    '%20 = host(%0) {op=Placeholder:0} : float32[2]  # h1',
    '%21 = host(%0) {op=Placeholder:0} : float32[2]  # h2',
    'outputs: %13, %13, %14, %15, %16, %17, %18, %19, %20, %21, %7',
  ));
});

test('dce: drops what no output or write needs, renumbers densely, remaps outputs and writes', () => {
  const b = new Build();
  const x = b.input([2]);
  const dead = b.node('exp', [x], {}, 'dead');
  b.node('neg', [dead], {}, 'dead2');
  const v = b.read([2], 'v');
  const k = b.const([3]);
  const upd = b.node('add', [v, k], {}, 'upd');
  const y = b.node('mul', [x, x], {}, 'y');
  assert.fixture(after(dce, b.program([y], [{ variable: 0, node: upd }])), lines(
    '%0 = input() {feed=0} : float32[2]  # x0',
    '%1 = read() {var=0} : float32[2]  # v',
    '%2 = const() {value=[3]} : float32[]  # c',
    '%3 = add(%1, %2) : float32[2]  # upd',
    '%4 = mul(%0, %0) : float32[2]  # y',
    'outputs: %4',
    'writes: v <- %3',
  ));
});

test('the pipeline: passes in order, verified after each; a lowered graph ends minimal', () => {
  assert.equal(PASSES.map((p) => p.name), ['simplify', 'fold_constants', 'cse', 'simplify', 'dce']);
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', [2, 3], 'x');
    const k = tf.add(tf.constant(1), tf.constant(2));
    const a = tf.multiply(tf.negative(tf.negative(x)), k);
    const b = tf.multiply(tf.negative(tf.negative(x)), k);
    const y = tf.reduceSum(tf.add(tf.multiply(tf.add(a, b), 1), tf.subtract(x, 0)), [1]);
    let p: Program = lowerGraph({ schedule: g.getOperations(), fetches: [y], feeds: [{ tensor: x, shape: [2, 3] }] });
    verify(p, 'lower');
    for (const pass of PASSES) {
      p = pass.run(p);
      verify(p, pass.name);
    }
    assert.fixture(printProgram(p), lines(
      '%0 = input() {feed=0} : float32[2,3]  # ',
      '%1 = const() {value=[3]} : float32[]  # Add',
      '%2 = mul(%0, %1) : float32[2,3]  # Mul',
      '%3 = add(%2, %2) : float32[2,3]  # Add_1',
      '%4 = add(%3, %0) : float32[2,3]  # Add_2',
      '%5 = reduce(%4) {kind=sum axes=[1]} : float32[2]  # Sum',
      'outputs: %5',
    ));
  });
});

test('the pipeline dumps every stage: the IR after each pass, the schedule, the memory plan and the rendered text (TFGEN_DUMP or the dump option)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfgen-dump-'));
  try {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [3], 'x');
      const y = tf.sqrt(tf.multiply(x, 1));
      const input = { schedule: g.getOperations(), fetches: [y], feeds: [{ tensor: x, shape: [3] }] };
      const c = compileProgram(input, { dump: dir, verify: true });
      const [plan] = readdirSync(dir);
      const files = readdirSync(join(dir, plan)).sort();
      assert.equal(files, [
        '00_lower.ir', '01_simplify.ir', '02_fold_constants.ir', '03_cse.ir', '04_simplify.ir', '05_dce.ir',
        '06_schedule.txt', '07_memory.txt', '08_render.js',
      ]);
      assert.match(readFileSync(join(dir, plan, '00_lower.ir'), 'utf8'), '= mul(%0, %1)');
      assert.is(readFileSync(join(dir, plan, '05_dce.ir'), 'utf8'), `${printProgram(c.program)}\n`);
      assert.is(readFileSync(join(dir, plan, '08_render.js'), 'utf8'), `${c.data.text}\n`);
      assert.match(readFileSync(join(dir, plan, '06_schedule.txt'), 'utf8'), /^k0 map: %\d+ <- %0  # /);
      assert.match(readFileSync(join(dir, plan, '07_memory.txt'), 'utf8'), /^b0: float32\[3\] <- %\d+/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A Program from raw nodes (bypassing NodeList's checks), to feed the verifier malformed IR. */
function raw(nodes: Omit<Node, 'origin' | 'attrs'>[] & Partial<Node>[], outputs: number[]): Program {
  return {
    nodes: nodes.map((n) => ({ attrs: {}, origin: ['n'], ...n }) as Node),
    feeds: [], variables: [], randomOps: [], outputs, writes: [],
  };
}

const src = (id: number, shape: number[], dtype: tf.DType = 'float32'): Node =>
  ({ id, prim: 'input', inputs: [], shape, dtype, attrs: { feed: 0 }, origin: ['x'] });

test('verify rejects malformed IR, naming the pass, the node and what is wrong', () => {
  const cases: [Program, string][] = [
    [raw([src(0, [2]), { id: 1, prim: 'neg', inputs: [2], shape: [2], dtype: 'float32' }, src(2, [2])], [1]),
      'verify after test: %1 uses %2, not defined before it'],
    [raw([src(0, [2]), { id: 2, prim: 'neg', inputs: [0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: node at 1 has id 2'],
    [raw([src(0, [2]), { id: 1, prim: 'add', inputs: [0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: %1 = add: wrong arity'],
    [raw([src(0, [2]), { id: 1, prim: 'exp', inputs: [0, 0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: %1 = exp: needs 1 input'],
    [raw([src(0, [3]), { id: 1, prim: 'exp', inputs: [0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: %1 = exp: input shape [3] does not broadcast to [2]'],
    [raw([src(0, [2]), src(1, [3]), { id: 2, prim: 'mul', inputs: [0, 1], shape: [3], dtype: 'float32' }], [2]),
      'verify after test: %2 = mul: input shape [2] does not broadcast to [3]'],
    [raw([src(0, [2]), { id: 1, prim: 'lt', inputs: [0, 0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: %1 = lt: dtype float32 is wrong for lt'],
    [raw([src(0, [2]), { id: 1, prim: 'add', inputs: [0, 0], shape: [2], dtype: 'bool' }], [1]),
      'verify after test: %1 = add: dtype bool is wrong for add'],
    [raw([src(0, [2, 3]), { id: 1, prim: 'reshape', inputs: [0], shape: [5], dtype: 'float32' }], [1]),
      'verify after test: %1 = reshape: reshape changes the size: [2,3] → [5]'],
    [raw([src(0, [2, 3]), { id: 1, prim: 'matmul', inputs: [0, 0], shape: [2, 3], dtype: 'float32' }], [1]),
      'verify after test: %1 = matmul: matmul of [2,3] and [2,3]'],
    [raw([src(0, [2, 3]), { id: 1, prim: 'reduce', inputs: [0], shape: [2], dtype: 'float32', attrs: { kind: 'sum', axes: [2] } }],
      [1]),
      'verify after test: %1 = reduce: reduce axes [2] out of range for rank 2'],
    [raw([{ id: 0, prim: 'const', inputs: [], shape: [3], dtype: 'float32', attrs: { value: new tf.NDArray(new Float32Array(2), [2]) } }], [0]),
      'verify after test: %0 = const: const value does not match its shape'],
    [raw([src(0, [2]), { id: 1, prim: 'input', inputs: [0], shape: [2], dtype: 'float32' }], [1]),
      'verify after test: %1 = input: a source has inputs'],
    [raw([src(0, [2])], [3]), 'verify after test: output %3 does not exist'],
  ];
  for (const [p, message] of cases) {
    assert.throws(() => verify(p, 'test'), (e: Error) => e.message === message, `expected: ${message}`);
  }
});

test('NodeList refuses a node that uses an undefined or later node', () => {
  const l = new NodeList();
  l.add({ prim: 'input', inputs: [], shape: [2], dtype: 'float32', attrs: { feed: 0 }, origin: ['x'] });
  assert.throws(() => l.add({ prim: 'neg', inputs: [1], shape: [2], dtype: 'float32', attrs: {}, origin: ['n'] }),
    (e: Error) => e.message === 'IR: node 1 (neg) uses undefined node 1');
});

test.run();
