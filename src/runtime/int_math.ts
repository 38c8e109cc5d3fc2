// Elementwise functions shared by the reference kernels and the generated code (one definition,
// so both give the same numbers): TF's rounding and floor division/modulo rules.

/** Round half to even, as TF's Round (2.5 → 2, 3.5 → 4, -0.5 → -0). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  // why: Math.round sends ties up; r - v is exact (Sterbenz), so a tie is exactly 0.5.
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * floor(a / b) of integers, exact for int64 magnitudes (a % b is exact; a / b in float64 may not
 * be); division by zero gives 0, as this library's integer division does.
 */
export function intFloorDiv(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  const q = (a - r) / b;
  return r !== 0 && (r < 0) !== (b < 0) ? q - 1 : q;
}

/** a - floor(a / b) * b of integers: the result takes the divisor's sign (TF's FloorMod); 0 for b = 0. */
export function intFloorMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r + 0;
}
