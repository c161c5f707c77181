/**
 * The store contract. It is deliberately small and split by what a caller needs:
 *
 * - {@link ReadableStore}: `get(key, { signal })` and an optional `getRange` for partial reads.
 *   A plain `Map<string, Uint8Array>` satisfies it, so tests and quick scripts need no class.
 * - {@link WritableStore}: `set`, `delete`, and an optional `deletePrefix`.
 * - {@link ListableStore}: `list(prefix)` and `listDir(prefix)`.
 * - {@link StoreCapabilities}: optional, declared extras that a layer above may use when present
 *   (a local file a native codec backend may read or write on its pool thread, the store's default
 *   chunk-key separator, a descriptor to reopen the store in a worker). Wrappers (LRU cache,
 *   consolidated metadata, a disk cache) forward the capabilities whose meaning they do not change
 *   and drop the others.
 *
 * Every method may answer synchronously or with a promise. Stores refuse keys that could escape
 * their root (`..` segments, absolute paths, NUL, backslashes) with an `InvalidKeyError`.
 * @module
 */
import { StoreIOError } from "../errors.ts";

/** A value that may or may not be wrapped in a promise. */
export type Awaitable<T> = T | Promise<T>;

/** Options every I/O call takes: a signal that cancels the call (it then rejects with an AbortError). */
export interface AbortOptions {
  /** Cancels the call; an aborted call rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
}

/**
 * Options of a whole-value read: a signal, and the most bytes the caller will accept.
 *
 * `maxBytes` exists because a value's size comes from untrusted storage (a 1 TB sparse file where a
 * 4 KB chunk should be): the array layer passes the largest size a chunk may have when stored
 * (see `maxStoredChunkBytes`). A store that can tell a value's size before reading it (a file's
 * `fstat`, a zip entry's directory record, SQLite's `length()`) refuses a larger one there, with
 * {@link storedSizeError}, without reading it; a store that cannot may return it, and the caller
 * checks the length it got.
 */
export interface StoreGetOptions extends AbortOptions {
  /** Refuse (with a `StoreIOError`, code `ERR_VALUE_TOO_LARGE`) a value larger than this many bytes, before reading it. */
  maxBytes?: number;
}

/** The `StoreIOError` code of a value refused by {@link StoreGetOptions.maxBytes}. */
export const VALUE_TOO_LARGE = "ERR_VALUE_TOO_LARGE";

/**
 * The typed refusal of a value whose stored `size` exceeds `maxBytes`, naming the key and both
 * sizes (also as its `size` and `maxBytes` properties); stores throw it from `get` before reading
 * a byte of the value.
 * @example
 * if (opts?.maxBytes !== undefined && st.size > opts.maxBytes) throw storedSizeError(key, st.size, opts.maxBytes);
 */
export function storedSizeError(key: string, size: number, maxBytes: number): StoreIOError & { size: number; maxBytes: number } {
  const e = new StoreIOError(
    `key ${JSON.stringify(key)}: ${size} bytes stored, more than the ${maxBytes} bytes this read accepts; refusing to read it`,
    key,
    VALUE_TOO_LARGE,
  );
  return Object.assign(e, { size, maxBytes });
}

/**
 * Throws {@link storedSizeError} when `size` exceeds `opts.maxBytes` (no limit when it is unset).
 * @example
 * checkStoredSize(key, entry.size, opts);   // before inflating a zip entry
 */
export function checkStoredSize(key: string, size: number, opts: StoreGetOptions | undefined): void {
  const max = opts?.maxBytes;
  if (max !== undefined && size > max) throw storedSizeError(key, size, max);
}

/**
 * A byte range of a value: `{ offset, length }` from the start (a range past the end is clipped to
 * the value, as HTTP range requests are), or `{ suffixLength }` for the last bytes.
 */
export type RangeQuery = { offset: number; length: number } | { suffixLength: number };

/** The least a store must do: give back the bytes under a key, or `undefined` when absent. */
export interface ReadableStore {
  /**
   * The bytes under a key, or `undefined` when absent. With `opts.maxBytes`, a store that knows the
   * value's size before reading it refuses a larger value there ({@link StoreGetOptions}).
   */
  get(key: string, opts?: StoreGetOptions): Awaitable<Uint8Array | undefined>;
  /**
   * Part of the bytes under a key, or `undefined` when the key is absent. Optional: callers fall
   * back to `get` and slice ({@link getRangeOf}). Stores that can read less than the whole value
   * (files, HTTP, S3) implement it so small selections of big chunks fetch little.
   */
  getRange?(key: string, range: RangeQuery, opts?: AbortOptions): Awaitable<Uint8Array | undefined>;
  /** Whether a key exists (callers fall back to `get`). */
  has?(key: string, opts?: AbortOptions): Awaitable<boolean>;
}

/** A store that can be written. */
export interface WritableStore extends ReadableStore {
  /** Store bytes under a key, replacing what was there, atomically: a reader sees old or new bytes. */
  set(key: string, value: Uint8Array, opts?: AbortOptions): Awaitable<unknown>;
  /** Remove a key (absent keys are not an error). */
  delete(key: string, opts?: AbortOptions): Awaitable<unknown>;
  /** Delete every key under a prefix (and the prefix itself as a key); `""` empties the store. */
  deletePrefix?(prefix: string, opts?: AbortOptions): Awaitable<unknown>;
}

/** A store that can enumerate its keys. */
export interface ListableStore {
  /** Every key that starts with `prefix` (all keys when omitted), in any order. */
  list?(prefix?: string): Awaitable<string[]> | AsyncIterable<string>;
  /** Names of the direct children under a prefix (keys and "directories"), as zarr-python's listdir. */
  listDir?(prefix?: string): Awaitable<string[]>;
}

/**
 * A local file that holds a key's bytes, declared by file-backed stores so that a native codec
 * backend may read a chunk file, or write one atomically, on its own thread. The store stays the
 * owner of its layout: it validates keys, chooses where files go and how temporaries are named.
 */
export interface LocalFileCapability {
  /** The absolute path of the file that holds `key` (after the store's key checks and mapping). */
  readPath(key: string): string;
  /**
   * Prepare an atomic write of `key`: create parent directories as the store's `set` would, and
   * return the file to replace and a fresh temporary path beside it. The writer writes the temporary
   * file completely, then renames it over `file`; on failure it removes the temporary file.
   */
  prepareWrite(key: string): Awaitable<{ file: string; temp: string }>;
  /**
   * Optional: {@link prepareWrite} for many keys at once, in order, so a writer of thousands of tiny
   * chunks pays for each parent directory once instead of once per chunk.
   */
  prepareWrites?(keys: readonly string[]): Promise<{ file: string; temp: string }[]>;
}

/** Enough to reopen an equivalent store in a worker thread or another process (structured-cloneable). */
export interface StoreDescriptor {
  /** The store class, e.g. `"DirectoryStore"`. */
  type: string;
  [option: string]: unknown;
}

/** Optional features a store declares; every member is optional. */
export interface StoreCapabilities {
  /** The store's chunk files are local files a native backend may read and write directly. */
  localFile?: LocalFileCapability;
  /**
   * The chunk-key separator new arrays default to, and the one an array whose `.zarray` lacks
   * `dimension_separator` is read with (zarr-python's store `_dimension_separator`).
   */
  dimensionSeparator?: "." | "/";
  /**
   * The store rewrites metadata on the way in and out (N5's attributes.json), so an array created
   * on it must be reopened from what the store gives back rather than from the metadata written.
   */
  translatesMetadata?: boolean;
  /**
   * The store presents another format as zarr (an HDF5 file): copying from it gives new arrays
   * zarr's default compressor and order, as zarr-python does when copying from h5py.
   */
  foreignFormat?: "hdf5";
  /** How to reopen this store elsewhere (a worker thread). */
  descriptor?(): StoreDescriptor;
}

/**
 * The full store contract used by zarrflow's own stores. Everything beyond `get` is optional: the
 * array layer falls back to `get` or to filtering `keys()`.
 */
export interface Store extends WritableStore, ListableStore {
  /** Size in bytes of all values under a prefix, used by `nbytesStored()`. */
  getSize?(prefix?: string): Awaitable<number>;
  /** Release files, handles or connections. */
  close?(): Awaitable<unknown>;
  /** The value zarr-python's info table shows as "Store type". */
  readonly storeType?: string;
  /** Declared optional features (see {@link StoreCapabilities}). */
  readonly capabilities?: StoreCapabilities;
  /** Keys are iterable for Map-like stores. */
  keys?(): Iterable<string> | AsyncIterable<string>;
  /** @deprecated transitional: use `capabilities.localFile.readPath`. */
  filePath?(key: string): string;
}

/**
 * The capabilities a store declares (an empty object when it declares none).
 * @example
 * if (capabilitiesOf(store).localFile) console.log("chunk files can be read on the libuv pool");
 */
export function capabilitiesOf(store: ReadableStore): StoreCapabilities {
  return (store as Store).capabilities ?? {};
}

/**
 * Throw the signal's reason when it has been aborted (an `AbortError` DOMException by default).
 * @example
 * class MyStore {
 *   readonly entries = new Map<string, Uint8Array>();
 *   async get(key: string, opts: AbortOptions = {}) {
 *     throwIfAborted(opts.signal);   // a cancelled read does no work
 *     return this.entries.get(key);
 *   }
 * }
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * Read a byte range through whatever the store offers: its own `getRange`, else `get` and a slice.
 * @example
 * const head = await getRangeOf(store, "x/0.0", { offset: 0, length: 16 });
 */
export async function getRangeOf(
  store: ReadableStore,
  key: string,
  range: RangeQuery,
  opts?: AbortOptions,
): Promise<Uint8Array | undefined> {
  if (store.getRange) return store.getRange(key, range, opts);
  throwIfAborted(opts?.signal);
  const all = await store.get(key, opts);
  if (all === undefined) return undefined;
  return sliceRange(all, range);
}

/**
 * The part of `value` a {@link RangeQuery} names, clipped to the value as HTTP range requests are.
 * @example
 * sliceRange(bytes, { offset: 16, length: 8 });   // bytes 16..23
 * sliceRange(bytes, { suffixLength: 4 });         // the last 4 bytes
 */
export function sliceRange(value: Uint8Array, range: RangeQuery): Uint8Array {
  if ("suffixLength" in range) return value.subarray(Math.max(0, value.byteLength - range.suffixLength));
  const start = Math.min(range.offset, value.byteLength);
  return value.subarray(start, Math.min(value.byteLength, start + range.length));
}

/**
 * Release what a store holds (a database handle, a zip file, a client), when it has a `close()`;
 * stores without resources are left alone. Groups and arrays call this when disposed, so
 * `await using g = await openGroup("data/example.zip")` closes the archive it opened.
 * @example
 * const store = new SQLiteStore("data/example.sqlite");
 * await closeStore(store);
 */
export async function closeStore(store: unknown): Promise<void> {
  const close = (store as { close?: () => unknown } | null)?.close;
  if (typeof close === "function") await close.call(store);
}
