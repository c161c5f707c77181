/**
 * LRUStoreCache: an in-memory, size-bounded cache of values (and key listings) in front of a slow
 * store, as zarr-python's `LRUStoreCache`. Reads of cached keys never reach the inner store; writes
 * and deletes go through and update the cache, so it never serves stale data written through it.
 * @module
 */
import { ZarrError } from "../errors.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { listKeys } from "./list-keys.ts";
import {
  capabilitiesOf,
  sliceRange,
  throwIfAborted,
  type AbortOptions,
  type RangeQuery,
  type Store,
  type StoreCapabilities,
  type StoreDescriptor,
} from "./store.ts";

/**
 * A Store wrapper keeping the most recently used values up to `maxSize` bytes.
 *
 * Keys are checked and normalized here (a cache must not hold two entries for `"a//b"` and `"a/b"`,
 * and must refuse `..` even when the inner store is a plain `Map`).
 *
 * Capabilities: the inner store's `dimensionSeparator` is forwarded (caching does not change key
 * layout), and a `descriptor` when the inner store has one (a worker reopens the inner store behind
 * its own cache). `localFile` is deliberately NOT forwarded: a native backend reading the inner
 * store's files directly would bypass the cache, and one writing them directly would leave a stale
 * value cached, since the capability has no "write finished" hook through which to invalidate it
 * at the right moment. So chunk I/O through a cache always goes through `get`/`set`.
 * @example
 * const store = new LRUStoreCache(new HTTPStore("https://example.com/data.zarr"), 256 << 20);  // zarr.LRUStoreCache(store, max_size=2**28)
 * const root = await openGroup(store, { mode: "r" });
 */
export class LRUStoreCache implements Store {
  /** Values served from the cache. */
  hits = 0;
  /** Values fetched from the inner store. */
  misses = 0;
  readonly storeType = "zarr.storage.LRUStoreCache";
  /** Forwarded capabilities (see the class note on why `localFile` is not among them). */
  readonly capabilities: StoreCapabilities;
  // A Map iterates in insertion order, so re-inserting on use makes its first entry the least
  // recently used one.
  readonly #values = new Map<string, Uint8Array>();
  #size = 0;
  #keys: string[] | null = null;
  readonly #listDirs = new Map<string, string[]>();
  /**
   * Bumped by every change made through the cache. A read that started before a change must not
   * cache what it fetched (it may be the value the change replaced or removed).
   */
  #epoch = 0;

  /** `maxSize` in bytes; `null` for no limit (every value read stays cached). */
  constructor(readonly store: Store, readonly maxSize: number | null) {
    if (maxSize !== null && (!Number.isFinite(maxSize) || maxSize < 0)) throw new ZarrError(`maxSize must be a non-negative number or null, got ${maxSize}`);
    const inner = capabilitiesOf(store);
    const caps: StoreCapabilities = {};
    if (inner.dimensionSeparator !== undefined) caps.dimensionSeparator = inner.dimensionSeparator;
    if (inner.descriptor) {
      const describeInner = inner.descriptor.bind(inner);
      caps.descriptor = (): StoreDescriptor => ({ type: "LRUStoreCache", store: describeInner(), maxSize: this.maxSize });
    }
    this.capabilities = caps;
  }

  /** The separator arrays in the inner store default to (zarr-python's `_dimension_separator`). */
  get dimensionSeparator(): "." | "/" | undefined {
    return this.capabilities.dimensionSeparator;
  }

  /** Bytes of values currently cached. */
  get currentSize(): number {
    return this.#size;
  }

  /** The value under a key, from the cache when present. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    const hit = this.#values.get(k);
    if (hit !== undefined) {
      this.hits++;
      this.#values.delete(k);
      this.#values.set(k, hit);
      return hit;
    }
    const epoch = this.#epoch;
    const value = await this.store.get(k, opts);
    this.misses++;
    if (value !== undefined && epoch === this.#epoch && !this.#values.has(k)) this.#cache(k, value);
    return value;
  }

  /**
   * Part of a value: sliced from the cached value when there is one; otherwise the inner store's own
   * range read (the partial bytes are not cached), or a full read that is cached and then sliced.
   */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    const hit = this.#values.get(k);
    if (hit !== undefined) {
      this.hits++;
      this.#values.delete(k);
      this.#values.set(k, hit);
      return sliceRange(hit, range);
    }
    if (this.store.getRange) return await this.store.getRange(k, range, opts);
    const value = await this.get(k, opts);
    return value === undefined ? undefined : sliceRange(value, range);
  }

  /** Write through to the inner store, caching the new value. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    this.#changed(k);
    const started = this.#epoch;
    try {
      await this.store.set(k, value, opts);
    } finally {
      this.#changed(k); // also on failure: the inner store may hold either value now
    }
    // Cache the new value only when no other change overlapped this write: with concurrent writes
    // of one key, which of them the inner store kept is not known here.
    if (this.#epoch === started + 1) this.#cache(k, value);
  }

  /** Delete from the inner store and the cache. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    this.#changed(k);
    try {
      await this.store.delete(k, opts);
    } finally {
      this.#changed(k);
    }
  }

  /** Whether a key exists (answered from the cache, or the cached key listing). */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    if (this.#values.has(k)) return true;
    return (await this.list()).includes(k);
  }

  /** Keys under a prefix, from a cached listing of the inner store. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    if (this.#keys === null) {
      const epoch = this.#epoch;
      const keys = (await listKeys(this.store, "")).sort(compareKeys);
      if (epoch !== this.#epoch) return keys.filter((k) => k.startsWith(p));
      this.#keys = keys;
    }
    return this.#keys.filter((k) => k.startsWith(p));
  }

  /** Direct children of a prefix, cached per prefix. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const hit = this.#listDirs.get(dir);
    if (hit) return [...hit];
    const epoch = this.#epoch;
    let names: string[];
    if (this.store.listDir) names = await this.store.listDir(dir);
    else {
      const p = dir === "" ? "" : dir + "/";
      names = [...new Set((await this.list(p)).map((k) => k.slice(p.length).split("/")[0]))].sort(compareKeys);
    }
    if (epoch === this.#epoch) this.#listDirs.set(dir, names);
    return [...names];
  }

  /** Delete everything under a prefix (as a path) in the inner store, and forget it here. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    throwIfAborted(opts?.signal);
    const under = (k: string) => dir === "" || k === dir || k.startsWith(dir + "/");
    const forget = () => {
      this.#epoch++;
      for (const k of [...this.#values.keys()]) if (under(k)) this.#drop(k);
      this.#invalidateKeys();
    };
    forget();
    try {
      if (this.store.deletePrefix) await this.store.deletePrefix(dir, opts);
      else {
        for (const k of await listKeys(this.store, dir === "" ? "" : dir)) {
          if (!under(k)) continue;
          throwIfAborted(opts?.signal);
          await this.store.delete(k, opts);
        }
      }
    } finally {
      forget();
    }
  }

  /** Stored size under a prefix, as the inner store reports it. */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    if (this.store.getSize) return await this.store.getSize(dir);
    let n = 0;
    for (const k of await listKeys(this.store, dir ? dir + "/" : "")) n += (await this.store.get(k))?.byteLength ?? 0;
    return n;
  }

  /** Forget every cached value and listing (e.g. after the inner store was changed behind our back). */
  invalidate(): void {
    this.#epoch++;
    this.#values.clear();
    this.#size = 0;
    this.#invalidateKeys();
  }

  /** Forget cached values only. */
  invalidateValues(): void {
    this.#epoch++;
    this.#values.clear();
    this.#size = 0;
  }

  /** Forget cached key listings only. */
  invalidateKeys(): void {
    this.#epoch++;
    this.#invalidateKeys();
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the inner store. */
  async close(): Promise<void> {
    await this.store.close?.();
  }

  /** A key is about to change or has changed: forget its value and every listing. */
  #changed(key: string): void {
    this.#epoch++;
    this.#drop(key);
    this.#invalidateKeys();
  }

  #invalidateKeys(): void {
    this.#keys = null;
    this.#listDirs.clear();
  }

  #drop(key: string): void {
    const v = this.#values.get(key);
    if (v === undefined) return;
    this.#values.delete(key);
    this.#size -= v.byteLength;
  }

  #cache(key: string, value: Uint8Array): void {
    const n = value.byteLength;
    // A value larger than the whole cache is never cached, as in zarr-python.
    if (this.maxSize !== null && n > this.maxSize) return;
    this.#drop(key);
    while (this.maxSize !== null && this.#size + n > this.maxSize) {
      const oldest = this.#values.keys().next().value as string;
      this.#drop(oldest);
    }
    this.#values.set(key, value);
    this.#size += n;
  }
}
