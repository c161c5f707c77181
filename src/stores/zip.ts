/**
 * ZipStore: a zarr store inside a single ZIP file, compatible with zarr-python 2.x's `ZipStore` and
 * Python's `zipfile`.
 * @module
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import { ReadOnlyError, ZarrError } from "../errors.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { checkStoredSize, throwIfAborted, type AbortOptions, type StoreGetOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";
import { removeStaleTempsOfSync, tempPathFor } from "./temp-files.ts";
import {
  LOCAL_SIG, centralHeaderSize, crc32, dosDateTime, endRecords, localHeaderSize, readCentralDirectory, writeCentralHeader, writeLocalHeader, type ZipEntry,
} from "./zip-format.ts";

const inflateRaw = promisify(zlib.inflateRaw);

/** Options of {@link ZipStore}. */
export interface ZipStoreOptions {
  /**
   * `r` read an existing file; `w` create or truncate; `a` read an existing file (if any) and add to
   * it. Default `a`, as zarr-python.
   */
  mode?: "r" | "w" | "a";
  /** `stored` (default, as zarr-python's ZIP_STORED) or `deflated` for entries written by zarrflow. */
  compression?: "stored" | "deflated";
  /**
   * The largest entry read whole, by its declared uncompressed size (default 1 GiB). An archive is
   * untrusted input: a few kilobytes of deflate data can declare, or inflate to, gigabytes.
   */
  maxEntryBytes?: number;
}

/** Where a key's current value lives: an entry of the archive on disk, or a write not yet flushed. */
type Slot = { entry: ZipEntry; value?: undefined } | { entry?: undefined; value: Uint8Array };

/** Whether a name needs UTF-8 (flag bit 11) rather than plain ASCII. */
const NON_ASCII = /[^\x00-\x7f]/;

/** Writes an archive through one reusable buffer, so headers of many small entries cost few syscalls. */
class SyncWriter {
  /** Bytes written so far (the offset of the next byte in the file). */
  position = 0;
  #buf = Buffer.allocUnsafe(1 << 20);
  #used = 0;
  constructor(readonly fd: number) {}
  /** Room for `n` (< 1 MiB) bytes in the buffer: returns the buffer and where to write. */
  reserve(n: number): [Buffer, number] {
    if (this.#used + n > this.#buf.byteLength) this.flush();
    return [this.#buf, this.#used];
  }
  /** Count `n` bytes written into the reserved room. */
  commit(n: number): void {
    this.#used += n;
    this.position += n;
  }
  /** Append bytes (copied into the buffer when small, written directly when large). */
  write(bytes: Uint8Array): void {
    if (bytes.byteLength < 1 << 16) {
      const [buf, at] = this.reserve(bytes.byteLength);
      buf.set(bytes, at);
      this.commit(bytes.byteLength);
      return;
    }
    this.flush();
    writeAll(this.fd, bytes);
    this.position += bytes.byteLength;
  }
  /** Write out what the buffer holds. */
  flush(): void {
    if (this.#used === 0) return;
    writeAll(this.fd, this.#buf.subarray(0, this.#used));
    this.#used = 0;
  }
}

/** `writeSync` until every byte is written. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/**
 * A store kept in one ZIP file, as zarr-python's `zarr.storage.ZipStore`.
 *
 * Opening reads only the archive's central directory; an entry's bytes are read (and, for
 * ZIP_DEFLATED, inflated) when its key is read, so a huge archive or a zip bomb opens instantly.
 * Inflating is bounded: an entry declaring more than `maxEntryBytes`, or inflating past its declared
 * size, is refused with a {@link ZarrError} naming the key, and a CRC mismatch is an error too.
 * `getRange` of a stored (uncompressed) entry reads only the requested bytes. A file that is not a
 * ZIP archive fails to open with a {@link ZarrError} naming it.
 *
 * Writes are held in memory and the archive is written by {@link ZipStore.close} (or `flush`),
 * which must be called after writing, as in zarr-python. It writes a complete NEW archive beside the
 * old one (unchanged entries are copied without recompressing), syncs it, and renames it over the
 * old file, so a crash or an error while closing leaves the previous archive intact (opening for
 * writing removes such a crashed writer's leftover once it is a minute old). `close` is
 * synchronous, like zarr-python's, so a caller that does not await it still finds the file written.
 *
 * Writing a key twice: zarr-python appends a second entry with the same name (Python warns
 * "Duplicate name") and reads back the last one. zarrflow keeps one entry per key — the last write
 * wins — and emits the same `UserWarning` through `process.emitWarning`, so archives it writes never
 * hold duplicates; an archive that holds duplicates reads the last one, as Python's `zipfile`, and
 * is rewritten with that one only. Unlike zarr-python (which raises NotImplementedError), `delete`
 * is supported. Entries whose names are not valid keys (`../x`, absolute names) cannot be read but
 * are kept when the archive is rewritten.
 * @example
 * const store = new ZipStore("data/example.zip", { mode: "w" });   // zarr.ZipStore("data/example.zip", mode="w")
 * const root = await group(store);
 * await root.full("foo", 42, { shape: [100, 100], chunks: [10, 10], dtype: "<i4" });
 * store.close();   // writes the archive; required after writing, as in zarr-python
 */
export class ZipStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.ZipStore";
  /** The access mode. */
  readonly mode: "r" | "w" | "a";
  /** A descriptor in mode `r` only (a writer's unflushed data cannot travel to a worker). */
  readonly capabilities: StoreCapabilities;
  readonly #slots = new Map<string, Slot>();
  /** Entries that are not addressable as keys, kept verbatim on rewrite. */
  #foreign: ZipEntry[] = [];
  readonly #compression: "stored" | "deflated";
  readonly #maxEntryBytes: number;
  /** The read handle of the archive on disk, opened on first read. */
  #handle: Promise<fsp.FileHandle> | null = null;
  /** Handles of archives replaced by a flush, closed on close (reads may still be using them). */
  readonly #retired: Promise<fsp.FileHandle>[] = [];
  #dirty = false;
  #closed = false;

  /**
   * @param path the ZIP file
   * @param opts mode, compression of written entries, and the read limit
   * @throws {ZarrError} when the file is missing (mode `r`) or is not a ZIP archive.
   */
  constructor(readonly path: string, opts: ZipStoreOptions = {}) {
    this.mode = opts.mode ?? "a";
    this.#compression = opts.compression ?? "stored";
    this.#maxEntryBytes = opts.maxEntryBytes ?? 2 ** 30;
    if (!["r", "w", "a"].includes(this.mode)) throw new ZarrError(`ZipStore mode must be r, w or a, not '${this.mode}'`);
    if (!["stored", "deflated"].includes(this.#compression)) throw new ZarrError(`ZipStore compression must be stored or deflated, not '${this.#compression}'`);
    this.capabilities = this.mode === "r" ? { descriptor: () => ({ type: "ZipStore", path: this.path }) } : {};
    // A writer that died while closing left its new archive beside ours: remove it (see temp-files).
    if (this.mode !== "r") removeStaleTempsOfSync(path);
    if (this.mode === "w") {
      this.#dirty = true;
      return;
    }
    if (!existsSync(path)) {
      if (this.mode === "r") throw new ZarrError(`ZipStore '${path}': no such file`);
      this.#dirty = true;
      return;
    }
    const st = statSync(path);
    if (!st.isFile()) throw new ZarrError(`ZipStore '${path}' is not a file`);
    if (st.size === 0 && this.mode === "a") {
      this.#dirty = true;
      return;
    }
    const fd = openSync(path, "r");
    try {
      this.#index(readCentralDirectory(fd, path));
    } finally {
      closeSync(fd);
    }
  }

  /** Map entry names to keys: the last entry of a name wins; unaddressable names are set aside. */
  #index(entries: ZipEntry[]): void {
    this.#slots.clear();
    this.#foreign = [];
    for (const e of entries) {
      let key: string;
      try {
        key = normalizeKey(e.name);
      } catch {
        this.#foreign.push(e);
        continue;
      }
      if (e.name.endsWith("/")) {
        this.#foreign.push(e); // a directory entry is not a key
        continue;
      }
      this.#slots.delete(key); // re-insert: a later duplicate also takes the later position
      this.#slots.set(key, { entry: e });
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new ZarrError(`ZipStore '${this.path}' is closed`);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.mode === "r") throw new ReadOnlyError(`ZipStore '${this.path}' is open read-only`);
  }

  /** The read handle of the current archive, opened on first use. */
  #openHandle(): Promise<fsp.FileHandle> {
    this.#handle ??= fsp.open(this.path, "r");
    return this.#handle;
  }

  /** Read `length` bytes at `position`, failing on a short read (a truncated archive). */
  async #readAt(fh: fsp.FileHandle, position: number, length: number, key: string): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw new ZarrError(`ZipStore '${this.path}': entry '${key}' is truncated`);
      done += bytesRead;
    }
    return buf;
  }

  /** Where an entry's data starts, from its local header. */
  async #dataStart(fh: fsp.FileHandle, e: ZipEntry, key: string): Promise<number> {
    const h = await this.#readAt(fh, e.localHeaderOffset, 30, key);
    const v = new DataView(h.buffer);
    if (v.getUint32(0, true) !== LOCAL_SIG) throw new ZarrError(`ZipStore '${this.path}': entry '${key}' has a bad local header`);
    return e.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
  }

  /** The bytes of an archived entry (or a range of a stored one), checked and bounded. */
  async #readEntry(key: string, e: ZipEntry, range: RangeQuery | undefined, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const where = `ZipStore '${this.path}': entry '${key}'`;
    if (e.flags & 1) throw new ZarrError(`${where} is encrypted, which is not supported`);
    if (e.method !== 0 && e.method !== 8) throw new ZarrError(`${where} uses compression method ${e.method}; only stored (0) and deflated (8) are supported`);
    if (e.method === 0 && e.compressedSize !== e.size) throw new ZarrError(`${where} is stored but its sizes disagree (${e.compressedSize} vs ${e.size})`);
    const fh = await this.#openHandle();
    throwIfAborted(signal);
    const start = await this.#dataStart(fh, e, key);
    throwIfAborted(signal);
    if (e.method === 0 && range) {
      const [from, to] = rangeBounds(e.size, range);
      const out = await this.#readAt(fh, start + from, to - from, key);
      throwIfAborted(signal);
      return out;
    }
    if (e.size > this.#maxEntryBytes) {
      throw new ZarrError(`${where} declares ${e.size} bytes, more than the ${this.#maxEntryBytes}-byte limit (ZipStoreOptions.maxEntryBytes)`);
    }
    const raw = await this.#readAt(fh, start, e.compressedSize, key);
    throwIfAborted(signal);
    let data: Uint8Array;
    if (e.method === 0) data = raw;
    else {
      let out: Buffer;
      try {
        out = await inflateRaw(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new ZarrError(`${where} inflates past its declared size of ${e.size} bytes`);
        throw new ZarrError(`${where} holds corrupt deflate data: ${(err as Error).message}`);
      }
      throwIfAborted(signal);
      if (out.byteLength !== e.size) throw new ZarrError(`${where} inflates to ${out.byteLength} bytes, not its declared ${e.size}`);
      data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    if (crc32(data) !== e.crc) throw new ZarrError(`${where} fails its CRC-32 check`);
    if (!range) return data;
    const [from, to] = rangeBounds(data.byteLength, range);
    return data.subarray(from, to);
  }

  /** The value under `key`, or `undefined` when absent (read from the archive on demand). */
  async get(key: string, opts?: StoreGetOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    this.#checkOpen();
    throwIfAborted(opts?.signal);
    const slot = this.#slots.get(k);
    if (slot === undefined) return undefined;
    // The directory's sizes bound the read: a value over `maxBytes` is refused unread (the larger of
    // the declared and the compressed size, so a lying deflate entry is not read either).
    if (slot.entry) checkStoredSize(k, Math.max(slot.entry.size, slot.entry.compressedSize), opts);
    else checkStoredSize(k, slot.value.byteLength, opts);
    return slot.entry ? await this.#readEntry(k, slot.entry, undefined, opts?.signal) : slot.value;
  }

  /** Part of a value; for a stored entry only the requested bytes are read from the file. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    this.#checkOpen();
    throwIfAborted(opts?.signal);
    const slot = this.#slots.get(k);
    if (slot === undefined) return undefined;
    if (slot.entry) return await this.#readEntry(k, slot.entry, range, opts?.signal);
    const [from, to] = rangeBounds(slot.value.byteLength, range);
    return slot.value.subarray(from, to);
  }

  /** Whether a value exists under `key`. */
  has(key: string, opts?: AbortOptions): boolean {
    const k = normalizeKey(key);
    this.#checkOpen();
    throwIfAborted(opts?.signal);
    return this.#slots.has(k);
  }

  /** Store `value` under `key` (a copy; written to the file by {@link ZipStore.close}). */
  set(key: string, value: Uint8Array, opts?: AbortOptions): void {
    const k = normalizeKey(key);
    this.#checkWritable();
    throwIfAborted(opts?.signal);
    if (this.#slots.has(k)) process.emitWarning(`Duplicate name: '${k}'`, "UserWarning");
    this.#slots.delete(k);
    this.#slots.set(k, { value: value.slice() });
    this.#dirty = true;
  }

  /** Remove `key` (the archive is rewritten without it on close). */
  delete(key: string, opts?: AbortOptions): boolean {
    const k = normalizeKey(key);
    this.#checkWritable();
    throwIfAborted(opts?.signal);
    const removed = this.#slots.delete(k);
    if (removed) this.#dirty = true;
    return removed;
  }

  /** Delete `prefix` and every key below it (as a path). */
  deletePrefix(prefix: string, opts?: AbortOptions): void {
    const dir = normalizePrefix(prefix);
    this.#checkWritable();
    throwIfAborted(opts?.signal);
    for (const k of [...this.#slots.keys()]) {
      if (dir === "" || k === dir || k.startsWith(dir + "/")) {
        this.#slots.delete(k);
        this.#dirty = true;
      }
    }
  }

  /** Every key, in archive order (keys written since opening come last). */
  keys(): IterableIterator<string> {
    this.#checkOpen();
    return this.#slots.keys();
  }

  /** Keys starting with `prefix` (all when omitted), sorted. */
  list(prefix?: string): string[] {
    const p = normalizePrefix(prefix, true);
    this.#checkOpen();
    return [...this.#slots.keys()].filter((k) => k.startsWith(p)).sort(compareKeys);
  }

  /** Names of the direct children of `prefix`, sorted, as zarr-python's `listdir`. */
  listDir(prefix?: string): string[] {
    const dir = normalizePrefix(prefix);
    this.#checkOpen();
    const start = dir === "" ? "" : dir + "/";
    const names = new Set<string>();
    for (const k of this.#slots.keys()) {
      if (!k.startsWith(start)) continue;
      const rest = k.slice(start.length);
      const i = rest.indexOf("/");
      names.add(i < 0 ? rest : rest.slice(0, i));
    }
    return [...names].sort(compareKeys);
  }

  /** Total uncompressed bytes of the value at `prefix` and every value below it. */
  getSize(prefix?: string): number {
    const dir = normalizePrefix(prefix);
    this.#checkOpen();
    let n = 0;
    for (const [k, s] of this.#slots) {
      if (dir === "" || k === dir || k.startsWith(dir + "/")) n += s.entry ? s.entry.size : s.value.byteLength;
    }
    return n;
  }

  /**
   * Write the archive now (as {@link ZipStore.close} does) without closing the store: a new file
   * beside the old one, synced, then renamed over it. On any failure the temporary file is removed
   * and the previous archive (and this store's state) is unchanged.
   */
  flush(): void {
    this.#checkOpen();
    if (this.mode === "r" || !this.#dirty) return;
    const temp = tempPathFor(this.path);
    const out = openSync(temp, "wx");
    let outOpen = true;
    let src: number | undefined;
    const written: [string | null, ZipEntry][] = [];
    try {
      const w = new SyncWriter(out);
      // The central directory grows in one buffer (doubled when full), written after the entries.
      let central = Buffer.allocUnsafe(1 << 16);
      let centralUsed = 0;
      let count = 0;
      const { time, date } = dosDateTime(new Date());
      const level = this.#compression === "deflated" ? 6 : 0;
      const add = (key: string | null, e: ZipEntry, name: string, data: () => void) => {
        const nameBytes = Buffer.from(name, "utf8");
        const entry: ZipEntry = { ...e, name, flags: NON_ASCII.test(name) ? 0x800 : 0, localHeaderOffset: w.position };
        const n = localHeaderSize(entry, nameBytes.byteLength);
        const [buf, at] = w.reserve(n);
        writeLocalHeader(entry, nameBytes, buf, at);
        w.commit(n);
        data();
        const c = centralHeaderSize(entry, nameBytes.byteLength);
        if (centralUsed + c > central.byteLength) {
          const bigger = Buffer.allocUnsafe(Math.max(central.byteLength * 2, centralUsed + c));
          central.copy(bigger, 0, 0, centralUsed);
          central = bigger;
        }
        centralUsed = writeCentralHeader(entry, nameBytes, central, centralUsed);
        count++;
        written.push([key, entry]);
      };
      const copyRaw = (e: ZipEntry) => () => {
        src ??= openSync(this.path, "r");
        const h = new Uint8Array(30);
        if (readSync(src, h, 0, 30, e.localHeaderOffset) !== 30 || new DataView(h.buffer).getUint32(0, true) !== LOCAL_SIG) {
          throw new ZarrError(`ZipStore '${this.path}': entry '${e.name}' has a bad local header; the archive was not rewritten`);
        }
        const hv = new DataView(h.buffer);
        let pos = e.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
        let left = e.compressedSize;
        while (left > 0) {
          const chunk = new Uint8Array(Math.min(left, 8 << 20));
          const n = readSync(src, chunk, 0, chunk.byteLength, pos);
          if (n === 0) throw new ZarrError(`ZipStore '${this.path}': entry '${e.name}' is truncated; the archive was not rewritten`);
          w.write(n === chunk.byteLength ? chunk : chunk.slice(0, n));
          pos += n;
          left -= n;
        }
      };
      for (const e of this.#foreign) add(null, e, e.name, copyRaw(e));
      for (const [key, slot] of this.#slots) {
        if (slot.entry) {
          add(key, slot.entry, key, copyRaw(slot.entry));
          continue;
        }
        const value = slot.value;
        const data = level ? zlib.deflateRawSync(value, { level }) : value;
        const e: ZipEntry = {
          name: key, method: level ? 8 : 0, flags: 0, crc: crc32(value), compressedSize: data.byteLength, size: value.byteLength,
          localHeaderOffset: 0, time, date, externalAttrs: (0o644 << 16) >>> 0,
        };
        add(key, e, key, () => w.write(data));
      }
      const cdOffset = w.position;
      w.flush();
      writeAll(out, central.subarray(0, centralUsed));
      w.position += centralUsed;
      w.write(endRecords(count, cdOffset, centralUsed));
      w.flush();
      fsyncSync(out);
      closeSync(out);
      outOpen = false;
      renameSync(temp, this.path);
    } catch (e) {
      if (outOpen) closeSync(out);
      rmSync(temp, { force: true });
      throw e;
    } finally {
      if (src !== undefined) closeSync(src);
    }
    // The archive on disk is now the new one: every key is an entry of it.
    this.#foreign = written.filter(([k]) => k === null).map(([, e]) => e);
    this.#slots.clear();
    for (const [k, e] of written) if (k !== null) this.#slots.set(k, { entry: e });
    if (this.#handle) this.#retired.push(this.#handle);
    this.#handle = null;
    this.#dirty = false;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Write the archive (modes `w`/`a`) and release the store; further access throws. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    for (const h of [this.#handle, ...this.#retired]) h?.then((fh) => fh.close()).catch(() => {});
    this.#handle = null;
    this.#retired.length = 0;
  }
}

/** `[from, to)` of a range within a value of `size` bytes, clipped as HTTP range requests are. */
function rangeBounds(size: number, range: RangeQuery): [number, number] {
  if ("suffixLength" in range) return [Math.max(0, size - range.suffixLength), size];
  const from = Math.min(range.offset, size);
  return [from, Math.min(size, from + range.length)];
}
