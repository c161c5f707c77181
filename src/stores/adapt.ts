/**
 * Turning whatever the user passed as a store into a {@link Store}, and reopening a store from the
 * descriptor its `capabilities.descriptor()` declared.
 * @module
 */

import { fileURLToPath } from "node:url";
import { ZarrError } from "../errors.ts";
import { ConsolidatedMetadataStore } from "./consolidated.ts";
import { DirectoryStore, type DirectoryStoreDescriptor } from "./directory.ts";
import { LRUStoreCache } from "./lru-cache.ts";
import { NestedDirectoryStore } from "./nested.ts";
import { capabilitiesOf, type Store, type StoreDescriptor } from "./store.ts";
import { storeFromUrl, type UrlStoreOptions } from "./url.ts";
import { ZipStore } from "./zip.ts";

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
 * @example
 * const store = asStore("data/example.zarr");               // a DirectoryStore
 * const remote = asStore("s3://bucket/x.zarr", { storageOptions: { anon: true } });
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
 * How to reopen `store` elsewhere (a worker thread), from its declared `capabilities.descriptor`, or
 * `undefined` when it declares none (memory-backed stores: their data must travel another way).
 * @example
 * const d = storeDescriptorOf(new DirectoryStore("data/example.zarr"));   // { type: "directory", ... }
 */
export function storeDescriptorOf(store: Store): StoreDescriptor | undefined {
  return capabilitiesOf(store).descriptor?.();
}

/** The string-valued option `name` of a descriptor, or a typed error naming it. */
function stringOption(d: StoreDescriptor, name: string): string {
  const v = d[name];
  if (typeof v !== "string" || v === "") throw new ZarrError(`${d.type} descriptor needs a non-empty string '${name}', got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Reopen a store from its descriptor (`capabilities.descriptor()`, or the
 * older `DirectoryStore.toDescriptor()`), which unlike the store object can cross a `postMessage`
 * boundary to a worker. Wrappers are rebuilt around their reopened inner store; a worker gets its
 * own LRU cache (caches are per thread).
 * @throws {ZarrError} for an unknown descriptor type or missing options.
 * @example
 * const store = storeFromDescriptor(storeDescriptorOf(parentStore)!);   // in a worker: the same files
 */
export function storeFromDescriptor(d: StoreDescriptor | DirectoryStoreDescriptor): Store {
  const desc = d as StoreDescriptor;
  switch (desc?.type) {
    case "DirectoryStore": {
      const sep = desc.dimensionSeparator as "." | "/" | undefined;
      return new DirectoryStore(stringOption(desc, "path"), sep ? { dimensionSeparator: sep } : {});
    }
    case "NestedDirectoryStore":
      return new NestedDirectoryStore(stringOption(desc, "path"));
    case "ZipStore":
      return new ZipStore(stringOption(desc, "path"), { mode: "r" });
    case "LRUStoreCache": {
      const maxSize = desc.maxSize;
      if (maxSize !== null && typeof maxSize !== "number") throw new ZarrError(`LRUStoreCache descriptor needs a numeric or null 'maxSize'`);
      return new LRUStoreCache(storeFromDescriptor(desc.store as StoreDescriptor), maxSize);
    }
    case "ConsolidatedMetadataStore": {
      const metadata = desc.metadata;
      if (metadata === null || typeof metadata !== "object") throw new ZarrError("ConsolidatedMetadataStore descriptor needs a 'metadata' object");
      return ConsolidatedMetadataStore.fromJsonText(
        storeFromDescriptor(desc.store as StoreDescriptor),
        metadata as Record<string, string>,
        desc.readOnly === true,
      );
    }
    default:
      throw new ZarrError(`unknown store descriptor type ${JSON.stringify(desc?.type)}`);
  }
}
