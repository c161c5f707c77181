/**
 * IEEE binary16 (numpy `float16`) conversions: the one implementation the element model, the
 * filters and the printer share.
 * @module
 */

const scratch = new DataView(new ArrayBuffer(8));

/**
 * float64 → float16 bits, ported from numpy's `npy_doublebits_to_halfbits` (round half to even
 * directly from the double — no double rounding through float32 — overflow to inf, NaN payload
 * truncated but kept a NaN) so stored halves, NaNs and ties match numpy exactly.
 */
export function doubleToHalfBits(x: number): number {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const sign = (hi >>> 16) & 0x8000;
  const exp = (hi >>> 20) & 0x7ff;
  const mhi = hi & 0xfffff;
  if (exp >= 0x40f) {
    if (exp === 0x7ff && (mhi !== 0 || lo !== 0)) {
      let ret = 0x7c00 + (mhi >>> 10);
      if (ret === 0x7c00) ret++;
      return sign + ret;
    }
    return sign + 0x7c00;
  }
  if (exp <= 0x3f0) {
    if (exp < 0x3e6) return sign;
    // Subnormal half: the value in units of 2^-24, rounded half to even, is exact in a double.
    const m = Math.abs(x) * 16777216;
    return sign + rintNumber(m);
  }
  const hexp = (exp - 0x3f0) << 10;
  let sig = mhi >>> 10;
  const rb = mhi & 0x3ff;
  if (rb > 0x200 || (rb === 0x200 && (lo !== 0 || (sig & 1) === 1))) sig++;
  return sign + hexp + sig;
}

/**
 * float16 bits → number, as numpy's `npy_halfbits_to_doublebits` (NaN payload shifted up, not
 * quieted). Exact: every half is a double.
 */
export function halfBitsToDouble(h: number): number {
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  const neg = (h & 0x8000) !== 0;
  if (exp === 0x1f) {
    if (mant === 0) return neg ? -Infinity : Infinity;
    scratch.setUint32(0, (neg ? 0x80000000 : 0) | 0x7ff00000 | (mant << 10));
    scratch.setUint32(4, 0);
    return scratch.getFloat64(0);
  }
  const v = exp === 0 ? mant * 5.960464477539063e-8 : (1024 + mant) * 2 ** (exp - 25);
  return neg ? -v : v;
}

/** Round a number to the nearest float16 value, kept as a number (float16 arithmetic and printing). */
export function roundToHalf(x: number): number {
  return halfBitsToDouble(doubleToHalfBits(x));
}

/** numpy's `rint`/`around(decimals=0)`: round half to even, which numpy's casts and filters use. */
export function rintNumber(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** Alias of {@link halfBitsToDouble} under the element model's historical name. */
export const halfToFloat = halfBitsToDouble;

/** Alias of {@link doubleToHalfBits} under the element model's historical name. */
export const floatToHalf = doubleToHalfBits;
