/**
 * The types every stream shares: a block (one chunk's region of an array), progress reports, and
 * the options of `blocks`, `readable` and `writable`.
 * @module
 */
import type { BasicSelection } from "../src/indexing/slice.ts";
import type { NDArray } from "../src/ndarray/ndarray.ts";
import type { Synchronizer } from "../src/synchronizer.ts";

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

/** Options of `blocks(z)` and `readable(z)`. */
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
  /**
   * Cancels the pass: the iteration throws (the stream errors) with an `AbortError`, pending chunk
   * reads are cancelled and nothing more is read.
   */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/** Options of `readable(z)`. */
export interface ReadableOptions extends BlocksOptions {
  /** Blocks queued in the stream before reads pause (backpressure); default 1. */
  highWaterMark?: number;
}

/** Options of `writable(z)`. */
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
  /**
   * Cancels the writes: the stream errors with an `AbortError` (so `write`, `close` and a `pipeTo`
   * into it reject), chunk writes not yet stored are cancelled, and each chunk is left either as it
   * was or fully written.
   */
  signal?: AbortSignal;
}
