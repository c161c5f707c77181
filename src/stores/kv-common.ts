/**
 * Helpers shared by the database and object-store backends (SQLite, LMDB, Redis, LevelDB, HTTP,
 * S3, Azure Blob): loading an optional SDK on first use, and deriving `listDir`/`getSize`/prefix
 * matches from a flat list of keys.
 * @module
 */

import { ZarrError } from "../errors.ts";
import { compareKeys } from "./keys.ts";

/**
 * An optional dependency of a store (an npm package) is not installed.
 * @example
 * try {
 *   await openGroup(new SQLiteStore("data/example.sqldb"));
 * } catch (e) {
 *   if (e instanceof MissingDependencyError) console.error(`npm install ${e.packageName}`);
 * }
 */
export class MissingDependencyError extends ZarrError {
  /** The npm package that is missing. */
  readonly packageName: string;
  constructor(packageName: string, storeName: string, cause?: unknown) {
    super(
      `${storeName} needs the optional npm package "${packageName}", which could not be loaded ` +
        `(install it with \`npm install ${packageName}\`)` +
        (cause instanceof Error ? `: ${cause.message}` : ""),
    );
    this.packageName = packageName;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

const loaded = new Map<string, Promise<unknown>>();

/**
 * Import an optional package once, on first use; a missing package becomes a
 * {@link MissingDependencyError} naming the package and the store that needs it.
 */
export function loadOptional<T>(packageName: string, storeName: string): Promise<T> {
  let p = loaded.get(packageName);
  if (!p) {
    p = import(packageName).catch((e: unknown) => {
      loaded.delete(packageName);
      throw new MissingDependencyError(packageName, storeName, e);
    });
    loaded.set(packageName, p);
  }
  return p as Promise<T>;
}

/** Whether `key` is the path `dir` itself or lies below it (`dir === ""` matches everything). */
export function isUnder(key: string, dir: string): boolean {
  return dir === "" || key === dir || key.startsWith(dir + "/");
}

/**
 * Names of the direct children of the "directory" `dir` among `keys` (keys and sub-directories),
 * sorted by code point as Python's `sorted`, like zarr-python's `listdir`.
 */
export function childNames(keys: Iterable<string>, dir: string): string[] {
  const start = dir === "" ? "" : dir + "/";
  const names = new Set<string>();
  for (const k of keys) {
    if (!k.startsWith(start) || k.length === start.length) continue;
    const rest = k.slice(start.length);
    const slash = rest.indexOf("/");
    names.add(slash < 0 ? rest : rest.slice(0, slash));
  }
  return [...names].sort(compareKeys);
}

/** The smallest string greater than every string that starts with `prefix` (for range scans). */
export function prefixUpperBound(prefix: string): string {
  return prefix + "\u{10FFFF}";
}

/** Copy the bytes of any `Uint8Array` view into a `Buffer` of exactly its own bytes. */
export function toBuffer(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A plain `Uint8Array` over the same memory as `b` (drops the Buffer subclass). */
export function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Check `value` is a `Uint8Array` (or subclass) and name the key when it is not. */
export function checkValue(key: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new ZarrError(`value for key ${JSON.stringify(key)} must be a Uint8Array, got ${value === null ? "null" : typeof value}`);
  }
  return value;
}

/** An error for using a store after `close()`. */
export function closedError(storeName: string, where: string): ZarrError {
  return new ZarrError(`${storeName} at ${where} is closed`);
}
