/**
 * Element access on raw numeric and UCS-4 buffers for the filters: typed readers and writers in
 * the dtype's byte order, element counts with numpy's `.view()` errors, byte swaps.
 * @module
 */
import { halfBitsToDouble, doubleToHalfBits } from "../../dtype/float16.ts";
import { CodecError } from "../../errors.ts";
import type { FilterDtype, Scalar } from "./filter-dtype.ts";

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
