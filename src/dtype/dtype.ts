/**
 * numpy dtype strings ⇄ element layout. zarrflow speaks numpy's dtype vocabulary because that is what
 * `.zarray` stores and what a zarr-python user already knows.
 * @module
 */
import { DtypeError } from "../errors.ts";

/** numpy dtype kind letters that zarrflow supports. `V` is a structured (record) dtype, `O` an object dtype. */
export type DtypeKind = "b" | "i" | "u" | "f" | "c" | "S" | "U" | "M" | "m" | "V" | "O";

/** One field of a structured dtype, packed without padding as numpy writes them. */
export interface DtypeField {
  name: string;
  dtype: DType;
  offset: number;
}

/** The parsed form of a dtype. */
export interface DType {
  /** Normalized numpy string (`<i4`, `|b1`, `<M8[ns]`); structured dtypes use the JSON list form. */
  readonly str: string;
  readonly kind: DtypeKind;
  /** Bytes per element. */
  readonly itemsize: number;
  /** `<` little, `>` big, `|` not applicable. */
  readonly byteorder: "<" | ">" | "|";
  /** Datetime/timedelta unit, e.g. `ns`, `D`, `15m`. */
  readonly unit?: string;
  /** Fields of a structured dtype. */
  readonly fields?: readonly DtypeField[];
  /** The value written to `.zarray`'s `dtype`: a string, or for structured dtypes a list of [name, descr]. */
  readonly descr: string | [string, string | unknown][];
}

const ALIASES: Record<string, string> = {
  bool: "|b1", bool_: "|b1", "?": "|b1", b1: "|b1",
  int8: "|i1", i1: "|i1", uint8: "|u1", u1: "|u1", b: "|i1", B: "|u1",
  int16: "<i2", uint16: "<u2", int32: "<i4", uint32: "<u4", int64: "<i8", uint64: "<u8", int: "<i8",
  float16: "<f2", float32: "<f4", float64: "<f8", float: "<f8", half: "<f2", single: "<f4", double: "<f8",
  complex64: "<c8", complex128: "<c16", complex: "<c16",
  h: "<i2", H: "<u2", i: "<i4", I: "<u4", l: "<i8", L: "<u8", q: "<i8", Q: "<u8",
  e: "<f2", f: "<f4", d: "<f8", F: "<c8", D: "<c16",
  object: "|O", O: "|O",
};

const DATETIME_UNITS = new Set(["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "μs", "ns", "ps", "fs", "as", "generic"]);

const cache = new Map<string, DType>();

/**
 * Parse a numpy dtype: a string (`"i4"`, `"<f8"`, `"int32"`, `"S3"`, `"U20"`, `"M8[D]"`,
 * `"datetime64[ns]"`), a structured list (`[["foo","|S3"],["bar","<i4"]]`), or a DType.
 * Throws {@link DtypeError} naming the dtype when it is unknown.
 */
export function parseDtype(spec: string | readonly unknown[] | DType): DType {
  if (typeof spec === "object" && spec !== null && !Array.isArray(spec)) return spec as DType;
  if (Array.isArray(spec)) return parseStructured(spec);
  if (typeof spec !== "string") throw new DtypeError(`dtype must be a string or a list of fields, got ${JSON.stringify(spec)}`);
  const hit = cache.get(spec);
  if (hit) return hit;
  const dt = parseString(spec);
  cache.set(spec, dt);
  return dt;
}

function parseString(spec: string): DType {
  let s = spec.trim();
  if (s.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      throw new DtypeError(`dtype '${spec}' is not a valid structured dtype list`);
    }
    return parseStructured(parsed as unknown[]);
  }
  const dm = /^(datetime64|timedelta64)(\[(.+)\])?$/.exec(s);
  if (dm) s = (dm[1] === "datetime64" ? "<M8" : "<m8") + (dm[2] ?? "");
  if (ALIASES[s]) s = ALIASES[s];
  let order: "<" | ">" | "|" | "=" | undefined;
  if ("<>|=!".includes(s[0])) {
    order = (s[0] === "!" ? ">" : s[0]) as "<" | ">" | "|" | "=";
    s = s.slice(1);
  }
  if (order === "=") order = "<";
  if (ALIASES[s] && !/\d/.test(s[1] ?? "")) s = ALIASES[s].slice(1);
  const m = /^([biufcSUaMmOV])(\d*)(\[([0-9]*[A-Za-zμ]+)\])?$/.exec(s);
  if (!m) throw new DtypeError(`unknown dtype '${spec}'`);
  let kind = m[1] as DtypeKind | "a";
  if (kind === "a") kind = "S";
  const sizeStr = m[2];
  const unit = m[4];
  let itemsize: number;
  switch (kind) {
    case "b":
      itemsize = sizeStr ? Number(sizeStr) : 1;
      if (itemsize !== 1) throw new DtypeError(`unknown dtype '${spec}': bool has itemsize 1`);
      break;
    case "i":
    case "u":
      itemsize = sizeStr ? Number(sizeStr) : kind === "i" ? 8 : 8;
      if (![1, 2, 4, 8].includes(itemsize)) throw new DtypeError(`unknown dtype '${spec}': integer itemsize must be 1, 2, 4 or 8`);
      break;
    case "f":
      itemsize = sizeStr ? Number(sizeStr) : 8;
      if (![2, 4, 8].includes(itemsize)) throw new DtypeError(`unknown dtype '${spec}': float itemsize must be 2, 4 or 8`);
      break;
    case "c":
      itemsize = sizeStr ? Number(sizeStr) : 16;
      if (![8, 16].includes(itemsize)) throw new DtypeError(`unknown dtype '${spec}': complex itemsize must be 8 or 16`);
      break;
    case "S":
      itemsize = sizeStr ? Number(sizeStr) : 0;
      break;
    case "U":
      itemsize = (sizeStr ? Number(sizeStr) : 0) * 4;
      break;
    case "V":
      itemsize = sizeStr ? Number(sizeStr) : 0;
      break;
    case "M":
    case "m": {
      itemsize = sizeStr ? Number(sizeStr) : 8;
      if (itemsize !== 8) throw new DtypeError(`unknown dtype '${spec}': datetime itemsize must be 8`);
      if (!unit) throw new DtypeError(`dtype '${spec}' needs a unit, e.g. '${kind}8[ns]' (zarr requires datetime units)`);
      const base = /^\d*(.*)$/.exec(unit)![1];
      if (!DATETIME_UNITS.has(base)) throw new DtypeError(`dtype '${spec}' has unknown datetime unit '${unit}'`);
      break;
    }
    case "O":
      itemsize = 8;
      break;
    default:
      throw new DtypeError(`unknown dtype '${spec}'`);
  }
  if (unit && kind !== "M" && kind !== "m") throw new DtypeError(`unknown dtype '${spec}': only datetimes take a unit`);
  const single = itemsize <= 1 && (kind === "b" || kind === "i" || kind === "u") || kind === "S" || kind === "O" || kind === "V";
  const byteorder: "<" | ">" | "|" = single ? "|" : order === ">" ? ">" : "<";
  const str =
    kind === "U" ? `${byteorder}U${itemsize / 4}` :
    kind === "M" || kind === "m" ? `${byteorder}${kind}8[${unit}]` :
    kind === "O" ? "|O" :
    `${byteorder}${kind}${itemsize}`;
  return Object.freeze({ str, kind, itemsize, byteorder, unit, descr: str });
}

function parseStructured(list: readonly unknown[]): DType {
  if (list.length === 0) throw new DtypeError("structured dtype needs at least one field");
  const fields: DtypeField[] = [];
  const descr: [string, string][] = [];
  let offset = 0;
  for (const entry of list) {
    if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== "string") {
      throw new DtypeError(`structured dtype field must be [name, dtype] (or [name, dtype, shape]), got ${JSON.stringify(entry)}`);
    }
    if (entry.length > 2) throw new DtypeError(`structured dtype field '${entry[0]}': sub-array fields are not supported`);
    const dt = parseDtype(entry[1] as string);
    if (dt.kind === "O") throw new DtypeError(`structured dtype field '${entry[0]}': object fields are not supported`);
    if (fields.some((f) => f.name === entry[0])) throw new DtypeError(`structured dtype has duplicate field '${entry[0]}'`);
    fields.push({ name: entry[0], dtype: dt, offset });
    descr.push([entry[0], dt.descr as string]);
    offset += dt.itemsize;
  }
  const str = JSON.stringify(descr);
  return Object.freeze({ str, kind: "V" as const, itemsize: offset, byteorder: "|" as const, fields: Object.freeze(fields), descr });
}

/** True when the dtype's elements are held in a typed array with one lane per element or two (complex). */
export function isNumeric(dt: DType): boolean {
  return "biufcMm".includes(dt.kind);
}

/** The dtype with the given byte order (numeric dtypes only; others are returned unchanged). */
export function withByteorder(dt: DType, order: "<" | ">"): DType {
  if (dt.byteorder === "|" || dt.byteorder === order) return dt;
  return parseDtype(order + dt.str.slice(1));
}

/** numpy's name for a dtype (`int32`, `float64`, `datetime64[D]`), used by reprs, `tree()` and `info`. */
export function dtypeName(dt: DType): string {
  switch (dt.kind) {
    case "b": return "bool";
    case "i": return `int${dt.itemsize * 8}`;
    case "u": return `uint${dt.itemsize * 8}`;
    case "f": return `float${dt.itemsize * 8}`;
    case "c": return `complex${dt.itemsize * 8}`;
    case "M": return `datetime64[${dt.unit}]`;
    case "m": return `timedelta64[${dt.unit}]`;
    case "O": return "object";
    default: return dt.str;
  }
}

/** Names accepted for `dtype` in creation functions. */
export type DtypeLike = string | DType | readonly unknown[];
