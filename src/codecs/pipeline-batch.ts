/**
 * The native backend's batches: many small chunks of local files read, decoded and copied (or
 * gathered, encoded and written) in ONE pool-thread job. A chunk job of its own costs a promise, a
 * libuv work item, a job object parsed by the addon and a wake-up of the JS thread; for chunks of a
 * few hundred bytes (W5: 10,000 chunks of 800 bytes) that is more than the chunk's own work, so the
 * array layer groups such chunks (see {@link batchSize}) and hands each group over as flat data.
 * Each chunk still follows the single-chunk rules (regular files only, bounded decoding, regions
 * checked, temp file + rename writes); a failure names the failing chunk's key.
 * @module
 */
import { CodecError } from "../errors.ts";
import { typedError } from "./native-backend.ts";
import { nativeCodecs, type NativeCodecName, type NativeOptions } from "./native.ts";

/** The part of a region copy shared by every chunk of a batch, in bytes (see `RegionCopy`). */
export interface BatchCopy {
  elemBytes: number;
  /** Byte-swap width (0: stored and machine order agree). */
  swapWidth: number;
  /** Bytes of a whole decoded chunk. */
  chunkBytes: number;
  /** Byte strides of a region in a chunk, per axis. */
  chunkStrides: number[];
  /** Byte strides of a region in the caller's array, per axis (0 broadcasts a scalar). */
  arrayStrides: number[];
}

/**
 * The chunks of one batch, filled with {@link ChunkBatch.add}. Kept as flat arrays so handing a
 * batch to the addon costs one string and one Float64Array, not an object per chunk.
 */
export class ChunkBatch {
  /** Store keys, for error messages and for the caller's follow-up of a chunk. */
  readonly keys: string[] = [];
  /** The chunks' files (decode: read; encode: replaced). */
  readonly paths: string[] = [];
  /** Encode: a fresh temporary file beside each chunk file. */
  readonly temps: string[] = [];
  /** Per chunk: chunk byte offset, array byte offset, then the region's shape. */
  regions: Float64Array;
  #n = 0;
  readonly #row: number;

  constructor(readonly ndim: number, capacity: number) {
    this.#row = ndim + 2;
    this.regions = new Float64Array(Math.max(1, capacity) * this.#row);
  }

  /** Chunks added so far. */
  get length(): number {
    return this.#n;
  }

  /** Adds a chunk: its key and file, where its region starts in the chunk and in the array (bytes), and the region's shape. */
  add(key: string, path: string, chunkOffset: number, arrayOffset: number, shape: ArrayLike<number>, temp?: string): void {
    const row = this.#row;
    if ((this.#n + 1) * row > this.regions.length) {
      const grown = new Float64Array(this.regions.length * 2);
      grown.set(this.regions);
      this.regions = grown;
    }
    const r = this.regions, o = this.#n * row;
    r[o] = chunkOffset;
    r[o + 1] = arrayOffset;
    for (let i = 0; i < this.ndim; i++) r[o + 2 + i] = shape[i];
    this.keys.push(key);
    this.paths.push(path);
    if (temp !== undefined) this.temps.push(temp);
    this.#n++;
  }
}

/** Decodes a batch of small local-file chunks into caller memory on one pool thread. */
export interface BatchDecoder {
  /**
   * Read, decode and copy each chunk's region into `array`. Resolves to one status byte per chunk:
   * 1 when its file does not exist (the caller fills the region with the fill value). The first
   * failure rejects, naming that chunk's key: a `StoreIOError` for file failures (with the
   * errno name), else a {@link CodecError}.
   */
  decodeBatch(array: Uint8Array, copy: BatchCopy, batch: ChunkBatch): Promise<Uint8Array>;
}

/** Gathers, encodes and atomically writes a batch of small chunks on one pool thread. */
export interface BatchEncoder {
  /**
   * Gather each chunk's region of `array`, encode it and write it to its temp file, renamed over
   * its file. Resolves to one status byte per chunk: 1 when a directory stands where the file goes
   * (not written; the store's own write replaces it). The first other failure rejects, naming that
   * chunk's key (a `StoreIOError` for write failures); chunks before it are written, chunks
   * after it untouched, each one old or new.
   */
  encodeBatch(array: Uint8Array, copy: BatchCopy, batch: ChunkBatch): Promise<Uint8Array>;
}

/** The addon's batch entry points (native/src/batch_jobs.cc); absent from older builds. */
interface BatchAddon {
  decodeBatchAsync?(batch: NativeBatch): Promise<void>;
  encodeBatchAsync?(batch: NativeBatch): Promise<void>;
}

/** A batch exactly as the addon reads it (see native/src/batch_jobs.cc). */
interface NativeBatch extends BatchCopy {
  codec: NativeCodecName | null;
  opts: NativeOptions;
  array: Uint8Array;
  partial: boolean;
  paths: string;
  temps: string | null;
  regions: Float64Array;
  status: Uint8Array;
}

let batching = process.env.ZARRFLOW_NO_BATCH !== "1";

/**
 * Turns batching on or off (on by default; `ZARRFLOW_NO_BATCH=1` starts with it off), returning the
 * previous setting: with it off every chunk is its own native job, which tests compare against.
 */
export function setChunkBatching(on: boolean): boolean {
  const prev = batching;
  batching = on;
  return prev;
}

/**
 * Chunks per batch for chunks of `chunkBytes` decoded bytes: about 256 KiB of chunk data per job,
 * at most 512 chunks; 0 (do not batch) for chunks from 64 KiB up, where a job per chunk already
 * costs little next to the chunk's work and spreads big chunks over the pool threads.
 */
export function batchSize(chunkBytes: number): number {
  if (!batching || chunkBytes >= 64 * 1024 || chunkBytes <= 0) return 0;
  return Math.max(16, Math.min(512, Math.floor((256 * 1024) / chunkBytes)));
}

function toNative(codec: NativeCodecName | null, opts: NativeOptions, array: Uint8Array, copy: BatchCopy, batch: ChunkBatch, partial: boolean, encode: boolean): NativeBatch {
  return {
    codec,
    opts,
    array,
    elemBytes: copy.elemBytes,
    swapWidth: copy.swapWidth,
    chunkBytes: copy.chunkBytes,
    chunkStrides: copy.chunkStrides,
    arrayStrides: copy.arrayStrides,
    partial,
    paths: batch.paths.join("\0"),
    temps: encode ? batch.temps.join("\0") : null,
    regions: batch.regions.subarray(0, batch.length * (batch.ndim + 2)),
    status: new Uint8Array(batch.length),
  };
}

/** The failing chunk's key from the addon's rejection (its `index`), as a typed error. */
function batchError(e: unknown, batch: ChunkBatch, what: string): Error {
  const index = (e as { index?: unknown })?.index;
  const key = typeof index === "number" && index >= 0 && index < batch.length ? batch.keys[index] : undefined;
  if (key === undefined) return new CodecError(`a batch of ${batch.length} chunks (from '${batch.keys[0]}') could not be ${what}: ${e instanceof Error ? e.message : String(e)}`);
  return typedError(e, key, what);
}

/**
 * A batch decoder for `codec` (null: raw chunks), or null without an addon that has batches. With
 * `partial`, a region under a quarter of a chunk is decoded from only the part of the container
 * holding it, as the single-chunk decoder does.
 */
export function nativeBatchDecoder(codec: NativeCodecName | null, opts: NativeOptions, partial: boolean): BatchDecoder | null {
  const addon = nativeCodecs as BatchAddon | null;
  if (!addon?.decodeBatchAsync) return null;
  const run = addon.decodeBatchAsync.bind(addon);
  return {
    async decodeBatch(array, copy, batch) {
      const job = toNative(codec, opts, array, copy, batch, partial && codec !== null, false);
      try {
        await run(job);
      } catch (e) {
        throw batchError(e, batch, "decoded");
      }
      return job.status;
    },
  };
}

/** A batch encoder for `codec` (null: raw chunks), or null without an addon that has batches. */
export function nativeBatchEncoder(codec: NativeCodecName | null, opts: NativeOptions): BatchEncoder | null {
  const addon = nativeCodecs as BatchAddon | null;
  if (!addon?.encodeBatchAsync) return null;
  const run = addon.encodeBatchAsync.bind(addon);
  return {
    async encodeBatch(array, copy, batch) {
      if (batch.temps.length !== batch.length) throw new CodecError(`a batch of ${batch.length} chunks needs a temporary file per chunk`);
      const job = toNative(codec, opts, array, copy, batch, false, true);
      try {
        await run(job);
      } catch (e) {
        throw batchError(e, batch, "encoded");
      }
      return job.status;
    },
  };
}
