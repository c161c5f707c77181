/**
 * Opening a store from a URL, as fsspec does for zarr-python: `file://`, plain paths, `zip::x.zip`
 * (or a path ending in `.zip`), `http(s)://`, `s3://`, `abfs://`/`az://`, and chains such as
 * `simplecache::s3://bucket/x.zarr` (a local disk cache in front of the remote store). A path ending
 * in `.n5` opens an {@link N5Store}, as zarr-python's `open` does. An unknown scheme is a clear
 * error, never a local directory named after it.
 * @module
 */
import { fileURLToPath } from "node:url";
import { ZarrError } from "../errors.ts";
import { DirectoryStore } from "./directory.ts";
import { DiskCacheStore } from "./disk-cache.ts";
import { LazyStore } from "./lazy.ts";
import { N5Store } from "./n5.ts";
import type { Store } from "./store.ts";
import { ZipStore } from "./zip.ts";

/** Options for remote stores, as fsspec's `storage_options` (each store reads its own keys). */
export type StorageOptions = Record<string, unknown>;

/** What {@link storeFromUrl} needs besides the URL. */
export interface UrlStoreOptions {
  /** Options handed to the remote store (credentials, endpoint, region...). */
  storageOptions?: StorageOptions;
  /** The access mode of the open call; read-only modes open zip files read-only. */
  mode?: "r" | "r+" | "a" | "w" | "w-";
}

/** A remote scheme: creates its store (loading its SDK) from the URL and the storage options. */
export type RemoteFactory = (url: URL, options: StorageOptions) => Promise<Store>;

/** The schemes of `url-schemes.ts`, whose module (and SDKs) load only when a URL names one. */
const BUILTIN_SCHEMES = ["http", "https", "s3", "abfs", "az"];

/**
 * Schemes registered by users (taking precedence over the built-in ones). The SDK behind each
 * built-in scheme is an optional dependency, so a missing one fails on first use naming the package.
 */
const remoteSchemes: Record<string, RemoteFactory> = {};

/**
 * Declare how a URL scheme opens (used by the remote store modules of this package; exported for
 * users with their own stores, as fsspec's `register_implementation`).
 * @example
 * registerUrlScheme("mem", async (url) => new MemoryStore());
 */
export function registerUrlScheme(scheme: string, factory: RemoteFactory): void {
  remoteSchemes[scheme.toLowerCase()] = factory;
}

/**
 * Whether a string names a URL or a URL chain rather than a local path.
 * @example
 * isUrlLike("s3://bucket/x.zarr");   // true
 * isUrlLike("data/example.zarr");    // false
 */
export function isUrlLike(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.includes("::");
}

/** A local path → DirectoryStore, N5Store (`.n5`) or ZipStore (`.zip`). */
function localStore(path: string, opts: UrlStoreOptions): Store {
  const p = path.replace(/\/+$/, "");
  if (/\.n5$/i.test(p)) return new N5Store(p);
  if (/\.zip$/i.test(p)) return new ZipStore(p, { mode: opts.mode === "r" ? "r" : opts.mode === "w" ? "w" : "a" });
  return new DirectoryStore(p);
}

/**
 * The store a URL (or URL chain, or plain path) names.
 * @throws {ZarrError} for an unknown scheme or a malformed chain
 * @example
 * const store = storeFromUrl("simplecache::s3://bucket/x.zarr", { storageOptions: { endpoint } });
 */
export function storeFromUrl(url: string, opts: UrlStoreOptions = {}): Store {
  const chain = url.split("::");
  if (chain.length > 1) {
    const [head, ...rest] = chain;
    const inner = rest.join("::");
    switch (head.toLowerCase()) {
      case "simplecache":
      case "filecache":
      case "blockcache": {
        const cacheDir = (opts.storageOptions?.[head] as { cache_storage?: string } | undefined)?.cache_storage;
        return new DiskCacheStore(storeFromUrl(inner, opts), { cacheDir });
      }
      case "zip": {
        // fsspec: `zip::<url of the zip file>`; zarrflow reads local zip files.
        const target = inner.startsWith("file://") ? fileURLToPath(inner) : inner;
        if (isUrlLike(target)) throw new ZarrError(`cannot open ${JSON.stringify(url)}: zip:: works on local zip files only`);
        return new ZipStore(target, { mode: opts.mode === "r" ? "r" : opts.mode === "w" ? "w" : "a" });
      }
      default:
        throw new ZarrError(`cannot open ${JSON.stringify(url)}: unknown chained protocol '${head}' (known: simplecache, filecache, blockcache, zip)`);
    }
  }
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return localStore(url, opts);
  const scheme = m[1].toLowerCase();
  if (scheme === "file") return localStore(fileURLToPath(url), opts);
  const factory: RemoteFactory | undefined =
    remoteSchemes[scheme] ??
    (BUILTIN_SCHEMES.includes(scheme) ? async (u, o) => (await import("./url-schemes.ts")).builtinRemoteSchemes[scheme](u, o) : undefined);
  if (!factory) {
    const known = [...new Set(["file", ...BUILTIN_SCHEMES, ...Object.keys(remoteSchemes)])].sort().join(", ");
    throw new ZarrError(`cannot open ${JSON.stringify(url)}: unknown URL scheme '${scheme}' (known: ${known}); it is not taken for a local path`);
  }
  const parsed = new URL(url);
  return new LazyStore(() => factory(parsed, opts.storageOptions ?? {}), `${scheme} store`, url);
}
