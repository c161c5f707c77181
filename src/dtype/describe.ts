/**
 * A safe one-line rendering of arbitrary values for error messages.
 * @module
 */

const MAX = 120;

/**
 * Render a value for an error message. `JSON.stringify` throws on a `bigint` and on cycles, and a
 * message that crashes while being built hides the real error, so every dtype, fill-value and codec
 * message goes through this instead. Long renderings are cut so a 100,000-field dtype does not
 * produce a megabyte of message.
 */
export function describeValue(v: unknown, max = MAX): string {
  let s: string;
  try {
    s = render(v, new Set());
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function render(v: unknown, seen: Set<unknown>): string {
  switch (typeof v) {
    case "bigint":
      return `${v}n`;
    case "string":
      return JSON.stringify(v);
    case "number":
      return String(v);
    case "undefined":
      return "undefined";
    case "boolean":
      return String(v);
    case "symbol":
      return v.toString();
    case "function":
      return `[function ${v.name || "anonymous"}]`;
  }
  if (v === null) return "null";
  if (seen.has(v)) return "[circular]";
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${v.slice(0, 20).map((x) => render(x, seen)).join(",")}${v.length > 20 ? ",..." : ""}]`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength})`;
    if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? "invalid" : v.toISOString()})`;
    const entries = Object.entries(v as object);
    return `{${entries.slice(0, 20).map(([k, x]) => `${JSON.stringify(k)}:${render(x, seen)}`).join(",")}${entries.length > 20 ? ",..." : ""}}`;
  } finally {
    seen.delete(v);
  }
}
