/**
 * numpy-compatible text rendering of N-dimensional arrays and their elements. The implementation
 * lives in `./format/` (dragon4, formatters, layout, scalars); this path is kept so importers need
 * not change.
 * @module
 */
export { dtypeName, formatNDArray, formatNDArrayStr, formatScalar, type FormatOptions, type FormatSource } from "./format/index.ts";
