/**
 * A store in one SQLite database file, in the table layout of zarr-python's `SQLiteStore`, so that
 * either library reads and writes the other's files. Needs the optional npm package
 * `better-sqlite3` (version 12 on Node 20).
 * @module
 */

import { ZarrError } from "../errors.ts";
import { closedError, loadOptional, prefixUpperBound, toBuffer, asBytes, checkValue, childNames } from "./kv-common.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { checkStoredSize, throwIfAborted, type AbortOptions, type StoreGetOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";
import * as nodePath from "node:path";

/** Options of {@link SQLiteStore}. */
export interface SQLiteStoreOptions {
  /** The table holding the keys (default `"zarr"`, the only table zarr-python's SQLiteStore reads). */
  table?: string;
  /** The chunk-key separator new arrays in this store default to (zarr-python's `dimension_separator`). */
  dimensionSeparator?: "." | "/";
  /** Open the database read-only (writes then fail with SQLite's error). */
  readOnly?: boolean;
  /** How long, in milliseconds, to wait for another connection's write lock (default 5000). */
  timeout?: number;
}

/* Only the parts of better-sqlite3's API this store uses. */
interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  pluck(on?: boolean): SqliteStatement;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
  readonly open: boolean;
}
type SqliteCtor = new (path: string, opts?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => SqliteDatabase;

/** A safe SQL identifier (the table name is interpolated into statements). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Statements {
  get: SqliteStatement;
  getBounded: SqliteStatement;
  has: SqliteStatement;
  range: SqliteStatement;
  suffix: SqliteStatement;
  set: SqliteStatement;
  del: SqliteStatement;
  delUnder: SqliteStatement;
  keys: SqliteStatement;
  keysFrom: SqliteStatement;
  sizeUnder: SqliteStatement;
  sizeAll: SqliteStatement;
  clear: SqliteStatement;
}

/**
 * Keys and values in a SQLite table `zarr(k TEXT PRIMARY KEY, v BLOB)`, exactly as zarr-python's
 * `SQLiteStore` lays them out (its `REPLACE INTO` writes and its autocommit connection), so a
 * database written by one library opens in the other. Values are stored as BLOBs; `getRange` reads
 * only the requested bytes with SQL `substr`.
 *
 * better-sqlite3 is synchronous: each call runs on the calling thread, which suits the small keys
 * and chunk-sized values of a zarr store. The database opens lazily on first use; call
 * {@link SQLiteStore.close} when done. Concurrent access from another process (zarr-python) is
 * serialized by SQLite's file locks, waiting up to `timeout` milliseconds.
 *
 * @example
 * const store = new SQLiteStore("data/group.sqldb");
 * const root = await group(store);
 * await root.zeros("bar", { shape: [10, 10], chunks: [5, 5] });
 * await store.close();
 */
export class SQLiteStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.SQLiteStore";
  /** Absolute path of the database file (or `":memory:"`). */
  readonly path: string;
  /** The table holding the keys. */
  readonly table: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #opts: SQLiteStoreOptions;
  #db: Promise<{ db: SqliteDatabase; st: Statements }> | undefined;
  #closed = false;

  /**
   * @param path the database file (created when missing, unless `readOnly`), or `":memory:"`
   * @param opts table name, separator, read-only, lock timeout
   */
  constructor(path: string, opts: SQLiteStoreOptions = {}) {
    if (typeof path !== "string" || path === "") throw new ZarrError("SQLiteStore needs a database file path");
    const table = opts.table ?? "zarr";
    if (!IDENTIFIER.test(table)) throw new ZarrError(`SQLiteStore table name ${JSON.stringify(table)} is not a plain SQL identifier`);
    this.path = path === ":memory:" ? path : nodePath.resolve(path);
    this.table = table;
    this.#opts = opts;
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  /** Open the database on first use and prepare the statements. */
  #open(): Promise<{ db: SqliteDatabase; st: Statements }> {
    if (this.#closed) return Promise.reject(closedError("SQLiteStore", this.path));
    this.#db ??= loadOptional<{ default: SqliteCtor }>("better-sqlite3", "SQLiteStore").then((mod) => {
      if (this.#closed) throw closedError("SQLiteStore", this.path);
      const Database = mod.default;
      const db = new Database(this.path, { readonly: this.#opts.readOnly ?? false, timeout: this.#opts.timeout ?? 5000 });
      try {
        const t = this.table;
        if (!this.#opts.readOnly) db.exec(`CREATE TABLE IF NOT EXISTS ${t}(k TEXT PRIMARY KEY, v BLOB)`);
        const st: Statements = {
          get: db.prepare(`SELECT v FROM ${t} WHERE k = ?`).pluck(),
          // A BLOB's length() comes from its record header: a value over the bound is never loaded.
          getBounded: db.prepare(`SELECT length(v) AS n, CASE WHEN length(v) <= ? THEN v END AS v FROM ${t} WHERE k = ?`),
          has: db.prepare(`SELECT 1 FROM ${t} WHERE k = ?`).pluck(),
          // substr on a BLOB counts bytes; length() of a NULL/empty value is 0.
          range: db.prepare(`SELECT substr(v, ?, ?) FROM ${t} WHERE k = ?`).pluck(),
          suffix: db.prepare(`SELECT substr(v, max(length(v) - ?, 0) + 1) FROM ${t} WHERE k = ?`).pluck(),
          set: db.prepare(`REPLACE INTO ${t} VALUES (?, ?)`),
          del: db.prepare(`DELETE FROM ${t} WHERE k = ?`),
          delUnder: db.prepare(`DELETE FROM ${t} WHERE k = ? OR (k >= ? AND k < ?)`),
          keys: db.prepare(`SELECT k FROM ${t}`).pluck(),
          keysFrom: db.prepare(`SELECT k FROM ${t} WHERE k >= ? AND k < ?`).pluck(),
          sizeUnder: db.prepare(`SELECT COALESCE(SUM(LENGTH(v)), 0) FROM ${t} WHERE k = ? OR (k >= ? AND k < ?)`).pluck(),
          sizeAll: db.prepare(`SELECT COALESCE(SUM(LENGTH(v)), 0) FROM ${t}`).pluck(),
          clear: db.prepare(`DELETE FROM ${t}`),
        };
        return { db, st };
      } catch (e) {
        db.close();
        throw e;
      }
    });
    return this.#db;
  }

  async #st(signal?: AbortSignal): Promise<Statements> {
    throwIfAborted(signal);
    const { st } = await this.#open();
    throwIfAborted(signal);
    return st;
  }

  /**
   * The bytes under `key`, or `undefined` when absent. With `opts.maxBytes`, a larger value is
   * refused (`ERR_VALUE_TOO_LARGE`) from its SQL `length()`, without loading it.
   */
  async get(key: string, opts?: StoreGetOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    const st = await this.#st(opts?.signal);
    if (opts?.maxBytes === undefined) return blob(st.get.get(k));
    const row = st.getBounded.get(opts.maxBytes, k) as { n: number | null; v: unknown } | undefined;
    if (row === undefined) return undefined;
    checkStoredSize(k, row.n ?? 0, opts);
    return blob(row.v);
  }

  /** Part of the bytes under `key` (read with SQL `substr`), or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    const st = await this.#st(opts?.signal);
    if (!st.has.get(k)) return undefined;
    if ("suffixLength" in range) return blob(st.suffix.get(Math.max(0, range.suffixLength), k)) ?? new Uint8Array(0);
    if (range.length <= 0) return new Uint8Array(0);
    return blob(st.range.get(Math.max(0, range.offset) + 1, range.length, k)) ?? new Uint8Array(0);
  }

  /** Whether `key` exists. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = normalizeKey(key);
    const st = await this.#st(opts?.signal);
    return st.has.get(k) !== undefined;
  }

  /** Store `value` under `key` (`REPLACE INTO`, atomic). */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    checkValue(k, value);
    const st = await this.#st(opts?.signal);
    st.set.run(k, toBuffer(value));
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = normalizeKey(key);
    const st = await this.#st(opts?.signal);
    return st.del.run(k).changes > 0;
  }

  /** Delete the key `prefix` and every key below it as a path; `""` empties the table. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const st = await this.#st(opts?.signal);
    if (dir === "") st.clear.run();
    else st.delUnder.run(dir, dir + "/", prefixUpperBound(dir + "/"));
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const st = await this.#st();
    const keys = (p === "" ? st.keys.all() : st.keysFrom.all(p, prefixUpperBound(p))) as string[];
    return keys.filter((k) => k.startsWith(p)).sort(compareKeys);
  }

  /** Names of the direct children under `prefix`, as zarr-python's `listdir`. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const st = await this.#st();
    const start = dir === "" ? "" : dir + "/";
    const keys = (start === "" ? st.keys.all() : st.keysFrom.all(start, prefixUpperBound(start))) as string[];
    return childNames(keys, dir);
  }

  /** Total bytes of the value at `prefix` and of every value below it (the whole table for `""`). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    const st = await this.#st();
    const n = dir === "" ? st.sizeAll.get() : st.sizeUnder.get(dir, dir + "/", prefixUpperBound(dir + "/"));
    return Number(n);
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the database. Further calls fail; closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const opening = this.#db;
    this.#db = undefined;
    if (!opening) return;
    try {
      const { db } = await opening;
      if (db.open) db.close();
    } catch {
      // it never opened: nothing to release
    }
  }
}

/** A BLOB column value as bytes (a TEXT value written by another tool as UTF-8). */
function blob(v: unknown): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (v === null) return new Uint8Array(0);
  if (v instanceof Uint8Array) return asBytes(v);
  if (typeof v === "string") return new TextEncoder().encode(v);
  throw new ZarrError(`unexpected SQLite value of type ${typeof v}`);
}
