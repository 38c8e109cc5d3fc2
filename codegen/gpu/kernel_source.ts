// The text of one gpu.js kernel: a `function (a0, a1, …) { … return v; }` string (gpu.js
// translates it to GLSL or WGSL; no eval outside its 'cpu' mode) over flat float32 arrays, one
// output element per thread (`this.thread.x`). Sizes are literals; a run-time dim is a hole `$k`
// the runner fills when it sizes the plan, so one rendering serves every batch size.
import { isBinary, isUnary, type BinaryPrim, type UnaryPrim } from '../../src/prims.js';
import type { Dim } from '../dims.js';
import type { Node } from '../ir.js';
import type { GpuArgData, GpuKernelData } from '../../src/runtime/plan_data.js';
import { floatLiteral, gpuBinary, gpuUnaryStatements } from './exprs.js';

export type GpuArg = GpuArgData;
export type GpuKernel = GpuKernelData<Dim>;

/** Int dtypes whose arrays gpu.js takes as arguments (converted to float32). */
export const SMALL_INTS: ReadonlySet<string> = new Set(['int32', 'int16', 'int8', 'uint8']);

/** Why an elementwise node cannot be computed in a gpu.js kernel, or null when it can. */
export function uncoveredNode(n: Node, at: (id: number) => Node, scalar = false): string | null {
  const ins = n.inputs.map(at);
  const floatOrBool = (m: Node) => m.dtype === 'float32' || m.dtype === 'bool';
  // why: a scalar computed once from run-time dims and constants (a mean's 1/count) holds small
  // exact integers or one float64 quotient; float32 arithmetic is within tolerance for it.
  const exact = (m: Node) => floatOrBool(m) || m.dtype === 'float64' || m.dtype === 'int32' || m.dtype === 'int64';
  const scalarOk = scalar && exact(n) && ins.every(exact) && (n.prim === 'cast' || (n.dtype === 'float64' && ['add', 'sub', 'mul', 'div', 'copy'].includes(n.prim)));
  // why: an int input reaches the device as the float32 nearest it (gpu.js converts), which is what
  // a cast to float32 computes; other int arithmetic (wrapping, integer division) stays in JS.
  const intCast = n.prim === 'cast' && ins.every((m) => floatOrBool(m) || SMALL_INTS.has(m.dtype))
    && (floatOrBool(n) || (n.dtype === 'int32' && ins.every(floatOrBool)) || (n.dtype === 'int64' && ins.every((m) => m.dtype === 'int32' || m.dtype === 'bool')));
  if (!scalarOk && !intCast && (!floatOrBool(n) || !ins.every(floatOrBool))) return `${n.dtype} ${n.prim} (float32 and bool only; int inputs only into casts)`;
  if (n.prim === 'where' || n.prim === 'fma') return null;
  if (n.prim === 'cast') return null;
  if (isUnary(n.prim) && gpuUnaryStatements(n.prim as UnaryPrim, 't', 'x') !== undefined) return null;
  if (isBinary(n.prim) && gpuBinary(n.prim as BinaryPrim, 'x', 'y') !== undefined) return null;
  return `${n.prim} not covered yet`;
}

/** Builds one kernel's source: arguments, holes, statements. */
export class KernelSource {
  private readonly argIds: number[] = [];
  readonly args: GpuArg[] = [];
  readonly holes: { dim: Dim; int: boolean }[] = [];
  readonly lines: string[] = [];
  private tmp = 0;

  constructor(private readonly at: (id: number) => Node, private readonly source: (id: number) => GpuArg) {}

  /** The argument name (a0, a1, …) holding node id's array. */
  arg(id: number): string {
    let k = this.argIds.indexOf(id);
    if (k < 0) { k = this.argIds.push(id) - 1; this.args.push(this.source(id)); }
    return `a${k}`;
  }

  /** A dim in float arithmetic (index math). */
  float(d: Dim): string {
    if (typeof d === 'number') return floatLiteral(d)!;
    return `$${this.holes.push({ dim: d, int: false }) - 1}`;
  }

  /** A dim as an integer (loop bounds). */
  int(d: Dim): string {
    if (typeof d === 'number') return String(d);
    return `$${this.holes.push({ dim: d, int: true }) - 1}`;
  }

  /**
   * Coordinates of flat index `flat` over `dims` (row-major), as exact integers held in floats.
   * why: a float quotient can land just below an integer on a GPU; one correction step makes
   * each quotient exact for indices below 2^24 (the renderer keeps kernels under that).
   */
  coords(flat: string, dims: readonly Dim[]): string[] {
    if (dims.length === 0) return [];
    const names: string[] = [];
    let rest = flat;
    for (let d = 0; d < dims.length - 1; d++) {
      const inner = dims.slice(d + 1).reduce<string>((a, x) => (a ? `${a} * ${this.float(x)}` : this.float(x)), '');
      const q = `q${this.tmp++}`;
      this.lines.push(`const ${q}a = Math.floor((${rest} + 0.5) / (${inner}));`);
      this.lines.push(`const ${q}r = ${rest} - ${q}a * (${inner});`);
      this.lines.push(`const ${q} = ${q}r < 0.0 ? ${q}a - 1.0 : (${q}r >= ${inner} ? ${q}a + 1.0 : ${q}a);`);
      this.lines.push(`const ${q}m = ${rest} - ${q} * (${inner});`);
      names.push(q);
      rest = `${q}m`;
    }
    names.push(rest);
    return names;
  }

  /** Σ coord·stride (a float index expression). */
  index(coords: readonly string[], strides: readonly Dim[]): string {
    const terms = coords.flatMap((c, d) => (strides[d] === 0 ? [] : [strides[d] === 1 ? c : `${c} * ${this.float(strides[d])}`]));
    return terms.length ? terms.join(' + ') : '0.0';
  }

  /** Statements computing `body` nodes as `t<id>` (their inputs already bound). */
  body(ids: readonly number[]): string[] {
    return ids.flatMap((id) => {
      const n = this.at(id);
      const t = (k: number) => `t${n.inputs[k]}`;
      let e: string | undefined;
      if (isUnary(n.prim)) {
        const st = gpuUnaryStatements(n.prim as UnaryPrim, `t${id}`, t(0));
        if (st) return st;
      } else if (isBinary(n.prim)) e = gpuBinary(n.prim as BinaryPrim, t(0), t(1));
      else if (n.prim === 'where') e = `(${t(0)} !== 0.0 ? ${t(1)} : ${t(2)})`;
      // why: the device may or may not fuse a·b + c; either is within float32 tolerance.
      else if (n.prim === 'fma') e = `(${t(0)} * ${t(1)} + ${t(2)})`;
      // why: to int32 truncates toward 0 (NaN → 0); the read back wraps into the int32 range as the
      // JS backend's cast does (±Infinity to ±(2^31 − 1)); no gpu kernel reads an int32 result.
      else if (n.prim === 'cast') e = n.dtype === 'bool' ? `(${t(0)} !== 0.0 ? 1.0 : 0.0)`
        : n.dtype === 'int32' && this.at(n.inputs[0]).dtype === 'float32'
          ? `(${t(0)} !== ${t(0)} ? 0.0 : (${t(0)} < 0.0 ? Math.ceil(${t(0)}) : Math.floor(${t(0)})))` : t(0);
      if (e === undefined) throw new Error(`render gpu: no gpu.js expression for ${n.prim}`);
      return [`const t${id} = ${e};`];
    });
  }

  /** The kernel's source text: `function (a0, …) { lines }`. */
  text(): string {
    return `function (${this.args.map((_, k) => `a${k}`).join(', ')}) {\n${this.lines.map((l) => `  ${l}`).join('\n')}\n}`;
  }
}
