/**
 * A store whose real implementation is created on first use. URL opening is synchronous (so
 * `open(url)` and `asStore(url)` keep their shape) while remote stores load optional SDKs with a
 * dynamic import; this wrapper bridges the two.
 * @module
 */
import { sliceRange, type AbortOptions, type RangeQuery, type Store } from "./store.ts";
import { listKeys } from "./list-keys.ts";
import { listDirOf } from "./list-dir.ts";

/**
 * Forwards every call to the store `load` resolves to, loading it once.
 * @example
 * const store = new LazyStore(async () => new DirectoryStore("data/example.zarr"), "zarr.storage.DirectoryStore", "data/example.zarr");
 */
export class LazyStore implements Store {
  #store: Promise<Store> | undefined;
  readonly #load: () => Promise<Store>;

  /**
   * @param load creates the real store (may import an optional dependency)
   * @param storeType the "Store type" shown before the store is loaded
   * @param description what the store is, for error messages and `toString`
   */
  constructor(load: () => Promise<Store>, readonly storeType: string, readonly description: string) {
    this.#load = load;
  }

  /** The real store, created on the first call. */
  resolve(): Promise<Store> {
    this.#store ??= this.#load();
    return this.#store;
  }

  /** See {@link Store}. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    return (await this.resolve()).get(key, opts);
  }

  /** See {@link Store}. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const s = await this.resolve();
    if (s.getRange) return s.getRange(key, range, opts);
    const all = await s.get(key, opts);
    return all === undefined ? undefined : sliceRange(all, range);
  }

  /** See {@link Store}. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const s = await this.resolve();
    return s.has ? s.has(key, opts) : (await s.get(key, opts)) !== undefined;
  }

  /** See {@link Store}. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    await (await this.resolve()).set(key, value, opts);
  }

  /** See {@link Store}. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    await (await this.resolve()).delete(key, opts);
  }

  /** See {@link Store}. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const s = await this.resolve();
    if (s.deletePrefix) await s.deletePrefix(prefix, opts);
    else for (const k of await listKeys(s, prefix)) await s.delete(k, opts);
  }

  /** See {@link Store}. */
  async list(prefix = ""): Promise<string[]> {
    return listKeys(await this.resolve(), prefix);
  }

  /** See {@link Store}. */
  async listDir(prefix = ""): Promise<string[]> {
    return listDirOf(await this.resolve(), prefix);
  }

  /** See {@link Store}. */
  async getSize(prefix?: string): Promise<number> {
    const s = await this.resolve();
    if (s.getSize) return s.getSize(prefix);
    let n = 0;
    for (const k of await listKeys(s, prefix ?? "")) n += (await s.get(k))?.byteLength ?? 0;
    return n;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the real store if it was ever created. */
  async close(): Promise<void> {
    if (this.#store) await (await this.#store).close?.();
  }

  /** The description given at construction. */
  toString(): string {
    return this.description;
  }
}
