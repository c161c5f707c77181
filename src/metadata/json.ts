/**
 * JSON the way zarr-python writes it, and a lenient reader.
 *
 * zarr-python serializes with `json.dumps(indent=4, sort_keys=True, ensure_ascii=True)`; matching it
 * byte for byte keeps stores written by zarrflow indistinguishable from zarr-python's. Python prints
 * floats differently from JavaScript (`0.0`, `1e-05`), so values that must print as floats are
 * wrapped in {@link PyFloat}. Integers beyond 2^53 travel as `bigint` both ways so they stay exact.
 * @module
 */
import { pyFloatRepr as pyReprOfFloat } from "../dtype/pyrepr.ts";
import { formatValue, LimitExceededError, MetadataError } from "../errors.ts";
import { getLimits } from "../limits.ts";

/** Marks a number that Python would print as a float (`0.0` rather than `0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * Python's `repr(float)` as `json.dumps` writes it: the shared {@link pyReprOfFloat}, with JSON's
 * `NaN`/`Infinity` tokens for the non-finite values.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return pyReprOfFloat(x);
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

function dump(v: unknown, indent: string, path: string, depth = 0, maxDepth = getLimits().maxJsonDepth): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof PyFloat) {
    // Python writes bare NaN/Infinity here; zarr-python avoids it by encoding fill values as strings,
    // and we refuse to write non-standard JSON at all.
    if (!Number.isFinite(v.value)) throw new MetadataError(`cannot write non-finite number at ${path || "<root>"} as strict JSON`);
    return pyFloatRepr(v.value);
  }
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw new MetadataError(`cannot write non-finite number ${v} at ${path || "<root>"} as strict JSON`);
      return Number.isInteger(v) && Math.abs(v) < 1e16 ? String(v) : pyFloatRepr(v);
    case "bigint":
      return v.toString();
    case "string":
      return quote(v);
    case "object": {
      if (depth >= maxDepth) {
        throw new LimitExceededError(`cannot write JSON nested deeper than maxJsonDepth (${maxDepth}) at ${path || "<root>"} (a cycle?)`, "maxJsonDepth", depth + 1, maxDepth);
      }
      const inner = indent + "    ";
      if (Array.isArray(v)) {
        if (v.length === 0) return "[]";
        return "[\n" + v.map((x, i) => inner + dump(x, inner, `${path}[${i}]`, depth + 1, maxDepth)).join(",\n") + "\n" + indent + "]";
      }
      if (ArrayBuffer.isView(v)) throw new MetadataError(`cannot write binary data at ${path || "<root>"} as JSON`);
      const keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort(cmpCodepoints);
      if (keys.length === 0) return "{}";
      return "{\n" + keys.map((k) => inner + quote(k) + ": " + dump((v as Record<string, unknown>)[k], inner, path ? `${path}.${k}` : k, depth + 1, maxDepth)).join(",\n") + "\n" + indent + "}";
    }
    default:
      throw new MetadataError(`cannot write ${typeof v} at ${path || "<root>"} as JSON`);
  }
}

/** Python sorts keys by code point; JavaScript's default sort compares UTF-16 units. */
function cmpCodepoints(a: string, b: string): number {
  const A = [...a], B = [...b];
  for (let i = 0; i < Math.min(A.length, B.length); i++) {
    const d = A[i].codePointAt(0)! - B[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return A.length - B.length;
}

/**
 * Serialize exactly as zarr-python's `json_dumps` (indent 4, sorted keys, ASCII-only).
 * @example
 * pyJsonDumps({ b: 1, a: [1, 2] });   // '{\n    "a": [\n        1,\n        2\n    ],\n    "b": 1\n}'
 */
export function pyJsonDumps(value: unknown): string {
  return dump(value, "", "");
}

/** {@link pyJsonDumps} as ASCII bytes, ready to store. */
export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(pyJsonDumps(value));
}

/** Define `obj[k] = v` as an own data property, so a `__proto__` key never replaces the prototype. */
function defineOwn(obj: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[k] = v;
}

/**
 * Parse JSON leniently: accepts the bare `NaN`, `Infinity` and `-Infinity` that Python's json module
 * (and so older zarr writers) emit, and returns integers beyond 2^53 as `bigint` so they stay exact.
 * Hostile input is bounded: nesting deeper than `maxJsonDepth` and documents larger than
 * `maxMetadataBytes` (see {@link getLimits}) are refused with a {@link LimitExceededError}; a
 * `__proto__` key becomes an ordinary own property, never the object's prototype.
 * Throws {@link MetadataError} naming `what` (the key) on malformed text.
 * @example
 * parseJson('{"fill_value": NaN, "big": 9007199254740993}');   // { fill_value: NaN, big: 9007199254740993n }
 */
export function parseJson(text: string | Uint8Array, what = "JSON"): unknown {
  const { maxJsonDepth, maxMetadataBytes } = getLimits();
  const size = typeof text === "string" ? text.length : text.byteLength;
  if (size > maxMetadataBytes) {
    throw new LimitExceededError(`${what}: document of ${size} bytes exceeds maxMetadataBytes (${maxMetadataBytes})`, "maxMetadataBytes", size, maxMetadataBytes);
  }
  const s = typeof text === "string" ? text : new TextDecoder("utf-8").decode(text);
  let i = 0;
  const fail = (msg: string): never => {
    throw new MetadataError(`malformed ${what}: ${msg} at offset ${i}`);
  };
  const ws = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\n" || s[i] === "\r" || s[i] === "\t")) i++;
  };
  const value = (depth: number): unknown => {
    ws();
    const c = s[i];
    if ((c === "{" || c === "[") && depth >= maxJsonDepth) {
      throw new LimitExceededError(`${what}: JSON nested deeper than maxJsonDepth (${maxJsonDepth}) at offset ${i}`, "maxJsonDepth", depth + 1, maxJsonDepth);
    }
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (s[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (s[i] !== '"') fail("expected a string key");
        const k = str();
        ws();
        if (s[i] !== ":") fail("expected ':'");
        i++;
        defineOwn(obj, k, value(depth + 1));
        ws();
        if (s[i] === ",") { i++; continue; }
        if (s[i] === "}") { i++; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (s[i] === "]") { i++; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (s[i] === ",") { i++; continue; }
        if (s[i] === "]") { i++; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (s.startsWith("true", i)) { i += 4; return true; }
    if (s.startsWith("false", i)) { i += 5; return false; }
    if (s.startsWith("null", i)) { i += 4; return null; }
    if (s.startsWith("NaN", i)) { i += 3; return NaN; }
    if (s.startsWith("Infinity", i)) { i += 8; return Infinity; }
    if (s.startsWith("-Infinity", i)) { i += 9; return -Infinity; }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === "" || m[0] === "-") fail("unexpected character " + formatValue(c ?? "<end>"));
    i += m![0].length;
    if (!m![2] && !m![3]) {
      const n = Number(m![0]);
      return Number.isSafeInteger(n) ? n : BigInt(m![0]);
    }
    return Number(m![0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = "";
    for (;;) {
      if (i >= s.length) fail("unterminated string starting at " + start);
      const ch = s[i];
      if (ch === '"') { i++; return out; }
      if (ch === "\\") {
        const e = s[i + 1];
        i += 2;
        if (e === "u") {
          const hex = s.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
        }
        else if (e === "n") out += "\n";
        else if (e === "t") out += "\t";
        else if (e === "r") out += "\r";
        else if (e === "b") out += "\b";
        else if (e === "f") out += "\f";
        else if (e === "/" || e === "\\" || e === '"') out += e;
        else fail("bad escape");
      } else {
        // Copy a run of plain characters at once: long strings stay linear.
        let j = i + 1;
        while (j < s.length && s[j] !== '"' && s[j] !== "\\") j++;
        out += s.slice(i, j);
        i = j;
      }
    }
  };
  const v = value(0);
  ws();
  if (i !== s.length) fail("trailing characters");
  return v;
}
