/**
 * What lives at a path in a store (array, group, nothing), and initialization of `.zarray`/`.zgroup`
 * with zarr-python's rules: parents become groups, existing nodes are refused unless overwriting.
 * @module
 */
import { ContainsArrayError, ContainsGroupError } from "./errors.ts";
import { encodeGroupMetadata } from "./metadata/array-metadata.ts";
import { normalizeStoragePath } from "./stores/keys.ts";
import type { Store } from "./stores/store.ts";
import { listKeys } from "./array.ts";

/** `prefix/` for a path, "" for the root. */
export function pathPrefix(path: string): string {
  return path ? path + "/" : "";
}

async function has(store: Store, key: string): Promise<boolean> {
  if (store.has) return await store.has(key);
  return (await store.get(key)) !== undefined;
}

/**
 * Whether an array lives at `path`.
 * @example
 * if (await containsArray(store, "foo/bar")) console.log("an array is there");   // zarr.storage.contains_array
 */
export async function containsArray(store: Store, path = ""): Promise<boolean> {
  return has(store, pathPrefix(normalizeStoragePath(path)) + ".zarray");
}

/**
 * Whether a group lives at `path`.
 * @example
 * if (!(await containsGroup(store))) await group(store);   // zarr.storage.contains_group
 */
export async function containsGroup(store: Store, path = ""): Promise<boolean> {
  return has(store, pathPrefix(normalizeStoragePath(path)) + ".zgroup");
}

/** Delete everything under a path (and the node itself). */
export async function rmdir(store: Store, path: string): Promise<void> {
  const prefix = pathPrefix(path);
  if (store.deletePrefix) {
    await store.deletePrefix(prefix);
    return;
  }
  for (const k of await listKeys(store, prefix)) await store.delete(k);
}

/**
 * Prepare `path` for a new node: refuse an existing array/group unless `overwrite` (then clear it),
 * refuse an array in the way of a parent, and create missing parent groups as zarr-python does.
 */
export async function prepareNode(store: Store, path: string, overwrite: boolean): Promise<void> {
  const segs = path ? path.split("/") : [];
  for (let i = 0; i < segs.length; i++) {
    const p = segs.slice(0, i).join("/");
    if (await containsArray(store, p)) {
      if (!overwrite) throw new ContainsArrayError(`an array exists at path '${p}', so '${path}' cannot be created inside it`);
      await rmdir(store, p);
    }
  }
  if (overwrite) {
    if (path) await rmdir(store, path);
    else {
      // zarr-python clears the whole store when overwriting at the root.
      await rmdir(store, "");
    }
  } else {
    if (await containsArray(store, path)) throw new ContainsArrayError(`an array already exists at path '${path}'`);
    if (await containsGroup(store, path)) throw new ContainsGroupError(`a group already exists at path '${path}'`);
  }
  for (let i = 0; i < segs.length; i++) {
    const p = segs.slice(0, i).join("/");
    if (!(await containsGroup(store, p))) await store.set(pathPrefix(p) + ".zgroup", encodeGroupMetadata());
  }
}
