/**
 * A store on the local file system, laid out exactly like zarr-python's `DirectoryStore` so that
 * either library can read what the other wrote.
 * @module
 */

import { statSync } from "node:fs";
import * as fsp from "node:fs/promises";
import * as nodePath from "node:path";
import { InvalidKeyError, KeyError, StoreIOError, ZarrError } from "../errors.ts";
import { NUMERIC_NAME, compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import {
  throwIfAborted,
  type AbortOptions, type StoreGetOptions,
  type LocalFileCapability,
  type RangeQuery,
  type Store,
  type StoreCapabilities,
  type StoreDescriptor,
} from "./store.ts";
import { isTempName, removeStaleTemps, tempPathFor, type StaleTempOptions } from "./temp-files.ts";
import { MISSING, entryIsFile, errCode, ioError, openRegular, readDirEntries, readSmallSync } from "./fs-files.ts";

/** The file of a zarr metadata key (`.zarray`, `.zgroup`, `.zattrs`, `.zmetadata`). */
const METADATA_NAME = /\/\.z(?:array|group|attrs|metadata)$/;

/** An empty, "." or ".." path segment. */
const ODD_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;

/** Options of {@link DirectoryStore}. */
export interface DirectoryStoreOptions {
  /**
   * The chunk-key separator new arrays in this store should default to, and the one an array whose
   * `.zarray` lacks `dimension_separator` is read with (zarr-python's store `_dimension_separator`).
   * With `"/"`, {@link DirectoryStore.listDir} maps nested chunk files back to dotted names as
   * zarr-python does. Leave unset for zarr's default (`"."`).
   */
  dimensionSeparator?: "." | "/";
  /**
   * Remove temporaries abandoned by dead writers from a directory the first time this store writes
   * into it (default true). See {@link DirectoryStore.removeStaleTemps}.
   */
  sweepStaleTemps?: boolean;
}

/** What is needed to reopen a file-system store elsewhere, e.g. in a worker thread. */
export interface DirectoryStoreDescriptor {
  type: "DirectoryStore" | "NestedDirectoryStore";
  /** Absolute path of the store root. */
  path: string;
  dimensionSeparator?: "." | "/";
}

/**
 * A store whose keys are files under a root directory, a `/` in a key being a sub-directory. Writes
 * are atomic: bytes go to a uniquely named temporary file in the destination directory, which is
 * then renamed over the key's file, so a crash or failed write never leaves a truncated chunk and the
 * previous value stays readable until the new one is complete. Every key is normalized and checked,
 * and the resolved file path is checked to stay under the root, so no key can reach outside it.
 * Symbolic links inside the root are followed, as zarr-python does.
 * @example
 * const store = new DirectoryStore("data/example.zarr");   // zarr.DirectoryStore("data/example.zarr")
 * const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "<i4", store, overwrite: true });
 */
export class DirectoryStore implements Store {
  /** What zarr-python's `info` prints as "Store type" for its equivalent store. */
  readonly storeType: string = "zarr.storage.DirectoryStore";
  /** Absolute path of the store root. */
  readonly path: string;
  /** See {@link DirectoryStoreOptions.dimensionSeparator}. */
  readonly dimensionSeparator: "." | "/" | undefined;

  /** Declared capabilities: local files, the separator, a descriptor (see {@link StoreCapabilities}). */
  readonly capabilities: StoreCapabilities;

  /** The root with a trailing separator, for containment checks. */
  readonly #rootPrefix: string;
  /** Whether to sweep abandoned temporaries on first write into a directory. */
  readonly #sweep: boolean;
  /**
   * Directories this store has created or found (and swept, once, on the first write into each), so
   * a stream of writes into one directory skips the `mkdir -p` (two round trips through the event
   * loop each, which a busy producer delays: they cost the append operator 1.5-3 ms per chunk).
   * Forgotten when this store removes directories; a directory removed behind its back is recreated
   * when a write meets ENOENT (here and natively). Bounded for huge nested trees: forgetting only
   * means a directory is made and swept again.
   */
  readonly #known = new Set<string>();

  /**
   * @param path root directory; need not exist yet (it is created by the first write).
   * @throws {ZarrError} when `path` exists but is not a directory.
   */
  constructor(path: string, options: DirectoryStoreOptions = {}) {
    if (typeof path !== "string" || path === "") {
      throw new ZarrError(`DirectoryStore path must be a non-empty string, got ${String(path)}`);
    }
    const sep = options.dimensionSeparator;
    if (sep !== undefined && sep !== "." && sep !== "/") {
      throw new ZarrError(`dimensionSeparator must be "." or "/", got ${JSON.stringify(sep)}`);
    }
    this.path = nodePath.resolve(path);
    this.dimensionSeparator = sep;
    this.#sweep = options.sweepStaleTemps ?? true;
    this.#rootPrefix = this.path.endsWith(nodePath.sep) ? this.path : this.path + nodePath.sep;
    const st = statSync(this.path, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) {
      throw new ZarrError(`DirectoryStore path ${this.path} exists and is not a directory`);
    }
    const localFile: LocalFileCapability = {
      readPath: (key) => this.#fileOf(key),
      prepareWrite: (key) => this.#prepareWrite(key),
      prepareWrites: (keys) => this.#prepareWrites(keys),
    };
    this.capabilities = {
      localFile,
      ...(sep !== undefined ? { dimensionSeparator: sep } : {}),
      descriptor: (): StoreDescriptor => ({ ...this.toDescriptor() }),
    };
  }

  /**
   * Hook for subclasses that lay keys out differently on disk (see `NestedDirectoryStore`). Receives
   * and returns a normalized key.
   */
  protected mapKey(key: string): string {
    return key;
  }

  /**
   * The absolute file path of a normalized relative path (`""` is the root), refusing any result
   * outside the root. The normalization already forbids `..`, so this is a second line of defence.
   */
  #resolve(rel: string, original: string): string {
    if (rel === "") return this.path;
    // Without an empty, "." or ".." segment (normalized keys have none; a subclass's mapKey might),
    // joining is resolving on POSIX, and ~10x cheaper per chunk.
    const full = nodePath.sep === "/" && !ODD_SEGMENT.test(rel) ? this.#rootPrefix + rel : nodePath.resolve(this.path, ...rel.split("/"));
    if (!full.startsWith(this.#rootPrefix)) {
      throw new InvalidKeyError(`key ${JSON.stringify(original)} resolves outside the store root ${this.path}`);
    }
    return full;
  }

  /** File path of a key, after normalization, safety checks and the subclass's key mapping. */
  #fileOf(key: string): string {
    return this.#resolve(this.mapKey(normalizeKey(key)), key);
  }

  /**
   * The absolute file holding a key (after normalization, safety checks and key mapping), so the
   * array layer's native read path can read, decode and scatter a chunk in one pool-thread job.
   * @deprecated transitional: use `capabilities.localFile.readPath`.
   */
  filePath(key: string): string {
    return this.#fileOf(key);
  }

  /**
   * The bytes of the key's file, or `undefined` when there is no such file (or a directory stands
   * there). Only regular files are read, and with `opts.maxBytes` only those no larger (checked on
   * the open file's `fstat`, before reading: a sparse 1 TB file costs nothing).
   * @throws {StoreIOError} for a FIFO, device or socket at the key, a file over `opts.maxBytes`
   *   (code `ERR_VALUE_TOO_LARGE`), or a failed read (with its errno name).
   */
  async get(key: string, opts?: StoreGetOptions): Promise<Uint8Array | undefined> {
    const file = this.#fileOf(key);
    throwIfAborted(opts?.signal);
    if (METADATA_NAME.test(file)) {
      // Small metadata: read synchronously (see readSmallSync), large ones below.
      const small = readSmallSync(file, key, opts?.maxBytes);
      if (small !== null) return small;
    }
    const opened = await openRegular(file, key, opts?.maxBytes);
    if (!opened) return undefined;
    let buf: Buffer;
    try {
      buf = await opened.fh.readFile({ signal: opts?.signal });
    } catch (e) {
      throw ioError(e, key, "cannot read");
    } finally {
      await opened.fh.close().catch(() => {});
    }
    // A plain Uint8Array view: Buffer's `slice` shares memory where Uint8Array's copies.
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /**
   * Read only the requested bytes of the key's file (one positional read), so a small selection of
   * a big uncompressed chunk, or a shard index at the end of a file, costs what it needs.
   */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const file = this.#fileOf(key);
    const signal = opts?.signal;
    throwIfAborted(signal);
    const opened = await openRegular(file, key);
    if (!opened) return undefined;
    const { fh, st } = opened;
    try {
      throwIfAborted(signal);
      const size = st.size;
      let start: number, end: number;
      if ("suffixLength" in range) {
        start = Math.max(0, size - range.suffixLength);
        end = size;
      } else {
        start = Math.min(range.offset, size);
        end = Math.min(size, start + range.length);
      }
      const out = new Uint8Array(Math.max(0, end - start));
      let done = 0;
      while (done < out.byteLength) {
        throwIfAborted(signal);
        const { bytesRead } = await fh.read(out, done, out.byteLength - done, start + done);
        if (bytesRead === 0) break; // truncated meanwhile (a non-atomic writer)
        done += bytesRead;
      }
      throwIfAborted(signal);
      return done === out.byteLength ? out : out.subarray(0, done);
    } finally {
      await fh.close();
    }
  }

  /**
   * Create the key's parent directories and choose a fresh temporary file beside it: the first half
   * of an atomic write, shared by {@link DirectoryStore.set} and native writers (`localFile`).
   */
  async #prepareWrite(key: string): Promise<{ file: string; temp: string }> {
    const file = this.#fileOf(key);
    await this.#prepareDir(nodePath.dirname(file), key);
    return { file, temp: tempPathFor(file) };
  }

  /** {@link #prepareWrite} for many keys: each distinct parent directory is created (and swept) once. */
  async #prepareWrites(keys: readonly string[]): Promise<{ file: string; temp: string }[]> {
    const files = keys.map((key) => this.#fileOf(key));
    const dirs = new Set<string>();
    for (let i = 0; i < files.length; i++) {
      const dir = nodePath.dirname(files[i]);
      if (!dirs.has(dir)) await this.#prepareDir(dir, keys[i]), dirs.add(dir);
    }
    return files.map((file) => ({ file, temp: tempPathFor(file) }));
  }

  /** Create a key's parent directory `dir` (and sweep stale temporary files from it once). */
  async #prepareDir(dir: string, key: string): Promise<void> {
    if (this.#known.has(dir)) return;
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (e) {
      const code = errCode(e);
      if (code === "EEXIST" || code === "ENOTDIR") {
        throw new KeyError(`cannot store key ${JSON.stringify(key)}: a parent path is a file, not a directory`);
      }
      throw ioError(e, key, "cannot create its directory");
    }
    if (this.#known.size >= 10_000) this.#known.clear();
    this.#known.add(dir);
    if (this.#sweep) await removeStaleTemps(dir);
  }

  /**
   * Write `value` atomically (temporary file, then rename), creating parent directories. As in
   * zarr-python, a directory standing where the key's file must go is removed, but only once the new
   * bytes are safely written. An abort before the rename leaves the old value in place.
   * @throws {KeyError} when a parent "directory" of the key is an existing file.
   * @throws {StoreIOError} when the file system refuses the write (ENOSPC, EACCES, …), naming the key.
   */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const signal = opts?.signal;
    this.#fileOf(key); // refuse a bad key before looking at the signal
    throwIfAborted(signal);
    let { file, temp } = await this.#prepareWrite(key);
    try {
      try {
        await fsp.writeFile(temp, value, { flag: "wx", signal });
      } catch (e) {
        // The directory went away since this store last saw it: create it again, once.
        const dir = nodePath.dirname(file);
        if (errCode(e) !== "ENOENT" || !this.#known.delete(dir)) throw e;
        ({ file, temp } = await this.#prepareWrite(key));
        await fsp.writeFile(temp, value, { flag: "wx", signal });
      }
      throwIfAborted(signal);
      try {
        await fsp.rename(temp, file);
      } catch (e) {
        const code = errCode(e);
        if (code !== "EISDIR" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "EPERM") throw e;
        const st = await fsp.stat(file).catch(() => undefined);
        if (!st?.isDirectory()) throw e;
        await fsp.rm(file, { recursive: true, force: true });
        this.#known.clear();
        await fsp.rename(temp, file);
      }
    } catch (e) {
      await fsp.rm(temp, { force: true }).catch(() => {});
      throw ioError(e, key, "cannot write");
    }
  }

  /**
   * Remove temporaries abandoned by writers that died (ours, named with a pid that is no longer
   * alive; zarr-python's, once old), under `prefix` (the whole store by default), and return their
   * paths relative to the root. Writes sweep each directory once on their own (see
   * {@link DirectoryStoreOptions.sweepStaleTemps}); call this to sweep a whole tree, e.g. after a crash.
   */
  async removeStaleTemps(prefix = "", opts: StaleTempOptions = {}): Promise<string[]> {
    const rel = normalizePrefix(prefix);
    const removed: string[] = [];
    const walk = async (relDir: string): Promise<void> => {
      throwIfAborted(opts.signal);
      const dir = this.#resolve(relDir, prefix);
      for (const name of await removeStaleTemps(dir, opts)) removed.push(relDir === "" ? name : `${relDir}/${name}`);
      for (const entry of await readDirEntries(dir)) {
        if (entry.isDirectory()) await walk(relDir === "" ? entry.name : `${relDir}/${entry.name}`);
      }
    };
    await walk(rel);
    return removed.sort(compareKeys);
  }

  /**
   * Remove the key's file. A missing key is fine, and nothing else is touched: emptied parent
   * directories are left in place and a directory is not a key, so `delete` never removes one
   * (use {@link DirectoryStore.deletePrefix} for that).
   */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const file = this.#fileOf(key);
    throwIfAborted(opts?.signal);
    try {
      await fsp.unlink(file);
    } catch (e) {
      const code = errCode(e);
      if (MISSING.has(code ?? "")) return;
      // unlink on a directory fails with EISDIR (Linux) or EPERM (macOS); a directory is not a key.
      if ((code === "EISDIR" || code === "EPERM") && (await fsp.stat(file).catch(() => undefined))?.isDirectory()) {
        return;
      }
      throw e;
    }
  }

  /** Whether the key's file exists (a directory is not a key). */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const file = this.#fileOf(key);
    throwIfAborted(opts?.signal);
    try {
      return (await fsp.stat(file)).isFile();
    } catch (e) {
      if (MISSING.has(errCode(e) ?? "")) return false;
      throw e;
    }
  }

  /**
   * Every key (file path relative to the root, `/`-separated) that starts with `prefix` as a plain
   * string, sorted; in-flight temporary files are skipped. Only the directory the prefix points into
   * is walked, so listing one array does not scan the whole hierarchy. Keys are the files as they
   * are on disk: in a nested layout they come out as `"a/0/0"`, not `"a/0.0"`.
   */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const slash = p.lastIndexOf("/");
    const base = slash < 0 ? "" : p.slice(0, slash);
    const out: string[] = [];
    const walk = async (rel: string): Promise<void> => {
      const dir = this.#resolve(rel, prefix ?? "");
      for (const entry of await readDirEntries(dir)) {
        const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
        // Descend only where keys matching the prefix can live (mirrors os.walk: no symlinked dirs).
        if (entry.isDirectory()) {
          if (key.startsWith(p) || p.startsWith(key + "/")) await walk(key);
        } else if (!isTempName(entry.name) && key.startsWith(p) && (await entryIsFile(dir, entry))) {
          out.push(key);
        }
      }
    };
    await walk(base);
    return out.sort(compareKeys);
  }

  /**
   * The sorted names in the directory `prefix` (files and sub-directories), `[]` when it is not a
   * directory, as zarr-python's `listdir`. When the store's dimension separator is `"/"` and the
   * directory holds an array (`.zarray`), nested chunk files are reported as dotted chunk names
   * (`0/1` → `"0.1"`), which is how zarr-python counts initialized chunks in nested layouts.
   */
  async listDir(prefix?: string): Promise<string[]> {
    const rel = normalizePrefix(prefix);
    const dir = this.#resolve(rel, prefix ?? "");
    const entries = (await readDirEntries(dir)).filter((e) => !isTempName(e.name));
    const names = entries.map((e) => e.name);
    if (this.dimensionSeparator !== "/" || !names.includes(".zarray")) return names.sort(compareKeys);
    const out: string[] = [];
    for (const entry of entries) {
      if (NUMERIC_NAME.test(entry.name) && entry.isDirectory()) {
        await this.#collectNested(nodePath.join(dir, entry.name), entry.name, out);
      } else {
        out.push(entry.name);
      }
    }
    return out.sort(compareKeys);
  }

  /** Every file under `dir`, named by its path from the array directory joined with `.`. */
  async #collectNested(dir: string, name: string, out: string[]): Promise<void> {
    for (const entry of await readDirEntries(dir)) {
      if (isTempName(entry.name)) continue;
      const child = `${name}.${entry.name}`;
      if (entry.isDirectory()) await this.#collectNested(nodePath.join(dir, entry.name), child, out);
      else if (await entryIsFile(dir, entry)) out.push(child);
    }
  }

  /**
   * Delete the key `prefix` and everything below it (`rm -r`). `""` empties the store but keeps
   * the root directory itself, which may be a mount point or otherwise not ours to remove.
   */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const rel = normalizePrefix(prefix);
    const target = this.#resolve(rel, prefix);
    throwIfAborted(opts?.signal);
    this.#known.clear();
    if (rel !== "") {
      await fsp.rm(target, { recursive: true, force: true });
      return;
    }
    for (const entry of await readDirEntries(target)) {
      throwIfAborted(opts?.signal);
      await fsp.rm(nodePath.join(target, entry.name), { recursive: true, force: true });
    }
  }

  /**
   * zarr-python's `DirectoryStore.getsize`: the size of the file when `prefix` is a key, the summed
   * sizes of the files directly inside it when it is a directory (sub-directories are not descended,
   * so for an array this counts metadata and flat chunk files), and 0 when absent. Keeping the same
   * rule keeps `nbytesStored()` equal to zarr-python's `nbytes_stored` for the same files.
   */
  async getSize(prefix?: string): Promise<number> {
    const rel = normalizePrefix(prefix);
    const target = this.#resolve(rel === "" ? "" : this.mapKey(rel), prefix ?? "");
    let st;
    try {
      st = await fsp.stat(target);
    } catch (e) {
      if (MISSING.has(errCode(e) ?? "")) return 0;
      throw e;
    }
    if (st.isFile()) return st.size;
    if (!st.isDirectory()) return 0;
    let size = 0;
    for (const entry of await readDirEntries(target)) {
      if (isTempName(entry.name) || !(await entryIsFile(target, entry))) continue;
      try {
        size += (await fsp.stat(nodePath.join(target, entry.name))).size;
      } catch (e) {
        if (!MISSING.has(errCode(e) ?? "")) throw e; // deleted meanwhile
      }
    }
    return size;
  }

  /** Enough to reopen an equivalent store elsewhere (a worker thread, another process). */
  toDescriptor(): DirectoryStoreDescriptor {
    const d: DirectoryStoreDescriptor = { type: "DirectoryStore", path: this.path };
    if (this.dimensionSeparator !== undefined) d.dimensionSeparator = this.dimensionSeparator;
    return d;
  }
}
