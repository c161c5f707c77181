/**
 * Reading key files of local-file stores safely: regular files only (a FIFO cannot park a libuv
 * thread), a size bound checked on the open file before reading, and file-system failures as
 * {@link StoreIOError}s naming the key.
 * @module
 */
import { constants as fsConstants, type Dirent, type Stats } from "node:fs";
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
    const code = errCode(e);
    if (code === "EISDIR" || MISSING.has(code ?? "")) return undefined;
    throw ioError(e, key, "cannot open");
  }
  let st: Stats;
  try {
    st = await fh.stat();
  } catch (e) {
    await fh.close().catch(() => {});
    throw ioError(e, key, "cannot stat");
  }
  if (st.isFile() && st.size <= maxBytes) return { fh, st };
  await fh.close().catch(() => {});
  if (st.isFile()) throw storedSizeError(key, st.size, maxBytes);
  if (st.isDirectory()) return undefined;
  throw new StoreIOError(`key ${JSON.stringify(key)}: ${file} is ${kindOf(st)}, not a regular file; refusing to read it`, key, "ERR_NOT_REGULAR_FILE");
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
