/**
 * Stores: where zarr keys (`.zarray`, `foo/0.0`, ...) and their bytes live.
 * @module
 */

export type { Awaitable, ReadableStore, WritableStore, ListableStore, Store, AbortOptions, StoreGetOptions, RangeQuery, StoreCapabilities, LocalFileCapability, StoreDescriptor as StoreCapabilityDescriptor } from "./store.ts";
export { capabilitiesOf, checkStoredSize, closeStore, getRangeOf, sliceRange, storedSizeError, throwIfAborted, VALUE_TOO_LARGE } from "./store.ts";
export { normalizeKey, normalizeStoragePath, normalizePrefix, compareKeys, nestedChunkKey } from "./keys.ts";
export { MemoryStore, KVStore } from "./memory.ts";
export { DirectoryStore, type DirectoryStoreOptions, type DirectoryStoreDescriptor } from "./directory.ts";
export type { StaleTempOptions } from "./temp-files.ts";
export { NestedDirectoryStore } from "./nested.ts";
export { asStore, storeFromDescriptor, storeDescriptorOf, type StoreLike } from "./adapt.ts";
export { LRUStoreCache } from "./lru-cache.ts";
export { N5Store, invertChunkKey } from "./n5.ts";
export { storeFromUrl, registerUrlScheme, isUrlLike, type StorageOptions, type UrlStoreOptions } from "./url.ts";
export { DiskCacheStore, type DiskCacheOptions } from "./disk-cache.ts";
export { LazyStore } from "./lazy.ts";
export { HDF5Store } from "./hdf5.ts";
export { MissingDependencyError } from "./kv-common.ts";
export { SQLiteStore, type SQLiteStoreOptions } from "./sqlite.ts";
export { LMDBStore, LMDBFormatError, type LMDBStoreOptions } from "./lmdb.ts";
export { RedisStore, type RedisStoreOptions } from "./redis.ts";
export { DBMStore, type DBMStoreOptions } from "./dbm.ts";
export { HTTPStore, type HTTPStoreOptions } from "./http.ts";
export { S3Store, type S3StoreOptions } from "./s3.ts";
export { ABSStore, type ABSStoreOptions } from "./abs.ts";
