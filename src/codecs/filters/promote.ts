/**
 * numpy 1.24's value-based type promotion between an array and a Python scalar, and its ufunc
 * arithmetic loops (wrapping ints, per-operation float rounding, x86 NaN propagation).
 * @module
 */
import { roundToHalf } from "../../dtype/float16.ts";
import { CodecError } from "../../errors.ts";
import { wrapInt } from "./cast.ts";
import { type FilterDtype, nativeDtype, type Scalar } from "./filter-dtype.ts";

/** A Python scalar from a codec config: numpy's promotion depends on int vs float. */
export interface PyScalar {
  value: number;
  isInt: boolean;
}

/** Treat integral JSON numbers as Python ints (JSON cannot tell `1000` from `1000.0` once parsed). */
export function pyScalar(value: number): PyScalar {
  return { value, isInt: Number.isInteger(value) };
}

function category(kind: string): number {
  return kind === "b" ? 0 : kind === "i" || kind === "u" ? 1 : 2;
}

/** `np.promote_types` restricted to bool/int/uint/float, result in native byte order. */
export function promoteTypes(a: FilterDtype, b: FilterDtype): FilterDtype {
  const ka = a.kind as "b" | "i" | "u" | "f";
  const kb = b.kind as "b" | "i" | "u" | "f";
  if (ka === "b") return nativeDtype(kb, b.itemsize);
  if (kb === "b") return nativeDtype(ka, a.itemsize);
  if (ka === kb) return nativeDtype(ka, Math.max(a.itemsize, b.itemsize));
  if (ka === "f" || kb === "f") {
    const [f, n] = ka === "f" ? [a, b] : [b, a];
    const need = n.itemsize === 1 ? 2 : n.itemsize === 2 ? 4 : 8;
    return nativeDtype("f", Math.max(f.itemsize, need));
  }
  const [s, u] = ka === "i" ? [a, b] : [b, a];
  if (u.itemsize < s.itemsize) return nativeDtype("i", s.itemsize);
  if (u.itemsize < 8) return nativeDtype("i", u.itemsize * 2);
  return nativeDtype("f", 8);
}

/** `np.min_scalar_type` for a Python int, plus numpy's "small unsigned" flag. */
function minIntType(v: number): { dt: FilterDtype; smallUnsigned: boolean } {
  if (!Number.isInteger(v)) throw new CodecError(`internal: ${v} is not an integer`);
  for (const size of [1, 2, 4, 8]) {
    const half = 2 ** (8 * size - 1);
    if (v >= 0 && v < 2 * half) return { dt: nativeDtype("u", size), smallUnsigned: v < half };
    if (v < 0 && v >= -half) return { dt: nativeDtype("i", size), smallUnsigned: false };
  }
  throw new CodecError(`integer ${v} does not fit a 64-bit numpy integer`);
}

/** `np.min_scalar_type` for a Python float (numpy uses the ±65000 and ±3.4e38 thresholds). */
function minFloatType(v: number): FilterDtype {
  if (Number.isNaN(v) || !Number.isFinite(v) || (v > -65000 && v < 65000)) return nativeDtype("f", 2);
  if (v > -3.4e38 && v < 3.4e38) return nativeDtype("f", 4);
  return nativeDtype("f", 8);
}

/**
 * The dtype numpy 1.24 computes `array <op> python_scalar` in (legacy value-based casting): a
 * scalar of the same or lower category contributes its minimal type, a higher-category one its
 * default type (int64/uint64 or float64).
 */
export function resultTypeWithScalar(arr: FilterDtype, s: PyScalar): FilterDtype {
  const ac = category(arr.kind);
  const sc = s.isInt ? 1 : 2;
  if (sc <= ac) {
    if (s.isInt) {
      const { dt, smallUnsigned } = minIntType(s.value);
      const st = smallUnsigned && arr.kind === "i" ? nativeDtype("i", dt.itemsize) : dt;
      return promoteTypes(arr, st);
    }
    return promoteTypes(arr, minFloatType(s.value));
  }
  const def = s.isInt ? (s.value >= 2 ** 63 ? nativeDtype("u", 8) : nativeDtype("i", 8)) : nativeDtype("f", 8);
  return promoteTypes(arr, def);
}

/** The dtype of `array / python_scalar`: integer and bool operands are divided as float64. */
export function trueDivideType(arr: FilterDtype, s: PyScalar): FilterDtype {
  const t = resultTypeWithScalar(arr, s);
  return t.kind === "f" ? t : nativeDtype("f", 8);
}

/** Convert a Python scalar to dtype `t` as numpy does before a ufunc loop (via int64/float64). */
export function pyScalarTo(s: PyScalar, t: FilterDtype): Scalar {
  if (t.kind === "f") {
    if (t.itemsize === 8) return s.value;
    if (t.itemsize === 4) return Math.fround(s.value);
    return s.isInt ? roundToHalf(Math.fround(s.value)) : roundToHalf(s.value);
  }
  if (t.kind === "b") return s.value !== 0 ? 1 : 0;
  if (t.itemsize === 8) return wrapInt(BigInt(s.value), t);
  return wrapInt(s.value, t);
}

/** The binary operations the filters need. */
export type BinaryOp = "+" | "-" | "*" | "/";

/**
 * A ufunc loop for dtype `t`: floats round per operation (float16 via float32, as numpy's half
 * loops do), integers wrap at their width. Bool `+` is logical or and bool `-` is `!=`, which is
 * what `np.cumsum`/`np.diff` do on bool arrays.
 */
export function binaryOp(t: FilterDtype, op: BinaryOp): (a: Scalar, b: Scalar) => Scalar {
  if (t.kind === "f") {
    const f = floatOp(op, t.itemsize === 2);
    if (t.itemsize === 8) return f as (a: Scalar, b: Scalar) => Scalar;
    if (t.itemsize === 4) return (a, b) => Math.fround(f(a as number, b as number));
    return (a, b) => roundToHalf(Math.fround(f(a as number, b as number)));
  }
  if (t.kind === "b") {
    if (op === "+") return (a, b) => (a || b ? 1 : 0);
    if (op === "-") return (a, b) => (a !== b ? 1 : 0);
    if (op === "*") return (a, b) => (a && b ? 1 : 0);
    throw new CodecError("bool true division is not supported");
  }
  if (op === "/") throw new CodecError("integer true division must go through float64");
  if (t.itemsize === 8) {
    const wrap = t.kind === "i" ? (x: bigint) => BigInt.asIntN(64, x) : (x: bigint) => BigInt.asUintN(64, x);
    if (op === "+") return (a, b) => wrap((a as bigint) + (b as bigint));
    if (op === "-") return (a, b) => wrap((a as bigint) - (b as bigint));
    return (a, b) => wrap((a as bigint) * (b as bigint));
  }
  if (op === "+") return (a, b) => wrapInt((a as number) + (b as number), t);
  if (op === "-") return (a, b) => wrapInt((a as number) - (b as number), t);
  return (a, b) => wrapInt(Math.imul(a as number, b as number), t);
}

/**
 * IEEE ops with x86 NaN propagation. When both operands are NaN, SSE returns one of them
 * (quieted) and which one depends on how numpy's loop was compiled: measured on Debian's numpy
 * 1.24, float32/float64 loops return the first operand, float16 add/multiply the second. V8 may
 * commute operands, so that case is made explicit (`x + 0` quiets `x`, keeping sign and payload).
 */
function floatOp(op: BinaryOp, half: boolean): (a: number, b: number) => number {
  const second = half && (op === "+" || op === "*");
  const nan = second ? (_a: number, b: number) => b + 0 : (a: number, _b: number) => a + 0;
  switch (op) {
    case "+": return (a, b) => (a !== a && b !== b ? nan(a, b) : a + b);
    case "-": return (a, b) => (a !== a && b !== b ? nan(a, b) : a - b);
    case "*": return (a, b) => (a !== a && b !== b ? nan(a, b) : a * b);
    case "/": return (a, b) => (a !== a && b !== b ? nan(a, b) : a / b);
  }
}
