/**
 * The one numpy dtype parser: dtype strings and structured field lists ⇄ element layout (kind,
 * item size, byte order, datetime unit, fields with offsets and sub-array shapes). It accepts
 * numpy's full grammar; what zarr metadata, the filters and the printer each allow on top of that
 * is checked by their own thin entry points.
 * @module
 */
import { DtypeError } from "../errors.ts";
import { describeValue } from "./describe.ts";
import { unitParts } from "./datetime.ts";
import type { DType, DtypeField, DtypeKind } from "./types.ts";

/** numpy's type names and one-letter codes, mapped to kind + size (numpy 1.24 on 64-bit Linux). */
const NAMES: Record<string, string> = {
  bool: "b1", bool_: "b1", bool8: "b1", "?": "b1",
  int8: "i1", byte: "i1", b: "i1", int16: "i2", short: "i2", h: "i2", int32: "i4", intc: "i4", i: "i4",
  int64: "i8", int: "i8", int_: "i8", long: "i8", longlong: "i8", intp: "i8", l: "i8", q: "i8", p: "i8",
  uint8: "u1", ubyte: "u1", B: "u1", uint16: "u2", ushort: "u2", H: "u2", uint32: "u4", uintc: "u4", I: "u4",
  uint64: "u8", uint: "u8", ulonglong: "u8", uintp: "u8", L: "u8", Q: "u8", P: "u8",
  float16: "f2", half: "f2", e: "f2", float32: "f4", single: "f4", f: "f4",
  float64: "f8", float: "f8", double: "f8", float_: "f8", d: "f8",
  complex64: "c8", csingle: "c8", F: "c8", complex128: "c16", complex: "c16", cdouble: "c16", D: "c16",
  str: "U0", str_: "U0", unicode: "U0", U: "U0", bytes: "S0", bytes_: "S0", S: "S0", a: "S0",
  object: "O8", object_: "O8", O: "O8", V: "V0", void: "V0", M: "M8", m: "m8",
};

const SIZES: Partial<Record<DtypeKind, readonly number[]>> = {
  b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8], c: [8, 16], M: [8], m: [8], O: [4, 8],
};

const SIZE_WORDS: Partial<Record<DtypeKind, string>> = {
  b: "bool has itemsize 1", i: "integer itemsize must be 1, 2, 4 or 8", u: "integer itemsize must be 1, 2, 4 or 8",
  f: "float itemsize must be 2, 4 or 8", c: "complex itemsize must be 8 or 16", M: "datetime itemsize must be 8",
  m: "datetime itemsize must be 8", O: "object itemsize must be 8",
};

const CACHE_LIMIT = 1024;
const cache = new Map<string, DType>();

/**
 * Parse any numpy dtype spelling into the shared {@link DType} layout: a string (`"i4"`, `"<f8"`,
 * `"int32"`, `"S3"`, `"U20"`, `"M8[D]"`, `"datetime64[ns]"`, JSON text of a structured list) or a
 * structured list (`[["foo","|S3"],["bar","<i4",[2]]]`). Generic datetimes (no unit), sub-array
 * and nested fields are accepted here; callers restrict further. Linear in the number of fields.
 * Throws {@link DtypeError} naming the offending string.
 */
export function parseLayout(spec: string | readonly unknown[]): DType {
  if (Array.isArray(spec)) return parseFields(spec, describeValue(spec));
  if (typeof spec !== "string") throw new DtypeError(`dtype must be a string or a list of fields, got ${describeValue(spec)}`);
  const hit = cache.get(spec);
  if (hit) return hit;
  const dt = parseText(spec);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(spec, dt);
  return dt;
}

function parseText(spec: string): DType {
  let s = spec.trim();
  if (s.startsWith("[")) {
    let list: unknown;
    try {
      list = JSON.parse(s);
    } catch {
      throw new DtypeError(`dtype '${clip(spec)}' is not a valid structured dtype list`);
    }
    if (!Array.isArray(list)) throw new DtypeError(`structured dtype '${clip(spec)}' must be a list of fields`);
    return parseFields(list, `'${clip(spec)}'`);
  }
  const dm = /^(datetime64|timedelta64)(\[.+\])?$/.exec(s);
  if (dm) s = (dm[1] === "datetime64" ? "M8" : "m8") + (dm[2] ?? "");
  let order = "";
  if ("<>|=".includes(s[0] ?? "x") && s.length > 1) {
    order = s[0];
    s = s.slice(1);
  }
  if (Object.prototype.hasOwnProperty.call(NAMES, s)) {
    if (order && s.length > 1) throw new DtypeError(`unknown dtype '${spec}': byte order prefix on a dtype name`);
    s = NAMES[s];
  }
  const m = /^([biufcSUaMmOV])(\d*)(?:\[(\d*)([A-Za-zμ]+)\])?$/.exec(s);
  if (!m) throw new DtypeError(`unknown dtype '${spec}'`);
  const kind = (m[1] === "a" ? "S" : m[1]) as DtypeKind;
  const sizeText = m[2];
  let n: number;
  if (sizeText === "") {
    if (kind === "S" || kind === "U" || kind === "V") n = 0;
    else if (kind === "M" || kind === "m" || kind === "O") n = 8;
    else throw new DtypeError(`unknown dtype '${spec}': '${kind}' needs an item size`);
  } else n = Number(sizeText);
  const sizes = SIZES[kind];
  if (sizes && !sizes.includes(n)) throw new DtypeError(`unknown dtype '${spec}': ${SIZE_WORDS[kind]}`);
  let unit: string | undefined;
  if (m[4] !== undefined) {
    if (kind !== "M" && kind !== "m") throw new DtypeError(`unknown dtype '${spec}': only datetimes take a unit`);
    const parts = unitParts(`${m[3]}${m[4]}`);
    if (!parts) throw new DtypeError(`dtype '${spec}' has unknown datetime unit '${m[3]}${m[4]}'`);
    unit = parts.base === "" ? undefined : `${parts.mult === 1n ? "" : parts.mult}${parts.base}`;
  }
  const itemsize = kind === "U" ? 4 * n : kind === "O" ? 8 : n;
  const single = (itemsize <= 1 && (kind === "b" || kind === "i" || kind === "u")) || kind === "S" || kind === "O" || kind === "V";
  const byteorder: "<" | ">" | "|" = single ? "|" : order === ">" ? ">" : "<";
  const str =
    kind === "U" ? `${byteorder}U${n}` :
    kind === "M" || kind === "m" ? `${byteorder}${kind}8${unit === undefined ? "" : `[${unit}]`}` :
    kind === "O" ? "|O" :
    `${byteorder}${kind}${itemsize}`;
  return Object.freeze({ str, kind, itemsize, byteorder, littleEndian: byteorder !== ">", unit, descr: str });
}

/** A spec cut to a readable length for messages. */
function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 97)}...` : s;
}

/** Parse a structured field list in one pass: a Set catches duplicate names, offsets accumulate. */
function parseFields(list: readonly unknown[], what: string): DType {
  // push, not new Array(n): a large preallocated array is a slow dictionary-mode array in V8.
  const fields: DtypeField[] = [];
  const descr: [string, unknown, ...unknown[]][] = [];
  const names = new Set<string>();
  let offset = 0;
  for (let k = 0; k < list.length; k++) {
    const entry = list[k];
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3 || typeof entry[0] !== "string") {
      throw new DtypeError(`structured dtype ${what}: each field must be [name, dtype] or [name, dtype, shape], got ${describeValue(entry)}`);
    }
    const name = entry[0];
    if (names.has(name)) throw new DtypeError(`structured dtype ${what} has duplicate field '${name}'`);
    names.add(name);
    const fspec = entry[1];
    let dt: DType;
    if (Array.isArray(fspec)) dt = parseFields(fspec, `field '${name}'`);
    else if (typeof fspec === "string") dt = parseLayout(fspec);
    else throw new DtypeError(`structured dtype ${what}: field '${name}' has dtype ${describeValue(fspec)}, not a string or a list`);
    const shape = fieldShape(entry[2], name, what);
    const count = shape ? shape.reduce((a, b) => a * b, 1) : 1;
    fields.push(shape ? { name, dtype: dt, offset, shape } : { name, dtype: dt, offset });
    descr.push(shape ? [name, dt.descr, shape] : [name, dt.descr]);
    offset += dt.itemsize * count;
  }
  const str = JSON.stringify(descr);
  return Object.freeze({
    str, kind: "V" as const, itemsize: offset, byteorder: "|" as const, littleEndian: true,
    fields: Object.freeze(fields), descr: descr as DType["descr"],
  });
}

function fieldShape(raw: unknown, name: string, what: string): number[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const shape = Array.isArray(raw) ? raw.map((x) => (typeof x === "number" ? x : NaN)) : [typeof raw === "number" ? raw : NaN];
  if (shape.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new DtypeError(`structured dtype ${what}: bad shape ${describeValue(raw)} for field '${name}'`);
  }
  return shape.length === 0 ? undefined : shape;
}
