// TF1's fused update ops (ApplyGradientDescent, …): each reads a variable and its slots,
// computes the new values with the optimizer's exact rule, and writes them back. Inputs are in
// TF1's OpDef order; float32 math rounds after every operation in the order TF1's kernels use.
import { InvalidArgumentError, type ErrorOp } from '../errors.js';
import { createOp, type Operation, type Tensor } from '../graph.js';
import { allocate } from '../dtypes.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, InferContext, KernelContext, OpSpec } from '../op_spec.js';
import { compatible, formatDims, sameShape } from '../shape.js';
import { FLOATS, out } from './define_op.js';
import { irArith, numberArith, type Arith } from '../arith.js';

/**
 * One update rule, written once over `A` (numbers for the reference kernel, IR values for the
 * compiler): the current ref values (var, slots…), the elementwise tensor inputs (grad) and the
 * scalars in, the new ref values out. Every A operation rounds to the variable's dtype.
 */
type Update = <T>(A: Arith<T>, refs: T[], grads: T[], s: T[], attrs: Attrs) => T[];

/** Shape/dtype rule: `refCount` leading ref inputs (var + slots), scalar hyper-parameters, grads. */
function applyInfer(refCount: number, scalarIdx: readonly number[]) {
  return (ctx: InferContext) => {
    const v = ctx.inputs[0];
    for (let i = 0; i < refCount; i++) {
      if (!ctx.inputs[i].isRef) {
        throw new InvalidArgumentError(`${ctx.name}: input ${i} must be a variable reference, got ${ctx.inputs[i]}.`);
      }
    }
    if (!FLOATS.includes(v.dtype)) {
      throw new InvalidArgumentError(`${ctx.name}: only float variables can be trained; ${v.name} is ${v.dtype}.`);
    }
    ctx.inputs.forEach((t, i) => {
      if (t.dtype !== v.dtype) {
        throw new InvalidArgumentError(`${ctx.name}: input ${i} (${t.name}) has dtype ${t.dtype} but the variable ${v.name} is ${v.dtype}.`);
      }
      if (scalarIdx.includes(i)) {
        if (t.shape !== null && t.shape.length !== 0) {
          throw new InvalidArgumentError(`${ctx.name}: input ${i} (${t.name}) must be a scalar, got shape ${formatDims(t.shape)}.`);
        }
      } else if (!compatible(t.shape, v.shape)) {
        throw new InvalidArgumentError(`${ctx.name}: input ${i} (${t.name}) has shape ${formatDims(t.shape)} but the variable ${v.name} has shape ${formatDims(v.shape)}.`);
      }
    });
    return [{ dtype: v.dtype, shape: v.shape, isRef: true }];
  };
}

/**
 * The run-time check of a hyper-parameter input (a fed learning rate, say), on both executors:
 * TF1's legacy scalar, shape [] or [1].
 */
function checkScalar(type: string, i: number, shape: readonly number[], op: ErrorOp): void {
  if (shape.length > 1 || (shape.length === 1 && shape[0] !== 1)) {
    throw new InvalidArgumentError(`${type}: input ${i} of '${op.name}' is not a scalar: [${shape}]`, op);
  }
}

/** Defines an Apply* op with `refCount` ref inputs, scalars at `scalarIdx`, the rest elementwise. */
function applySpec(type: string, refCount: number, scalarIdx: readonly number[], update: Update): OpSpec {
  return {
    type,
    stateful: true,
    writesState: true,
    refInputs: Array.from({ length: refCount }, (_, i) => i),
    infer: applyInfer(refCount, scalarIdx),
    lower: (ctx, op) => {
      const refs = Array.from({ length: refCount }, (_, i) => ctx.readRef(i));
      const A = irArith(ctx, refs[0].dtype);
      const grads = ctx.inputs.filter((_, i) => i >= refCount && !scalarIdx.includes(i));
      for (const g of grads) {
        if (g.shape.length !== refs[0].shape.length || g.shape.some((d, i) => d !== refs[0].shape[i])) {
          throw new InvalidArgumentError(`${type}: var and grad do not have the same shape [${refs[0].shape}] [${g.shape}]`, op);
        }
      }
      const scalars = scalarIdx.map((i) => {
        checkScalar(type, i, ctx.inputs[i].shape, op);
        return ctx.inputs[i].shape.length ? ctx.reshape(ctx.inputs[i], []) : ctx.inputs[i];
      });
      const next = update(A, refs, grads, scalars, op.attrs);
      next.forEach((v, k) => ctx.writeRef(k, v));
      return [next[0]];
    },
    reference: (inputs: NDArray[], ctx: KernelContext) => {
      const refs = Array.from({ length: refCount }, (_, i) => ctx.readVariable(ctx.refInput(i)));
      const n = refs[0].size;
      refs.forEach((r, k) => {
        if (r.size !== n) {
          throw new InvalidArgumentError(`${type}: var and slot ${k} do not have the same shape [${refs[0].shape}] [${r.shape}]`, ctx.op);
        }
      });
      const scalars = scalarIdx.map((i) => {
        checkScalar(type, i, inputs[i].shape, ctx.op);
        return inputs[i].data[0];
      });
      const tensorInputs = inputs.filter((_, i) => i >= refCount && !scalarIdx.includes(i));
      for (const t of tensorInputs) {
        if (!sameShape(t.shape, refs[0].shape)) {
          throw new InvalidArgumentError(`${type}: var and grad do not have the same shape [${refs[0].shape}] [${t.shape}]`, ctx.op);
        }
      }
      const A = numberArith(refs[0].dtype);
      const outs = refs.map((r) => allocate(r.dtype, n));
      const nScalars = scalars.map((x) => A.const(x));
      for (let e = 0; e < n; e++) {
        const next = update(A, refs.map((r) => r.data[e]), tensorInputs.map((t) => t.data[e]), nScalars, ctx.op.attrs);
        for (let k = 0; k < refCount; k++) outs[k][e] = next[k];
      }
      const results = outs.map((d, k) => new NDArray(d, refs[k].shape, refs[k].dtype));
      results.forEach((r, k) => ctx.writeVariable(ctx.refInput(k), r));
      return [results[0]];
    },
  };
}

// Inputs: var, alpha, delta. var -= delta·alpha
export const ApplyGradientDescent = applySpec('ApplyGradientDescent', 1, [1], (A, [v], [g], [alpha]) => [A.sub(v, A.mul(g, alpha))]);

// Inputs: var, accum, lr, grad, momentum; attr use_nesterov.
// accum = accum·momentum + grad; var -= accum·lr  (Nesterov: var -= grad·lr + accum·momentum·lr)
export const ApplyMomentum = applySpec('ApplyMomentum', 2, [2, 4], (A, [v, accum], [g], [lr, momentum], attrs) => {
  const acc = A.add(A.mul(accum, momentum), g);
  const next = attrs.use_nesterov
    ? A.sub(v, A.add(A.mul(g, lr), A.mul(A.mul(acc, momentum), lr)))
    : A.sub(v, A.mul(acc, lr));
  return [next, acc];
});

// Inputs: var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad; attr use_nesterov.
// lr_t = lr·√(1−β2ᵗ)/(1−β1ᵗ); m += (g−m)(1−β1); v += (g²−v)(1−β2); var -= lr_t·m/(√v + ε)
export const ApplyAdam = applySpec('ApplyAdam', 3, [3, 4, 5, 6, 7, 8], (A, [x, m, v], [g], [b1p, b2p, lr, b1, b2, eps], attrs) => {
  const one = A.const(1);
  const alpha = A.div(A.mul(lr, A.sqrt(A.sub(one, b2p))), A.sub(one, b1p));
  // why: the seed's printed Adam trajectory (x = 4.0076041 at step 10, −0.03831948 at 99) comes
  // from a TF1 kernel whose compiler fused these two multiply-adds (one rounding); rounding the
  // product separately drifts by an ulp from step 10 on.
  const m2 = A.mulAdd(A.sub(g, m), A.sub(one, b1), m);
  const v2 = A.mulAdd(A.sub(A.mul(g, g), v), A.sub(one, b2), v);
  const step = attrs.use_nesterov ? A.mul(A.add(A.mul(g, A.sub(one, b1)), A.mul(b1, m2)), alpha) : A.mul(m2, alpha);
  return [A.sub(x, A.div(step, A.add(A.sqrt(v2), eps))), m2, v2];
});

// Inputs: var, ms, mom, lr, rho, momentum, epsilon, grad.
// ms += (g² − ms)(1 − ρ); mom = mom·μ + g·lr/√(ms + ε); var -= mom
export const ApplyRMSProp = applySpec('ApplyRMSProp', 3, [3, 4, 5, 6], (A, [v, ms, mom], [g], [lr, rho, momentum, eps]) => {
  const ms2 = A.add(ms, A.mul(A.sub(A.mul(g, g), ms), A.sub(A.const(1), rho)));
  const mom2 = A.add(A.mul(mom, momentum), A.div(A.mul(g, lr), A.sqrt(A.add(ms2, eps))));
  return [A.sub(v, mom2), ms2, mom2];
});

// Inputs: var, mg, ms, mom, lr, rho, momentum, epsilon, grad.
// ms += (g² − ms)(1 − ρ); mg += (g − mg)(1 − ρ); mom = mom·μ + g·lr/√((ms − mg²) + ε); var -= mom
export const ApplyCenteredRMSProp = applySpec('ApplyCenteredRMSProp', 4, [4, 5, 6, 7], (A, [v, mg, ms, mom], [g], [lr, rho, momentum, eps]) => {
  const oneMinusRho = A.sub(A.const(1), rho);
  const ms2 = A.add(ms, A.mul(A.sub(A.mul(g, g), ms), oneMinusRho));
  const mg2 = A.add(mg, A.mul(A.sub(g, mg), oneMinusRho));
  const denom = A.add(A.sub(ms2, A.mul(mg2, mg2)), eps);
  const mom2 = A.add(A.mul(mom, momentum), A.div(A.mul(g, lr), A.sqrt(denom)));
  return [A.sub(v, mom2), mg2, ms2, mom2];
});

// Inputs: var, accum, lr, grad. accum += g²; var -= g·lr·(1/√accum)
export const ApplyAdagrad = applySpec('ApplyAdagrad', 2, [2], (A, [v, accum], [g], [lr]) => {
  const acc = A.add(accum, A.mul(g, g));
  return [A.sub(v, A.mul(A.mul(g, lr), A.div(A.const(1), A.sqrt(acc)))), acc];
});

// Inputs: var, accum, accum_update, lr, rho, epsilon, grad.
// accum = accum·ρ + g²·(1−ρ); update = √(accum_update + ε)·(1/√(accum + ε))·g;
// var -= update·lr; accum_update = accum_update·ρ + update²·(1−ρ)
export const ApplyAdadelta = applySpec('ApplyAdadelta', 3, [3, 4, 5], (A, [v, accum, accumUpdate], [g], [lr, rho, eps]) => {
  const oneMinusRho = A.sub(A.const(1), rho);
  const acc = A.add(A.mul(accum, rho), A.mul(A.mul(g, g), oneMinusRho));
  const update = A.mul(A.mul(A.sqrt(A.add(accumUpdate, eps)), A.div(A.const(1), A.sqrt(A.add(acc, eps)))), g);
  const next = A.sub(v, A.mul(update, lr));
  const accUpdate = A.add(A.mul(accumUpdate, rho), A.mul(A.mul(update, update), oneMinusRho));
  return [next, acc, accUpdate];
});

export function applyOp(spec: OpSpec, inputs: Tensor[], attrs: Record<string, boolean> = {}, name?: string): Operation {
  return createOp(spec, inputs, { use_locking: false, ...attrs }, name ?? spec.type);
}

export { fmaf } from '../runtime/float32.js';
export { out };
