/**
 * The filters' view of the shared dtype model: which dtypes numcodecs filters accept, parameter
 * parsing with codec-named errors, and the one helper for the `dtype`/`astype` checks that Delta,
 * FixedScaleOffset, Quantize, AsType and Categorize all need.
 * @module
 */
import { describeValue } from "../../dtype/describe.ts";
import type { DType } from "../../dtype/dtype.ts";
import { parseLayout } from "../../dtype/parse.ts";
import { CodecError, DtypeError } from "../../errors.ts";

/** A dtype as the filters use it: the shared {@link DType} (never structured or object). */
export type FilterDtype = DType;

/** A single element value: `bigint` for `i8`/`u8`, `number` for everything else (bools are 0/1). */
export type Scalar = number | bigint;

const cache = new Map<string, FilterDtype>();

/**
 * Parse and normalise a numpy dtype spec the way `np.dtype(spec).str` does (`"i4"` → `"<i4"`,
 * `">u1"` → `"|u1"`, `"float32"` → `"<f4"`), because numcodecs writes normalised strings into
 * `get_config()` and compares dtypes after normalisation.
 * Throws {@link CodecError} naming `codec` and `param` when the spec is not understood.
 */
export function parseFilterDtype(spec: unknown, codec: string, param: string): FilterDtype {
  if (typeof spec !== "string" || spec.length === 0) {
    throw new CodecError(`${codec}: parameter '${param}' must be a numpy dtype string, got ${describeValue(spec)}`);
  }
  const cached = cache.get(spec);
  if (cached) return cached;
  const bad = (why: string) => new CodecError(`${codec}: parameter '${param}' is not a supported numpy dtype: '${spec}' (${why})`);
  let dt: DType;
  try {
    dt = parseLayout(spec);
  } catch (e) {
    if (e instanceof DtypeError) throw bad(e.message);
    throw e;
  }
  if (dt.fields) throw bad("structured dtypes are not supported by this filter");
  if (dt.kind === "O") throw bad("object dtypes are not supported by this filter");
  if ((dt.kind === "M" || dt.kind === "m") && dt.unit === undefined) throw bad("datetime dtypes need a unit, e.g. M8[ns]");
  if (dt.kind === "U" && dt.itemsize === 0) throw bad("zero-length unicode dtype");
  if (cache.size >= 1024) cache.clear();
  cache.set(spec, dt);
  return dt;
}

/** True for the kinds the filters can cast and compute with. */
export function isNumeric(dt: FilterDtype): boolean {
  return dt.kind === "b" || dt.kind === "i" || dt.kind === "u" || dt.kind === "f";
}

/** Native-order numeric dtype by kind and size; arithmetic results in numpy are always native. */
export function nativeDtype(kind: "b" | "i" | "u" | "f", itemsize: number): FilterDtype {
  return parseLayout(`${kind === "b" || itemsize === 1 ? "|" : "<"}${kind}${itemsize}`);
}

/** What a dtype parameter must be: any filter dtype, bool/int/float, or float only. */
export type DtypeWant = "any" | "numeric" | "float";

/**
 * Parse one dtype parameter and check its kind, with the message every filter uses, so the
 * constructors do not each repeat the same checks.
 */
export function dtypeParam(codec: string, value: unknown, param: string, want: DtypeWant = "any"): FilterDtype {
  const dt = parseFilterDtype(value, codec, param);
  if (want === "numeric" && !isNumeric(dt)) {
    throw new CodecError(`${codec}: parameter '${param}' must be a bool, integer or float dtype, got '${dt.str}'`);
  }
  if (want === "float" && dt.kind !== "f") {
    throw new CodecError(`${codec}: parameter '${param}' must be a floating point dtype, got '${dt.str}'`);
  }
  return dt;
}

/**
 * Check a constructor's options object and its required keys (`[key, name in messages]`), the
 * preamble shared by the filter constructors. Returns the options as a record.
 */
export function requireOptions(codec: string, options: unknown, required: readonly (readonly [string, string])[]): Record<string, unknown> {
  if (options === null || typeof options !== "object") throw new CodecError(`${codec}: options must be an object`);
  const o = options as Record<string, unknown>;
  for (const [key, name] of required) {
    if (o[key] === undefined) throw new CodecError(`${codec}: parameter '${name}' is required`);
  }
  return o;
}

/**
 * The `dtype` + optional `astype` pair of Delta, FixedScaleOffset and Quantize: `astype` defaults
 * to `dtype`, and both must be of the wanted kind.
 */
export function dtypeAndAstype(codec: string, dtype: unknown, astype: unknown, want: DtypeWant): { dtype: FilterDtype; astype: FilterDtype } {
  const d = dtypeParam(codec, dtype, "dtype", want);
  const a = astype == null ? d : dtypeParam(codec, astype, "astype", want);
  return { dtype: d, astype: a };
}
