/**
 * The option and value types of the ZarrArray facade (open, get, set, vindex/oindex), in a module of
 * their own so the facade stays small; `array.ts` re-exports them.
 * @module
 */
import type { NDArray } from "../ndarray/ndarray.ts";
import type { Synchronizer } from "../synchronizer.ts";

/** Options when opening an existing array. */
export interface ArrayOpenOptions {
  path?: string;
  readOnly?: boolean;
  synchronizer?: Synchronizer | null;
  /** Skip writing chunks that are entirely the fill value (zarr-python's `write_empty_chunks=False`). */
  writeEmptyChunks?: boolean;
  /** Metadata already read (from `.zmetadata`); avoids a store round trip. */
  cachedMeta?: { zarray: Uint8Array | string; zattrs?: Record<string, unknown> };
}

/** Options for reads. */
export interface GetOptions {
  /** Read into this C-contiguous array instead of allocating one. */
  out?: NDArray;
  /** For structured dtypes: one field name or several. */
  fields?: string | string[];
  /** Chunks fetched and decoded at once. */
  concurrency?: number;
  /** Cancels the read: it then rejects with an AbortError (a DOMException named "AbortError"). */
  signal?: AbortSignal;
}

/** Options for writes. */
export interface SetOptions {
  fields?: string | string[];
  concurrency?: number;
  /** Cancels the write: it rejects with an AbortError; chunks already stored stay stored. */
  signal?: AbortSignal;
}

/** A value accepted by `set`: a scalar, nested arrays, a typed array, an NDArray, or another array. */
export type ArrayValue = unknown;

/**
 * What `vindex` and `oindex` return: zarr-python's `z.vindex[sel]` / `z.vindex[sel] = v` become
 * `get(sel)` / `set(sel, v)` since JS has no index operator overloading.
 */
export interface AdvancedIndexer<S> {
  /** Read the selection (see the owning array's `get*Selection` methods for the result). */
  get(selection: S, opts?: GetOptions): Promise<any>;
  /** Write a value (broadcast like numpy) into the selection. */
  set(selection: S, value: ArrayValue, opts?: SetOptions): Promise<void>;
}
