// The op table: op type → its spec (reference kernel first of all), the one explicit list of
// op modules. Host calls of compiled plans (JIT or precompiled modules) find their kernels here
// by type, so a module reaches them through `tfgen/runtime` without a live graph.
import type { OpSpec } from '../op_spec.js';
import * as activations from '../ops/activations.js';
import * as array from '../ops/array.js';
import * as biasAdd from '../ops/bias_add.js';
import * as cond from '../ops/cond.js';
import * as conv from '../ops/conv.js';
import * as depthwise from '../ops/depthwise.js';
import * as dropout from '../ops/dropout.js';
import * as functions from '../ops/functions.js';
import * as indexing from '../ops/indexing.js';
import * as mathBinary from '../ops/math_binary.js';
import * as mathUnary from '../ops/math_unary.js';
import * as matmul from '../ops/matmul.js';
import * as movement from '../ops/movement.js';
import * as nn from '../ops/nn.js';
import * as normalization from '../ops/normalization.js';
import * as padding from '../ops/padding.js';
import * as pool from '../ops/pool.js';
import * as random from '../ops/random.js';
import * as reduce from '../ops/reduce.js';
import * as scan from '../ops/scan.js';
import * as sources from '../ops/sources.js';
import * as stacking from '../ops/stacking.js';
import * as topK from '../ops/top_k.js';
import * as training from '../ops/training.js';
import * as whileLoop from '../ops/while_loop.js';
import * as summary from '../summary/ops.js';

/** Every module defining op specs (a new op module adds one line here). */
const OP_MODULES: readonly object[] = [
  activations, array, biasAdd, cond, conv, depthwise, dropout, functions, indexing, mathBinary, mathUnary, matmul, movement, nn, normalization, padding, pool,
  random, reduce, scan, sources, stacking, summary, topK, training, whileLoop,
];

function isSpec(v: unknown): v is OpSpec {
  return typeof v === 'object' && v !== null && typeof (v as OpSpec).type === 'string'
    && typeof (v as OpSpec).infer === 'function' && typeof (v as OpSpec).reference === 'function';
}

function buildTable(): Map<string, OpSpec> {
  const table = new Map<string, OpSpec>();
  for (const m of OP_MODULES) {
    for (const v of Object.values(m)) {
      if (!isSpec(v)) continue;
      const seen = table.get(v.type);
      if (seen && seen !== v) throw new Error(`op table: two specs for op type ${v.type}`);
      table.set(v.type, v);
    }
  }
  return table;
}

let table: Map<string, OpSpec> | undefined;

/** The spec of an op type (built on first use); undefined for an unknown type. */
export function opSpec(type: string): OpSpec | undefined {
  return (table ??= buildTable()).get(type);
}

/** All op types of the table. */
export function opTypes(): string[] {
  return [...(table ??= buildTable()).keys()].sort();
}
