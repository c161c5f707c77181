/**
 * Chunk-key encodings: how a chunk's grid coordinates become a store key. The array asks its
 * encoding for every key and never joins coordinates itself, so N5's reversed layout (or any other)
 * plugs in without the array knowing which one it got.
 * @module
 */
import type { ReadableStore } from "../stores/store.ts";
import { capabilitiesOf } from "../stores/store.ts";

/** The dimension separators zarr v2 allows in `.zarray`'s `dimension_separator`. */
export type DimensionSeparator = "." | "/";

/** Turns grid coordinates into the key of a chunk, relative to the array's own prefix. */
export interface ChunkKeyEncoding {
  /** The key of the chunk at `coords` (without the array's path prefix). */
  encode(coords: readonly number[]): string;
  /** The separator between coordinates, for callers that must recognise chunk keys in listings. */
  readonly separator: DimensionSeparator;
  /** The grid coordinates of a key of an `ndim`-dimensional array, or null when it is no chunk key. */
  decode(key: string, ndim: number): number[] | null;
}

/** Coordinates of `key` split by `sep`, or null unless it is exactly `ndim` non-negative integers. */
function splitKey(key: string, sep: string, ndim: number): number[] | null {
  if (ndim === 0) return key === "0" ? [] : null;
  const parts = key.split(sep);
  if (parts.length !== ndim || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

/**
 * Zarr v2 keys: coordinates joined by `.` (flat) or `/` (nested), `"0"` for a 0-d array, as
 * zarr-python's `_chunk_key`.
 */
export function v2KeyEncoding(separator: DimensionSeparator): ChunkKeyEncoding {
  return {
    separator,
    encode: (coords) => (coords.length ? coords.join(separator) : "0"),
    decode: (key, ndim) => splitKey(key, separator, ndim),
  };
}

/** N5 keys: coordinates reversed (N5 lists the fastest axis first) and joined by `/`. */
export function n5KeyEncoding(): ChunkKeyEncoding {
  return {
    separator: "/",
    encode: (coords) => (coords.length ? [...coords].reverse().join("/") : "0"),
    decode: (key, ndim) => splitKey(key, "/", ndim)?.reverse() ?? null,
  };
}

/**
 * The separator an array without `dimension_separator` in its `.zarray` uses: the store's declared
 * default (zarr-python's store `_dimension_separator`), else `"."`.
 */
export function defaultSeparatorOf(store: ReadableStore): DimensionSeparator {
  const declared = capabilitiesOf(store).dimensionSeparator;
  if (declared) return declared;
  // Transitional: stores that predate declared capabilities expose the separator as a property.
  const legacy = (store as { dimensionSeparator?: unknown }).dimensionSeparator;
  return legacy === "/" || legacy === "." ? legacy : ".";
}

/**
 * A pattern matching exactly the chunk keys of an `ndim`-dimensional array under `encoding`
 * (relative to the array's prefix), so listings can count stored chunks without guessing.
 */
export function chunkKeyPattern(encoding: ChunkKeyEncoding, ndim: number): RegExp {
  if (ndim === 0) return /^0$/;
  const sep = encoding.separator === "/" ? "\\/" : "\\.";
  return new RegExp(`^\\d+(${sep}\\d+){${ndim - 1}}$`);
}
