/**
 * Python-style `repr()`/`str()` of the JS values an object array holds, and Python's character
 * count, for the printer. Values themselves go through the shared Python-repr module.
 * @module
 */
import { pyRepr } from "../../dtype/pyrepr.ts";

/** The bytes behind an `S`/`V` element in any of the forms callers hand the printer. */
export function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  if (typeof v === "string") {
    const b = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) b[i] = v.charCodeAt(i) & 0xff;
    return b;
  }
  return new Uint8Array(0);
}

/** numpy's `_object_format`: lists are wrapped in `list(...)` so they cannot be mistaken for an axis. */
export function objectFormat(v: unknown): string {
  if (Array.isArray(v)) return `list(${pyRepr(v)})`;
  return pyRepr(v);
}

/** Python's `str()` of an object-array element. */
export function pyStr(v: unknown): string {
  if (typeof v === "string") return v;
  return pyRepr(v);
}

/** Length in Python characters (code points), which is what numpy's line wrapping counts. */
export function plen(s: string): number {
  if (!/[\uD800-\uDFFF]/.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}
