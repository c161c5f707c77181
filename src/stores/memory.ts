/**
 * An in-memory store: the default for scratch arrays and for tests.
 * @module
 */

import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { sliceRange, throwIfAborted, type AbortOptions, type RangeQuery, type Store } from "./store.ts";

/**
 * A `Map`-backed store. It exists (rather than handing out a bare `Map`) so that keys are normalized
 * and checked like on disk (`"a//b"` and `"a/b"` are the same key, `".."` is refused), and so that
 * listing, prefix deletion and size queries are available without scanning from the array layer.
 *
 * Values are kept by reference, not copied: callers must not mutate a `Uint8Array` after handing it
 * to {@link MemoryStore.set}, nor mutate what {@link MemoryStore.get} returns. All methods answer
 * synchronously; an already-aborted signal throws its reason (an `AbortError`) before anything is
 * read or changed, so callers that cancel a batch see the same behaviour as with a file store.
 * @example
 * const store = new MemoryStore();                  // zarr.MemoryStore()
 * const z = await zeros([100], { chunks: [10], store });
 * await z.set(null, 1);
 * console.log(store.list());                        // [".zarray", "0", "1", ...]
 */
export class MemoryStore implements Store {
  /** What zarr-python's `info` prints as "Store type" for its equivalent store. */
  readonly storeType: string = "zarr.storage.MemoryStore";

  /** Normalized key → value. */
  readonly #map = new Map<string, Uint8Array>();

  /**
   * @param entries initial contents, e.g. another store's `Map`; keys are normalized and checked.
   */
  constructor(entries?: Iterable<readonly [string, Uint8Array]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /** The value under `key`, or `undefined` when absent. */
  get(key: string, opts?: AbortOptions): Uint8Array | undefined {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    return this.#map.get(k);
  }

  /**
   * Part of the value under `key` (a view, not a copy), or `undefined` when absent; offered so
   * range-aware callers treat memory like any other store.
   */
  getRange(key: string, range: RangeQuery, opts?: AbortOptions): Uint8Array | undefined {
    const value = this.get(key, opts);
    return value === undefined ? undefined : sliceRange(value, range);
  }

  /** Store `value` under `key` (by reference; see the class note on mutation). */
  set(key: string, value: Uint8Array, opts?: AbortOptions): void {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    this.#map.set(k, value);
  }

  /** Remove `key`; a missing key is not an error, so deletes are idempotent. */
  delete(key: string, opts?: AbortOptions): boolean {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    return this.#map.delete(k);
  }

  /** Whether a value exists under `key` (a "directory" prefix is not a key). */
  has(key: string, opts?: AbortOptions): boolean {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    return this.#map.has(k);
  }

  /** Every key, in insertion order; lets the store be iterated like the `Map` it wraps. */
  keys(): IterableIterator<string> {
    return this.#map.keys();
  }

  /** The number of keys, for tests and diagnostics. */
  get size(): number {
    return this.#map.size;
  }

  /**
   * Every key that starts with `prefix` as a plain string (all keys when omitted), sorted. A trailing
   * `/` is kept, so `list("foo/")` excludes `"foobar/.zarray"` while `list("foo")` does not.
   */
  list(prefix?: string): string[] {
    const p = normalizePrefix(prefix, true);
    const out: string[] = [];
    for (const k of this.#map.keys()) if (k.startsWith(p)) out.push(k);
    return out.sort(compareKeys);
  }

  /**
   * Names of the direct children of the "directory" `prefix` (keys and sub-directories), sorted, as
   * zarr-python's `listdir`: empty when nothing lies under it, including when `prefix` is a key.
   */
  listDir(prefix?: string): string[] {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const names = new Set<string>();
    for (const k of this.#map.keys()) {
      if (!k.startsWith(start)) continue;
      const rest = k.slice(start.length);
      const slash = rest.indexOf("/");
      names.add(slash < 0 ? rest : rest.slice(0, slash));
    }
    return [...names].sort(compareKeys);
  }

  /** Delete the key `prefix` and every key below it as a path; `""` clears the store. */
  deletePrefix(prefix: string, opts?: AbortOptions): void {
    const dir = normalizePrefix(prefix);
    throwIfAborted(opts?.signal);
    if (dir === "") {
      this.#map.clear();
      return;
    }
    const start = dir + "/";
    for (const k of [...this.#map.keys()]) if (k === dir || k.startsWith(start)) this.#map.delete(k);
  }

  /**
   * Total bytes of the value at `prefix` plus every value below it as a path (the whole store for
   * `""`), which is what `nbytesStored()` reports. Unlike zarr-python's `MemoryStore.getsize`,
   * values in nested sub-directories are counted too, so nested chunk keys are not missed.
   */
  getSize(prefix?: string): number {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    let size = 0;
    for (const [k, v] of this.#map) if (k === dir || k.startsWith(start)) size += v.byteLength;
    return size;
  }
}

/**
 * The in-memory store a bare `zeros()`/`create()` gets, named as zarr-python 2.13 names its default
 * array store (a KVStore over a dict), so `info()` prints the same "Store type".
 * @example
 * const z = await zeros([100], { chunks: [10] });   // a bare zeros() gets a KVStore
 * console.log(z.store instanceof KVStore);          // true
 */
export class KVStore extends MemoryStore {
  override readonly storeType: string = "zarr.storage.KVStore";
}
