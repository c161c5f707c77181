/**
 * Array handles across thread and process boundaries. A `ZarrArray` holds a store, codecs and a
 * synchronizer that cannot be structured-cloned; its descriptor names them instead (a directory, a
 * redis URL, a SharedArrayBuffer) so a worker reopens an equivalent handle, the way zarr-python
 * pickles arrays for multiprocessing.
 * @module
 */
import { ZarrArray } from "../src/array.ts";
import { ZarrError } from "../src/errors.ts";
import { storeFromDescriptor } from "../src/stores/adapt.ts";
import type { DirectoryStoreDescriptor } from "../src/stores/directory.ts";
import { KVStore, MemoryStore } from "../src/stores/memory.ts";
import type { Store } from "../src/stores/store.ts";
import type { Synchronizer } from "../src/synchronizer.ts";
import { ProcessSynchronizer, type ProcessSynchronizerDescriptor } from "./process.ts";
import { RedisSynchronizer, type RedisSynchronizerDescriptor } from "./redis.ts";
import { SharedMemoryStore, type SharedMemoryStoreDescriptor } from "./shared-store.ts";
import { ThreadSynchronizer, type ThreadSynchronizerDescriptor } from "./thread.ts";

/**
 * A structured-clone-able description of an array handle, so it can cross `postMessage` (to a
 * worker thread) or be serialized (to another process) and be reopened there, as zarr-python
 * pickles arrays. Stores and synchronizers describe themselves; see `openFromDescriptor`.
 */
export interface ArrayDescriptor {
  kind: "zarrflow.array";
  path: string;
  readOnly: boolean;
  writeEmptyChunks: boolean;
  /** The store's own descriptor (`{ type: "DirectoryStore", path }`, an in-memory store's data, …). */
  store: { type: string; [k: string]: unknown };
  /** The synchronizer's descriptor, or null. */
  synchronizer: { type: string; [k: string]: unknown } | null;
}

/** Descriptors of the built-in synchronizers. */
export type SynchronizerDescriptor = ThreadSynchronizerDescriptor | ProcessSynchronizerDescriptor | RedisSynchronizerDescriptor;

/**
 * An in-memory store travelling with its data: the entries are structured-cloned, so the receiver
 * gets a snapshot (its writes do not come back). To share writes between threads use a
 * `SharedMemoryStore` (or a directory store).
 */
export interface MemoryStoreDescriptor {
  type: "MemoryStore" | "KVStore" | "Map";
  entries: [string, Uint8Array][];
}

/** Any store descriptor; custom stores may add their own `type`s (see {@link OpenDescriptorOptions}). */
export type StoreDescriptor = DirectoryStoreDescriptor | MemoryStoreDescriptor | SharedMemoryStoreDescriptor | { type: string; [k: string]: unknown };

/**
 * Describe a store: its own `toDescriptor()` if it has one, or its data if it lives in memory.
 * @example
 * const d = describeStore(new DirectoryStore("data/example.zarr"));
 * const same = storeFromAnyDescriptor(d);   // in another thread
 */
export function describeStore(store: Store): StoreDescriptor {
  const own = (store as { toDescriptor?: () => StoreDescriptor }).toDescriptor;
  if (typeof own === "function") return own.call(store);
  if (store instanceof MemoryStore) {
    return { type: store instanceof KVStore ? "KVStore" : "MemoryStore", entries: store.list().map((k) => [k, store.get(k)!] as [string, Uint8Array]) };
  }
  if (store instanceof Map) return { type: "Map", entries: [...(store as Map<string, Uint8Array>)] };
  throw new ZarrError(`cannot describe a ${(store as object).constructor?.name ?? typeof store} store for another thread: give it a toDescriptor() method`);
}

/**
 * Describe a synchronizer through its own `toDescriptor()`.
 * @example
 * worker.postMessage({ sync: describeSynchronizer(new ProcessSynchronizer("data/example.sync")) });
 */
export function describeSynchronizer(sync: Synchronizer | null): SynchronizerDescriptor | { type: string; [k: string]: unknown } | null {
  if (!sync) return null;
  const own = (sync as { toDescriptor?: () => SynchronizerDescriptor }).toDescriptor;
  if (typeof own !== "function") throw new ZarrError(`cannot describe a ${(sync as object).constructor?.name} synchronizer for another thread: give it a toDescriptor() method`);
  return own.call(sync);
}

/**
 * `toDescriptor(z)`: what {@link openFromDescriptor} needs to reopen the array elsewhere.
 * @example
 * const d = describeArray(z);   // same as toDescriptor(z)
 */
export function describeArray(z: ZarrArray): ArrayDescriptor {
  return {
    kind: "zarrflow.array",
    path: z.path,
    readOnly: z.readOnly,
    writeEmptyChunks: z.writeEmptyChunks,
    store: describeStore(z.store) as ArrayDescriptor["store"],
    synchronizer: describeSynchronizer(z.synchronizer) as ArrayDescriptor["synchronizer"],
  };
}

/**
 * A small structured-clone-able handle to send to a worker (as zarr-python pickles arrays); reopen
 * it there with {@link openFromDescriptor}. The same as {@link describeArray}.
 * @example
 * // main thread
 * const worker = startWorker(new URL("./writer.ts", import.meta.url), { workerData: toDescriptor(z) });
 * // writer.ts: the same array, with the same synchronizer
 * const same = await openFromDescriptor(workerData);
 * await same.set("0:20", 1);
 */
export function toDescriptor(z: ZarrArray): ArrayDescriptor {
  return describeArray(z);
}

/**
 * Reopen a store from {@link describeStore}'s output.
 * @example
 * const store = storeFromAnyDescriptor(workerData.store);   // from describeStore(store) in the parent
 */
export function storeFromAnyDescriptor(d: StoreDescriptor): Store {
  switch (d.type) {
    case "DirectoryStore":
    case "NestedDirectoryStore":
      return storeFromDescriptor(d as DirectoryStoreDescriptor);
    case "SharedMemoryStore":
      return SharedMemoryStore.fromDescriptor(d as SharedMemoryStoreDescriptor);
    case "MemoryStore":
      return new MemoryStore((d as MemoryStoreDescriptor).entries);
    case "KVStore":
      return new KVStore((d as MemoryStoreDescriptor).entries);
    case "Map":
      return new Map((d as MemoryStoreDescriptor).entries) as unknown as Store;
    default:
      throw new ZarrError(`unknown store descriptor type ${JSON.stringify(d.type)}; pass resolveStore to openFromDescriptor`);
  }
}

const redisByKey = new Map<string, RedisSynchronizer>();
const processByKey = new Map<string, ProcessSynchronizer>();

/**
 * The synchronizer for a descriptor. Within one thread, equal descriptors give the same instance,
 * so all handles opened there share local queues (and one redis connection).
 * @example
 * const sync = synchronizerFromDescriptor(message.sync);   // from describeSynchronizer(...) in the parent
 */
export function synchronizerFromDescriptor(d: SynchronizerDescriptor | { type: string; [k: string]: unknown }): Synchronizer {
  switch (d.type) {
    case "ThreadSynchronizer":
      return ThreadSynchronizer.fromDescriptor(d as ThreadSynchronizerDescriptor);
    case "ProcessSynchronizer": {
      const k = JSON.stringify(d);
      let s = processByKey.get(k);
      if (!s) processByKey.set(k, (s = ProcessSynchronizer.fromDescriptor(d as ProcessSynchronizerDescriptor)));
      return s;
    }
    case "RedisSynchronizer": {
      const k = JSON.stringify(d);
      let s = redisByKey.get(k);
      if (!s) redisByKey.set(k, (s = RedisSynchronizer.fromDescriptor(d as RedisSynchronizerDescriptor)));
      return s;
    }
    default:
      throw new ZarrError(`unknown synchronizer descriptor type ${JSON.stringify(d.type)}; pass resolveSynchronizer to openFromDescriptor`);
  }
}

/**
 * Close the redis connections opened for descriptors in this thread, so it can exit.
 * @example
 * // at the end of a worker that opened arrays with redis locks
 * await closeDescribedSynchronizers();
 */
export async function closeDescribedSynchronizers(): Promise<void> {
  const all = [...redisByKey.values()];
  redisByKey.clear();
  await Promise.all(all.map((s) => s.close()));
}

/** Hooks for custom stores and synchronizers. */
export interface OpenDescriptorOptions {
  resolveStore?: (d: StoreDescriptor) => Store | undefined;
  resolveSynchronizer?: (d: { type: string; [k: string]: unknown }) => Synchronizer | undefined;
  /** Open read-only even if the descriptor allows writes. */
  readOnly?: boolean;
}

/**
 * Reopen an array from `toDescriptor(z)` (typically in a worker, from `workerData` or a message).
 * @example
 * import { workerData } from "node:worker_threads";
 * const z = await openFromDescriptor(workerData);          // the array the parent described
 * const ro = await openFromDescriptor(workerData, { readOnly: true });
 */
export async function openFromDescriptor(d: ArrayDescriptor, opts: OpenDescriptorOptions = {}): Promise<ZarrArray> {
  if (!d || d.kind !== "zarrflow.array") throw new ZarrError("not an array descriptor (expected the result of toDescriptor(z))");
  const store = opts.resolveStore?.(d.store) ?? storeFromAnyDescriptor(d.store);
  const synchronizer = d.synchronizer ? (opts.resolveSynchronizer?.(d.synchronizer) ?? synchronizerFromDescriptor(d.synchronizer)) : null;
  return ZarrArray.open(store, { path: d.path, readOnly: opts.readOnly ?? d.readOnly, synchronizer, writeEmptyChunks: d.writeEmptyChunks });
}
