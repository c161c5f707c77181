/**
 * The store contract. It is deliberately small: a `Map<string, Uint8Array>` satisfies the read side
 * (only `get` is needed to read), and every method may answer synchronously or with a promise.
 * @module
 */

/** A value that may or may not be wrapped in a promise. */
export type Awaitable<T> = T | Promise<T>;

/** The least a store must do: give back the bytes under a key, or `undefined` when absent. */
export interface ReadableStore {
  /** The bytes under a key, or `undefined` when absent. */
  get(key: string): Awaitable<Uint8Array | undefined>;
}

/** A store that can be written. */
export interface WritableStore extends ReadableStore {
  /** Store bytes under a key, replacing what was there. */
  set(key: string, value: Uint8Array): Awaitable<unknown>;
  /** Remove a key (absent keys are not an error). */
  delete(key: string): Awaitable<unknown>;
}

/**
 * The full store contract used by zarrflow's own stores. `has`, `list` and `listDir` are optional:
 * the array layer falls back to `get` or to filtering `keys()`.
 */
export interface Store extends WritableStore {
  /** Whether a key exists (falls back to `get` when absent). */
  has?(key: string): Awaitable<boolean>;
  /** Every key that starts with `prefix` (all keys when omitted), in any order. */
  list?(prefix?: string): Awaitable<string[]> | AsyncIterable<string>;
  /** Names of the direct children under a prefix (keys and "directories"), as zarr-python's listdir. */
  listDir?(prefix?: string): Awaitable<string[]>;
  /** Delete every key under a prefix (and the prefix itself as a key). */
  deletePrefix?(prefix: string): Awaitable<unknown>;
  /** Size in bytes of all values under a prefix, used by `nbytesStored()`. */
  getSize?(prefix?: string): Awaitable<number>;
  /** Release files, handles or connections. */
  close?(): Awaitable<unknown>;
  /** The value zarr-python's info table shows as "Store type". */
  readonly storeType?: string;
  /** For stores backed by files: the file holding a key (lets the native read path read it directly). */
  filePath?(key: string): string;
  /** Keys are iterable for Map-like stores. */
  keys?(): Iterable<string> | AsyncIterable<string>;
}
