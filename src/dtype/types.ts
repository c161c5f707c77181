/**
 * The shared dtype model's types, in a module of their own so the parser and the zarr entry point
 * can both use them without importing each other.
 * @module
 */

/** numpy dtype kind letters that zarrflow supports. `V` is a structured (record) dtype, `O` an object dtype. */
export type DtypeKind = "b" | "i" | "u" | "f" | "c" | "S" | "U" | "M" | "m" | "V" | "O";

/** One field of a structured dtype, packed without padding as numpy writes them. */
export interface DtypeField {
  name: string;
  dtype: DType;
  offset: number;
  /** Sub-array shape of the field (`[name, dtype, shape]`); absent for a scalar field. */
  shape?: readonly number[];
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
  /** True unless multi-byte elements are stored big-endian (`byteorder` is `>`). */
  readonly littleEndian: boolean;
  /** Datetime/timedelta unit, e.g. `ns`, `D`, `15m`; absent for a generic datetime. */
  readonly unit?: string;
  /** Fields of a structured dtype. */
  readonly fields?: readonly DtypeField[];
  /** The value written to `.zarray`'s `dtype`: a string, or for structured dtypes a list of [name, descr]. */
  readonly descr: string | [string, string | unknown][];
}
