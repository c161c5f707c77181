/**
 * numpy-compatible text rendering of N-dimensional arrays and their elements.
 *
 * The goal is byte-for-byte agreement with numpy 1.24's `repr()` / `str()` under the default
 * print options (`floatmode='maxprec'`, `sign='-'`, `suppress=False`, `legacy=False`), so that
 * output can be compared with — or pasted next to — what zarr-python users see. The structure
 * deliberately mirrors `numpy/core/arrayprint.py` and `dragon4.c`: every quirk (column padding
 * computed from the summarized data only, the `'k'`/`'.'` trim modes, the exponent-format switch,
 * the line-wrapping rule that never wraps an otherwise empty line) is reproduced rather than
 * re-imagined, because the quirks are what users compare against.
 *
 * @module
 */
import { array2string, checkShape, resolveOptions } from "./layout.ts";
import { dtypeIsImplied, dtypeShortRepr, printerDtype, pyTuple } from "./dtype-text.ts";
import { plen } from "./pyobject.ts";
import { scalarStr } from "./scalars.ts";
import type { FormatOptions, FormatSource } from "./types.ts";

export type { FormatOptions, FormatSource } from "./types.ts";
export { dtypeName } from "./dtype-text.ts";
export { formatScalar } from "./scalars.ts";

/**
 * Render an array exactly as numpy 1.24's `repr()` would (`np.array_repr`).
 *
 * Matching numpy character for character lets users diff our output against zarr-python's and
 * lets docs and tests quote numpy sessions verbatim; see the module docs for what is reproduced.
 *
 * @example formatNDArray({ dtype: '<i4', shape: [3], get: (i) => i }) === 'array([0, 1, 2], dtype=int32)'
 * @throws DtypeError for an unsupported dtype; ShapeError for a malformed shape; RangeError for bad options.
 */
export function formatNDArray(src: FormatSource, opts?: FormatOptions): string {
  const o = resolveOptions(opts);
  const dt = printerDtype(src.dtype);
  const size = checkShape(src.shape);
  const skipdtype = dtypeIsImplied(dt) && size > 0;
  const prefix = "array(";
  const suffix = skipdtype ? ")" : ",";
  let lst: string;
  if (size > 0) {
    lst = array2string(src, dt, size, o, ", ", prefix, suffix.length);
  } else if (src.shape.length === 1) {
    lst = "[]";
  } else {
    lst = `[], shape=${pyTuple(src.shape)}`;
  }
  const arrStr = prefix + lst + suffix;
  if (skipdtype) return arrStr;
  const dtypeStr_ = `dtype=${dtypeShortRepr(dt)})`;
  const lastLineLen = plen(arrStr) - plen(arrStr.slice(0, arrStr.lastIndexOf("\n") + 1));
  const spacer = lastLineLen + plen(dtypeStr_) + 1 > o.linewidth ? "\n" + " ".repeat(prefix.length) : " ";
  return arrStr + spacer + dtypeStr_;
}

/**
 * Render an array as numpy's `str()` (`np.array_str`): bare nested brackets, space separated.
 *
 * This is the form users see from `print(arr)`; a 0-d array prints as its scalar's `str()` (so
 * strings lose their quotes and floats keep full precision), exactly like numpy.
 *
 * @example formatNDArrayStr({ dtype: '<i4', shape: [3], get: (i) => i }) === '[0 1 2]'
 * @throws DtypeError for an unsupported dtype; ShapeError for a malformed shape; RangeError for bad options.
 */
export function formatNDArrayStr(src: FormatSource, opts?: FormatOptions): string {
  const o = resolveOptions(opts);
  const dt = printerDtype(src.dtype);
  const size = checkShape(src.shape);
  if (src.shape.length === 0) return scalarStr(src.get(0), dt);
  if (size === 0) return "[]";
  return array2string(src, dt, size, o, " ", "", 0);
}
