/**
 * A read-through disk cache in front of a slow store, as fsspec's `simplecache::` does for
 * zarr-python users: a value is fetched once from the remote store and then served from a local
 * directory. Writes go through to the remote store and refresh the cached copy, so the cache never
 * serves a value older than one written through it.
 * @module
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryStore } from "./directory.ts";
import { listKeys } from "./list-keys.ts";
import { listDirOf } from "./list-dir.ts";
import type { AbortOptions, RangeQuery, Store, StoreCapabilities } from "./store.ts";
import { sliceRange } from "./store.ts";

/** Options of {@link DiskCacheStore}. */
export interface DiskCacheOptions {
  /** Where cached values live; a fresh temporary directory when omitted (fsspec's default). */
  cacheDir?: string;
}

/**
 * A remote store with a local directory caching every value read.
 * @example
 * const store = new DiskCacheStore(new HTTPStore("https://example.com/data.zarr"), { cacheDir: "/tmp/zarr-cache" });
 * const z = await openArray(store, { mode: "r" });   // the same as open("simplecache::https://example.com/data.zarr")
 */
export class DiskCacheStore implements Store {
  /** As fsspec names the wrapper. */
  readonly storeType = "fsspec.implementations.cached.SimpleCacheFileSystem";
  /** The local cache. */
  readonly cache: DirectoryStore;
  /** Values served from the disk cache. */
  hits = 0;
  /** Values fetched from the remote store. */
  misses = 0;

  /** @param remote the slow store whose values are cached */
  constructor(readonly remote: Store, opts: DiskCacheOptions = {}) {
    this.cache = new DirectoryStore(opts.cacheDir ?? mkdtempSync(join(tmpdir(), "zarrflow-simplecache-")));
  }

  /** Only the remote store's separator is meaningful here; its local files are not this store's. */
  get capabilities(): StoreCapabilities {
    const sep = this.remote.capabilities?.dimensionSeparator;
    return sep ? { dimensionSeparator: sep } : {};
  }

  /** From the cache when present; else from the remote store, then kept. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const hit = await this.cache.get(key, opts); // also checks the key and the signal
    if (hit !== undefined) {
      this.hits++;
      return hit;
    }
    const value = await this.remote.get(key, opts);
    this.misses++;
    if (value !== undefined) await this.cache.set(key, value);
    return value;
  }

  /** A range of a cached value (the whole value is fetched and cached on a miss). */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const v = await this.get(key, opts);
    return v === undefined ? undefined : sliceRange(v, range);
  }

  /** Write through to the remote store, then refresh the cached copy. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    await this.remote.set(key, value, opts);
    await this.cache.set(key, value);
  }

  /** Delete remotely and from the cache. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    await this.remote.delete(key, opts);
    await this.cache.delete(key);
  }

  /** Delete a prefix remotely and from the cache. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    if (this.remote.deletePrefix) await this.remote.deletePrefix(prefix, opts);
    else for (const k of await listKeys(this.remote, prefix)) await this.remote.delete(k, opts);
    await this.cache.deletePrefix(prefix);
  }

  /** Listings always come from the remote store (the cache holds only what was read). */
  async list(prefix = ""): Promise<string[]> {
    return listKeys(this.remote, prefix);
  }

  /** The remote store's listing. */
  async listDir(prefix = ""): Promise<string[]> {
    return listDirOf(this.remote, prefix);
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the remote store (the cache directory stays, as fsspec leaves it). */
  async close(): Promise<void> {
    await this.remote.close?.();
  }
}
