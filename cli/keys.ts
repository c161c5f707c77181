/**
 * Listing a store's keys through the public store contract, whatever listing it offers.
 * @module
 */
import type { Store } from "../src/internal.ts";
import { UsageError } from "./errors.ts";

/**
 * Every key under `prefix` (a key prefix such as `"foo/"`, or `""` for all), sorted.
 * @throws {UsageError} when the store cannot list its keys.
 */
export async function listStoreKeys(store: Store, prefix = ""): Promise<string[]> {
  let keys: string[] = [];
  if (store.list) {
    const r = store.list(prefix);
    if (r && typeof r === "object" && Symbol.asyncIterator in r) for await (const k of r as AsyncIterable<string>) keys.push(k);
    else keys = [...(await (r as Promise<string[]>))];
  } else if (store.keys) {
    for await (const k of store.keys() as AsyncIterable<string>) keys.push(k);
  } else {
    throw new UsageError("this store cannot list its keys, which the command needs");
  }
  return keys.filter((k) => k.startsWith(prefix)).sort();
}

/** `"a/b"` → `"a/b/"`, `""` → `""`: the key prefix of everything under a node path. */
export function keyPrefix(path: string): string {
  return path ? path + "/" : "";
}
