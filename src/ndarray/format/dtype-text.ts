/**
 * How numpy's printer names dtypes: `dtype=int32`, `'<U5'`, `[('a', '<i4'), ('b', 'S3', (2,))]`.
 * Works on the shared {@link DType} model; only the printer's spelling lives here.
 * @module
 */
import { dtypeName as numpyName, type DType } from "../../dtype/dtype.ts";
import { parseLayout } from "../../dtype/parse.ts";
import { DtypeError } from "../../errors.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";

/** The printer's view of a dtype's kind: structured dtypes (`V` with fields) are their own case. */
export type PrintKind = DType["kind"] | "struct";

/** Kind for the printer's dispatch, so a structured dtype is not mistaken for opaque `V` bytes. */
export function printKind(dt: DType): PrintKind {
  return dt.fields !== undefined ? "struct" : dt.kind;
}

/**
 * Parse a dtype for printing. The printer accepts numpy's whole grammar (generic datetimes,
 * sub-array and nested fields), and says "unsupported dtype" so a failed print is recognisable.
 */
export function printerDtype(dtype: string): DType {
  try {
    return parseLayout(dtype);
  } catch (e) {
    if (e instanceof DtypeError) throw new DtypeError(`unsupported dtype: ${e.message}`);
    throw e;
  }
}

/** Python's repr of a shape tuple (`(3,)`, `(2, 3)`), as numpy prints it. */
export function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** The field-type text numpy uses inside `str(structured_dtype)` (`'S3'`, `'?'`, `'u1'`, `'<f8'`). */
function descrInStruct(dt: DType): string {
  switch (printKind(dt)) {
    case "struct":
      return structStr(dt);
    case "b":
      return "'?'";
    case "O":
      return "'O'";
    case "S":
    case "V":
      return `'${dt.kind}${dt.itemsize}'`;
    case "i":
    case "u":
      if (dt.itemsize === 1) return `'${dt.kind}1'`;
      return `'${dt.str}'`;
    default:
      return `'${dt.str}'`;
  }
}

/** numpy's `str()` of a structured dtype: a list of `(name, type[, shape])` tuples. */
export function structStr(dt: DType): string {
  const parts = dt.fields!.map((f) => {
    const shape = f.shape === undefined ? "" : `, ${pyTuple(f.shape)}`;
    return `(${pyStrRepr(f.name)}, ${descrInStruct(f.dtype)}${shape})`;
  });
  return `[${parts.join(", ")}]`;
}

/**
 * numpy's dtype name as it appears after `dtype=` in an array repr.
 *
 * Exposed separately because callers (array/group summaries, error messages) want to name a
 * dtype the way numpy users know it: numeric types by their `dtype.name`, byte and unicode
 * strings by their byte-order-qualified `dtype.str`, structured dtypes by their list form.
 *
 * @example dtypeName('<i4') === 'int32'; dtypeName('|S3') === '|S3'; dtypeName('<M8[D]') === 'datetime64[D]'
 * @throws DtypeError for a dtype string this module cannot parse.
 */
export function dtypeName(dtype: string): string {
  const dt = printerDtype(dtype);
  if (dt.fields !== undefined) return structStr(dt);
  return numpyName(dt);
}

/** `dtype_short_repr`: quoted unless it is a valid identifier, structured left bare. */
export function dtypeShortRepr(dt: DType): string {
  if (dt.fields !== undefined) return structStr(dt);
  if (dt.kind === "S" || dt.kind === "U" || dt.kind === "V") return `'${dt.str}'`;
  const name = numpyName(dt);
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : `'${name}'`;
}

/** `dtype_is_implied`: the dtypes numpy leaves out of a repr because the values imply them. */
export function dtypeIsImplied(dt: DType): boolean {
  return (
    dt.kind === "b" ||
    (dt.kind === "i" && dt.itemsize === 8) ||
    (dt.kind === "f" && dt.itemsize === 8) ||
    (dt.kind === "c" && dt.itemsize === 16)
  );
}
