/**
 * Type-level dtypes: numpy dtype string literals (`"<f4"`, `"|u1"`, `">i8"`, `"<M8[ns]"`, `"|S10"`,
 * `"<U5"`, `"|b1"`, `"<c8"`, `"|O"`, and the spellings the API accepts such as `"i4"`, `"float64"`,
 * `"str"`) mapped to the JS type of one element and to the typed array that holds the elements, so
 * that `ZarrArray<"<i8">` reads give `bigint`, not `any`. A dtype that is not a literal (a plain
 * `string`) maps to the loose types zarrflow always had, so untyped code keeps compiling.
 * Types only: nothing here exists at run time.
 * @module
 */
import type { DataArray, TypedArray } from "./elements.ts";
import type { Datetime64, Timedelta64 } from "./datetime-value.ts";

/** The dtype string without its byte-order character (`"<f4"` → `"f4"`, `"|b1"` → `"b1"`). */
export type StripByteOrder<D extends string> = D extends `${"<" | ">" | "|" | "="}${infer R}` ? R : D;

/** numpy names and one-letter codes → kind + size, as the run-time parser maps them (`src/dtype/parse.ts`). */
interface NameTable {
  bool: "b1"; bool_: "b1"; bool8: "b1"; "?": "b1";
  int8: "i1"; byte: "i1"; b: "i1"; int16: "i2"; short: "i2"; h: "i2"; int32: "i4"; intc: "i4"; i: "i4";
  int64: "i8"; int: "i8"; int_: "i8"; long: "i8"; longlong: "i8"; intp: "i8"; l: "i8"; q: "i8"; p: "i8";
  uint8: "u1"; ubyte: "u1"; B: "u1"; uint16: "u2"; ushort: "u2"; H: "u2"; uint32: "u4"; uintc: "u4"; I: "u4";
  uint64: "u8"; uint: "u8"; ulonglong: "u8"; uintp: "u8"; L: "u8"; Q: "u8"; P: "u8";
  float16: "f2"; half: "f2"; e: "f2"; float32: "f4"; single: "f4"; f: "f4";
  float64: "f8"; float: "f8"; double: "f8"; float_: "f8"; d: "f8";
  complex64: "c8"; csingle: "c8"; F: "c8"; complex128: "c16"; complex: "c16"; cdouble: "c16"; D: "c16";
  object: "O"; object_: "O"; O: "O"; O8: "O";
}

/**
 * The canonical kind+size code of a dtype literal (`"<i4"`, `"int32"`, `"i"` → `"i4"`;
 * `"datetime64[ns]"` → `"M8[ns]"`), or `never` when it is not one the type map knows.
 */
export type DtypeCode<D extends string> =
  D extends `datetime64[${infer U}]` ? `M8[${U}]`
  : D extends `timedelta64[${infer U}]` ? `m8[${U}]`
  : StripByteOrder<D> extends infer C extends string
    ? C extends keyof NameTable ? NameTable[C] : C
    : never;

/** Element types by canonical code (the README's value conventions). */
interface ElementTable {
  b1: boolean;
  i1: number; i2: number; i4: number; u1: number; u2: number; u4: number; f2: number; f4: number; f8: number;
  i8: bigint; u8: bigint;
  c8: [number, number]; c16: [number, number];
  O: unknown;
}

/** Typed-array storage by canonical code (one lane per element; complex has two float lanes). */
interface DataTable {
  b1: Uint8Array;
  i1: Int8Array; i2: Int16Array; i4: Int32Array; i8: BigInt64Array;
  u1: Uint8Array; u2: Uint16Array; u4: Uint32Array; u8: BigUint64Array;
  f2: Uint16Array; f4: Float32Array; f8: Float64Array;
  c8: Float32Array; c16: Float64Array;
  O: unknown[];
}

/** {@link ElementOf} of one canonical code. */
type ElementOfCode<C extends string> =
  C extends keyof ElementTable ? ElementTable[C]
  : C extends `M8[${string}]` ? Datetime64
  : C extends `m8[${string}]` ? Timedelta64
  : C extends `S${number}` | "S" ? Uint8Array
  : C extends `U${number}` | "U" ? string
  : C extends `[${string}` ? Record<string, unknown>
  : unknown;

/**
 * The JS type of one element of dtype `D`: `boolean` for `b1`; `number` for ints up to 32 bits
 * and floats; `bigint` for 64-bit ints; `[re, im]` for complex; `Uint8Array` for `S`; `string`
 * for `U` and `"str"`; {@link Datetime64}/{@link Timedelta64} for `M8`/`m8`; `unknown` for objects,
 * for anything the map does not know, and for a non-literal `string` dtype.
 * (Every check has `D` on its left, never `string extends D`, so `ZarrArray<"<f4">` stays
 * assignable to a plain `ZarrArray`.)
 * @example
 * const v: ElementOf<">i8"> = 3n;
 */
export type ElementOf<D extends string> =
  D extends "str" ? string
  : D extends "bytes" ? Uint8Array
  : D extends string ? ElementOfCode<DtypeCode<D>>
  : unknown;

/** {@link TypedArrayOf} of one canonical code. */
type DataOfCode<C extends string> =
  C extends keyof DataTable ? DataTable[C]
  : C extends `M8[${string}]` | `m8[${string}]` ? BigInt64Array
  : C extends `S${number}` | `U${number}` | `V${number}` | `[${string}` ? Uint8Array
  : DataArray;

/**
 * The storage behind an NDArray of dtype `D`: the typed array for fixed-size dtypes (`BigInt64Array`
 * of counts for datetimes, `Uint8Array` bytes for `S`/`U`/structured), `unknown[]` for objects, and
 * any `DataArray` for a non-literal dtype.
 */
export type TypedArrayOf<D extends string> =
  D extends "str" | "bytes" | `array:${string}` ? unknown[]
  : D extends string ? DataOfCode<DtypeCode<D>>
  : DataArray;

/**
 * True (as a type) when `D` is a dtype literal the map knows, so typed results apply; a plain
 * `string` or an unknown spelling keeps the loose results.
 */
export type IsKnownDtype<D extends string> = D extends "str" | "bytes" ? true
  : D extends string ? (DtypeCode<D> extends KnownCode ? true : false) : false;

/** Canonical codes with a typed element. */
type KnownCode = keyof ElementTable | `M8[${string}]` | `m8[${string}]` | `S${number}` | `U${number}`;

/** The dtype literal a typed array holds when no dtype is given (`inferDtype`'s table). */
export type DtypeOfData<T> =
  T extends Float64Array ? "<f8" : T extends Float32Array ? "<f4"
  : T extends BigInt64Array ? "<i8" : T extends BigUint64Array ? "<u8"
  : T extends Int32Array ? "<i4" : T extends Uint32Array ? "<u4"
  : T extends Int16Array ? "<i2" : T extends Uint16Array ? "<u2"
  : T extends Int8Array ? "|i1" : T extends Uint8Array | Uint8ClampedArray ? "|u1"
  : string;

export type { TypedArray };
