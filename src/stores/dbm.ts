/**
 * A store in an embedded key-value database file set, the role zarr-python's `DBMStore` plays,
 * here on LevelDB through the optional npm package `classic-level`.
 * @module
 */

import * as nodePath from "node:path";
import { ZarrError } from "../errors.ts";
import { asBytes, checkValue, childNames, closedError, isUnder, loadOptional, prefixUpperBound, toBuffer } from "./kv-common.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { sliceRange, throwIfAborted, type AbortOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link DBMStore}. */
export interface DBMStoreOptions {
  /** The chunk-key separator new arrays in this store default to (zarr-python's `dimension_separator`). */
  dimensionSeparator?: "." | "/";
  /** Open an existing database only (do not create one). */
  mustExist?: boolean;
}

/* The parts of classic-level's API this store uses. */
interface Level {
  open(): Promise<void>;
  close(): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  del(key: string): Promise<void>;
  batch(ops: { type: "del"; key: string }[]): Promise<void>;
  keys(opts?: { gte?: string; lt?: string }): AsyncIterable<string> & { close(): Promise<void> };
  iterator(opts?: { gte?: string; lt?: string }): AsyncIterable<[string, Uint8Array]> & { close(): Promise<void> };
  clear(opts?: { gte?: string; lt?: string }): Promise<void>;
}
type LevelCtor = new (
  location: string,
  opts: { keyEncoding: "utf8"; valueEncoding: "view"; createIfMissing?: boolean },
) => Level;

/**
 * Keys and values in a LevelDB database directory (through `classic-level`), an embedded, ordered,
 * DBM-style key-value database that needs no server.
 *
 * **Not file-compatible with zarr-python's `DBMStore`**: that class uses Python's `dbm` module
 * (gdbm, ndbm or dbm.dumb, whichever Python has), whose files are neither LevelDB nor readable
 * from Node. A hierarchy moves between the two with a copy through a shared store (a directory or
 * zip). LevelDB allows one open handle per database directory at a time (a second open, in this
 * or another process, fails with a lock error).
 *
 * @example
 * const store = new DBMStore("data/group.ldb");
 * const root = await group(store);
 * await store.close();
 */
export class DBMStore implements Store {
  /** What zarr-python's `info` prints as "Store type" for its DBM-backed store. */
  readonly storeType: string = "zarr.storage.DBMStore";
  /** Absolute path of the LevelDB directory. */
  readonly path: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #opts: DBMStoreOptions;
  #db: Promise<Level> | undefined;
  #closed = false;

  constructor(path: string, opts: DBMStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new ZarrError("DBMStore needs a database directory path");
    this.path = nodePath.resolve(path);
    this.#opts = opts;
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  async #ready(signal?: AbortSignal): Promise<Level> {
    throwIfAborted(signal);
    if (this.#closed) throw closedError("DBMStore", this.path);
    this.#db ??= loadOptional<{ ClassicLevel: LevelCtor }>("classic-level", "DBMStore").then(async ({ ClassicLevel }) => {
      const db = new ClassicLevel(this.path, { keyEncoding: "utf8", valueEncoding: "view", createIfMissing: !this.#opts.mustExist });
      try {
        await db.open();
      } catch (e) {
        throw new ZarrError(`DBMStore cannot open ${this.path}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ""}`);
      }
      return db;
    });
    const db = await this.#db;
    throwIfAborted(signal);
    return db;
  }

  /** The bytes under `key`, or `undefined` when absent. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    const db = await this.#ready(opts?.signal);
    const v = await db.get(k);
    throwIfAborted(opts?.signal);
    return v === undefined ? undefined : asBytes(v);
  }

  /** Part of the bytes under `key`, or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const all = await this.get(key, opts);
    return all === undefined ? undefined : sliceRange(all, range);
  }

  /** Whether `key` exists. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    return (await this.get(key, opts)) !== undefined;
  }

  /** Store `value` under `key` (atomic). */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    checkValue(k, value);
    const db = await this.#ready(opts?.signal);
    await db.put(k, Buffer.from(toBuffer(value)));
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    const db = await this.#ready(opts?.signal);
    await db.del(k);
  }

  /** Keys starting with `start`, in byte order (a range scan). */
  async #keysFrom(db: Level, start: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of db.keys(start === "" ? {} : { gte: start, lt: prefixUpperBound(start) })) if (k.startsWith(start)) out.push(k);
    return out;
  }

  /** Delete the key `prefix` and every key below it as a path (one atomic batch); `""` empties the database. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready(opts?.signal);
    if (dir === "") return db.clear();
    const doomed = (await this.#keysFrom(db, dir)).filter((k) => isUnder(k, dir));
    if (doomed.length) await db.batch(doomed.map((key) => ({ type: "del" as const, key })));
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const db = await this.#ready();
    return (await this.#keysFrom(db, p)).sort(compareKeys);
  }

  /** Names of the direct children under `prefix`, as zarr-python's `listdir`. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready();
    return childNames(await this.#keysFrom(db, dir === "" ? "" : dir + "/"), dir);
  }

  /** Total bytes of the value at `prefix` and of every value below it (everything for `""`). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready();
    let size = 0;
    for await (const [k, v] of db.iterator(dir === "" ? {} : { gte: dir, lt: prefixUpperBound(dir) })) {
      if (isUnder(k, dir)) size += v.byteLength;
    }
    return size;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the database (releasing its lock). Further calls fail; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#db;
    this.#db = undefined;
    if (!opening) return;
    let db: Level;
    try {
      db = await opening;
    } catch {
      return;
    }
    await db.close();
  }
}
