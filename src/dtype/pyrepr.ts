/**
 * Python reprs of scalars: the one place that knows how Python prints a float, a str and bytes.
 * Codec reprs (`Delta(dtype='<i4')`), JSON metadata and the numpy printer all go through here so
 * they cannot drift apart.
 * @module
 */
import { PRINTABLE_RUNS } from "./printable-table.ts";

let bounds: Uint32Array | undefined;

/** Start code points of each run, decoded once; run k is printable when k is odd. */
function runStarts(): Uint32Array {
  if (bounds) return bounds;
  const lens = PRINTABLE_RUNS.split(",");
  const out = new Uint32Array(lens.length);
  let at = 0;
  for (let k = 0; k < lens.length; k++) {
    out[k] = at;
    at += parseInt(lens[k], 36);
  }
  bounds = out;
  return out;
}

/**
 * Python 3's `str.isprintable()` for one code point (CPython 3.11's Unicode tables), the rule
 * `repr()` uses to decide what to escape. Space is printable; other separators, controls, format
 * characters, surrogates, private use and unassigned code points are not.
 */
export function isPyPrintable(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return true;
  if (cp < 0xa0) return false;
  const b = runStarts();
  let lo = 0;
  let hi = b.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (b[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  return (lo & 1) === 1;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Python's `repr(str)`: quote choice, backslash escapes, and non-printable code points as `\x`/`\u`/`\U`. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (isPyPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += "\\x" + hex(cp, 2);
    else if (cp <= 0xffff) out += "\\u" + hex(cp, 4);
    else out += "\\U" + hex(cp, 8);
  }
  return out + quote;
}

/** Python's `repr(bytes)`: `b'...'` with ASCII printables kept and everything else as `\xhh`. */
export function pyBytesRepr(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const x of b) {
    if (x === 0x27) hasSingle = true;
    else if (x === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = "b" + String.fromCharCode(quote);
  for (const x of b) {
    if (x === quote || x === 0x5c) out += "\\" + String.fromCharCode(x);
    else if (x === 0x09) out += "\\t";
    else if (x === 0x0a) out += "\\n";
    else if (x === 0x0d) out += "\\r";
    else if (x < 0x20 || x >= 0x7f) out += "\\x" + hex(x, 2);
    else out += String.fromCharCode(x);
  }
  return out + String.fromCharCode(quote);
}

/**
 * Python's `repr(float)`: shortest round-trip digits (JavaScript and Python pick the same
 * shortest-closest digits), positional for 1e-4 ≤ |x| < 1e16, else `1e-05` / `1.5e+300`.
 */
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

/** Python's repr of a bool, None or int-like scalar, falling back to {@link pyFloatRepr} for floats. */
export function pyScalarRepr(v: null | undefined | boolean | number | bigint): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloatRepr(v);
}

function hasCustomToString(v: object): boolean {
  const ts = (v as { toString?: unknown }).toString;
  return typeof ts === "function" && ts !== Object.prototype.toString && ts !== Array.prototype.toString;
}

/**
 * Python-like `repr()` of an arbitrary JS value (object-array elements, values quoted in codec
 * errors): None/True/False, ints and floats as Python prints them, str and bytes reprs, lists and
 * dicts; cycles print as `[...]`/`{...}` like Python's.
 */
export function pyRepr(v: unknown, seen: Set<unknown> = new Set()): string {
  if (v === null || v === undefined) return "None";
  switch (typeof v) {
    case "string":
      return pyStrRepr(v);
    case "boolean":
    case "bigint":
    case "number":
      return pyScalarRepr(v);
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
