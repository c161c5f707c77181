/**
 * Reading key files of local-file stores safely: regular files only (a FIFO cannot park a libuv
 * thread), a size bound checked on the open file before reading, and file-system failures as
 * {@link StoreIOError}s naming the key.
 * @module
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync, type Dirent, type Stats } from "node:fs";
import * as fsp from "node:fs/promises";
import * as nodePath from "node:path";
import { StoreIOError } from "../errors.ts";
import { storedSizeError } from "./store.ts";

/** The `code` of a Node system error, if any. */
export function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null ? (e as { code?: string }).code : undefined;
}

/** Errors meaning "nothing there" when reading or statting a key's file. */
export const MISSING = new Set(["ENOENT", "ENOTDIR"]);

/**
 * Flags for opening a key's file to read it: non-blocking, so a FIFO without a writer cannot park a
 * libuv thread (its type is refused right after, before any read); no controlling terminal.
 */
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOCTTY ?? 0);

/** What stands at a path that is not a regular file, for messages. */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** An open failure meaning the key is not stored (no such file, or a directory): undefined; else the typed error, thrown. */
function notStoredOrThrow(e: unknown, key: string): undefined {
  const code = errCode(e);
  if (code === "EISDIR" || MISSING.has(code ?? "")) return undefined;
  throw ioError(e, key, "cannot open");
}

/**
 * Whether an opened key file is to be read: true for a regular file within `maxBytes`, false for a
 * directory (no value); a file over `maxBytes` or a FIFO, device or socket throws a
 * {@link StoreIOError} naming the key.
 */
function readable(st: Stats, file: string, key: string, maxBytes: number): boolean {
  if (st.isFile()) {
    if (st.size > maxBytes) throw storedSizeError(key, st.size, maxBytes);
    return true;
  }
  if (st.isDirectory()) return false;
  throw new StoreIOError(`key ${JSON.stringify(key)}: ${file} is ${kindOf(st)}, not a regular file; refusing to read it`, key, "ERR_NOT_REGULAR_FILE");
}

/**
 * Opens a key's file for reading, or returns undefined when the key is not stored (no such file, or
 * a directory: a key naming a directory is a prefix, as zarr-python's `DirectoryStore` sees it).
 * Anything else that is not a regular file (FIFO, device, socket), a file over `maxBytes` and every
 * other failure is a {@link StoreIOError} naming the key, never read and never a hang.
 */
export async function openRegular(file: string, key: string, maxBytes = Infinity): Promise<{ fh: fsp.FileHandle; st: Stats } | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, READ_FLAGS);
  } catch (e) {
    return notStoredOrThrow(e, key);
  }
  try {
    const st = await fh.stat().catch((e) => Promise.reject(ioError(e, key, "cannot stat")));
    if (readable(st, file, key, maxBytes)) return { fh, st };
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
  await fh.close().catch(() => {});
  return undefined;
}

/** Metadata files up to this size are read synchronously by {@link readSmallSync}. */
export const SMALL_SYNC_BYTES = 1 << 20;

/**
 * A small key file (zarr metadata: `.zarray`, `.zgroup`, `.zattrs`, `.zmetadata`) read
 * synchronously, with {@link openRegular}'s rules: undefined when not stored, a typed error for a
 * FIFO, device or socket, and for a file over `maxBytes`. Returns null (nothing read) when the file
 * is over {@link SMALL_SYNC_BYTES}, for the caller's asynchronous path. Why synchronously: opening an
 * array asynchronously costs four or five thread-pool round trips (open, fstat, read, read, close),
 * each waiting for a pool thread and then for the event loop; on a busy two-core machine that was
 * 1-3 ms per `openArray`, more than reading a row of it. The same syscalls made directly take tens
 * of microseconds, as Node's own module loader reads its files.
 */
export function readSmallSync(file: string, key: string, maxBytes = Infinity): Uint8Array | undefined | null {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (e) {
    return notStoredOrThrow(e, key);
  }
  try {
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw ioError(e, key, "cannot stat");
    }
    if (!readable(st, file, key, maxBytes)) return undefined;
    if (st.size > SMALL_SYNC_BYTES) return null;
    // One byte more than the size: a file that grew meanwhile is read on the asynchronous path.
    const buf = new Uint8Array(st.size + 1);
    let n = 0;
    try {
      for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, n)) > 0; ) n += r;
    } catch (e) {
      throw ioError(e, key, "cannot read");
    }
    return n > st.size ? null : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A file-system failure as a {@link StoreIOError} naming the key (abort errors pass through). */
export function ioError(e: unknown, key: string, what: string): unknown {
  const code = errCode(e);
  if (!code || (e as Error).name === "AbortError") return e;
  return new StoreIOError(`key ${JSON.stringify(key)}: ${what}: ${(e as Error).message}`, key, code);
}

/** Entries of a directory, or `[]` when it is missing or not a directory. */
export async function readDirEntries(dir: string): Promise<Dirent[]> {
  try {
    return await fsp.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (MISSING.has(errCode(e) ?? "")) return [];
    throw e;
  }
}

/** Whether an entry is a regular file, following a symbolic link as zarr-python's `isfile` does. */
export async function entryIsFile(dir: string, entry: Dirent): Promise<boolean> {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return (await fsp.stat(nodePath.join(dir, entry.name))).isFile();
  } catch {
    return false; // dangling link
  }
}
