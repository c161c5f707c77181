/**
 * Dragon4: an exact port of numpy's `dragon4.c` digit generation (unique mode with numpy's cutoff
 * semantics), which is what makes printed float16/32/64 values agree with numpy digit for digit.
 * @module
 */
import { doubleToHalfBits, roundToHalf } from "../../dtype/float16.ts";

/** Storage width of the float being printed; digits must be unique at this width, not float64's. */
export type FloatBits = 16 | 32 | 64;

/** A float split into sign, special class and integer mantissa × 2^exponent, as dragon4.c wants it. */
export interface FloatParts {
  negative: boolean;
  special: "" | "nan" | "inf";
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Round a double to the storage precision of the given float width. */
export function roundTo(x: number, bits: FloatBits): number {
  return bits === 64 ? x : bits === 32 ? Math.fround(x) : roundToHalf(x);
}

/** Split `x`, rounded to `bits` storage, into the parts dragon4 works on. */
export function decompose(x: number, bits: FloatBits): FloatParts {
  let negative: boolean;
  let fe: number;
  let fm: bigint;
  let mBits: number;
  let eBits: number;
  if (bits === 64) {
    scratch.setFloat64(0, x);
    const u = scratch.getBigUint64(0);
    negative = u >> 63n === 1n;
    fe = Number((u >> 52n) & 0x7ffn);
    fm = u & ((1n << 52n) - 1n);
    mBits = 52;
    eBits = 11;
  } else if (bits === 32) {
    scratch.setFloat32(0, x);
    const u = scratch.getUint32(0);
    negative = u >>> 31 === 1;
    fe = (u >>> 23) & 0xff;
    fm = BigInt(u & 0x7fffff);
    mBits = 23;
    eBits = 8;
  } else {
    const u = doubleToHalfBits(x);
    negative = (u & 0x8000) !== 0;
    fe = (u >> 10) & 0x1f;
    fm = BigInt(u & 0x3ff);
    mBits = 10;
    eBits = 5;
  }
  const bias = (1 << (eBits - 1)) - 1;
  const maxE = (1 << eBits) - 1;
  if (fe === maxE) {
    return { negative, special: fm === 0n ? "inf" : "nan", mantissa: 0n, exponent: 0, mantissaBit: 0, unequalMargins: false };
  }
  if (fe !== 0) {
    return {
      negative,
      special: "",
      mantissa: (1n << BigInt(mBits)) | fm,
      exponent: fe - bias - mBits,
      mantissaBit: mBits,
      unequalMargins: fe !== 1 && fm === 0n,
    };
  }
  return {
    negative,
    special: "",
    mantissa: fm,
    exponent: 1 - bias - mBits,
    mantissaBit: fm === 0n ? 0 : fm.toString(2).length - 1,
    unequalMargins: false,
  };
}

const LOG10_2 = 0.30102999566398119521373889472449;
const BUFFER_SIZE = 16384;

/**
 * Shortest-unique digit generation with numpy's cutoff semantics. Returns the digit string and
 * the decimal exponent of its first digit.
 */
function dragon4(
  p: FloatParts,
  fractionCutoff: boolean,
  cutoffMax: number,
  cutoffMin: number,
): { digits: string; exp: number } {
  const mantissa = p.mantissa;
  if (mantissa === 0n) return { digits: "0", exp: 0 };
  const exponent = p.exponent;
  const isEven = (mantissa & 1n) === 0n;
  let value: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (p.unequalMargins) {
    if (exponent > 0) {
      value = mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      value = mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    value = mantissa << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    value = mantissa << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }
  const highFactor = p.unequalMargins ? 2n : 1n;

  let digitExponent = Math.ceil((p.mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && fractionCutoff && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;

  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    value *= pow10;
    marginLow *= pow10;
  }
  if (value >= scale) {
    digitExponent += 1;
  } else {
    value *= 10n;
    marginLow *= 10n;
  }

  let cutoffMaxExp = digitExponent - BUFFER_SIZE;
  if (cutoffMax >= 0) {
    const desired = fractionCutoff ? -cutoffMax : digitExponent - cutoffMax;
    if (desired > cutoffMaxExp) cutoffMaxExp = desired;
  }
  let cutoffMinExp = digitExponent;
  if (cutoffMin >= 0) {
    const desired = fractionCutoff ? -cutoffMin : digitExponent - cutoffMin;
    if (desired < cutoffMinExp) cutoffMinExp = desired;
  }
  let outExp = digitExponent - 1;

  const digits: number[] = [];
  let low = false;
  let high = false;
  let outputDigit = 0;
  for (;;) {
    digitExponent -= 1;
    outputDigit = Number(value / scale);
    value %= scale;
    const valueHigh = value + marginLow * highFactor;
    low = isEven ? value <= marginLow : value < marginLow;
    high = isEven ? valueHigh >= scale : valueHigh > scale;
    if (((low || high) && digitExponent <= cutoffMinExp) || digitExponent === cutoffMaxExp) break;
    digits.push(outputDigit);
    value *= 10n;
    marginLow *= 10n;
  }

  let roundDown = low;
  if (low === high) {
    const twice = value * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (outputDigit & 1) === 0;
  }
  if (roundDown) {
    digits.push(outputDigit);
  } else if (outputDigit === 9) {
    for (;;) {
      if (digits.length === 0) {
        digits.push(1);
        outExp += 1;
        break;
      }
      const last = digits.pop()!;
      if (last !== 9) {
        digits.push(last + 1);
        break;
      }
    }
  } else {
    digits.push(outputDigit + 1);
  }
  return { digits: digits.join(""), exp: outExp };
}

/** dragon4.c trim modes: `'k'` keep, `'.'` trim zeros, `'0'` leave one zero, `'-'` drop point too. */
export type Trim = "k" | "." | "0" | "-";

/** The knobs of numpy's `dragon4_positional`/`dragon4_scientific` (-1 means "unset", as in C). */
export interface D4Options {
  precision: number;
  minDigits: number;
  trim: Trim;
  sign: boolean;
  padLeft: number;
  padRight: number;
  expDigits: number;
}

function specialString(p: FloatParts, sign: boolean): string {
  if (p.special === "nan") return "nan";
  return (p.negative ? "-" : sign ? "+" : "") + "inf";
}

/** `numpy.core.multiarray.dragon4_positional` with `fractional=True`, `unique=True`. */
export function dragon4Positional(x: number, bits: FloatBits, o: D4Options): string {
  const p = decompose(x, bits);
  if (p.special !== "") return specialString(p, o.sign);
  const signbit = p.negative ? "-" : o.sign ? "+" : "";
  const { digits, exp: printExponent } = dragon4(p, true, o.precision, o.minDigits);
  const numDigits = digits.length;
  let out: string;
  let numWholeDigits: number;
  let numFractionDigits = 0;
  if (printExponent >= 0) {
    numWholeDigits = printExponent + 1;
    if (numDigits <= numWholeDigits) {
      out = digits + "0".repeat(numWholeDigits - numDigits);
    } else {
      out = digits.slice(0, numWholeDigits) + "." + digits.slice(numWholeDigits);
      numFractionDigits = numDigits - numWholeDigits;
    }
  } else {
    const zeros = -(printExponent + 1);
    out = "0." + "0".repeat(zeros) + digits;
    numFractionDigits = zeros + numDigits;
    numWholeDigits = 1;
  }
  if (o.trim !== "-" && numFractionDigits === 0) out += ".";

  const desiredFractionalDigits = o.minDigits < 0 ? 0 : o.minDigits;
  if (o.trim === "0") {
    if (numFractionDigits === 0) {
      out += "0";
      numFractionDigits++;
    }
  } else if (o.trim === "k" && desiredFractionalDigits > numFractionDigits) {
    out += "0".repeat(desiredFractionalDigits - numFractionDigits);
    numFractionDigits = desiredFractionalDigits;
  }
  if (o.trim !== "k" && numFractionDigits > 0) {
    let end = out.length;
    while (out[end - 1] === "0") {
      end--;
      numFractionDigits--;
    }
    out = out.slice(0, end);
    if (out.endsWith(".")) {
      if (o.trim === "0") {
        out += "0";
        numFractionDigits++;
      } else if (o.trim === "-") {
        out = out.slice(0, -1);
      }
    }
  }
  if (o.padRight >= numFractionDigits) {
    if (o.trim === "-" && numFractionDigits === 0) out += " ";
    out += " ".repeat(o.padRight - numFractionDigits);
  }
  const hasSign = signbit === "" ? 0 : 1;
  out = signbit + out;
  if (o.padLeft > numWholeDigits + hasSign) out = " ".repeat(o.padLeft - (numWholeDigits + hasSign)) + out;
  return out;
}

/** `numpy.core.multiarray.dragon4_scientific` with `unique=True`. */
export function dragon4Scientific(x: number, bits: FloatBits, o: D4Options): string {
  const p = decompose(x, bits);
  if (p.special !== "") return specialString(p, o.sign);
  const signbit = p.negative ? "-" : o.sign ? "+" : "";
  let out = "";
  const leftchars = 1 + (signbit === "" ? 0 : 1);
  if (o.padLeft > leftchars) out += " ".repeat(o.padLeft - leftchars);
  out += signbit;
  const { digits, exp: printExponent } = dragon4(
    p,
    false,
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
  );
  out += digits[0];
  let numFractionDigits = digits.length - 1;
  if (numFractionDigits > 0) out += "." + digits.slice(1);
  if (o.trim !== "-" && numFractionDigits === 0) out += ".";
  const addDigits = o.minDigits < 0 ? 0 : o.minDigits;
  if (o.trim === "0") {
    if (numFractionDigits === 0) {
      out += "0";
      numFractionDigits++;
    }
  } else if (o.trim === "k" && addDigits > numFractionDigits) {
    out += "0".repeat(addDigits - numFractionDigits);
    numFractionDigits = addDigits;
  }
  if (o.trim !== "k" && numFractionDigits > 0) {
    let end = out.length;
    while (out[end - 1] === "0") end--;
    out = out.slice(0, end);
    if (o.trim === "0" && out.endsWith(".")) out += "0";
  }
  let expDigits = o.expDigits;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const e = Math.abs(printExponent);
  out += "e" + (printExponent >= 0 ? "+" : "-") + String(e).padStart(expDigits, "0");
  return out;
}

/** numpy's defaults for {@link D4Options}. */
export const D4_DEFAULTS: D4Options = { precision: -1, minDigits: -1, trim: ".", sign: false, padLeft: -1, padRight: -1, expDigits: -1 };

/** numpy's scalar `repr()` of a float: positional for 1e-4 <= |x| < 1e16 (or 0), else scientific. */
export function floatScalarRepr(x: number, bits: FloatBits): string {
  const v = roundTo(x, bits);
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-4 && a < 1e16)) return dragon4Positional(v, bits, { ...D4_DEFAULTS, trim: "0" });
  return dragon4Scientific(v, bits, { ...D4_DEFAULTS, trim: "-" });
}
