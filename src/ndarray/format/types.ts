/**
 * The inputs of the numpy-style printer: a lazy element source and the layout options.
 * @module
 */

/**
 * The read-only view of an array that the formatter needs.
 *
 * Formatting only ever touches the elements it prints (plus the same elements again to size the
 * columns), so a lazy accessor lets callers print huge chunked arrays without materialising them.
 */
export interface FormatSource {
  /** numpy dtype string (`'<i4'`, `'|S3'`, `'<M8[ns]'`, ...) or JSON text of a structured dtype's list form. */
  dtype: string;
  /** Array shape; `[]` for a 0-d array. */
  shape: readonly number[];
  /** element at flat C-order index */
  get(flatIndex: number): unknown;
}

/**
 * The subset of `numpy.set_printoptions` that affects default output.
 *
 * Only options that change *layout* are exposed; options that change the value notation
 * (`floatmode`, `sign`, `suppress`, `legacy`, `formatter`) are fixed at numpy's defaults so the
 * output stays comparable with an unconfigured numpy session.
 */
export interface FormatOptions {
  /** Total element count above which the array is summarized with `...` (numpy default 1000). */
  threshold?: number /* default 1000, numpy's */;
  /** Items kept at each end of every summarized axis (numpy default 3). */
  edgeitems?: number /* default 3 */;
  /** Maximum characters per line before wrapping (numpy default 75). */
  linewidth?: number /* default 75 */;
  /** Maximum fractional digits for floats (numpy default 8). */
  precision?: number /* default 8 */;
}
