/**
 * zarrflow/sync: synchronizers for concurrent writers (threads, processes, machines), array handles
 * that travel to workers (`toDescriptor(z)` / `openFromDescriptor`), and the codec parallelism
 * setting.
 * @module
 */

export type { Synchronizer, Release } from "../src/synchronizer.ts";
export { withLock } from "../src/synchronizer.ts";
export { ThreadSynchronizer, type ThreadSynchronizerDescriptor, type ThreadSynchronizerOptions } from "./thread.ts";
export { ProcessSynchronizer, type ProcessSynchronizerDescriptor, type ProcessSynchronizerOptions } from "./process.ts";
export { RedisSynchronizer, type RedisSynchronizerDescriptor, type RedisSynchronizerOptions } from "./redis.ts";
export { KeyedMutex } from "./keyed-mutex.ts";
export { SharedMemoryStore, type SharedMemoryStoreDescriptor, type SharedMemoryStoreOptions } from "./shared-store.ts";
export {
  describeArray, toDescriptor, describeStore, describeSynchronizer, openFromDescriptor, storeFromAnyDescriptor, synchronizerFromDescriptor,
  closeDescribedSynchronizers,
  type ArrayDescriptor, type SynchronizerDescriptor, type StoreDescriptor, type MemoryStoreDescriptor, type OpenDescriptorOptions,
} from "./descriptor.ts";
export { startWorker } from "./worker.ts";
/**
 * Codec parallelism, the analogue of numcodecs' `blosc.set_nthreads` (threads inside one codec
 * call); chunk-level parallelism is `setIoConcurrency`. Re-exported here so parallel-writer code
 * finds all its knobs in one place.
 */
export { setCodecThreads, getCodecThreads } from "../src/codecs/compressors.ts";
export { setIoConcurrency, getIoConcurrency, setCodecConcurrency, getCodecConcurrency } from "../src/util/concurrency.ts";
