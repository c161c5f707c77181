/**
 * Listing keys of any store, whatever listing it offers (`list()` sync, async or an async iterable,
 * or Map-style `keys()`).
 * @module
 */
import { ZarrError } from "../errors.ts";
import type { Store } from "./store.ts";

/** Every key under a prefix, whatever listing the store offers. */
export async function listKeys(store: Store, prefix: string): Promise<string[]> {
  if (store.list) {
    const r = store.list(prefix);
    if (Symbol.asyncIterator in (r as object)) {
      const out: string[] = [];
      for await (const k of r as AsyncIterable<string>) out.push(k);
      return out.filter((k) => k.startsWith(prefix));
    }
    return (await (r as Promise<string[]>)).filter((k) => k.startsWith(prefix));
  }
  if (store.keys) {
    const out: string[] = [];
    for await (const k of store.keys() as AsyncIterable<string>) if (k.startsWith(prefix)) out.push(k);
    return out;
  }
  throw new ZarrError("store cannot list its keys (it has neither list() nor keys())");
}
