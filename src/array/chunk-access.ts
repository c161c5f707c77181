/**
 * The internal chunk-access interface: what layers outside the core (streams/) need of an array
 * beyond its public API — reading and writing normalized selections (also past the stored shape,
 * for appenders that grow it afterwards), single chunks, and chunk keys for per-chunk queues. It
 * is deliberately not part of `ZarrArray`'s public surface; obtain it with {@link chunkAccess}.
 * @module
 */
import type { DataArray } from "../dtype/elements.ts";
import { ZarrError } from "../errors.ts";
import type { NormalizedDim } from "../indexing/slice.ts";
import type { NDArray } from "../ndarray/ndarray.ts";
import type { ChunkCallOptions, ChunkIO } from "./chunk-io.ts";
import { readSelection, type ReadOptions } from "./read.ts";
import { writeSelection, type WriteOptions } from "./write.ts";
import { resizeArray } from "./resize.ts";

export type { ReadOptions, WriteOptions, ChunkCallOptions };

/** Chunk-level access to one array handle. */
export interface ChunkAccess {
  /** The store key of the chunk at grid `coords`. */
  chunkKey(coords: readonly number[]): string;
  /** Read a normalized selection into a new (or `opts.out`) C-contiguous NDArray. */
  readSelection(sel: readonly NormalizedDim[], opts?: ReadOptions): Promise<NDArray>;
  /** Write a value into a normalized selection (`beyondShape`: past the stored shape). */
  writeSelection(sel: readonly NormalizedDim[], value: unknown, opts?: WriteOptions): Promise<void>;
  /** One decoded chunk in the array's order, or null when it is not stored. */
  readChunk(coords: readonly number[], opts?: ChunkCallOptions): Promise<DataArray | null>;
  /** Encode and store one full chunk under `key` (deleted when all fill and empty chunks are skipped). */
  storeChunk(key: string, data: DataArray, opts?: ChunkCallOptions): Promise<void>;
  /** The stored bytes under a chunk key, refused unread when larger than a chunk may be stored. */
  getStored(key: string, opts?: ChunkCallOptions): Promise<Uint8Array | undefined>;
  /** Decode stored bytes of one chunk (machine byte order). */
  decodeChunkBytes(raw: Uint8Array, key: string): Promise<DataArray>;
  /** Encode one full chunk's element storage into stored bytes. */
  encodeChunkData(data: DataArray): Promise<Uint8Array>;
  /**
   * Publish a larger shape whose newly exposed region the caller has just written (an appender):
   * unlike `resize`, what lies past the old shape is kept, not cleared. Resolves to the shape set.
   */
  growWritten(newShape: readonly number[], opts?: { signal?: AbortSignal }): Promise<number[]>;
}

// Per-handle private state, keyed by the array object: not an extension registry (nothing is
// installed from outside), only the way to keep this interface off the public class.
const access = new WeakMap<object, ChunkAccess>();

/** Attach the chunk access of a new array handle (called by its constructor only). */
export function attachChunkAccess(array: object, io: ChunkIO): void {
  access.set(array, {
    chunkKey: (coords) => io.chunkKey(coords),
    readSelection: (sel, opts) => readSelection(io, sel, opts),
    writeSelection: (sel, value, opts) => {
      io.assertWritable();
      return writeSelection(io, sel, value, opts);
    },
    readChunk: (coords, opts) => io.readChunk(coords, opts),
    storeChunk: (key, data, opts) => io.storeChunk(key, data, opts),
    getStored: (key, opts) => io.getStored(key, opts?.signal),
    decodeChunkBytes: (raw, key) => io.decodeChunkBytes(raw, key),
    encodeChunkData: (data) => io.encodeChunkData(data),
    growWritten: (newShape, opts) => resizeArray(io, newShape, { written: true, signal: opts?.signal }),
  });
}

/** The chunk access of an array handle (internal: for streams/ and other layers above the core). */
export function chunkAccess(array: object): ChunkAccess {
  const a = access.get(array);
  if (!a) throw new ZarrError("not a zarrflow array handle");
  return a;
}
