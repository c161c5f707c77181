/**
 * Structured dtypes: selecting fields of read records, and the dtype a written value of some fields
 * is converted to.
 * @module
 */
import { parseDtype, type DType } from "../dtype/dtype.ts";
import { allocate } from "../dtype/elements.ts";
import { IndexError, ZarrError } from "../errors.ts";
import { NDArray } from "../ndarray/ndarray.ts";
import { unravel } from "./values.ts";

/** The named field (a view) or fields (a new array of a sub-dtype) of structured records. */
export function selectFields(a: NDArray, fields: string | string[]): NDArray {
  if (typeof fields === "string") return a.field(fields);
  const dt = a.dt;
  const sub = fields.map((f) => {
    const fd = dt.fields?.find((x) => x.name === f);
    if (!fd) throw new ZarrError(`no field '${f}' in dtype ${a.dtype}`);
    return [f, fd.dtype.str];
  });
  const out = new NDArray(allocate(parseDtype(sub), a.size), a.shape, sub);
  for (let i = 0; i < a.size; i++) {
    const rec = a.getFlat(i) as Record<string, unknown>;
    out.set(unravel(i, a.shape), Object.fromEntries(fields.map((f) => [f, rec[f]])));
  }
  return out;
}

/** The dtype a written value is converted to: the array's, or the selected field(s); IndexError for unknown fields. */
export function valueDtype(dt: DType, fields: string | string[] | undefined): DType {
  if (fields === undefined) return dt;
  const names = typeof fields === "string" ? [fields] : fields;
  const sub = names.map((f) => {
    const fd = dt.fields?.find((x) => x.name === f);
    if (!fd) throw new IndexError(`no field '${f}' in dtype ${dt.str}`);
    return fd;
  });
  return typeof fields === "string" ? sub[0].dtype : parseDtype(sub.map((fd) => [fd.name, fd.dtype.str]));
}
