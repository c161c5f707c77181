/**
 * Element access, casting and arithmetic by numpy dtype string, shared by the numcodecs filters.
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
import { CodecError } from "../../errors.ts";

/** A single element value: `bigint` for `i8`/`u8`, `number` for everything else (bools are 0/1). */
export type Scalar = number | bigint;

/**
 * A parsed numpy dtype. Kept separate from the array-level dtype module so the filters depend only
 * on the handful of kinds numcodecs filters can meaningfully process.
 */
export interface FilterDtype {
  /** Normalised numpy `dtype.str`, e.g. `"<i4"`, `"|u1"`, `">f8"`, `"<U4"`. */
  readonly str: string;
  /** numpy kind character: `b i u f` are numeric, `U` unicode, `S M m c V` are opaque here. */
  readonly kind: "b" | "i" | "u" | "f" | "U" | "S" | "M" | "m" | "c" | "V";
  /** Bytes per element. */
  readonly itemsize: number;
  /** True when multi-byte elements are stored little-endian (also true for one-byte dtypes). */
  readonly littleEndian: boolean;
}

const NAMED: Record<string, string> = {
  bool: "b1", bool_: "b1", "?": "b1", bool8: "b1",
  int8: "i1", byte: "i1", b: "i1", int16: "i2", short: "i2", h: "i2", int32: "i4", intc: "i4", i: "i4",
  int64: "i8", int: "i8", int_: "i8", long: "i8", longlong: "i8", intp: "i8", l: "i8", q: "i8", p: "i8",
  uint8: "u1", ubyte: "u1", B: "u1", uint16: "u2", ushort: "u2", H: "u2", uint32: "u4", uintc: "u4", I: "u4",
  uint64: "u8", uint: "u8", ulonglong: "u8", uintp: "u8", L: "u8", Q: "u8", P: "u8",
  float16: "f2", half: "f2", e: "f2", float32: "f4", single: "f4", f: "f4",
  float64: "f8", float: "f8", double: "f8", float_: "f8", d: "f8",
  complex64: "c8", csingle: "c8", F: "c8", complex128: "c16", complex: "c16", cdouble: "c16", D: "c16",
  str: "U0", str_: "U0", unicode: "U0", U: "U0", bytes: "S0", bytes_: "S0", S: "S0", a: "S0",
};

const VALID_SIZES: Record<string, number[]> = {
  b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8], c: [8, 16],
};

const dtypeCache = new Map<string, FilterDtype>();

/**
 * Parse and normalise a numpy dtype spec the way `np.dtype(spec).str` does (`"i4"` → `"<i4"`,
 * `">u1"` → `"|u1"`, `"float32"` → `"<f4"`), because numcodecs writes normalised strings into
 * `get_config()` and compares dtypes after normalisation.
 * Throws {@link CodecError} naming `codec` and `param` when the spec is not understood.
 */
export function parseFilterDtype(spec: unknown, codec: string, param: string): FilterDtype {
  if (typeof spec !== "string" || spec.length === 0) {
    throw new CodecError(`${codec}: parameter '${param}' must be a numpy dtype string, got ${JSON.stringify(spec, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  }
  const cached = dtypeCache.get(spec);
  if (cached) return cached;
  const bad = (why: string) => new CodecError(`${codec}: parameter '${param}' is not a supported numpy dtype: '${spec}' (${why})`);
  let s = spec;
  let order = "";
  if ("<>=|".includes(s[0])) {
    order = s[0];
    s = s.slice(1);
  }
  if (Object.prototype.hasOwnProperty.call(NAMED, s)) {
    if (order && s.length > 1) throw bad("byte order prefix on a dtype name");
    s = NAMED[s];
  }
  if (s === "O" || s === "object") throw bad("object dtypes are not supported by this filter");
  const m = /^([biufcUSaMmV])(\d+)(\[[a-zA-Z0-9]+\])?$/.exec(s);
  if (!m) throw bad("unrecognised");
  const kind = (m[1] === "a" ? "S" : m[1]) as FilterDtype["kind"];
  const n = Number(m[2]);
  const unit = m[3] ?? "";
  let itemsize: number;
  if (kind === "U") itemsize = 4 * n;
  else if (kind === "S" || kind === "V") itemsize = n;
  else if (kind === "M" || kind === "m") {
    if (n !== 8) throw bad("datetime dtypes are 8 bytes");
    if (!unit) throw bad("datetime dtypes need a unit, e.g. M8[ns]");
    itemsize = 8;
  } else {
    if (!VALID_SIZES[kind].includes(n)) throw bad(`no ${n}-byte '${kind}' type`);
    itemsize = n;
  }
  if (unit && kind !== "M" && kind !== "m") throw bad("unit suffix on a non-datetime dtype");
  if (kind === "U" && n === 0) throw bad("zero-length unicode dtype");
  // numpy: byte order only applies to multi-byte, byte-order-sensitive kinds; '=' and '|' mean native.
  const swappable = kind === "U" || (itemsize > 1 && kind !== "S" && kind !== "V");
  const prefix = !swappable ? "|" : order === ">" ? ">" : "<";
  const str = `${prefix}${kind}${n}${unit}`;
  const dt: FilterDtype = { str, kind, itemsize, littleEndian: prefix !== ">" };
  dtypeCache.set(spec, dt);
  return dt;
}

/** True for the kinds the filters can cast and compute with. */
export function isNumeric(dt: FilterDtype): boolean {
  return dt.kind === "b" || dt.kind === "i" || dt.kind === "u" || dt.kind === "f";
}

/** Native-order numeric dtype by kind and size; arithmetic results in numpy are always native. */
export function nativeDtype(kind: "b" | "i" | "u" | "f", itemsize: number): FilterDtype {
  return parseFilterDtype(`${kind === "b" || itemsize === 1 ? "|" : "<"}${kind}${itemsize}`, "internal", "dtype");
}

// ---------------------------------------------------------------------------------------------
// float16

const scratch = new DataView(new ArrayBuffer(8));

/**
 * float64 → float16 bits, ported from numpy's `npy_doublebits_to_halfbits` (round half to even,
 * overflow to inf, NaN payload truncated but kept a NaN) so NaNs and ties match numpy exactly.
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

/** Round a number to the nearest float16 value, kept as a number (used for float16 arithmetic). */
export function roundToHalf(x: number): number {
  return halfBitsToDouble(doubleToHalfBits(x));
}

/** numpy's `rint`/`around(decimals=0)`: round half to even. */
export function rintNumber(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

// ---------------------------------------------------------------------------------------------
// element access

/** Reads element `i` (not byte offset) of a typed view. */
export type ElementReader = (dv: DataView, i: number) => Scalar;
/** Writes element `i` of a typed view; the value must already be in the dtype's domain. */
export type ElementWriter = (dv: DataView, i: number, v: Scalar) => void;

/**
 * A reader for a numeric dtype. Built once per call so the per-element hot loop is a
 * monomorphic closure over `DataView` getters in the right byte order.
 */
export function elementReader(dt: FilterDtype): ElementReader {
  const le = dt.littleEndian;
  switch (dt.str.slice(1)) {
    case "b1": return (dv, i) => (dv.getUint8(i) !== 0 ? 1 : 0);
    case "i1": return (dv, i) => dv.getInt8(i);
    case "u1": return (dv, i) => dv.getUint8(i);
    case "i2": return (dv, i) => dv.getInt16(2 * i, le);
    case "u2": return (dv, i) => dv.getUint16(2 * i, le);
    case "i4": return (dv, i) => dv.getInt32(4 * i, le);
    case "u4": return (dv, i) => dv.getUint32(4 * i, le);
    case "i8": return (dv, i) => dv.getBigInt64(8 * i, le);
    case "u8": return (dv, i) => dv.getBigUint64(8 * i, le);
    case "f2": return (dv, i) => halfBitsToDouble(dv.getUint16(2 * i, le));
    case "f4": return (dv, i) => dv.getFloat32(4 * i, le);
    case "f8": return (dv, i) => dv.getFloat64(8 * i, le);
  }
  throw new CodecError(`no numeric element reader for dtype '${dt.str}'`);
}

/** A writer for a numeric dtype; see {@link elementReader}. */
export function elementWriter(dt: FilterDtype): ElementWriter {
  const le = dt.littleEndian;
  switch (dt.str.slice(1)) {
    case "b1": return (dv, i, v) => dv.setUint8(i, v ? 1 : 0);
    case "i1": return (dv, i, v) => dv.setInt8(i, v as number);
    case "u1": return (dv, i, v) => dv.setUint8(i, v as number);
    case "i2": return (dv, i, v) => dv.setInt16(2 * i, v as number, le);
    case "u2": return (dv, i, v) => dv.setUint16(2 * i, v as number, le);
    case "i4": return (dv, i, v) => dv.setInt32(4 * i, v as number, le);
    case "u4": return (dv, i, v) => dv.setUint32(4 * i, v as number, le);
    case "i8": return (dv, i, v) => dv.setBigInt64(8 * i, v as bigint, le);
    case "u8": return (dv, i, v) => dv.setBigUint64(8 * i, v as bigint, le);
    case "f2": return (dv, i, v) => dv.setUint16(2 * i, doubleToHalfBits(v as number), le);
    case "f4": return (dv, i, v) => dv.setFloat32(4 * i, v as number, le);
    case "f8": return (dv, i, v) => dv.setFloat64(8 * i, v as number, le);
  }
  throw new CodecError(`no numeric element writer for dtype '${dt.str}'`);
}

/** A DataView over exactly the bytes of `u8`. */
export function viewOf(u8: Uint8Array): DataView {
  return new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
}

/**
 * Number of elements of `dt` in `bytes`; throws like numpy's `.view(dtype)` does when the byte
 * count is not a multiple of the item size.
 */
export function elementCount(bytes: Uint8Array, dt: FilterDtype, codec: string, param: string): number {
  if (bytes.byteLength % dt.itemsize !== 0) {
    throw new CodecError(
      `${codec}: buffer of ${bytes.byteLength} bytes is not a whole number of '${dt.str}' elements (parameter '${param}')`,
    );
  }
  return bytes.byteLength / dt.itemsize;
}

/** Read every element of a numeric buffer. */
export function readValues(bytes: Uint8Array, dt: FilterDtype): Scalar[] {
  const n = bytes.byteLength / dt.itemsize;
  const rd = elementReader(dt);
  const dv = viewOf(bytes);
  const out = new Array<Scalar>(n);
  for (let i = 0; i < n; i++) out[i] = rd(dv, i);
  return out;
}

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

/** Reverse the bytes of every `size`-byte group, for byte-order-only casts. */
export function byteswap(src: Uint8Array, size: number, dst?: Uint8Array): Uint8Array {
  const out = dst ?? new Uint8Array(src.byteLength);
  if (size <= 1) {
    out.set(src);
    return out;
  }
  for (let i = 0; i < src.byteLength; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = src[i + size - 1 - j];
  }
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
const TWO63 = 9223372036854775808;
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
function wrapInt(v: Scalar, to: FilterDtype): Scalar {
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
function integerToFloat32(v: Scalar): number {
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

// ---------------------------------------------------------------------------------------------
// numpy 1.24 value-based promotion and arithmetic

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

// ---------------------------------------------------------------------------------------------
// unicode (UCS-4) elements

/** Code points of element `i` of a `U<n>` buffer, with numpy's trailing-NUL stripping. */
export function readCodePoints(dv: DataView, i: number, dt: FilterDtype): number[] {
  const n = dt.itemsize / 4;
  const base = i * dt.itemsize;
  let len = n;
  while (len > 0 && dv.getUint32(base + 4 * (len - 1), dt.littleEndian) === 0) len--;
  const out = new Array<number>(len);
  for (let k = 0; k < len; k++) out[k] = dv.getUint32(base + 4 * k, dt.littleEndian);
  return out;
}

/** Write code points into element `i` of a `U<n>` buffer, truncating and NUL-padding as numpy does. */
export function writeCodePoints(dv: DataView, i: number, dt: FilterDtype, cps: number[]): void {
  const n = dt.itemsize / 4;
  const base = i * dt.itemsize;
  for (let k = 0; k < n; k++) dv.setUint32(base + 4 * k, k < cps.length ? cps[k] : 0, dt.littleEndian);
}

/** Code points of a JS string, with trailing NULs removed (numpy ignores them when comparing). */
export function stringCodePoints(s: string): number[] {
  const cps: number[] = [];
  for (const ch of s) cps.push(ch.codePointAt(0)!);
  while (cps.length > 0 && cps[cps.length - 1] === 0) cps.pop();
  return cps;
}

// ---------------------------------------------------------------------------------------------
// Python reprs

/** Python's `repr()` of a float (shortest round-trip digits, `1e-05`, `1e+16`, `10.0`). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e");
  const exp = Number(expStr);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let body: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp < 0) {
    body = `0.${"0".repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    body = `${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${body}` : body;
}

/**
 * Python's `str()` of a config number. Integral values print as Python ints because JSON parsing
 * loses the int/float distinction and numcodecs configs normally hold ints there.
 */
export function pyNumberStr(x: number): string {
  if (Number.isInteger(x)) return BigInt(x).toString();
  return pyFloatRepr(x);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a str: quote choice, escapes, and non-printable code points as `\x`/`\u`/`\U`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += "\\x" + cp.toString(16).padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).padStart(4, "0");
      else out += "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

// ---------------------------------------------------------------------------------------------
// codec plumbing shared by the filter, checksum and base64 codecs

/**
 * numcodecs' `from_config` is `cls(**config)`, so an unknown key is a TypeError there; rejecting it
 * here keeps a typo in `.zarray` from being silently ignored. Also checks the id.
 */
export function checkConfig(config: unknown, id: string, codec: string, allowed: readonly string[]): Record<string, unknown> {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new CodecError(`${codec}: configuration must be an object, got ${JSON.stringify(config, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  }
  const c = config as Record<string, unknown>;
  if (c.id !== undefined && c.id !== id) throw new CodecError(`${codec}: configuration id must be '${id}', got ${JSON.stringify(c.id, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  for (const k of Object.keys(c)) {
    if (k !== "id" && !allowed.includes(k)) {
      throw new CodecError(`${codec}: unexpected configuration parameter '${k}' (expected ${allowed.map((a) => `'${a}'`).join(", ") || "none"})`);
    }
  }
  return c;
}

/**
 * numcodecs' `ndarray_copy(dec, out)`: when the caller supplies an output buffer of exactly the
 * decoded size, fill it and return it; otherwise return the freshly decoded bytes.
 */
export function deliver(decoded: Uint8Array, out?: Uint8Array): Uint8Array {
  if (out && out.byteLength === decoded.byteLength) {
    if (out !== decoded) out.set(decoded);
    return out;
  }
  return decoded;
}
