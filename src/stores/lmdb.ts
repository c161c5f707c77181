/**
 * A store in an LMDB environment, laid out as zarr-python's `LMDBStore` (python-lmdb): a directory
 * holding `data.mdb` and `lock.mdb`, keys the zarr key's bytes, values the raw bytes, in the
 * unnamed main database. Needs the optional npm package `lmdb` (lmdb-js).
 * @module
 */

import * as nodePath from "node:path";
import { ZarrError } from "../errors.ts";
import { asBytes, checkValue, childNames, closedError, isUnder, loadOptional, toBuffer } from "./kv-common.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { sliceRange, throwIfAborted, type AbortOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link LMDBStore}. */
export interface LMDBStoreOptions {
  /** The chunk-key separator new arrays in this store default to (zarr-python's `dimension_separator`). */
  dimensionSeparator?: "." | "/";
  /** Open the environment read-only. */
  readOnly?: boolean;
  /** The memory-map size in bytes (default 2**40, as zarr-python's LMDBStore on 64-bit systems). */
  mapSize?: number;
  /**
   * Accept an lmdb-js built on LMDB 0.9.90 (its default prebuilt binary), whose on-disk format
   * (data format 2) python-lmdb and every LMDB 0.9.x cannot read, and which cannot read theirs.
   * Only for environments that zarrflow alone uses; never open a zarr-python environment with it.
   */
  allowDataFormat2?: boolean;
}

/**
 * lmdb-js was built with an LMDB whose data format other LMDB builds cannot share.
 * @example
 * try {
 *   await openGroup(new LMDBStore("data/example.lmdb"), { mode: "r" });
 * } catch (e) {
 *   if (e instanceof LMDBFormatError) console.error(e.message);   // says which LMDB build is needed
 * }
 */
export class LMDBFormatError extends ZarrError {}

/* The parts of lmdb-js's API this store uses. */
interface LmdbDatabase {
  getBinary(key: Uint8Array): Buffer | undefined;
  doesExist(key: Uint8Array): boolean;
  put(key: Uint8Array, value: Uint8Array): Promise<boolean>;
  remove(key: Uint8Array): Promise<boolean>;
  getKeys(opts?: { start?: Uint8Array }): Iterable<Buffer>;
  getRange(opts?: { start?: Uint8Array }): Iterable<{ key: Buffer; value: Buffer }>;
  transaction<T>(fn: () => T): Promise<T>;
  removeSync(key: Uint8Array): boolean;
  resetReadTxn?(): void;
  close(): Promise<void>;
}
interface LmdbModule {
  open(opts: Record<string, unknown>): LmdbDatabase;
  version?: { major: number; minor: number; patch: number; versionString?: string };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Keys and values in an LMDB environment directory, the layout zarr-python's `LMDBStore` uses, so
 * either library opens the other's environment (also at the same time: LMDB serializes writers
 * across processes). Reads are memory-mapped and synchronous; writes go through lmdb-js's batched
 * asynchronous commits, and a `set` resolves once its transaction is committed.
 *
 * **Data format.** zarr-python's python-lmdb uses LMDB 0.9.x (data format 1). lmdb-js's default
 * prebuilt binary is built on LMDB 0.9.90, which writes data format 2: neither can read the other's
 * files (opening one with the other can crash the process). This store therefore refuses to open
 * with a data-format-2 lmdb-js, with a {@link LMDBFormatError} telling how to rebuild it:
 * `npm rebuild lmdb --build-from-source --use_data_v1=true`. Pass `allowDataFormat2` to use an
 * environment that only zarrflow reads.
 *
 * @example
 * const store = new LMDBStore("data/group.mdb");
 * const root = await group(store);
 * await store.close();
 */
export class LMDBStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.LMDBStore";
  /** Absolute path of the environment directory. */
  readonly path: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #opts: LMDBStoreOptions;
  #db: Promise<LmdbDatabase> | undefined;
  #closed = false;

  /**
   * @param path the environment directory (created when missing), as zarr-python's `LMDBStore(path)`
   * @param opts separator, read-only, map size
   */
  constructor(path: string, opts: LMDBStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new ZarrError("LMDBStore needs an environment directory path");
    this.path = nodePath.resolve(path);
    this.#opts = opts;
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  #open(): Promise<LmdbDatabase> {
    if (this.#closed) return Promise.reject(closedError("LMDBStore", this.path));
    this.#db ??= loadOptional<LmdbModule>("lmdb", "LMDBStore").then((lmdb) => {
      if (this.#closed) throw closedError("LMDBStore", this.path);
      const v = lmdb.version;
      if (v && v.major === 0 && v.minor === 9 && v.patch >= 90 && !this.#opts.allowDataFormat2) {
        throw new LMDBFormatError(
          `LMDBStore at ${this.path}: the installed lmdb package is built on ${v.versionString ?? "LMDB 0.9." + v.patch}, ` +
            "whose data format zarr-python's LMDBStore (python-lmdb, LMDB 0.9.x) cannot share; rebuild it with " +
            "`npm rebuild lmdb --build-from-source --use_data_v1=true`, or pass { allowDataFormat2: true } for an environment only zarrflow uses",
        );
      }
      return lmdb.open({
        path: this.path,
        noSubdir: false,
        keyEncoding: "binary",
        encoding: "binary",
        // Plain LMDB commits, as python-lmdb's: no lmdb-js-specific meta handling on disk.
        overlappingSync: false,
        cache: false,
        mapSize: this.#opts.mapSize ?? 2 ** 40,
        readOnly: this.#opts.readOnly ?? false,
      });
    });
    return this.#db;
  }

  async #ready(signal?: AbortSignal): Promise<LmdbDatabase> {
    throwIfAborted(signal);
    const db = await this.#open();
    throwIfAborted(signal);
    return db;
  }

  /** The bytes under `key`, or `undefined` when absent. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = encoder.encode(normalizeKey(key));
    const db = await this.#ready(opts?.signal);
    const v = db.getBinary(k);
    return v === undefined ? undefined : asBytes(v);
  }

  /** Part of the bytes under `key` (read from the memory map), or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const all = await this.get(key, opts);
    return all === undefined ? undefined : sliceRange(all, range);
  }

  /** Whether `key` exists. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = encoder.encode(normalizeKey(key));
    const db = await this.#ready(opts?.signal);
    return db.doesExist(k);
  }

  /** Store `value` under `key`; resolves once the transaction has committed. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    checkValue(k, value);
    const db = await this.#ready(opts?.signal);
    // Copy: lmdb-js reads the buffer when the batch commits, after this call returns.
    await db.put(encoder.encode(k), Buffer.from(toBuffer(value)));
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = encoder.encode(normalizeKey(key));
    const db = await this.#ready(opts?.signal);
    return db.remove(k);
  }

  /** Every key (decoded), in the database's byte order, from `start` while `keep` holds. */
  #keysFrom(db: LmdbDatabase, start: string): string[] {
    const out: string[] = [];
    for (const kb of db.getKeys(start === "" ? {} : { start: encoder.encode(start) })) {
      const k = decoder.decode(kb);
      if (!k.startsWith(start)) break;
      out.push(k);
    }
    return out;
  }

  /** Delete the key `prefix` and every key below it as a path; `""` empties the database. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready(opts?.signal);
    const doomed = this.#keysFrom(db, dir).filter((k) => isUnder(k, dir));
    if (doomed.length === 0) return;
    await db.transaction(() => {
      for (const k of doomed) db.removeSync(encoder.encode(k));
    });
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const db = await this.#ready();
    return this.#keysFrom(db, p).sort(compareKeys);
  }

  /** Names of the direct children under `prefix`, as zarr-python's `listdir`. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready();
    return childNames(this.#keysFrom(db, dir === "" ? "" : dir + "/"), dir);
  }

  /** Total bytes of the value at `prefix` and of every value below it (everything for `""`). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    const db = await this.#ready();
    let size = 0;
    for (const { key, value } of db.getRange(dir === "" ? {} : { start: encoder.encode(dir) })) {
      const k = decoder.decode(key);
      if (!k.startsWith(dir)) break;
      if (isUnder(k, dir)) size += value.byteLength;
    }
    return size;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Wait for pending writes, then close the environment. Further calls fail; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#db;
    this.#db = undefined;
    if (!opening) return;
    let db: LmdbDatabase;
    try {
      db = await opening;
    } catch {
      return; // it never opened
    }
    await db.close();
  }
}
