/**
 * Python-style `repr()`/`str()` of the JS values an object array holds, and Python's character
 * count, for the printer. Scalars go through the shared Python-repr module.
 * @module
 */
import { pyBytesRepr, pyFloatRepr, pyStrRepr } from "../../dtype/pyrepr.ts";

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

function hasCustomToString(v: object): boolean {
  const ts = (v as { toString?: unknown }).toString;
  return typeof ts === "function" && ts !== Object.prototype.toString && ts !== Array.prototype.toString;
}

/** Python-like `repr()` of an arbitrary JS value held in an object array. */
export function pyRepr(v: unknown, seen: Set<unknown> = new Set()): string {
  if (v === null || v === undefined) return "None";
  switch (typeof v) {
    case "string":
      return pyStrRepr(v);
    case "boolean":
      return v ? "True" : "False";
    case "bigint":
      return v.toString();
    case "number":
      return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloatRepr(v);
    case "symbol":
      return v.toString();
    case "function":
      return `<function ${v.name || "<anonymous>"}>`;
  }
  if (seen.has(v)) return Array.isArray(v) ? "[...]" : "{...}";
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  if (Array.isArray(v)) {
    seen.add(v);
    const s = `[${v.map((x) => pyRepr(x, seen)).join(", ")}]`;
    seen.delete(v);
    return s;
  }
  if (typeof v === "object" && hasCustomToString(v)) return String(v);
  if (v instanceof Map) {
    seen.add(v);
    const s = `{${[...v].map(([k, x]) => `${pyRepr(k, seen)}: ${pyRepr(x, seen)}`).join(", ")}}`;
    seen.delete(v);
    return s;
  }
  seen.add(v);
  const s = `{${Object.entries(v as object)
    .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x, seen)}`)
    .join(", ")}}`;
  seen.delete(v);
  return s;
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
