// A float32 matmul C = op(A)·op(B) (op: transpose or not) as one WebAssembly SIMD128 function,
// with its elementwise epilogue (`relu(x·W + b)`) fused into the store of each tile.
// Layout (GotoBLAS-like, no k-blocking): B is packed, a block of at most NC columns at a time,
// into panels of NR columns (K rows of NR floats, zero-padded at the edge), A into panels of MR
// rows (a block of at most MC rows). Each MR×NR tile of C is kept in v128 accumulators over all
// K (accumulators + B vectors + one A splat ≤ 15 live v128: more, or unrolling k, spills), then
// stored through the epilogue: full tiles as f32x4, edge tiles through a small scratch tile.
// A known M of at most one tile row reads B in place (each B panel would be used once).
// Modes ('f32' default, 'f64' exact):
// - 'f32': acc = acc + a·b in float32, in k order. Per element |C − ref| ≤ (K+2)·2⁻²⁴·Σₖ|aᵢₖbₖⱼ|
//   (the float32 dot product's bound plus the reference's own final rounding), while no product
//   or partial sum overflows float32 (the reference's float64 sum may stay finite where float32
//   gives ±Infinity or NaN).
// - 'f64': A and B packed as float64; products (exact in float64) added in float64x2 lanes in k
//   order, rounded once to float32: the reference's arithmetic, so results (epilogues too) are
//   bit-identical.
// Parameters: C, A, B, the pack region, the tile scratch, the epilogue's full, row-broadcast,
// column-broadcast and one-element leaves (byte offsets), then M, N, K.
import { dmul, type Dim } from '../dims.js';
import type { Node } from '../ir.js';
import { leafPlan, splitInvariant } from '../render/kernel_walk.js';
import type { Kernel } from '../schedule.js';
import { F32, functionBuilder, I32, OP, SIMD, V128, type ValType, type WasmFunction } from './encode.js';
import { emitElementwise } from './map_kernel.js';
import { emitSplat, valueType } from './typed_ops.js';

/** How a matmul accumulates (see the file's comment for each mode's numbers). */
export type MatmulMode = 'f32' | 'f64';

/** A register tile: MR rows of C, NV f32x4 vectors of columns (NR = 4·NV). */
export interface Tile { readonly mr: number; readonly nv: number }
/** 4×8: 8 accumulators + 2 B vectors + 1 A splat = 11 live v128 (2×16 needs 13; both fit). */
export const F32_TILE: Tile = { mr: 4, nv: 2 };
/** The exact mode's 4×4 tile: 8 f64x2 accumulators + 2 f64x2 of B + 1 A splat (`v128.load64_splat`). */
const F64_TILE: Tile = { mr: 4, nv: 1 };
/** Rows of A packed at a time (its block stays in L2 while each B panel is reused from L1). */
export const MC = 128;
/** Columns of B packed at a time (bounds the pack region when N is large or a run-time dim). */
export const NC = 1024;

export const tileFor = (mode: MatmulMode, f32Tile: Tile = F32_TILE): Tile => (mode === 'f64' ? F64_TILE : f32Tile);

export interface MatmulKernel {
  name: string;
  mode: MatmulMode;
  tile: Tile;
  transposeA: boolean;
  transposeB: boolean;
  /** B read in place (not transposed, M fits one tile row): only its last partial panel is packed. */
  directB: boolean;
  /** Packed block sizes: rows of A (a multiple of MR), columns of B (a multiple of NR). */
  mc: number;
  nc: number;
  /** The matmul node (the epilogue's value of C) and the node stored (the matmul itself without an epilogue). */
  mm: number;
  out: number;
  /** Epilogue leaves: [M,N] (read at C's index), [N] (per column), [M,1] (per row), one-element. */
  full: readonly number[];
  rowLeaves: readonly number[];
  colLeaves: readonly number[];
  scalars: readonly number[];
  constants: readonly { id: number; value: number }[];
  /** Epilogue nodes computed once before the loops, and per element. */
  pre: readonly number[];
  inner: readonly number[];
}

export function matmulFunction(k: MatmulKernel, at: (id: number) => Node): WasmFunction {
  const { mr: MR, nv: NV } = k.tile;
  const NR = 4 * NV;
  const leaves = [...k.full, ...k.rowLeaves, ...k.colLeaves, ...k.scalars];
  const params = 5 + leaves.length + 3;
  const [pC, pA, pB, pPack, pTile] = [0, 1, 2, 3, 4];
  const leafParam = new Map(leaves.map((id, j) => [id, 5 + j]));
  const [pM, pN, pK] = [params - 3, params - 2, params - 1];
  const { c, locals, local, get, set, i32, loop } = functionBuilder(params);
  /** x = value pushed by `value`. */
  const let_ = (x: number, value: () => void) => { value(); set(x); };
  const add = (x: number, v: number | (() => void)) => { get(x); if (typeof v === 'number') i32(v); else v(); c.op(OP.i32Add); set(x); };
  /** for (x = start; x < end; x += step): `end` a local. */
  const forLoop = (x: number, start: number, end: number, step: number, body: () => void) => { let_(x, () => i32(start)); loop(x, end, step, body); };
  /** min(limit, a - b) of locals a, b. */
  const minRemaining = (x: number, limit: number, a: number, b: number) => {
    get(a); get(b); c.op(OP.i32Sub); set(x);
    get(x); i32(limit); get(x); i32(limit); c.op(OP.i32LtS, OP.select); set(x);
  };
  const V = new Map<number, number>(), S = new Map<number, number>();
  const valueLocal = (map: Map<number, number>, id: number, t: ValType) => { if (!map.has(id)) map.set(id, local(t)); return map.get(id)!; };
  const compute = (id: number, vector: boolean) => {
    const map = vector ? V : S;
    emitElementwise(c, at(id), vector, (i) => map.get(i)!, local, (i) => at(i).dtype);
    set(valueLocal(map, id, valueType(at(id).dtype, vector)));
  };
  const splat = (id: number) => { get(S.get(id)!).simd(SIMD.f32x4Splat); set(valueLocal(V, id, V128)); };

  // The epilogue's invariants: constants, one-element leaves, nodes of only those.
  for (const { id, value } of k.constants) { c.op(OP.f32Const).f32(value); set(valueLocal(S, id, F32)); splat(id); }
  for (const id of k.scalars) { get(leafParam.get(id)!).op(OP.f32Load).mem(2); set(valueLocal(S, id, F32)); splat(id); }
  for (const id of k.pre) { compute(id, false); if (at(id).dtype !== 'float64') { get(S.get(id)!); emitSplat(c, at(id).dtype); set(valueLocal(V, id, V128)); } }

  // why: the exact mode packs float64 (promoted once when packing, not in every tile's k loop).
  const f64 = k.mode === 'f64';
  const E = f64 ? 8 : 4;
  const [K4, KE, N4, packB] = [local(I32), local(I32), local(I32), local(I32)];
  let_(K4, () => { get(pK); i32(2); c.op(OP.i32Shl); });
  let_(KE, () => { get(pK); i32(f64 ? 3 : 2); c.op(OP.i32Shl); });
  let_(N4, () => { get(pN); i32(2); c.op(OP.i32Shl); });
  // why: the A block takes the first mc·K lanes of the pack region, the B block the next nc·K.
  let_(packB, () => { get(pPack); get(KE); i32(k.mc); c.op(OP.i32Mul, OP.i32Add); });

  const [q0, w, p, dst, src, laneAddr, stride] = [local(I32), local(I32), local(I32), local(I32), local(I32), local(I32), local(I32)];
  /**
   * Packs `len` (a local) rows of A or columns of B from `start` into panels of R lanes at `base`:
   * panel q0/R holds K steps of R lanes (E bytes each). Lane q of step p is at src + (p·ld + q)·4 when
   * `contiguous` (lanes adjacent in memory), else at src + (q·K + p)·4.
   */
  const pack = (R: number, base: number, from: number, start: number, len: number, contiguous: boolean, ld: number) => {
    forLoop(q0, 0, len, R, () => {
      minRemaining(w, R, len, q0);
      let_(dst, () => { get(base); get(q0); get(KE); c.op(OP.i32Mul, OP.i32Add); });
      // src = from + (first lane)·4 (contiguous) or from + (first lane)·K·4 (strided); stride between lanes.
      let_(src, () => { get(from); get(start); get(q0); c.op(OP.i32Add); if (contiguous) i32(4); else get(K4); c.op(OP.i32Mul, OP.i32Add); });
      let_(stride, () => { if (contiguous) i32(4); else get(K4); });
      const laneLoad = (lane: number) => {
        if (contiguous) { get(src); c.op(OP.f32Load).mem(2, 4 * lane); return; }
        get(laneAddr); c.op(OP.f32Load).mem(2);
        get(laneAddr); get(stride); c.op(OP.i32Add); set(laneAddr);
      };
      const steps = (edge: boolean) => forLoop(p, 0, pK, 1, () => {
        if (!edge && contiguous && R % 4 === 0) {
          for (let v = 0; v < R / 4; v++) {
            if (!f64) { get(dst); get(src); c.simd(SIMD.v128Load).mem(0, 16 * v).simd(SIMD.v128Store).mem(0, 16 * v); continue; }
            get(dst); get(src); c.simd(SIMD.v128Load).mem(0, 16 * v).simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.v128Store).mem(0, 32 * v);
            get(dst); get(src); c.simd(SIMD.v128Load).mem(0, 16 * v); get(src); c.simd(SIMD.v128Load).mem(0, 16 * v);
            c.simd(SIMD.i8x16Shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7).simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.v128Store).mem(0, 32 * v + 16);
          }
        } else {
          if (!contiguous) let_(laneAddr, () => get(src));
          for (let lane = 0; lane < R; lane++) {
            get(dst);
            if (edge) {
              // why: lanes past the edge are zero (never stored) and must not read past the array.
              i32(lane); get(w); c.op(OP.i32LtS, OP.if, F32); laneLoad(lane); c.op(OP.else, OP.f32Const).f32(0).op(OP.end);
            } else laneLoad(lane);
            if (f64) c.op(OP.f64PromoteF32, OP.f64Store).mem(3, 8 * lane); else c.op(OP.f32Store).mem(2, 4 * lane);
          }
        }
        add(dst, E * R);
        add(src, contiguous ? () => { get(ld); i32(2); c.op(OP.i32Shl); } : 4);
      });
      get(w); i32(R); c.op(OP.i32Eq, OP.if, 0x40); steps(false); c.op(OP.else); steps(true); c.op(OP.end);
    });
  };

  const accs = Array.from({ length: MR }, () => Array.from({ length: f64 ? 2 * NV : NV }, () => local(V128)));
  const bv = Array.from({ length: f64 ? 2 * NV : NV }, () => local(V128));
  const [av, pa, pb, pend, bStride] = [local(V128), local(I32), local(I32), local(I32), local(I32)];
  const zero = () => c.simd(SIMD.v128Const).op(...new Array<number>(16).fill(0));
  /** The tile's products over all K: packed A panel at pa, B's NR columns at pb (`bStride` bytes per k step). */
  const micro = () => {
    for (const row of accs) for (const a of row) let_(a, zero);
    let_(pend, () => { get(pa); get(KE); i32(MR); c.op(OP.i32Mul, OP.i32Add); });
    c.op(OP.block, 0x40, OP.loop, 0x40);
    get(pa); get(pend); c.op(OP.i32GeU, OP.brIf).u32(1);
    bv.forEach((b, v) => let_(b, () => { get(pb); c.simd(SIMD.v128Load).mem(0, 16 * v); }));
    accs.forEach((row, r) => {
      if (f64) let_(av, () => { get(pa); c.simd(SIMD.v128Load64Splat).mem(3, 8 * r); });
      else let_(av, () => { get(pa); c.simd(SIMD.v128Load32Splat).mem(2, 4 * r); });
      row.forEach((a, v) => { get(a); get(av); get(bv[v]); c.simd(f64 ? SIMD.f64x2Mul : SIMD.f32x4Mul).simd(f64 ? SIMD.f64x2Add : SIMD.f32x4Add); set(a); });
    });
    add(pa, E * MR); add(pb, () => get(bStride));
    c.op(OP.br).u32(0).op(OP.end, OP.end);
  };
  /** Pushes row r, columns 4v..4v+3 of the tile as f32x4 (the exact mode rounds its float64 sums once here). */
  const tileVector = (r: number, v: number) => {
    if (!f64) { get(accs[r][v]); return; }
    get(accs[r][2 * v]).simd(SIMD.f32x4DemoteF64x2Zero); get(accs[r][2 * v + 1]).simd(SIMD.f32x4DemoteF64x2Zero);
    c.simd(SIMD.i8x16Shuffle).op(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  };

  const [off, j04, i04, rows, cols, r, j] = [local(I32), local(I32), local(I32), local(I32), local(I32), local(I32), local(I32)];
  /**
   * Computes the epilogue of C's value (in the mm node's local) and pushes the value stored. Leaves
   * are read at `off` ([M,N]: C's byte offset), `j04` ([N]) and `i04` ([M,1]); `imm` and `colImm`
   * are constant offsets added to the column and the row.
   */
  const epilogue = (vector: boolean, imm: number, colImm: number) => {
    const map = vector ? V : S;
    for (const id of k.full) { get(leafParam.get(id)!); get(off); c.op(OP.i32Add); load(vector, imm); set(valueLocal(map, id, vector ? V128 : F32)); }
    for (const id of k.rowLeaves) { get(leafParam.get(id)!); get(j04); c.op(OP.i32Add); load(vector, imm); set(valueLocal(map, id, vector ? V128 : F32)); }
    for (const id of k.colLeaves) {
      get(leafParam.get(id)!); get(i04); c.op(OP.i32Add).op(OP.f32Load).mem(2, colImm);
      if (vector) c.simd(SIMD.f32x4Splat);
      set(valueLocal(map, id, vector ? V128 : F32));
    }
    for (const id of k.inner) compute(id, vector);
    get(map.get(k.out)!);
  };
  const load = (vector: boolean, imm: number) => (vector ? c.simd(SIMD.v128Load).mem(0, imm) : c.op(OP.f32Load).mem(2, imm));
  const mmV = valueLocal(V, k.mm, V128), mmS = valueLocal(S, k.mm, F32);
  const edgeLen = local(I32), edgeCol = local(I32);
  const ic = local(I32), jc = local(I32), ir = local(I32), jr = local(I32), mcL = local(I32), ncL = local(I32), i0 = local(I32), j0 = local(I32);
  /** Stores the tile at rows i0.., columns j0.. of C (`rows`×`cols` of it inside C). */
  const store = () => {
    let_(j04, () => { get(j0); i32(2); c.op(OP.i32Shl); });
    get(rows); i32(MR); c.op(OP.i32Eq); get(cols); i32(NR); c.op(OP.i32Eq, OP.i32And, OP.if, 0x40);
    // A full tile: f32x4 epilogue and stores, row by row (off: C's row start + j0, in bytes).
    let_(off, () => { get(i0); get(pN); c.op(OP.i32Mul); get(j0); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl); });
    let_(i04, () => { get(i0); i32(2); c.op(OP.i32Shl); });
    for (let rr = 0; rr < MR; rr++) {
      for (let v = 0; v < NV; v++) {
        tileVector(rr, v); set(mmV);
        epilogue(true, 16 * v, 4 * rr);
        set(mmV);
        get(pC); get(off); c.op(OP.i32Add); get(mmV); c.simd(SIMD.v128Store).mem(0, 16 * v);
      }
      add(off, () => get(N4));
    }
    c.op(OP.else);
    // An edge tile: into the scratch tile, then element by element inside C.
    for (let rr = 0; rr < MR; rr++) for (let v = 0; v < NV; v++) { get(pTile); tileVector(rr, v); c.simd(SIMD.v128Store).mem(0, 4 * (rr * NR + 4 * v)); }
    forLoop(r, 0, rows, 1, () => {
      let_(i04, () => { get(i0); get(r); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl); });
      forLoop(j, 0, cols, 1, () => {
        let_(off, () => { get(i0); get(r); c.op(OP.i32Add); get(pN); c.op(OP.i32Mul); get(j0); c.op(OP.i32Add); get(j); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl); });
        get(pTile); get(r); i32(NR); c.op(OP.i32Mul); get(j); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl, OP.i32Add).op(OP.f32Load).mem(2); set(mmS);
        let_(j04, () => { get(j0); get(j); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl); });
        epilogue(false, 0, 0);
        set(mmS);
        get(pC); get(off); c.op(OP.i32Add); get(mmS); c.op(OP.f32Store).mem(2);
      });
    });
    c.op(OP.end);
  };

  forLoop(jc, 0, pN, k.nc, () => {
    minRemaining(ncL, k.nc, pN, jc);
    if (k.directB) {
      // why: with one row panel of A each B panel is read once, so packing B would not pay; only
      // the last, partial panel is packed (zero-padded: the kernel never reads past B's columns).
      let_(edgeLen, () => { get(ncL); i32(NR); c.op(OP.i32RemU); });
      let_(edgeCol, () => { get(jc); get(ncL); c.op(OP.i32Add); get(edgeLen); c.op(OP.i32Sub); });
      pack(NR, packB, pB, edgeCol, edgeLen, true, pN);
    } else {
      // B's lanes are columns: contiguous in B[K,N] (ld N), strided in a transposed B[N,K].
      pack(NR, packB, pB, jc, ncL, !k.transposeB, pN);
    }
    forLoop(ic, 0, pM, k.mc, () => {
      minRemaining(mcL, k.mc, pM, ic);
      // A's lanes are rows: strided in A[M,K], contiguous in a transposed A[K,M] (ld M).
      pack(MR, pPack, pA, ic, mcL, k.transposeA, pM);
      forLoop(jr, 0, ncL, NR, () => {
        minRemaining(cols, NR, ncL, jr);
        forLoop(ir, 0, mcL, MR, () => {
          minRemaining(rows, MR, mcL, ir);
          let_(pa, () => { get(pPack); get(ir); get(KE); c.op(OP.i32Mul, OP.i32Add); });
          if (k.directB) {
            get(cols); i32(NR); c.op(OP.i32Eq, OP.if, 0x40);
            let_(pb, () => { get(pB); get(jc); get(jr); c.op(OP.i32Add); i32(2); c.op(OP.i32Shl, OP.i32Add); });
            let_(bStride, () => get(N4));
            c.op(OP.else);
            let_(pb, () => get(packB)); let_(bStride, () => i32(4 * NR));
            c.op(OP.end);
          } else {
            let_(pb, () => { get(packB); get(jr); get(KE); c.op(OP.i32Mul, OP.i32Add); });
            let_(bStride, () => i32(E * NR));
          }
          micro();
          let_(i0, () => { get(ic); get(ir); c.op(OP.i32Add); });
          let_(j0, () => { get(jc); get(jr); c.op(OP.i32Add); });
          store();
        });
      });
    });
  });
  return { name: k.name, params, locals, body: c };
}

/**
 * A matmul kernel (or a map kernel that is a matmul's epilogue, whose ops the caller checked) as
 * the wasm function's spec, or why it stays in JS.
 */
export interface MatmulPlan {
  readonly kernel: MatmulKernel;
  /** The nodes read as the parameters after C (A, B) and after the scratch (the epilogue's leaves). */
  readonly a: number;
  readonly b: number;
  readonly leaves: readonly number[];
  /** Float32 lengths of the pack region (float64 lanes in the exact mode: twice as long) and the tile scratch. */
  readonly packLength: Dim;
  readonly tileLength: number;
  readonly dims: readonly [Dim, Dim, Dim];
}

export function matmulPlan(k: Extract<Kernel, { kind: 'map' | 'matmul' }>, at: (id: number) => Node, name: string, mode: MatmulMode, f32Tile?: Tile): MatmulPlan | string {
  const mm = at(k.kind === 'matmul' ? k.out : k.epilogueOf!);
  const [aN, bN] = mm.inputs.map(at);
  if (mm.dtype !== 'float32' || aN.dtype !== 'float32' || bN.dtype !== 'float32') return `${mm.dtype} matmul (float32 only)`;
  const ta = mm.attrs.transposeA === true, tb = mm.attrs.transposeB === true;
  const [M, N] = mm.shape, K = ta ? aN.shape[0] : aN.shape[1];
  const full = tileFor(mode, f32Tile);
  // why: fewer rows than the tile (a batch of 1 to 3) would compute rows of zeros.
  const tile = typeof M === 'number' && M >= 1 && M < full.mr ? { ...full, mr: M } : full;
  const NR = 4 * tile.nv;
  const roundUp = (d: Dim, to: number, cap: number) => (typeof d === 'number' ? Math.min(Math.ceil(d / to) * to, cap) : cap);
  const mc = Math.max(roundUp(M, tile.mr, MC), tile.mr), nc = Math.max(roundUp(N, NR, NC), NR);
  const empty = { full: [], rowLeaves: [], colLeaves: [], scalars: [], constants: [], pre: [], inner: [] };
  let epi: Pick<MatmulKernel, keyof typeof empty> = empty;
  if (k.kind === 'map') {
    // why: the tile and its stores are float32; a compare's bool (or a cast's int) result is computed in JS.
    if (at(k.out).dtype !== 'float32') return `epilogue: ${at(k.out).dtype} result (the tile stores float32)`;
    // why: the caller checked the epilogue's prims and dtypes as for any map kernel.
    const leaves = k.leaves.filter((l) => l !== mm.id);
    const plan = leafPlan(at, leaves, mm.shape);
    if (plan.hoisted.some((h) => h.dim !== undefined)) return 'epilogue reads a run-time dim';
    const full: number[] = [], rowLeaves: number[] = [], colLeaves: number[] = [];
    for (const l of plan.looped) {
      const [si, sj] = l.strides;
      if (si === N && sj === 1) full.push(l.id);
      else if (si === 0 && sj === 1) rowLeaves.push(l.id);
      else if (si === 1 && sj === 0) colLeaves.push(l.id);
      else return 'epilogue: strided input';
    }
    const { pre, inner } = splitInvariant(at, k.body, [mm.id, ...plan.looped.map((l) => l.id)]);
    epi = {
      full, rowLeaves, colLeaves, pre, inner,
      scalars: plan.hoisted.filter((h) => h.value === undefined).map((h) => h.id),
      constants: plan.hoisted.filter((h) => h.value !== undefined).map((h) => ({ id: h.id, value: h.value! })),
    };
  }
  // why: the exact mode reads float64 panels, so it packs B always.
  const directB = mode === 'f32' && !tb && typeof M === 'number' && M <= tile.mr;
  const kernel: MatmulKernel = { name, mode, tile, transposeA: ta, transposeB: tb, directB, mc, nc, mm: mm.id, out: k.out, ...epi };
  return {
    kernel, a: aN.id, b: bN.id, leaves: [...epi.full, ...epi.rowLeaves, ...epi.colLeaves, ...epi.scalars],
    packLength: dmul((mc + nc) * (mode === 'f64' ? 2 : 1), K), tileLength: tile.mr * NR, dims: [M, N, K],
  };
}
