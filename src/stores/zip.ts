/**
 * ZipStore: a zarr store inside a single ZIP file, compatible with zarr-python 2.x's `ZipStore` and
 * Python's `zipfile`.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { unzipSync, zipSync, type Zippable } from "fflate";
import { ReadOnlyError, ZarrError } from "../errors.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import type { Store } from "./store.ts";

/** Options of {@link ZipStore}. */
export interface ZipStoreOptions {
  /**
   * `r` read an existing file; `w` create or truncate; `a` read an existing file (if any) and add to
   * it. Default `a`, as zarr-python.
   */
  mode?: "r" | "w" | "a";
  /** `stored` (default, as zarr-python's ZIP_STORED) or `deflated` for entries written by zarrflow. */
  compression?: "stored" | "deflated";
}

/**
 * A store kept in one ZIP file, as zarr-python's `zarr.storage.ZipStore`.
 *
 * Reading accepts ZIP_STORED and ZIP_DEFLATED entries (one entry per key; directory entries are
 * ignored; when an archive holds duplicate names the last one wins, as Python's `zipfile`). The whole
 * archive is read when the store is constructed. Writes are held in memory and the archive is
 * written by {@link ZipStore.close}, which must be called after writing (as in zarr-python).
 *
 * Writing a key twice: zarr-python appends a second entry with the same name (Python warns
 * "Duplicate name") and reads back the last one. zarrflow keeps one entry per key — the last write
 * wins — and emits the same `UserWarning` through `process.emitWarning`, so archives it writes never
 * hold duplicates. Unlike zarr-python (which raises NotImplementedError), `delete` is supported.
 */
export class ZipStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.ZipStore";
  /** The access mode. */
  readonly mode: "r" | "w" | "a";
  readonly #entries = new Map<string, Uint8Array>();
  readonly #compression: "stored" | "deflated";
  #dirty = false;
  #closed = false;

  /**
   * @param path the ZIP file
   * @param opts mode and compression of written entries
   */
  constructor(readonly path: string, opts: ZipStoreOptions = {}) {
    this.mode = opts.mode ?? "a";
    this.#compression = opts.compression ?? "stored";
    if (!["r", "w", "a"].includes(this.mode)) throw new ZarrError(`ZipStore mode must be r, w or a, not '${this.mode}'`);
    if (this.mode === "w") {
      this.#dirty = true;
    } else if (this.mode === "r" || existsSync(path)) {
      const files = unzipSync(readFileSync(path));
      for (const [name, data] of Object.entries(files)) {
        if (name.endsWith("/")) continue;
        this.#entries.set(normalizeKey(name), data);
      }
    } else {
      this.#dirty = true;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new ZarrError(`ZipStore '${this.path}' is closed`);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.mode === "r") throw new ReadOnlyError(`ZipStore '${this.path}' is open read-only`);
  }

  /** The value under `key`, or `undefined` when absent. */
  get(key: string): Uint8Array | undefined {
    this.#checkOpen();
    return this.#entries.get(normalizeKey(key));
  }

  /** Whether a value exists under `key`. */
  has(key: string): boolean {
    this.#checkOpen();
    return this.#entries.has(normalizeKey(key));
  }

  /** Store `value` under `key` (written to the file by {@link ZipStore.close}). */
  set(key: string, value: Uint8Array): void {
    this.#checkWritable();
    const k = normalizeKey(key);
    if (this.#entries.has(k)) process.emitWarning(`Duplicate name: '${k}'`, "UserWarning");
    this.#entries.set(k, value.slice());
    this.#dirty = true;
  }

  /** Remove `key` (the archive is rewritten without it on close). */
  delete(key: string): boolean {
    this.#checkWritable();
    const removed = this.#entries.delete(normalizeKey(key));
    if (removed) this.#dirty = true;
    return removed;
  }

  /** Delete `prefix` and every key below it. */
  deletePrefix(prefix: string): void {
    this.#checkWritable();
    const dir = normalizePrefix(prefix);
    for (const k of [...this.#entries.keys()]) {
      if (dir === "" || k === dir || k.startsWith(dir + "/")) {
        this.#entries.delete(k);
        this.#dirty = true;
      }
    }
  }

  /** Every key, in archive order. */
  keys(): IterableIterator<string> {
    this.#checkOpen();
    return this.#entries.keys();
  }

  /** Keys starting with `prefix` (all when omitted), sorted. */
  list(prefix?: string): string[] {
    this.#checkOpen();
    const p = normalizePrefix(prefix, true);
    return [...this.#entries.keys()].filter((k) => k.startsWith(p)).sort(compareKeys);
  }

  /** Names of the direct children of `prefix`, sorted, as zarr-python's `listdir`. */
  listDir(prefix?: string): string[] {
    this.#checkOpen();
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const names = new Set<string>();
    for (const k of this.#entries.keys()) {
      if (!k.startsWith(start)) continue;
      const rest = k.slice(start.length);
      const i = rest.indexOf("/");
      names.add(i < 0 ? rest : rest.slice(0, i));
    }
    return [...names].sort(compareKeys);
  }

  /** Total uncompressed bytes of the value at `prefix` and every value below it. */
  getSize(prefix?: string): number {
    this.#checkOpen();
    const dir = normalizePrefix(prefix);
    let n = 0;
    for (const [k, v] of this.#entries) if (dir === "" || k === dir || k.startsWith(dir + "/")) n += v.byteLength;
    return n;
  }

  /** Write the archive now (as {@link ZipStore.close} does) without closing the store. */
  flush(): void {
    this.#checkOpen();
    if (this.mode === "r" || !this.#dirty) return;
    const files: Zippable = {};
    const now = new Date();
    const level = this.#compression === "deflated" ? 6 : 0;
    for (const [k, v] of this.#entries) files[k] = [v, { level, mtime: now, os: 3, attrs: 0o644 << 16 }];
    writeFileSync(this.path, zipSync(files, { level }));
    this.#dirty = false;
  }

  /** Write the archive (modes `w`/`a`) and release the store; further access throws. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
  }
}
