/**
 * Key and path normalization shared by every store. Keys arrive from user code (array and group
 * paths) and from metadata written by other tools, so they are treated as untrusted: a file-backed
 * store must never be talked into touching anything outside its root.
 * @module
 */

import { InvalidKeyError } from "../errors.ts";

/** A drive-letter prefix (`C:`), which would make a key absolute or drive-relative on Windows. */
const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Apply zarr-python's `normalize_storage_path` rewriting (backslashes become `/`, leading and
 * trailing `/` are stripped, runs of `/` collapse) and then refuse what could escape a store root.
 * `allowLeadingSlash` decides whether a leading separator is stripped (zarr-python) or refused (stores).
 */
function normalize(input: unknown, what: string, allowLeadingSlash: boolean): string {
  if (input === undefined || input === null) return "";
  if (typeof input !== "string") {
    throw new InvalidKeyError(`${what} must be a string, got ${typeof input}: ${String(input)}`);
  }
  const original = input;
  if (original.includes("\0")) {
    throw new InvalidKeyError(`${what} ${JSON.stringify(original)} contains a NUL character`);
  }
  // A store key is never rewritten: a backslash is a path separator on Windows, so in a key it is
  // refused rather than guessed at. Hierarchy paths (user input) keep zarr-python's rewriting.
  if (!allowLeadingSlash && original.includes("\\")) {
    throw new InvalidKeyError(`${what} ${JSON.stringify(original)} contains a backslash`);
  }
  let path = original.replace(/\\/g, "/");
  if (!allowLeadingSlash && path.startsWith("/")) {
    throw new InvalidKeyError(`${what} ${JSON.stringify(original)} is an absolute path`);
  }
  path = path.replace(/\/{2,}/g, "/").replace(/^\/+/, "").replace(/\/+$/, "");
  if (path === "") return "";
  if (DRIVE_LETTER.test(path)) {
    throw new InvalidKeyError(`${what} ${JSON.stringify(original)} starts with a drive letter`);
  }
  for (const segment of path.split("/")) {
    if (segment === "." || segment === "..") {
      throw new InvalidKeyError(
        `${what} ${JSON.stringify(original)} contains a '${segment}' segment, which is not allowed`,
      );
    }
  }
  return path;
}

/**
 * Normalize a hierarchy path exactly as zarr-python's `normalize_storage_path` does, so that
 * `"/foo//bar/"`, `"foo\\bar"` and `"foo/bar"` name the same node. Like zarr-python, a leading `/`
 * is stripped (group paths such as `"/"` or `"/foo"` are relative to the store root), but anything
 * that could still escape a root is refused: `.`/`..` segments, NUL characters and drive letters.
 * `undefined`, `null` and `""` all mean the root and give `""`.
 * @throws {InvalidKeyError} naming the offending path.
 * @example
 * normalizeStoragePath("/foo//bar/");   // "foo/bar", as zarr.storage.normalize_storage_path
 */
export function normalizeStoragePath(path?: string | null): string {
  return normalize(path, "path", true);
}

/**
 * Normalize a store key (`"foo/bar/.zarray"`, `"foo/0.0"`). Stricter than
 * {@link normalizeStoragePath}: a store cannot know whether `"/etc/passwd"` was meant relative to its
 * root or not, so absolute keys are refused instead of silently rebased, a backslash (a separator on
 * Windows, a plain character elsewhere) is refused instead of guessed at, and an empty key (which
 * would address the root directory itself) is refused too.
 * @throws {InvalidKeyError} naming the offending key.
 * @example
 * normalizeKey("foo//bar/.zarray");   // "foo/bar/.zarray"
 * normalizeKey("../etc/passwd");      // throws InvalidKeyError
 */
export function normalizeKey(key: string): string {
  const normalized = normalize(key, "key", false);
  if (normalized === "") {
    throw new InvalidKeyError(`key ${JSON.stringify(key)} is empty after normalization`);
  }
  return normalized;
}

/**
 * Normalize a prefix passed to `list`/`listDir`/`deletePrefix`/`getSize`. Prefixes go through the
 * same safety checks as keys (no absolute paths: a store argument is never rebased), but may be
 * empty (the whole store). With `keepTrailingSlash`, a trailing `/` survives so that
 * `list("foo/")` keeps meaning "keys inside foo" rather than "keys starting with foo".
 * @throws {InvalidKeyError} naming the offending prefix.
 * @example
 * normalizePrefix("foo//bar/");         // "foo/bar"
 * normalizePrefix("foo/", true);        // "foo/"
 */
export function normalizePrefix(prefix?: string | null, keepTrailingSlash = false): string {
  const normalized = normalize(prefix, "prefix", false);
  if (keepTrailingSlash && normalized !== "" && typeof prefix === "string" && /[/\\]$/.test(prefix)) {
    return normalized + "/";
  }
  return normalized;
}

/**
 * Order keys the way Python's `sorted()` orders `str`: by Unicode code point. JavaScript's default
 * sort compares UTF-16 code units, which disagrees for characters outside the BMP, and listings are
 * compared against zarr-python's.
 * @example
 * keys.sort(compareKeys);   // the order Python's sorted() gives
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    if (ca > 0xffff) i++; // both are the same surrogate pair; skip its low half
  }
  return a.length - b.length;
}

/** The last-segment pattern of a dotted multi-dimensional chunk key (zarr-python's `_prog_ckey`). */
const DOTTED_CHUNK_KEY = /^\d+(\.\d+)+$/;

/** A purely numeric name, i.e. a directory level of a nested chunk key (zarr-python's `_prog_number`). */
export const NUMERIC_NAME = /^\d+$/;

/**
 * Translate a dotted chunk key to its nested form (`"foo/bar/0.1.2"` → `"foo/bar/0/1/2"`), as
 * zarr-python's `_nested_map_ckey` did for `NestedDirectoryStore`. This is what lets legacy nested
 * stores, whose `.zarray` predates the `dimension_separator` field, be read with `"."` chunk keys.
 * Keys whose last segment is not a dotted chunk index (metadata keys, 1-D chunk keys, already nested
 * keys) are returned unchanged.
 * @example
 * nestedChunkKey("foo/bar/0.1.2");   // "foo/bar/0/1/2"
 * nestedChunkKey("foo/.zarray");     // unchanged
 */
export function nestedChunkKey(key: string): string {
  const slash = key.lastIndexOf("/");
  const last = key.slice(slash + 1);
  if (!DOTTED_CHUNK_KEY.test(last)) return key;
  return key.slice(0, slash + 1) + last.replace(/\./g, "/");
}
