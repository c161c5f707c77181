/**
 * Extension points of {@link ZarrArray} that live outside the core. `streams/` (chunk-block
 * streams) and `sync/` (synchronizers, worker descriptors) depend on the core; the core must not
 * depend on them. So the array's `blocks()`, `readable()`, `writable()` and `toDescriptor()` methods
 * are declared here with their contract types and delegate to implementations that those folders
 * register when they are imported (which `zarrflow`'s root module does).
 * @module
 */
import type { ZarrArray } from "./array.ts";
import { ZarrError } from "./errors.ts";
import type { BasicSelection } from "./indexing/slice.ts";
import type { NDArray } from "./ndarray/ndarray.ts";
import type { Synchronizer } from "./synchronizer.ts";

/**
 * One chunk's region of an array: the unit of every stream. `selection` is half-open `[start, stop)`
 * per axis in array coordinates, so a block carries everything a consumer needs to put its data
 * back in place, whatever chunking the consumer has.
 */
export interface ArrayBlock {
  /** Grid coordinates of the source chunk (empty for a 0-d array). */
  chunkCoords: number[];
  /** `[start, stop)` per axis, clipped to the array shape (and to the region asked for). */
  selection: [number, number][];
  /** The values, C-contiguous, shaped `stop - start` per axis. */
  data: NDArray;
}

/** A block to write: only `selection` and `data` matter; `data` may be a scalar to broadcast. */
export interface BlockInput {
  chunkCoords?: number[];
  selection: [number, number][];
  data: unknown;
}

/** Progress of a long operation, emitted often enough for a progress bar and cheap to build. */
export interface Progress {
  /** Which operation reports (`"blocks"`, `"write"`, `"copy"`, `"append"`, `"rechunk"`, …). */
  operation: string;
  /** A phase inside the operation, e.g. rechunk's `"read"` (to intermediate) and `"write"`. */
  stage?: string;
  chunksDone: number;
  /** Null when the total is not known in advance (ingestion of an open-ended stream). */
  chunksTotal: number | null;
  /** Uncompressed bytes moved so far. */
  bytesDone: number;
  bytesTotal: number | null;
}

/** Options of `ZarrArray.blocks()` and `ZarrArray.readable()`. */
export interface BlocksOptions {
  /**
   * Restrict to a region: a basic selection with step-1 slices (`"0:100, :"`, `[slice(0, 10), null]`)
   * or `[start, stop)` pairs per axis. Blocks are clipped to it. Integer indices keep their axis.
   */
  region?: BasicSelection | readonly (readonly [number, number])[];
  /**
   * Order in which chunks are visited: `"C"` (last grid axis fastest, the default), `"F"` (first
   * axis fastest), or an axis permutation listed from slowest to fastest.
   */
  order?: "C" | "F" | readonly number[];
  /** Chunks read ahead concurrently; memory holds at most this many blocks besides the consumer's. */
  concurrency?: number;
  /** Stops the iteration (the pending reads finish but nothing more is read). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** Options of `ZarrArray.readable()`. */
export interface ReadableOptions extends BlocksOptions {
  /** Blocks queued in the stream before reads pause (backpressure); default 1. */
  highWaterMark?: number;
}

/** Options of `ZarrArray.writable()`. */
export interface WritableOptions {
  /** Chunk writes in flight at once (default: the I/O concurrency). */
  concurrency?: number;
  /**
   * Lock with this synchronizer instead of the array's own (the array is reopened with it). Writes
   * within one writable never lose each other's updates even without any synchronizer.
   */
  synchronizer?: Synchronizer | null;
  /** Blocks queued before `write()` applies backpressure; default 1. */
  highWaterMark?: number;
  onProgress?: (p: Progress) => void;
}

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

/** The implementations `streams/` and `sync/` register. */
export interface ArrayExtensions {
  blocks(z: ZarrArray, opts?: BlocksOptions): AsyncIterable<ArrayBlock>;
  readable(z: ZarrArray, opts?: ReadableOptions): ReadableStream<ArrayBlock>;
  writable(z: ZarrArray, opts?: WritableOptions): WritableStream<BlockInput>;
  toDescriptor(z: ZarrArray): ArrayDescriptor;
}

const registered: Partial<ArrayExtensions> = {};

/** Install implementations; called by `streams/` and `sync/` on import. Later registrations win. */
export function registerArrayExtensions(ext: Partial<ArrayExtensions>): void {
  Object.assign(registered, ext);
}

/** The registered implementation of `name`, or an error that says which module to import. */
export function arrayExtension<K extends keyof ArrayExtensions>(name: K): ArrayExtensions[K] {
  const fn = registered[name];
  if (!fn) {
    const where = name === "toDescriptor" ? "zarrflow/sync" : "zarrflow/streams";
    throw new ZarrError(`ZarrArray.${name}() is provided by '${where}'; import 'zarrflow' (or '${where}') before calling it`);
  }
  return fn as ArrayExtensions[K];
}
