/**
 * LRUStoreCache: an in-memory, size-bounded cache of values (and key listings) in front of a slow
 * store, as zarr-python's `LRUStoreCache`. Reads of cached keys never reach the inner store; writes
 * and deletes go through and update the cache, so it never serves stale data written through it.
 * @module
 */
import { ZarrError } from "../errors.ts";
import { listKeys } from "./list-keys.ts";
import type { Store } from "./store.ts";

/** A Store wrapper keeping the most recently used values up to `maxSize` bytes. */
export class LRUStoreCache implements Store {
  /** Values served from the cache. */
  hits = 0;
  /** Values fetched from the inner store. */
  misses = 0;
  readonly storeType = "zarr.storage.LRUStoreCache";
  // A Map iterates in insertion order, so re-inserting on use makes its first entry the least
  // recently used one.
  readonly #values = new Map<string, Uint8Array>();
  #size = 0;
  #keys: string[] | null = null;
  readonly #listDirs = new Map<string, string[]>();

  /** `maxSize` in bytes; `null` for no limit (every value read stays cached). */
  constructor(readonly store: Store, readonly maxSize: number | null) {
    if (maxSize !== null && (!Number.isFinite(maxSize) || maxSize < 0)) throw new ZarrError(`maxSize must be a non-negative number or null, got ${maxSize}`);
  }

  /** Bytes of values currently cached. */
  get currentSize(): number {
    return this.#size;
  }

  /** The value under a key, from the cache when present. */
  async get(key: string): Promise<Uint8Array | undefined> {
    const hit = this.#values.get(key);
    if (hit !== undefined) {
      this.hits++;
      this.#values.delete(key);
      this.#values.set(key, hit);
      return hit;
    }
    const value = await this.store.get(key);
    this.misses++;
    if (value !== undefined && !this.#values.has(key)) this.#cache(key, value);
    return value;
  }

  /** Write through to the inner store, caching the new value. */
  async set(key: string, value: Uint8Array): Promise<void> {
    await this.store.set(key, value);
    this.#invalidateKeys();
    this.#drop(key);
    this.#cache(key, value);
  }

  /** Delete from the inner store and the cache. */
  async delete(key: string): Promise<void> {
    await this.store.delete(key);
    this.#invalidateKeys();
    this.#drop(key);
  }

  /** Whether a key exists (answered from the cached key listing). */
  async has(key: string): Promise<boolean> {
    if (this.#values.has(key)) return true;
    return (await this.list()).includes(key);
  }

  /** Keys under a prefix, from a cached listing of the inner store. */
  async list(prefix = ""): Promise<string[]> {
    this.#keys ??= await listKeys(this.store, "");
    return this.#keys.filter((k) => k.startsWith(prefix));
  }

  /** Direct children of a prefix, cached per prefix. */
  async listDir(prefix = ""): Promise<string[]> {
    const hit = this.#listDirs.get(prefix);
    if (hit) return hit;
    let names: string[];
    if (this.store.listDir) names = await this.store.listDir(prefix);
    else {
      const p = prefix ? prefix.replace(/\/$/, "") + "/" : "";
      names = [...new Set((await this.list(p)).map((k) => k.slice(p.length).split("/")[0]))].sort();
    }
    this.#listDirs.set(prefix, names);
    return names;
  }

  /** Delete everything under a prefix in the inner store, and forget it here. */
  async deletePrefix(prefix: string): Promise<void> {
    if (this.store.deletePrefix) await this.store.deletePrefix(prefix);
    else for (const k of await listKeys(this.store, prefix)) await this.store.delete(k);
    for (const k of [...this.#values.keys()]) if (k.startsWith(prefix)) this.#drop(k);
    this.#invalidateKeys();
  }

  /** Stored size under a prefix, as the inner store reports it. */
  async getSize(prefix?: string): Promise<number> {
    if (this.store.getSize) return await this.store.getSize(prefix);
    let n = 0;
    for (const k of await listKeys(this.store, prefix ? prefix + "/" : "")) n += (await this.store.get(k))?.byteLength ?? 0;
    return n;
  }

  /** Forget every cached value and listing. */
  invalidate(): void {
    this.#values.clear();
    this.#size = 0;
    this.#invalidateKeys();
  }

  /** Forget cached values only. */
  invalidateValues(): void {
    this.#values.clear();
    this.#size = 0;
  }

  /** Forget cached key listings only. */
  invalidateKeys(): void {
    this.#invalidateKeys();
  }

  /** Close the inner store. */
  async close(): Promise<void> {
    await this.store.close?.();
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
    while (this.maxSize !== null && this.#size + n > this.maxSize) {
      const oldest = this.#values.keys().next().value as string;
      this.#drop(oldest);
    }
    this.#values.set(key, value);
    this.#size += n;
  }
}
