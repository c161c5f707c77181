/**
 * `zarrflow/internal`: every building block of zarrflow (indexing, metadata, pipeline, stream
 * operators, store helpers), for power users and tests. Less stable than the curated root
 * (`zarrflow`), whose names follow zarr-python; this module only re-exports.
 * @module zarrflow/internal
 */
export * from "./errors.ts";
export { parseDtype, dtypeName, type DType, type DtypeKind, type DtypeField, type DtypeLike } from "./dtype/dtype.ts";
export { NAT, type TypedArray, type DataArray } from "./dtype/elements.ts";
export { NDArray, ndarray, asNDArray, arange, astype, empty as emptyNDArray, full as fullNDArray, type NDArrayOptions, type Order } from "./ndarray/ndarray.ts";
export { slice, Slice, ellipsis, parseSelection, type BasicSelection, type DimSelection } from "./indexing/slice.ts";
export type { Codec, CodecConfig, ChunkContext, CodecFactory } from "./codecs/codec.ts";
export { getCodec, registerCodec, registerCodecLoader, listCodecs } from "./codecs/registry.ts";
export { CodecPipeline } from "./codecs/pipeline.ts";
export * from "./codecs/compressors.ts";
export * from "./codecs/filters/index.ts";
export * from "./codecs/object/index.ts";
export * from "./stores/index.ts";
export { ZarrArray, type ArrayOpenOptions, type GetOptions, type SetOptions, type ArrayValue } from "./array.ts";
export { ZarrGroup, TreeView, group, openGroup, type GroupOptions } from "./group.ts";
export {
  create, zeros, ones, full, empty, array, zerosLike, onesLike, fullLike, emptyLike, openArray, save, load,
  guessChunks, normalizeChunks, type CreateOptions, type OpenOptions, type OpenMode, type ChunksLike,
} from "./creation.ts";
export { open } from "./open.ts";
export { Attributes } from "./attributes.ts";
export { InfoReport } from "./info.ts";
export { containsArray, containsGroup } from "./hierarchy-keys.ts";
export type { Synchronizer, Release } from "./synchronizer.ts";
export { withLock } from "./synchronizer.ts";
export { pyJsonDumps, parseJson } from "./metadata/json.ts";
export { parseArrayMetadata, encodeArrayMetadata, type ArrayMetadata } from "./metadata/array-metadata.ts";
export { setLimits, getLimits, resetLimits, DEFAULT_LIMITS, type Limits } from "./limits.ts";
// Streams (blocks, readable/writable, operators, RxJS) and synchronizers (thread, process, redis,
// worker descriptors): free functions over arrays (`blocks(z)`, `readable(z)`, `writable(z)`, `toDescriptor(z)`).
export * from "../streams/index.ts";
export * from "../sync/index.ts";
// Convenience functions (consolidated metadata, copy_store/copy_all, tree) and the ZIP and
// consolidated-metadata stores. The root `copy` dispatches between the stream operator and zarr.copy.
export { consolidateMetadata, openConsolidated, copyStore, copyNode, copyAll, tree, CopyError, type CopyLog, type CopyStoreOptions, type CopyNodeOptions, type ConsolidateMetadataOptions, type OpenConsolidatedOptions } from "./convenience.ts";
export { ConsolidatedMetadataStore, isMetadataKey, buildConsolidatedMetadata } from "./stores/consolidated.ts";
export { ZipStore, type ZipStoreOptions } from "./stores/zip.ts";
export { copy } from "../streams/copy-dispatch.ts";
export type { AdvancedIndexer } from "./array.ts";
export {
  normalizeOrthogonalSelection, orthogonalShape, projectOrthoDim, projectOrthogonalSelection, forEachOrthoBlock,
  type OrthogonalSelection, type OrthogonalDimSelection, type IndexArrayLike, type OrthoDim, type OrthoDimProjection, type OrthoChunkProjection,
} from "./indexing/orthogonal.ts";
export {
  normalizeCoordinateSelection, normalizeMaskSelection, projectPoints, broadcastShapes,
  type CoordinateSelection, type CoordinateDimSelection, type MaskSelection, type NormalizedCoordinates, type PointChunkProjection,
} from "./indexing/coordinate.ts";
export { MissingPeerDependencyError } from "./util/optional-peer.ts";
export { NativeCodecsRequiredError } from "./codecs/native-status.ts";
