/**
 * numpy dtype strings ⇄ element layout. zarrflow speaks numpy's dtype vocabulary because that is what
 * `.zarray` stores and what a zarr-python user already knows. The grammar lives in `parse.ts`; this
 * module is the model and the zarr-level entry point.
 * @module
 */
import { DtypeError } from "../errors.ts";
import { describeValue } from "./describe.ts";
import { parseLayout } from "./parse.ts";

import type { DType } from "./types.ts";

export type { DType, DtypeField, DtypeKind } from "./types.ts";

const checked = new WeakSet<DType>();

/**
 * Parse a numpy dtype for use in zarr metadata: a string (`"i4"`, `"<f8"`, `"int32"`, `"S3"`,
 * `"U20"`, `"M8[D]"`, `"datetime64[ns]"`), a structured list (`[["foo","|S3"],["bar","<i4"]]`),
 * or a DType. zarr needs datetimes with a unit and supports neither sub-array nor object fields,
 * so those are refused here even though numpy's grammar has them.
 * Throws {@link DtypeError} naming the dtype when it is unknown.
 * @example
 * parseDtype("<i4").itemsize;                       // 4, as np.dtype("<i4").itemsize
 * parseDtype([["foo", "|S3"], ["bar", "<i4"]]);    // a structured dtype
 */
export function parseDtype(spec: string | readonly unknown[] | DType): DType {
  if (typeof spec === "object" && spec !== null && !Array.isArray(spec)) return spec as DType;
  if (typeof spec !== "string" && !Array.isArray(spec)) {
    throw new DtypeError(`dtype must be a string or a list of fields, got ${describeValue(spec)}`);
  }
  const dt = parseLayout(spec as string | readonly unknown[]);
  if (!checked.has(dt)) {
    checkZarr(dt, typeof spec === "string" ? spec : dt.str);
    checked.add(dt);
  }
  return dt;
}

function checkZarr(dt: DType, spec: string): void {
  if ((dt.kind === "M" || dt.kind === "m") && dt.unit === undefined) {
    throw new DtypeError(`dtype '${spec}' needs a unit, e.g. '${dt.kind}8[ns]' (zarr requires datetime units)`);
  }
  if (!dt.fields) return;
  if (dt.fields.length === 0) throw new DtypeError("structured dtype needs at least one field");
  for (const f of dt.fields) {
    if (f.shape) throw new DtypeError(`structured dtype field '${f.name}': sub-array fields are not supported`);
    if (f.dtype.kind === "O") throw new DtypeError(`structured dtype field '${f.name}': object fields are not supported`);
    if (!checked.has(f.dtype)) checkZarr(f.dtype, f.dtype.str);
  }
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

/**
 * numpy's name for a dtype (`int32`, `float64`, `datetime64[D]`), used by reprs, `tree()` and `info`.
 * @example
 * dtypeName(parseDtype("<M8[D]"));   // "datetime64[D]"
 */
export function dtypeName(dt: DType): string {
  switch (dt.kind) {
    case "b": return "bool";
    case "i": return `int${dt.itemsize * 8}`;
    case "u": return `uint${dt.itemsize * 8}`;
    case "f": return `float${dt.itemsize * 8}`;
    case "c": return `complex${dt.itemsize * 8}`;
    case "M": return dt.unit === undefined ? "datetime64" : `datetime64[${dt.unit}]`;
    case "m": return dt.unit === undefined ? "timedelta64" : `timedelta64[${dt.unit}]`;
    case "O": return "object";
    default: return dt.str;
  }
}

/** Names accepted for `dtype` in creation functions. */
export type DtypeLike = string | DType | readonly unknown[];
