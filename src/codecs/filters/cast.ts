/**
 * numpy 1.24 casts between filter dtypes, on single values and on whole buffers.
 *
 * The filters must reproduce numpy 1.24 (the numpy Debian's numcodecs 0.11 runs on) bit for bit,
 * so this module models what numpy actually does rather than what would be mathematically nicest:
 * float→int casts follow the x86-64 truncating instructions numpy's C loops compile to (including
 * their out-of-range results), float16 conversions follow numpy's `halffloat.c` (float16 arithmetic
 * is done in float32 and rounded back), and arithmetic between an array and a Python scalar uses
 * numpy 1.24's value-based type promotion.
 *
 * Values are plain `number`s for every kind except 64-bit integers, which are `bigint`s.
 * @module
 */
import { roundToHalf } from "../../dtype/float16.ts";
import { CodecError } from "../../errors.ts";
import { type FilterDtype, isNumeric, type Scalar } from "./filter-dtype.ts";
import { byteswap, elementReader, elementWriter, readValues, viewOf } from "./values.ts";

/**
 * Cast `values` (in dtype `from`) to dtype `to` and write them, with numpy's array-cast semantics
 * (see {@link makeCaster}): numpy's SIMD loop covers all but the last `n % 4` elements, which
 * matters for float→uint32 out-of-range values.
 */
export function writeValues(values: Scalar[], from: FilterDtype, to: FilterDtype, dst?: Uint8Array): Uint8Array {
  const n = values.length;
  const out = dst ?? new Uint8Array(n * to.itemsize);
  const wr = elementWriter(to);
  const dv = viewOf(out);
  const bulk = n - (n % 4);
  if (sameNumericType(from, to)) {
    for (let i = 0; i < n; i++) wr(dv, i, values[i]);
  } else {
    const cast = makeCaster(from, to);
    for (let i = 0; i < n; i++) wr(dv, i, cast(values[i], i < bulk));
  }
  return out;
}

function sameNumericType(a: FilterDtype, b: FilterDtype): boolean {
  return a.kind === b.kind && a.itemsize === b.itemsize;
}

/**
 * Read each element of `src` (dtype `from`), map it with `fn` to a value of dtype `mid`, and write
 * it cast to `to` with numpy's array-cast rules. Streams element by element, so the lossy filters
 * need no intermediate arrays.
 */
export function transformValues(
  src: Uint8Array,
  from: FilterDtype,
  mid: FilterDtype,
  to: FilterDtype,
  fn: (v: Scalar) => Scalar,
  dst?: Uint8Array,
): Uint8Array {
  const n = src.byteLength / from.itemsize;
  const out = dst ?? new Uint8Array(n * to.itemsize);
  const rd = elementReader(from);
  const wr = elementWriter(to);
  const sv = viewOf(src);
  const ov = viewOf(out);
  const cast = makeCaster(mid, to);
  const bulk = n - (n % 4);
  for (let i = 0; i < n; i++) wr(ov, i, cast(fn(rd(sv, i)), i < bulk));
  return out;
}
/**
 * `arr.view(from).astype(to)` on raw bytes. Same-kind same-size casts (including byte-order
 * changes) are pure byte copies so NaN payloads survive exactly, as in numpy.
 */
export function castArray(src: Uint8Array, from: FilterDtype, to: FilterDtype, codec: string, dst?: Uint8Array): Uint8Array {
  if (dst && dst.buffer === src.buffer) {
    // Element sizes may differ, so never cast in place; fill the destination afterwards.
    const tmp = castArray(src, from, to, codec);
    dst.set(tmp);
    return dst;
  }
  if (from.kind === to.kind && from.itemsize === to.itemsize && (from.kind !== "U" || from.str.slice(1) === to.str.slice(1))) {
    if (from.littleEndian === to.littleEndian || from.kind === "S" || from.kind === "V") {
      const out = dst ?? new Uint8Array(src.byteLength);
      out.set(src);
      return out;
    }
    const unit = from.kind === "c" ? from.itemsize / 2 : from.kind === "U" ? 4 : from.itemsize;
    return byteswap(src, unit, dst);
  }
  if (!isNumeric(from) || !isNumeric(to)) {
    throw new CodecError(`${codec}: casting from '${from.str}' to '${to.str}' is not supported`);
  }
  if (from.kind === "f" && to.kind === "f") return castFloatArray(src, from, to, dst);
  return writeValues(readValues(src, from), from, to, dst);
}

/**
 * float↔float casts bit-level so NaN payloads and signs follow the hardware/numpy conversions
 * (x86 `cvtsd2ss`/`cvtss2sd` quiet the NaN; numpy's half conversions do not).
 */
function castFloatArray(src: Uint8Array, from: FilterDtype, to: FilterDtype, dst?: Uint8Array): Uint8Array {
  const n = src.byteLength / from.itemsize;
  const out = dst ?? new Uint8Array(n * to.itemsize);
  const sv = viewOf(src);
  const ov = viewOf(out);
  const rd = elementReader(from);
  const wr = elementWriter(to);
  const cast = makeCaster(from, to);
  const fle = from.littleEndian;
  const tle = to.littleEndian;
  for (let i = 0; i < n; i++) {
    const v = rd(sv, i) as number;
    if (v === v) {
      wr(ov, i, cast(v, false));
      continue;
    }
    // NaN: compute the target bits from the source bits.
    let sign: number;
    let payloadTop: number; // top 22 mantissa bits (f4 layout)
    if (from.itemsize === 8) {
      const hi = sv.getUint32(8 * i + (fle ? 4 : 0), fle);
      const lo = sv.getUint32(8 * i + (fle ? 0 : 4), fle);
      sign = hi >>> 31;
      payloadTop = ((hi & 0xfffff) << 3) | (lo >>> 29);
    } else if (from.itemsize === 4) {
      const b = sv.getUint32(4 * i, fle);
      sign = b >>> 31;
      payloadTop = b & 0x7fffff;
    } else {
      const h = sv.getUint16(2 * i, fle);
      sign = h >>> 15;
      payloadTop = (h & 0x3ff) << 13;
    }
    const quiet = from.itemsize !== 2; // x86 conversions set the quiet bit; half conversions do not
    if (to.itemsize === 2) {
      let ret = 0x7c00 + (payloadTop >>> 13);
      if (ret === 0x7c00) ret++;
      ov.setUint16(2 * i, (sign << 15) + ret, tle);
    } else if (to.itemsize === 4) {
      const bits = ((sign << 31) | 0x7f800000 | payloadTop | (quiet ? 0x400000 : 0)) >>> 0;
      ov.setUint32(4 * i, bits, tle);
    } else {
      let hi = ((sign << 31) | 0x7ff00000 | (payloadTop >>> 3)) >>> 0;
      if (quiet) hi = (hi | 0x80000) >>> 0;
      const lo = (payloadTop & 7) << 29;
      if (from.itemsize === 8) {
        // f8 → f8 with only a byte-order change never reaches here (handled as a byte copy).
        ov.setFloat64(8 * i, NaN, tle);
      } else {
        ov.setUint32(8 * i + (tle ? 4 : 0), hi, tle);
        ov.setUint32(8 * i + (tle ? 0 : 4), lo >>> 0, tle);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// scalar casts

const TWO31 = 2147483648;
/** 2^63 as a number, the edge of a C long. */
export const TWO63 = 9223372036854775808;
const TWO63N = 1n << 63n;

/** x86 `cvttsd2si` to 32 bits: truncation, with 0x80000000 for NaN and out-of-range values. */
function cvtt32(x: number): number {
  if (x > -2147483649 && x < TWO31) return Math.trunc(x) | 0;
  return -TWO31;
}

/** x86 `cvttsd2si` to 64 bits: truncation, with 0x8000000000000000 for NaN and out-of-range. */
function cvtt64(x: number): bigint {
  if (x >= -TWO63 && x < TWO63) return BigInt(Math.trunc(x));
  return -TWO63N;
}

/** Converts one value; `vectorized` marks elements numpy's SIMD bulk loop would handle. */
export type Caster = (v: Scalar, vectorized: boolean) => Scalar;

/**
 * numpy's float → integer cast. In range it truncates toward zero; out of range (undefined
 * behaviour in C) it reproduces what numpy 1.24's x86-64 loops produce, measured with Debian's
 * build: 8/16/32-bit targets go through a 32-bit truncation and keep the low bits, 64-bit targets
 * through a 64-bit one. `uint32` differs between numpy's vectorised bulk loop and its scalar
 * tail/scalar assignment, hence `vectorized` (float16 sources always take the scalar path).
 */
function floatToIntCaster(to: FilterDtype, half: boolean): Caster {
  switch (`${to.kind}${to.itemsize}`) {
    case "i1": return (x) => (cvtt32(x as number) << 24) >> 24;
    case "u1": return (x) => cvtt32(x as number) & 0xff;
    case "i2": return (x) => (cvtt32(x as number) << 16) >> 16;
    case "u2": return (x) => cvtt32(x as number) & 0xffff;
    case "i4": return (x) => cvtt32(x as number);
    case "u4":
      return (v, vectorized) => {
        const x = v as number;
        if (vectorized && !half) return x >= TWO31 ? (cvtt32(x - TWO31) ^ -TWO31) >>> 0 : cvtt32(x) >>> 0;
        // cvttsd2si to 64 bits, low 32 bits kept (ToUint32 is exact modulo 2^32).
        return x >= -TWO63 && x < TWO63 ? Math.trunc(x) >>> 0 : 0;
      };
    case "i8": return (x) => cvtt64(x as number);
    case "u8":
      return (v) => {
        const x = v as number;
        if (x >= TWO63) return BigInt.asUintN(64, cvtt64(x - TWO63) ^ -TWO63N);
        return BigInt.asUintN(64, cvtt64(x));
      };
  }
  throw new CodecError(`cannot cast to '${to.str}'`);
}

/** Wrap an integer into a fixed-width integer type (numpy int→int casts are modular). */
export function wrapInt(v: Scalar, to: FilterDtype): Scalar {
  const bits = to.itemsize * 8;
  const signed = to.kind === "i";
  if (bits === 64) {
    const b = typeof v === "bigint" ? v : BigInt(v);
    return signed ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b);
  }
  let n: number;
  if (typeof v === "bigint") n = Number(BigInt.asIntN(32, v));
  else n = v;
  if (bits === 32) return signed ? n | 0 : n >>> 0;
  const sh = 32 - bits;
  return signed ? (n << sh) >> sh : n & ((1 << bits) - 1);
}

/** A bigint (or safe integer) rounded once, correctly, to float32 (as x86 `cvtsi2ss` does). */
export function integerToFloat32(v: Scalar): number {
  if (typeof v === "number") return Math.fround(v);
  const neg = v < 0n;
  let a = neg ? -v : v;
  const bitlen = a.toString(2).length;
  if (bitlen > 53) {
    // Round to odd at 53 bits so the final rounding to 24 bits is not a double rounding.
    const shift = BigInt(bitlen - 53);
    const sticky = (a & ((1n << shift) - 1n)) !== 0n;
    a = ((a >> shift) | (sticky ? 1n : 0n)) << shift;
  }
  const r = Math.fround(Number(a));
  return neg ? -r : r;
}

const casterCache = new Map<string, Caster>();

/**
 * A converter from `from` to `to` with numpy 1.24's x86-64 cast semantics: bool is `!= 0` (NaN is
 * true), ints wrap, floats truncate (see `floatToIntCaster`), int→float rounds once to
 * nearest-even except int→float16, which numpy routes through float32. Resolved once per dtype
 * pair so per-element loops do no dispatch.
 */
export function makeCaster(from: FilterDtype, to: FilterDtype): Caster {
  const key = `${from.kind}${from.itemsize}>${to.kind}${to.itemsize}`;
  let c = casterCache.get(key);
  if (!c) {
    c = buildCaster(from, to);
    casterCache.set(key, c);
  }
  return c;
}

function buildCaster(from: FilterDtype, to: FilterDtype): Caster {
  const same = from.kind === to.kind && from.itemsize === to.itemsize;
  if (same) return (v) => v;
  switch (to.kind) {
    case "b":
      return (v) => (typeof v === "bigint" ? (v !== 0n ? 1 : 0) : v !== 0 ? 1 : 0);
    case "i":
    case "u":
      if (from.kind === "f") return floatToIntCaster(to, from.itemsize === 2);
      return (v) => wrapInt(v, to);
    case "f":
      if (from.kind === "f") {
        if (to.itemsize === 8 || from.itemsize === 2) return (v) => v;
        if (to.itemsize === 4) return (v) => Math.fround(v as number);
        return (v) => roundToHalf(v as number);
      }
      if (to.itemsize === 8) return (v) => Number(v);
      if (to.itemsize === 4) return (v) => integerToFloat32(v);
      return (v) => roundToHalf(integerToFloat32(v));
  }
  throw new CodecError(`cannot cast '${from.str}' to '${to.str}'`);
}

/** One-off form of {@link makeCaster}. */
export function castScalar(v: Scalar, from: FilterDtype, to: FilterDtype, vectorized = false): Scalar {
  return makeCaster(from, to)(v, vectorized);
}

/**
 * `arr[i] = numpy_scalar`, which in numpy 1.24 is not always the array cast: a float scalar stored
 * into a signed integer array goes through Python's `int()` (NaN → ValueError, |x| ≥ 2^63 →
 * OverflowError, otherwise truncate and wrap), and a uint64 scalar ≥ 2^63 overflows a signed
 * target. Everything else matches {@link castScalar} on numpy's scalar (non-SIMD) path.
 */
export function setitemScalar(v: Scalar, from: FilterDtype, to: FilterDtype, codec: string): Scalar {
  if (to.kind === "i") {
    if (from.kind === "f") {
      const x = v as number;
      if (Number.isNaN(x)) throw new CodecError(`${codec}: cannot convert float NaN to integer '${to.str}'`);
      const t = Math.trunc(x);
      if (!(t >= -TWO63 && t < TWO63)) throw new CodecError(`${codec}: float ${x} does not fit a C long for '${to.str}'`);
      return wrapInt(BigInt(t), to);
    }
    if (from.kind === "u" && from.itemsize === 8 && (v as bigint) >= TWO63N) {
      throw new CodecError(`${codec}: uint64 value ${v} does not fit a C long for '${to.str}'`);
    }
  }
  return castScalar(v, from, to, false);
}
