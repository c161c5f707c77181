/**
 * Fill values ⇄ their JSON form in `.zarray`, mirroring zarr-python 2.x's encode/decode_fill_value:
 * NaN and infinities as strings, bytes and structured values as base64, datetimes as int64 counts.
 * @module
 */
import type { DType } from "../dtype/dtype.ts";
import { describeValue } from "../dtype/describe.ts";
import { decodeRawElement, encodeRawElement, toDatetime } from "../dtype/elements.ts";
import { roundToHalf } from "../dtype/float16.ts";
import { DtypeError } from "../errors.ts";
import { PyFloat } from "./json.ts";

function b64decode(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(s, "base64"));
}

function b64encode(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

function decodeFloat(v: unknown, dt: DType): number {
  let x: number;
  if (v === "NaN") x = NaN;
  else if (v === "Infinity") x = Infinity;
  else if (v === "-Infinity") x = -Infinity;
  else if (typeof v === "number") x = v;
  else if (typeof v === "bigint") x = Number(v);
  else if (typeof v === "boolean") x = v ? 1 : 0;
  else throw new DtypeError(`fill_value ${describeValue(v)} is not valid for dtype ${dt.str}`);
  if (dt.kind === "f" && dt.itemsize === 4) return Math.fround(x);
  if (dt.kind === "f" && dt.itemsize === 2) return roundToHalf(x);
  if (dt.kind === "c" && dt.itemsize === 8) return Math.fround(x);
  return x;
}

/** Decode a `.zarray` fill_value into an element value for `dt` (or null). */
export function decodeFillValue(v: unknown, dt: DType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.kind) {
    case "f":
      return decodeFloat(v, dt);
    case "c": {
      if (!Array.isArray(v) || v.length !== 2) throw new DtypeError(`fill_value ${describeValue(v)} is not valid for complex dtype ${dt.str}; expected [re, im]`);
      return [decodeFloat(v[0], dt), decodeFloat(v[1], dt)];
    }
    case "b":
      return Boolean(v);
    case "i":
    case "u":
      return normalizeFillValue(v, dt);
    case "M":
    case "m":
      return toDatetime(v, dt);
    case "S": {
      // zarr-python is lenient here: a value that is not base64 (an old writer's 0) goes through numpy.
      const b = typeof v === "string" ? b64decode(v) : undefined;
      if (b) return stripNul(b.subarray(0, dt.itemsize));
      return new TextEncoder().encode(String(v)).subarray(0, dt.itemsize);
    }
    case "V": {
      const b = typeof v === "string" ? b64decode(v) : undefined;
      if (!b) {
        if (v === 0) return normalizeFillValue(0, dt);
        throw new DtypeError(`fill_value ${describeValue(v)} is not valid base64 for structured dtype`);
      }
      const buf = new Uint8Array(dt.itemsize);
      buf.set(b.subarray(0, dt.itemsize));
      return decodeRawElement(dt, buf, 0);
    }
    case "U":
      return typeof v === "string" ? v : String(v);
    default:
      return v;
  }
}

function stripNul(b: Uint8Array): Uint8Array {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.slice(0, end);
}

/** Encode an element value as zarr-python writes it in `.zarray`. */
export function encodeFillValue(v: unknown, dt: DType): unknown {
  if (v === null || v === undefined) return null;
  switch (dt.kind) {
    case "f": {
      const x = Number(v);
      if (Number.isNaN(x)) return "NaN";
      if (x === Infinity) return "Infinity";
      if (x === -Infinity) return "-Infinity";
      return new PyFloat(x);
    }
    case "c": {
      const [re, im] = v as [number, number];
      return [encodeFillValue(re, { ...dt, kind: "f" } as DType), encodeFillValue(im, { ...dt, kind: "f" } as DType)];
    }
    case "b":
      return Boolean(v);
    case "i":
    case "u":
      return typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v) : v;
    case "M":
    case "m":
      return (v as bigint) >= BigInt(Number.MIN_SAFE_INTEGER) && (v as bigint) <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    case "S":
      return b64encode(stripNul(v as Uint8Array));
    case "V": {
      const buf = new Uint8Array(dt.itemsize);
      encodeRawElement(dt, buf, 0, v);
      return b64encode(buf);
    }
    default:
      return v;
  }
}

/**
 * Turn a user-supplied fill value into the element value stored in metadata, as zarr-python's
 * normalize_fill_value does: 0 means the dtype's zero (empty bytes, empty string, zero record).
 * Throws {@link DtypeError} naming the dtype when the value does not fit.
 */
export function normalizeFillValue(v: unknown, dt: DType): unknown {
  if (v === null || v === undefined || dt.kind === "O") return v ?? null;
  const isZero = v === 0 || v === 0n || v === false;
  switch (dt.kind) {
    case "b":
      return Boolean(v);
    case "i":
    case "u": {
      let b: bigint;
      if (typeof v === "bigint") b = v;
      else if (typeof v === "number" && Number.isFinite(v)) b = BigInt(Math.trunc(v));
      else if (typeof v === "boolean") b = v ? 1n : 0n;
      else if (typeof v === "string" && /^-?\d+$/.test(v)) b = BigInt(v);
      else throw new DtypeError(`fill_value ${describeValue(v)} is not valid for dtype ${dt.str}`);
      const bits = BigInt(dt.itemsize * 8);
      const lo = dt.kind === "i" ? -(1n << (bits - 1n)) : 0n;
      const hi = dt.kind === "i" ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
      if (b < lo || b > hi) throw new DtypeError(`fill_value ${b} is out of range for dtype ${dt.str}`);
      return dt.itemsize === 8 ? b : Number(b);
    }
    case "f":
      // zarr-python replaces any fill value equal to 0 (so -0.0 too) by the dtype's zero: +0.0.
      if (isZero) return 0;
      return decodeFloat(typeof v === "string" && !["NaN", "Infinity", "-Infinity"].includes(v) ? Number(v) : v, dt);
    case "c":
      if (isZero) return [0, 0];
      if (Array.isArray(v)) return [decodeFloat(v[0], dt), decodeFloat(v[1], dt)];
      return [decodeFloat(v, dt), 0];
    case "M":
    case "m":
      return isZero ? 0n : toDatetime(v, dt);
    case "S":
      if (isZero) return new Uint8Array(0);
      if (v instanceof Uint8Array) return stripNul(v.subarray(0, dt.itemsize));
      if (typeof v === "string") return stripNul(new TextEncoder().encode(v).subarray(0, dt.itemsize));
      throw new DtypeError(`fill_value ${describeValue(v)} is not valid for dtype ${dt.str}`);
    case "U":
      if (isZero) return "";
      if (typeof v !== "string") throw new DtypeError(`fill_value ${describeValue(v)} is not valid for dtype ${dt.str}; must be a string`);
      return v;
    case "V": {
      const buf = new Uint8Array(dt.itemsize);
      if (!isZero) encodeRawElement(dt, buf, 0, v);
      return decodeRawElement(dt, buf, 0);
    }
    default:
      return v;
  }
}
