/**
 * Turning whatever the user passed as a store into a {@link Store}.
 * @module
 */

import { fileURLToPath } from "node:url";
import { ZarrError } from "../errors.ts";
import { DirectoryStore, type DirectoryStoreDescriptor } from "./directory.ts";
import { NestedDirectoryStore } from "./nested.ts";
import type { Store } from "./store.ts";
import { storeFromUrl, type UrlStoreOptions } from "./url.ts";

/** Anything {@link asStore} accepts. */
export type StoreLike = Store | Map<string, Uint8Array> | string | URL;

/** Whether `x` quacks like a store: the read side needs nothing but `get`. */
function isStore(x: unknown): x is Store {
  return typeof x === "object" && x !== null && typeof (x as { get?: unknown }).get === "function";
}

/**
 * Accept the forms users naturally have at hand, so APIs can take a `store` argument without
 * ceremony: a {@link Store} (returned as is), a plain `Map<string, Uint8Array>` (returned as is: a
 * `Map` already satisfies the contract, and handing it back unwrapped means the caller's `Map` sees
 * every write; its keys are not normalized or checked, which is harmless as nothing touches disk),
 * or a path or URL (string or `URL`), opened by {@link storeFromUrl}: a directory, an `.n5` or `.zip`
 * path, `file://`, `http(s)://`, `s3://`, `abfs://`, or a chain such as `simplecache::s3://...`.
 * @throws {ZarrError} for anything else, or an unknown URL scheme.
 */
export function asStore(x: StoreLike, opts: UrlStoreOptions = {}): Store {
  if (typeof x === "string") return storeFromUrl(x, opts);
  if (x instanceof URL) return x.protocol === "file:" ? storeFromUrl(fileURLToPath(x), opts) : storeFromUrl(x.href, opts);
  if (x instanceof Map) return x as Store;
  if (isStore(x)) return x;
  throw new ZarrError(
    `cannot use ${x === null ? "null" : typeof x} as a store: expected a Store, a Map<string, Uint8Array> or a path`,
  );
}

/**
 * Reopen a file-system store from {@link DirectoryStore.toDescriptor}'s output, which (unlike the
 * store object) can cross a `postMessage` boundary to a worker.
 * @throws {ZarrError} for an unknown descriptor type.
 */
export function storeFromDescriptor(d: DirectoryStoreDescriptor): DirectoryStore {
  switch (d?.type) {
    case "DirectoryStore":
      return new DirectoryStore(d.path, d.dimensionSeparator ? { dimensionSeparator: d.dimensionSeparator } : {});
    case "NestedDirectoryStore":
      return new NestedDirectoryStore(d.path);
    default:
      throw new ZarrError(`unknown store descriptor type ${JSON.stringify((d as { type?: unknown })?.type)}`);
  }
}
