// int32 arithmetic as TF's integer kernels compute it (two's complement, wrapping on overflow).
// Used by the reference kernels and by generated code, so both wrap identically.

/**
 * x ** y for int32 x and y, exact modulo 2³² (square-and-multiply with Math.imul): a double
 * Math.pow loses the low bits past 2⁵³ (3⁴⁰ would be off by 33). A negative exponent gives the
 * truncated quotient of 1 / x^-y: 1 for x = 1, ±1 for x = -1, else 0.
 */
export function ipow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 ? -1 : 1) : 0;
  let result = 1, base = x | 0, e = y;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * x ** y for int64 x and y (stored as float64 and exact within ±(2⁵³ − 1)): square-and-multiply in
 * doubles, exact while the result fits; a result past that comes back as a value beyond the range,
 * which the int64 check refuses (never wrapped modulo 2³² as int32 is, never rounded).
 */
export function ipow64(x: number, y: number): number {
  if (y < 0) return ipow(x, y);
  let result = 1, base = x, e = y;
  for (;;) {
    if (e % 2 === 1) result *= base;
    e = Math.floor(e / 2);
    // why: past 2⁵³ a product is no longer exact; a later factor (|base| ≥ 2) only grows it.
    if (e === 0 || Math.abs(result) > 2 ** 53) return result;
    base *= base;
    if (Math.abs(base) > 2 ** 53) return result * base;
  }
}
