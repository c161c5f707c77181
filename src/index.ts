/**
 * zarrflow: Zarr v2 chunked, compressed N-dimensional arrays for Node.js, byte-compatible with
 * zarr-python 2.x. The root exports the names a zarr-python user reaches for (about sixty, in
 * camelCase); the rest lives in subpaths:
 * `zarrflow/codecs` (every numcodecs codec and the registry), `zarrflow/errors` (the error classes),
 * `zarrflow/stores` (store helpers for store authors), `zarrflow/streams` (stream operators),
 * `zarrflow/sync` (synchronizers and worker helpers) and `zarrflow/internal` (everything).
 * This module only re-exports, and importing it registers nothing (`"sideEffects": false`).
 * @module zarrflow
 */
// Creation, opening and the convenience functions (zarr.creation, zarr.convenience).
export {
  create, zeros, ones, full, empty, array, zerosLike, onesLike, fullLike, emptyLike, openArray, save, load,
  type CreateOptions, type OpenOptions, type OpenMode, type ChunksLike,
} from "./creation.ts";
export { open } from "./open.ts";
export { ZarrGroup, group, openGroup, type GroupOptions } from "./group.ts";
export { consolidateMetadata, openConsolidated, copyStore, copyAll, tree, type CopyLog, type CopyStoreOptions } from "./convenience.ts";
export { copy } from "../streams/copy-dispatch.ts";
// Arrays and in-memory n-d values.
export { ZarrArray, type ArrayOpenOptions, type GetOptions, type SetOptions, type ArrayValue } from "./array.ts";
export { NDArray, ndarray, asNDArray, arange, type NDArrayOptions } from "./ndarray/ndarray.ts";
export { slice, type BasicSelection } from "./indexing/slice.ts";
export type { DType, DtypeLike } from "./dtype/dtype.ts";
// Stores (zarr.storage).
export type { Store, AbortOptions, RangeQuery } from "./stores/store.ts";
export type { StoreLike } from "./stores/adapt.ts";
export { MemoryStore, KVStore } from "./stores/memory.ts";
export { DirectoryStore } from "./stores/directory.ts";
export { NestedDirectoryStore } from "./stores/nested.ts";
export { ZipStore } from "./stores/zip.ts";
export { LRUStoreCache } from "./stores/lru-cache.ts";
export { ConsolidatedMetadataStore } from "./stores/consolidated.ts";
export { N5Store } from "./stores/n5.ts";
export { SQLiteStore } from "./stores/sqlite.ts";
export { LMDBStore } from "./stores/lmdb.ts";
export { DBMStore } from "./stores/dbm.ts";
export { RedisStore } from "./stores/redis.ts";
export { HTTPStore } from "./stores/http.ts";
export { S3Store } from "./stores/s3.ts";
export { ABSStore } from "./stores/abs.ts";
export { HDF5Store } from "./stores/hdf5.ts";
export { storeFromUrl, type StorageOptions } from "./stores/url.ts";
// The common compressors (all codecs: `zarrflow/codecs`).
export { Blosc, Zstd, LZ4, Zlib, GZip, BZ2, LZMA, hasNativeCodecs, nativeUnavailableReason, setCodecThreads, getCodecThreads } from "./codecs/compressors.ts";
export { getCodec } from "./codecs/registry.ts";
export type { Codec, CodecConfig } from "./codecs/codec.ts";
// Synchronizers, streams and limits.
export { ThreadSynchronizer, ProcessSynchronizer, RedisSynchronizer, startWorker } from "../sync/index.ts";
export { blocks, readable, writable, rechunk, type ArrayBlock } from "../streams/index.ts";
export { setLimits, type Limits } from "./limits.ts";
export { ZarrError } from "./errors.ts";
