/**
 * numcodecs `JSON` (id `json2`): object-array elements as one JSON document, the nested list of the
 * chunk's values (numpy `tolist()`, C order) followed by the dtype string and the shape, written
 * exactly as Python's `json.JSONEncoder` writes it (`sort_keys`, `ensure_ascii`, `indent`,
 * `separators`, `NaN`/`Infinity`).
 *
 * Values map as follows: strings, booleans, `null`, numbers (integral numbers print as Python ints,
 * others as Python float reprs; wrap a number in {@link PyFloat} to force a float such as `1.0`),
 * `bigint` (Python ints beyond 2^53), arrays (lists) and plain objects (dicts). Decoding returns the
 * same kinds; integers outside the safe range decode to `bigint`.
 * @module
 */
import { describeValue } from "../../dtype/describe.ts";
import { CodecError } from "../../errors.ts";
import { PyFloat, pyFloatRepr } from "../../metadata/json.ts";
import type { CodecConfig } from "../codec.ts";
import { checkCount, checkObjectConfig, fromNested, ObjectCodecBase, toNested, type ObjectLayout } from "./object-codec.ts";

/** Constructor parameters, named as in the numcodecs config (all optional, numcodecs' defaults). */
export interface JSONCodecOptions {
  /** Text encoding of the document; only `"utf-8"` is supported. Default `"utf-8"`. */
  encoding?: string;
  /** Skip dict keys that are not strings (always strings in JS). Default false. */
  skipkeys?: boolean;
  /** Escape every non-ASCII character as `\uXXXX`. Default true. */
  ensure_ascii?: boolean;
  /** Detect circular references. Default true. */
  check_circular?: boolean;
  /** Allow `NaN` and `Infinity`; when false they are an error. Default true. */
  allow_nan?: boolean;
  /** Write dict keys sorted. Default true. */
  sort_keys?: boolean;
  /** Pretty-print indent: null (compact), a number of spaces, a string, or `true` (one space). */
  indent?: number | string | boolean | null;
  /** `[item_separator, key_separator]`; default `[",", ":"]`, or `[", ", ": "]` with an indent. */
  separators?: [string, string] | null;
  /** Reject control characters inside strings when decoding. Default true. */
  strict?: boolean;
}

const NAME = "JSON";

function pyStr(s: string, ensureAscii: boolean): string {
  let out = globalThis.JSON.stringify(s);
  // JS escapes like Python except DEL and non-ASCII, which Python's ensure_ascii escapes too.
  if (ensureAscii) out = out.replace(/[^\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  return out;
}

function cmpCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!, cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/**
 * numcodecs' JSON codec (`json2`). Exported as `JSONCodec` so it does not shadow the global `JSON`.
 * @example
 * const z = await empty([3], { dtype: "|O", objectCodec: new JSONCodec() });   // numcodecs.JSON()
 * await z.set(null, [42, "foo", ["bar", 1]]);
 */
export class JSONCodec extends ObjectCodecBase {
  protected readonly codecName = "JSON";
  /** The numcodecs id. */
  static readonly codecId = "json2";
  /** The numcodecs id. */
  readonly codecId = JSONCodec.codecId;
  /** Text encoding (`"utf-8"`). */
  readonly encoding: string;
  /** Encoder settings, as in the numcodecs config. */
  readonly skipkeys: boolean;
  /** See {@link JSONCodecOptions.ensure_ascii}. */
  readonly ensure_ascii: boolean;
  /** See {@link JSONCodecOptions.check_circular}. */
  readonly check_circular: boolean;
  /** See {@link JSONCodecOptions.allow_nan}. */
  readonly allow_nan: boolean;
  /** See {@link JSONCodecOptions.sort_keys}. */
  readonly sort_keys: boolean;
  /** See {@link JSONCodecOptions.indent}. */
  readonly indent: number | string | boolean | null;
  /** See {@link JSONCodecOptions.separators}. */
  readonly separators: [string, string];
  /** See {@link JSONCodecOptions.strict}. */
  readonly strict: boolean;

  /** Build with numcodecs' parameters (defaults as in numcodecs 0.11). */
  constructor(options: JSONCodecOptions = {}) {
    super();
    const o = options ?? {};
    this.encoding = o.encoding ?? "utf-8";
    if (!["utf-8", "utf8", "UTF-8"].includes(this.encoding)) throw new CodecError(`${NAME}: only the 'utf-8' encoding is supported, got '${this.encoding}'`);
    this.skipkeys = o.skipkeys ?? false;
    this.ensure_ascii = o.ensure_ascii ?? true;
    this.check_circular = o.check_circular ?? true;
    this.allow_nan = o.allow_nan ?? true;
    this.sort_keys = o.sort_keys ?? true;
    this.indent = o.indent ?? null;
    const seps = o.separators ?? (this.indent === null ? [",", ":"] : [", ", ": "]);
    if (!Array.isArray(seps) || seps.length !== 2 || seps.some((s) => typeof s !== "string")) {
      throw new CodecError(`${NAME}: parameter 'separators' must be a pair of strings, got ${describeValue(seps)}`);
    }
    this.separators = [seps[0], seps[1]];
    this.strict = o.strict ?? true;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): JSONCodec {
    const keys = ["encoding", "skipkeys", "ensure_ascii", "check_circular", "allow_nan", "sort_keys", "indent", "separators", "strict"];
    const c = checkObjectConfig(config as Record<string, unknown>, JSONCodec.codecId, NAME, keys);
    return new JSONCodec(c as JSONCodecOptions);
  }

  /** Python's `json.dumps` of one value with this codec's settings. */
  dumps(value: unknown): string {
    const ind = this.indent === null || this.indent === undefined ? null : typeof this.indent === "string" ? this.indent : " ".repeat(Number(this.indent));
    const [itemSep, keySep] = this.separators;
    const stack = new Set<object>();
    const enc = (v: unknown, level: number): string => {
      if (v === null || v === undefined) return "null";
      if (v === true) return "true";
      if (v === false) return "false";
      if (typeof v === "string") return pyStr(v, this.ensure_ascii);
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "number" || v instanceof PyFloat) {
        const x = typeof v === "number" ? v : v.value;
        if (!Number.isFinite(x) && !this.allow_nan) throw new CodecError(`${NAME}: Out of range float values are not JSON compliant`);
        if (typeof v === "number" && Number.isInteger(x)) return Math.abs(x) < 1e21 ? String(x === 0 ? 0 : x) : BigInt(x).toString();
        return pyFloatRepr(x);
      }
      if (typeof v === "object") {
        const isList = Array.isArray(v);
        if (!isList && !isPlainObject(v)) {
          const type = v instanceof Uint8Array ? "bytes" : (v as object).constructor?.name ?? "object";
          throw new CodecError(`${NAME}: Object of type ${type} is not JSON serializable`);
        }
        if (this.check_circular) {
          if (stack.has(v)) throw new CodecError(`${NAME}: Circular reference detected`);
          stack.add(v);
        }
        let parts: string[];
        if (isList) parts = (v as unknown[]).map((x) => enc(x, level + 1));
        else {
          let entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
          if (this.sort_keys) entries = entries.sort((a, b) => cmpCodePoints(a[0], b[0]));
          parts = entries.map(([k, x]) => pyStr(k, this.ensure_ascii) + keySep + enc(x, level + 1));
        }
        stack.delete(v);
        const [open, close] = isList ? ["[", "]"] : ["{", "}"];
        if (!parts.length) return open + close;
        if (ind === null) return open + parts.join(itemSep) + close;
        const nl = "\n" + ind.repeat(level + 1);
        return open + nl + parts.join(itemSep + nl) + "\n" + ind.repeat(level) + close;
      }
      throw new CodecError(`${NAME}: Object of type ${typeof v} is not JSON serializable`);
    };
    return enc(value, 0);
  }

  /** Parse a JSON document as Python's decoder does (accepts `NaN`, `Infinity`, `-Infinity`). */
  loads(text: string): unknown {
    return new PyJsonParser(text, this.strict).parseDocument();
  }

  /** Encode the chunk's values: nested C-order lists of `layout.shape`, then `"|O"` and the shape. */
  async encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array> {
    const shape = layout?.shape ?? [values.length];
    const nested = toNested(values, layout);
    const items: unknown[] = shape.length === 0 ? [nested] : [...(nested as unknown[])];
    items.push("|O", [...shape]);
    return new TextEncoder().encode(this.dumps(items));
  }

  /** Decode into a flat value list in `layout.order` (C by default), checking the recorded shape. */
  async decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]> {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new CodecError(`${NAME}: data is not valid UTF-8`);
    }
    const items = this.loads(text);
    if (!Array.isArray(items) || items.length < 2) throw new CodecError(`${NAME}: expected a list ending with dtype and shape`);
    const shape = items[items.length - 1];
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
      throw new CodecError(`${NAME}: invalid recorded shape ${describeValue(shape)}`);
    }
    const vals = items.slice(0, -2);
    const flat = shape.length === 0 ? (vals.length === 1 ? [vals[0]] : fromNested(NAME, vals, [1])) : fromNested(NAME, vals, shape as number[], layout?.order ?? "C");
    checkCount(NAME, flat.length, count);
    return flat;
  }

  /** The numcodecs config (all keys, `separators` as a list). */
  getConfig(): CodecConfig {
    return {
      id: JSONCodec.codecId,
      encoding: this.encoding,
      skipkeys: this.skipkeys,
      ensure_ascii: this.ensure_ascii,
      check_circular: this.check_circular,
      allow_nan: this.allow_nan,
      indent: this.indent,
      separators: [...this.separators],
      sort_keys: this.sort_keys,
      strict: this.strict,
    };
  }

  /** numcodecs' repr, wrapped at 80 columns like Python's `textwrap.fill`. */
  toString(): string {
    const py = (v: unknown): string =>
      v === null ? "None" : v === true ? "True" : v === false ? "False" : typeof v === "string" ? `'${v}'` : String(v);
    const params = [
      `encoding=${py(this.encoding)}`,
      `allow_nan=${py(this.allow_nan)}`,
      `check_circular=${py(this.check_circular)}`,
      `ensure_ascii=${py(this.ensure_ascii)}`,
      `indent=${py(this.indent)}`,
      `separators=(${py(this.separators[0])}, ${py(this.separators[1])})`,
      `skipkeys=${py(this.skipkeys)}`,
      `sort_keys=${py(this.sort_keys)}`,
      `strict=${py(this.strict)}`,
    ];
    return textwrapFill(`JSON(${params.join(", ")})`, 80, "     ");
  }
}

/** Python's `textwrap.fill(text, width, break_long_words=False, subsequent_indent=indent)`. */
function textwrapFill(text: string, width: number, indent: string): string {
  const chunks = text.split(/(\s+)/).filter((c) => c !== "");
  const lines: string[] = [];
  let cur: string[] = [];
  let len = 0;
  let limit = width;
  for (const c of chunks) {
    const space = /^\s+$/.test(c);
    if (space && cur.length === 0) continue;
    if (len + c.length > limit && cur.length) {
      while (cur.length && /^\s+$/.test(cur[cur.length - 1])) len -= cur.pop()!.length;
      lines.push(cur.join(""));
      cur = [];
      len = 0;
      limit = width - indent.length;
      if (space) continue;
    }
    cur.push(c);
    len += c.length;
  }
  if (cur.length) lines.push(cur.join("").trimEnd());
  return lines.map((l, i) => (i ? indent + l : l)).join("\n");
}

/** A small JSON parser that accepts Python's `NaN`/`Infinity` and keeps big integers as bigint. */
class PyJsonParser {
  private i = 0;
  constructor(private readonly s: string, private readonly strict: boolean) {}

  parseDocument(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail("Extra data");
    return v;
  }

  private fail(msg: string): never {
    throw new CodecError(`${NAME}: invalid JSON: ${msg} at char ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
  }

  private value(): unknown {
    const s = this.s;
    const c = s[this.i];
    if (c === "{") {
      this.i++;
      const obj: Record<string, unknown> = {};
      this.ws();
      if (s[this.i] === "}") return this.i++, obj;
      for (;;) {
        this.ws();
        if (s[this.i] !== '"') this.fail("Expecting property name enclosed in double quotes");
        const k = this.string();
        this.ws();
        if (s[this.i++] !== ":") this.fail("Expecting ':' delimiter");
        this.ws();
        Object.defineProperty(obj, k, { value: this.value(), enumerable: true, writable: true, configurable: true });
        this.ws();
        const d = s[this.i++];
        if (d === "}") return obj;
        if (d !== ",") this.fail("Expecting ',' delimiter");
      }
    }
    if (c === "[") {
      this.i++;
      const arr: unknown[] = [];
      this.ws();
      if (s[this.i] === "]") return this.i++, arr;
      for (;;) {
        this.ws();
        arr.push(this.value());
        this.ws();
        const d = s[this.i++];
        if (d === "]") return arr;
        if (d !== ",") this.fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return this.string();
    for (const [lit, v] of [["null", null], ["true", true], ["false", false], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const) {
      if (s.startsWith(lit, this.i)) {
        this.i += lit.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(s.slice(this.i, this.i + 400));
    if (!m) this.fail("Expecting value");
    this.i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  }

  private string(): string {
    const s = this.s;
    this.i++; // opening quote
    let out = "";
    for (;;) {
      if (this.i >= s.length) this.fail("Unterminated string");
      const c = s[this.i++];
      if (c === '"') return out;
      if (c === "\\") {
        const e = s[this.i++];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) out += simple[e];
        else if (e === "u") {
          const h = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail("Invalid \\uXXXX escape");
          out += String.fromCharCode(parseInt(h, 16));
          this.i += 4;
        } else this.fail("Invalid \\escape");
      } else {
        if (this.strict && c.charCodeAt(0) < 0x20) this.fail("Invalid control character");
        out += c;
      }
    }
  }
}
