/**
 * How elements of each dtype live in memory, and element get/set. Numeric dtypes live in a typed
 * array in the machine's (little-endian) byte order — big-endian data is swapped at the chunk
 * boundary — while bytes, unicode and structured dtypes stay as raw bytes in the dtype's own layout.
 * @module
 */
import { DtypeError } from "../errors.ts";
import { datetimeCount } from "./datetime.ts";
import { timeValue } from "./datetime-value.ts";
import { describeValue as describe } from "./describe.ts";
import { doubleToHalfBits as floatToHalf, halfBitsToDouble as halfToFloat } from "./float16.ts";
import type { DType } from "./types.ts";

export { NAT } from "./datetime.ts";
export { floatToHalf, halfToFloat } from "./float16.ts";

/** Any typed array zarrflow uses as element storage. */
export type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** Element storage: a typed array for fixed-size dtypes, a plain array for object dtypes. */
export type DataArray = TypedArray | unknown[];

type TypedArrayCtor = { new (n: number): TypedArray; new (b: ArrayBufferLike, off: number, len: number): TypedArray; BYTES_PER_ELEMENT: number };

/**
 * The typed-array "lane" type for a dtype and how many lanes make one element. Complex numbers use
 * two float lanes; bytes, unicode and structured dtypes use `itemsize` byte lanes.
 */
export function laneInfo(dt: DType): { ctor: TypedArrayCtor; lanes: number } {
  switch (dt.kind) {
    case "b": return { ctor: Uint8Array as unknown as TypedArrayCtor, lanes: 1 };
    case "i":
      return { ctor: ({ 1: Int8Array, 2: Int16Array, 4: Int32Array, 8: BigInt64Array } as Record<number, unknown>)[dt.itemsize] as TypedArrayCtor, lanes: 1 };
    case "u":
      return { ctor: ({ 1: Uint8Array, 2: Uint16Array, 4: Uint32Array, 8: BigUint64Array } as Record<number, unknown>)[dt.itemsize] as TypedArrayCtor, lanes: 1 };
    case "f":
      return { ctor: ({ 2: Uint16Array, 4: Float32Array, 8: Float64Array } as Record<number, unknown>)[dt.itemsize] as TypedArrayCtor, lanes: 1 };
    case "c":
      return { ctor: (dt.itemsize === 8 ? Float32Array : Float64Array) as unknown as TypedArrayCtor, lanes: 2 };
    case "M":
    case "m":
      return { ctor: BigInt64Array as unknown as TypedArrayCtor, lanes: 1 };
    case "S":
    case "U":
    case "V":
      return { ctor: Uint8Array as unknown as TypedArrayCtor, lanes: dt.itemsize };
    default:
      throw new DtypeError(`dtype '${dt.str}' has no fixed-size memory layout`);
  }
}

/** Allocate zeroed storage for `n` elements, on a SharedArrayBuffer when `shared`. */
export function allocate(dt: DType, n: number, shared = false): DataArray {
  if (dt.kind === "O") return new Array(n).fill(null);
  const { ctor, lanes } = laneInfo(dt);
  if (!shared) return new ctor(n * lanes);
  const buf = new SharedArrayBuffer(n * lanes * ctor.BYTES_PER_ELEMENT);
  return new ctor(buf, 0, n * lanes);
}

/**
 * View raw bytes (already in machine byte order for numeric dtypes) as element storage without a
 * copy when alignment allows; unaligned input is copied once.
 */
export function viewBytes(dt: DType, bytes: Uint8Array): TypedArray {
  const { ctor } = laneInfo(dt);
  const size = ctor.BYTES_PER_ELEMENT;
  if (size === 1) return ctor === Uint8Array ? bytes : new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength % size !== 0) throw new DtypeError(`${bytes.byteLength} bytes is not a whole number of '${dt.str}' elements`);
  if (bytes.byteOffset % size === 0) return new ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / size);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new ctor(copy.buffer, 0, bytes.byteLength / size);
}

/** The bytes behind element storage (no copy). */
export function asBytes(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Reverse the byte order of each `width`-byte word in place (big-endian ⇄ machine order). */
export function byteswapInPlace(bytes: Uint8Array, width: number): void {
  if (width <= 1) return;
  if (width === 2) {
    for (let i = 0; i + 1 < bytes.length; i += 2) { const t = bytes[i]; bytes[i] = bytes[i + 1]; bytes[i + 1] = t; }
    return;
  }
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) { const t = bytes[a]; bytes[a] = bytes[b]; bytes[b] = t; }
  }
}

/**
 * The width of the words to swap when a numeric dtype's stored bytes differ from machine order:
 * 0 when no swap is needed (little-endian or single-byte), else the lane size.
 */
export function swapWidth(dt: DType): number {
  if (dt.byteorder !== ">") return 0;
  if (dt.kind === "c") return dt.itemsize / 2;
  if ("iufMmb".includes(dt.kind)) return dt.itemsize;
  return 0; // S/U/V keep their stored layout
}

// ---- element access ----


/** Decode one element at byte offset `off` of raw bytes in the dtype's stored layout. */
export function decodeRawElement(dt: DType, bytes: Uint8Array, off: number): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, dt.itemsize);
  const le = dt.byteorder !== ">";
  switch (dt.kind) {
    case "b": return bytes[off] !== 0;
    case "i":
      return dt.itemsize === 1 ? dv.getInt8(0) : dt.itemsize === 2 ? dv.getInt16(0, le) : dt.itemsize === 4 ? dv.getInt32(0, le) : dv.getBigInt64(0, le);
    case "u":
      return dt.itemsize === 1 ? dv.getUint8(0) : dt.itemsize === 2 ? dv.getUint16(0, le) : dt.itemsize === 4 ? dv.getUint32(0, le) : dv.getBigUint64(0, le);
    case "f":
      return dt.itemsize === 2 ? halfToFloat(dv.getUint16(0, le)) : dt.itemsize === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
    case "c":
      return dt.itemsize === 8 ? [dv.getFloat32(0, le), dv.getFloat32(4, le)] : [dv.getFloat64(0, le), dv.getFloat64(8, le)];
    case "M":
    case "m":
      return dv.getBigInt64(0, le);
    case "S": {
      let end = off + dt.itemsize;
      while (end > off && bytes[end - 1] === 0) end--;
      return bytes.slice(off, end);
    }
    case "U": {
      let s = "";
      for (let k = 0; k < dt.itemsize; k += 4) {
        const cp = dv.getUint32(k, le);
        if (cp === 0) {
          // numpy strips trailing NULs only; an interior NUL is kept
          let rest = false;
          for (let j = k + 4; j < dt.itemsize; j += 4) if (dv.getUint32(j, le) !== 0) rest = true;
          if (!rest) break;
        }
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case "V": {
      const out: Record<string, unknown> = {};
      for (const f of dt.fields!) out[f.name] = decodeRawElement(f.dtype, bytes, off + f.offset);
      return out;
    }
    default:
      throw new DtypeError(`cannot decode elements of dtype '${dt.str}'`);
  }
}

/** Encode one element into raw bytes in the dtype's stored layout at byte offset `off`. */
export function encodeRawElement(dt: DType, bytes: Uint8Array, off: number, value: unknown): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, dt.itemsize);
  const le = dt.byteorder !== ">";
  switch (dt.kind) {
    case "b": bytes[off] = toBool(value) ? 1 : 0; return;
    case "i":
    case "u": {
      if (dt.itemsize === 8) {
        const b = toBigInt(value, dt);
        if (dt.kind === "i") dv.setBigInt64(0, BigInt.asIntN(64, b), le);
        else dv.setBigUint64(0, BigInt.asUintN(64, b), le);
        return;
      }
      const n = toIntNumber(value, dt);
      if (dt.itemsize === 1) dv.setUint8(0, n & 0xff);
      else if (dt.itemsize === 2) dv.setUint16(0, n & 0xffff, le);
      else dv.setUint32(0, n >>> 0, le);
      return;
    }
    case "f": {
      const n = toNumber(value, dt);
      if (dt.itemsize === 2) dv.setUint16(0, floatToHalf(n), le);
      else if (dt.itemsize === 4) dv.setFloat32(0, n, le);
      else dv.setFloat64(0, n, le);
      return;
    }
    case "c": {
      const [re, im] = toComplex(value, dt);
      if (dt.itemsize === 8) { dv.setFloat32(0, re, le); dv.setFloat32(4, im, le); }
      else { dv.setFloat64(0, re, le); dv.setFloat64(8, im, le); }
      return;
    }
    case "M":
    case "m":
      dv.setBigInt64(0, toDatetime(value, dt), le);
      return;
    case "S": {
      const b = toBytes(value, dt);
      bytes.fill(0, off, off + dt.itemsize);
      bytes.set(b.subarray(0, dt.itemsize), off);
      return;
    }
    case "U": {
      const s = value === 0 || value === null || value === undefined ? "" : String(value);
      const cps = [...s];
      if (cps.length > dt.itemsize / 4) {
        // numpy truncates silently; so do we, to match its assignment semantics
        cps.length = dt.itemsize / 4;
      }
      bytes.fill(0, off, off + dt.itemsize);
      cps.forEach((c, k) => dv.setUint32(k * 4, c.codePointAt(0)!, le));
      return;
    }
    case "V": {
      if (value === 0 || value === null || value === undefined) { bytes.fill(0, off, off + dt.itemsize); return; }
      if (value instanceof Uint8Array) { bytes.set(value.subarray(0, dt.itemsize), off); return; }
      const rec = value as Record<string, unknown> | unknown[];
      dt.fields!.forEach((f, k) => {
        const v = Array.isArray(rec) ? rec[k] : (rec as Record<string, unknown>)[f.name];
        encodeRawElement(f.dtype, bytes, off + f.offset, v ?? 0);
      });
      return;
    }
    default:
      throw new DtypeError(`cannot encode elements of dtype '${dt.str}'`);
  }
}

function toBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  return Boolean(v);
}

function toNumber(v: unknown, dt: DType): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    if (v === "NaN" || v === "nan") return NaN;
    if (v === "Infinity" || v === "inf") return Infinity;
    if (v === "-Infinity" || v === "-inf") return -Infinity;
    const n = Number(v);
    if (!Number.isNaN(n)) return n;
  }
  throw new DtypeError(`value ${describe(v)} does not fit dtype '${dt.str}'`);
}

function toIntNumber(v: unknown, dt: DType): number {
  const n = toNumber(v, dt);
  return Math.trunc(n);
}

function toBigInt(v: unknown, dt: DType): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  const n = toNumber(v, dt);
  if (!Number.isFinite(n)) throw new DtypeError(`value ${describe(v)} does not fit dtype '${dt.str}'`);
  return BigInt(Math.trunc(n));
}

function toComplex(v: unknown, dt: DType): [number, number] {
  if (Array.isArray(v) && v.length === 2) return [toNumber(v[0], dt), toNumber(v[1], dt)];
  if (v && typeof v === "object" && "re" in (v as object)) {
    const c = v as { re: unknown; im?: unknown };
    return [toNumber(c.re, dt), toNumber(c.im ?? 0, dt)];
  }
  return [toNumber(v, dt), 0];
}

function toBytes(v: unknown, dt: DType): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return new TextEncoder().encode(v);
  if (v === 0 || v === null || v === undefined) return new Uint8Array(0);
  throw new DtypeError(`value ${describe(v)} does not fit dtype '${dt.str}' (give a Uint8Array or a string)`);
}

/**
 * Convert a value to the int64 count of a datetime/timedelta unit, as numpy assignment would.
 * Accepts bigint, number, ISO date strings, Date and "NaT".
 */
export function toDatetime(v: unknown, dt: DType): bigint {
  return datetimeCount(v, dt.unit, dt.str);
}

/** Read element `i` of typed storage (numeric dtypes, machine order) or raw storage (S/U/V). */
export function getElement(dt: DType, data: DataArray, i: number): unknown {
  switch (dt.kind) {
    case "O": return (data as unknown[])[i];
    case "b": return (data as Uint8Array)[i] !== 0;
    case "f": return dt.itemsize === 2 ? halfToFloat((data as Uint16Array)[i]) : (data as Float64Array)[i];
    case "c": return [(data as Float64Array)[2 * i], (data as Float64Array)[2 * i + 1]];
    case "S": case "U": case "V":
      return decodeRawElement(dt, data as Uint8Array, i * dt.itemsize);
    default:
      return (data as Int32Array)[i];
  }
}

/**
 * Element `i` as a user sees one element: as {@link getElement}, except that datetime64 and
 * timedelta64 counts come wrapped in their value type (`Datetime64`, `Timedelta64`)
 * so the unit travels with the count.
 */
export function elementValue(dt: DType, data: DataArray, i: number): unknown {
  const v = getElement(dt, data, i);
  return (dt.kind === "M" || dt.kind === "m") && dt.unit !== undefined ? timeValue(dt.kind, v as bigint, dt.unit) : v;
}

/** Write element `i`, converting the value the way numpy assignment would. */
export function setElement(dt: DType, data: DataArray, i: number, value: unknown): void {
  switch (dt.kind) {
    case "O": (data as unknown[])[i] = value; return;
    case "b": (data as Uint8Array)[i] = toBool(value) ? 1 : 0; return;
    case "f":
      if (dt.itemsize === 2) (data as Uint16Array)[i] = floatToHalf(toNumber(value, dt));
      else (data as Float64Array)[i] = toNumber(value, dt);
      return;
    case "c": {
      const [re, im] = toComplex(value, dt);
      (data as Float64Array)[2 * i] = re;
      (data as Float64Array)[2 * i + 1] = im;
      return;
    }
    case "i": case "u":
      if (dt.itemsize === 8) (data as BigInt64Array)[i] = toBigInt(value, dt);
      else (data as Int32Array)[i] = toIntNumber(value, dt);
      return;
    case "M": case "m":
      (data as BigInt64Array)[i] = toDatetime(value, dt);
      return;
    default:
      encodeRawElement(dt, data as Uint8Array, i * dt.itemsize, value);
  }
}

/**
 * One element's lanes as a small typed array in storage layout (machine order for numeric dtypes),
 * used to fill regions with the fill value quickly.
 */
export function elementLanes(dt: DType, value: unknown): TypedArray {
  const { ctor, lanes } = laneInfo(dt);
  const out = new ctor(lanes);
  setElement(dt, out, 0, value);
  return out;
}
