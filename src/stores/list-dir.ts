/**
 * Listing the direct children of a prefix on any store, whatever listing it offers.
 * @module
 */
import { listKeys } from "./list-keys.ts";
import type { Store } from "./store.ts";

/**
 * The sorted names directly under `prefix` (keys and "directories"), from the store's own
 * `listDir` when it has one, else derived from its full key listing.
 */
export async function listDirOf(store: Store, prefix = ""): Promise<string[]> {
  if (store.listDir) return store.listDir(prefix);
  const p = prefix && !prefix.endsWith("/") ? prefix + "/" : prefix;
  return [...new Set((await listKeys(store, p)).map((k) => k.slice(p.length).split("/")[0]))].sort();
}
