/**
 * From what a shell user types (`data/store.zarr/group/array`, `archive.zip/x`, `file:///…`) to a
 * store and a node path inside it. Every form goes through {@link resolveStore}; URL schemes that
 * other stores add later (`s3://`, `http://`) plug in with {@link registerStoreScheme}.
 * @module
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { DirectoryStore, N5Store, ZarrError, ZipStore, normalizeStoragePath, storeFromUrl, type Store } from "../src/internal.ts";
import { UsageError } from "./errors.ts";

/** A store opened for the CLI, and where in it the node the user named lives. */
export interface ResolvedStore {
  /** The store (a directory, a ZIP file, or what a scheme resolver returns). */
  store: Store;
  /** Path of the named node inside the store (`""` for the root). */
  path: string;
  /** The store's location as the user would recognise it (a directory, a file, a URL). */
  location: string;
  /** Write pending data (a ZIP archive is written here) and release the store. */
  close(): Promise<void>;
}

/** How a store is wanted. */
export interface ResolveOptions {
  /** `r` (default): the store must exist. `w`: it may be created, and is opened for writing. */
  mode?: "r" | "w";
  /**
   * The node path inside the store, given separately (`--path`). The target is then the store
   * root itself and no walking up happens.
   */
  path?: string;
}

/** Opens the stores of one URL scheme. */
export type StoreResolver = (url: URL, opts: ResolveOptions) => Promise<ResolvedStore>;

const schemes = new Map<string, StoreResolver>();

/**
 * Make `zarrflow` open URLs of another scheme (without the colon), e.g. an S3 store. Replaces any
 * earlier resolver of that scheme.
 * @example
 * registerStoreScheme("s3", async (url, opts) => ({ store: new S3Store(url), path: "", location: url.href, close: async () => {} }));
 */
export function registerStoreScheme(scheme: string, resolver: StoreResolver): void {
  schemes.set(scheme.toLowerCase().replace(/:$/, ""), resolver);
}

/** The URL schemes {@link resolveStore} can open. */
export function storeSchemes(): string[] {
  return [...schemes.keys()].sort();
}

/** `scheme://…` or `file:…`: a URL rather than a local path (a one-letter "scheme" is a drive, not a URL). */
const URL_RE = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\/|^(file):/i;
/** An fsspec-style chain such as `simplecache::s3://…` or `zip::archive.zip`. */
const CHAIN_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*)::/;

/**
 * Open the store a user named and find the node path inside it. Accepts a local path (a directory
 * store, a path inside one — the store root is found by walking up to the topmost directory holding
 * `.zgroup`/`.zarray` — or a `.zip` file, optionally followed by a path inside it), a `file://` URL,
 * and any URL whose scheme was registered with {@link registerStoreScheme}.
 * @throws {UsageError} for an unknown URL scheme (never treated as a local directory), a path that
 * does not exist when reading, or a file that is not a ZIP archive.
 * @example
 * const { store, path, close } = await resolveStore("data/example.zarr/foo/bar");
 * // store: DirectoryStore at data/example.zarr, path: "foo/bar"
 */
export async function resolveStore(target: string, opts: ResolveOptions = {}): Promise<ResolvedStore> {
  if (typeof target !== "string" || target === "") throw new UsageError("a store path or URL is required");
  const m = URL_RE.exec(target);
  const resolver = m ? schemes.get((m[1] ?? m[2]).toLowerCase()) : undefined;
  if (m && resolver) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`'${target}' is not a valid URL`);
    }
    return resolver(url, opts);
  }
  if (m || CHAIN_RE.test(target)) return resolveByLibrary(target, (m?.[1] ?? m?.[2] ?? CHAIN_RE.exec(target)![1]).toLowerCase(), opts);
  return resolveLocal(target, opts);
}

/**
 * Schemes and chains the library's `storeFromUrl` knows (remote stores register theirs there), with
 * the node path from `--path`. Anything it does not know is a usage error, never a local path.
 */
function resolveByLibrary(target: string, scheme: string, opts: ResolveOptions): ResolvedStore {
  let store: Store;
  try {
    store = storeFromUrl(target, { mode: opts.mode === "w" ? "a" : "r" });
  } catch (e) {
    if (e instanceof ZarrError) {
      if (CHAIN_RE.test(target)) throw new UsageError(`cannot open '${target}': ${e.message}`);
      throw new UsageError(`unsupported URL scheme '${scheme}:' in '${target}' (zarrflow can open ${storeSchemes().map((s) => s + "://").join(", ")} URLs, directories, .zip and .n5 paths, and the schemes its stores register)`);
    }
    throw e;
  }
  return { store, path: normalizeStoragePath(opts.path ?? ""), location: target, close: async () => void (await store.close?.()) };
}

registerStoreScheme("file", async (url, opts) => {
  if (url.host && url.host !== "localhost") throw new UsageError(`file URL '${url.href}' names a remote host '${url.host}'; only local files are supported`);
  return resolveLocal(fileURLToPath(url), opts);
});

function statOf(p: string) {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/** A ZIP archive by its magic number (local file header, or the end record of an empty archive). */
function isZipFile(p: string): boolean {
  const fd = openSync(p, "r");
  try {
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    return n === 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
  } finally {
    closeSync(fd);
  }
}

function isZarrNode(dir: string): boolean {
  return statOf(nodePath.join(dir, ".zgroup"))?.isFile() === true || statOf(nodePath.join(dir, ".zarray"))?.isFile() === true;
}

function openZip(file: string, inner: string, opts: ResolveOptions): ResolvedStore {
  const store = new ZipStore(file, { mode: opts.mode === "w" ? "a" : "r" });
  return { store, path: normalizeStoragePath(inner), location: file, close: async () => store.close() };
}

function openDir(dir: string, inner: string): ResolvedStore {
  // An N5 container (a directory named *.n5) reads through zarr-python's N5 translation.
  const store = /\.n5$/i.test(dir) ? new N5Store(dir) : new DirectoryStore(dir);
  return { store, path: normalizeStoragePath(inner), location: dir, close: async () => {} };
}

/** Resolve a local file-system path (see {@link resolveStore}). */
export function resolveLocal(target: string, opts: ResolveOptions = {}): ResolvedStore {
  const abs = nodePath.resolve(target);
  const creating = opts.mode === "w";
  if (opts.path !== undefined) {
    const st = statOf(abs);
    if (!st && !creating) throw new UsageError(`${target}: no such file or directory`);
    if (st?.isFile() || (!st && abs.toLowerCase().endsWith(".zip"))) {
      if (st && !isZipFile(abs)) throw new UsageError(`${target} is a file but not a ZIP archive; a store is a directory or a .zip file`);
      return openZip(abs, opts.path, opts);
    }
    return openDir(abs, opts.path);
  }
  // The deepest part of the path that exists; what follows it is a path inside the store.
  let existing = abs;
  const rest: string[] = [];
  let st = statOf(existing);
  while (!st) {
    const parent = nodePath.dirname(existing);
    if (parent === existing) break;
    rest.unshift(nodePath.basename(existing));
    existing = parent;
    st = statOf(existing);
  }
  if (st?.isFile()) {
    if (!isZipFile(existing)) throw new UsageError(`${existing} is a file but not a ZIP archive; a store is a directory or a .zip file`);
    return openZip(existing, rest.join("/"), opts);
  }
  if (rest.length && !creating) {
    throw new UsageError(`${target}: no such file or directory`);
  }
  if (!rest.length || creating) {
    // A new .zip path to be written.
    if (creating && !st?.isFile() && rest.length && rest.some((p) => p.toLowerCase().endsWith(".zip"))) {
      const i = rest.findIndex((p) => p.toLowerCase().endsWith(".zip"));
      return openZip(nodePath.join(existing, ...rest.slice(0, i + 1)), rest.slice(i + 1).join("/"), opts);
    }
  }
  // Inside an N5 container (`x.n5/group/array`): the container is the store.
  for (let cur = existing; ; cur = nodePath.dirname(cur)) {
    if (/\.n5$/i.test(cur)) {
      return openDir(cur, [...nodePath.relative(cur, existing).split(nodePath.sep).filter(Boolean), ...rest].join("/"));
    }
    if (nodePath.dirname(cur) === cur) break;
  }
  // Walk up to the topmost directory of the run of zarr nodes that holds `existing`.
  let root = existing;
  if (isZarrNode(existing)) {
    for (let cur = nodePath.dirname(existing); cur !== root && isZarrNode(cur); cur = nodePath.dirname(cur)) {
      root = cur;
      if (nodePath.dirname(cur) === cur) break;
    }
  } else if (rest.length === 0 && !creating) {
    return openDir(existing, "");
  } else if (creating && rest.length) {
    // Creating below a plain directory: the first missing component is the new store's root.
    return openDir(nodePath.join(existing, rest[0]), rest.slice(1).join("/"));
  }
  const inner = [...nodePath.relative(root, existing).split(nodePath.sep).filter(Boolean), ...rest].join("/");
  return openDir(root, inner);
}
