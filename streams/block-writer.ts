/**
 * Writing blocks: the machinery behind `writable(z)`, `copy()` and the rechunk stages.
 * A block is split along the target's chunk grid and each piece is written on its own, so pieces of
 * different chunks run in parallel and pieces of the same chunk are serialized locally (two
 * overlapping unaligned blocks of one writer never lose each other's updates, with or without a
 * synchronizer); the array's synchronizer then guards against other writers.
 * @module
 */
import { ZarrArray } from "../src/array.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import type { BlockInput, Progress, WritableOptions } from "./types.ts";
import { NDArray, asNDArray } from "../src/ndarray/ndarray.ts";
import { getIoConcurrency } from "../src/util/concurrency.ts";
import { chunkRegions, normalizeRegion, regionToSelection, subView, type Region } from "./blocks.ts";

/**
 * Serializes async work per key; the chain for a key is dropped once idle, so memory stays flat.
 * @example
 * const q = new KeyedQueue();
 * await Promise.all([q.run("0.0", () => writeChunk("0.0", a)), q.run("0.0", () => writeChunk("0.0", b))]);  // b after a
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Run `fn` after everything queued earlier under `key`. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return next;
  }

  /** Keys with work queued or running (for tests and diagnostics). */
  get size(): number {
    return this.#tails.size;
  }
}

/** Open another handle on the same array with a different synchronizer. */
export async function withSynchronizer(z: ZarrArray, sync: WritableOptions["synchronizer"]): Promise<ZarrArray> {
  if (sync === undefined || sync === z.synchronizer) return z;
  return ZarrArray.open(z.store, { path: z.path, readOnly: z.readOnly, synchronizer: sync, writeEmptyChunks: z.writeEmptyChunks });
}

/**
 * Writes blocks with bounded parallelism. `write()` resolves once the block's pieces are *started*
 * (waiting only when `concurrency` pieces are already in flight), so the caller must not mutate a
 * block's data after handing it over; `flush()` resolves when everything written so far is stored
 * and rethrows the first failure.
 * @example
 * const writer = new BlockWriter(z, { concurrency: 4 });
 * await writer.write({ selection: [[0, 100], [0, 100]], data: fullNDArray([100, 100], 1, z.dtype) });
 * await writer.flush();  // all stored, or the first failure rethrown
 */
export class BlockWriter {
  readonly #z: ZarrArray;
  readonly #queue = new KeyedQueue();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #limit: number;
  #error: unknown = null;
  #failed = false;
  /** Blocks fully written, bytes (uncompressed) written: for progress reports. */
  blocksDone = 0;
  bytesDone = 0;
  readonly #onProgress?: (p: Progress) => void;
  readonly #operation: string;
  /** Total blocks when known, for progress reports. */
  blocksTotal: number | null = null;

  constructor(z: ZarrArray, opts: { concurrency?: number; onProgress?: (p: Progress) => void; operation?: string } = {}) {
    this.#z = z;
    this.#limit = Math.max(1, opts.concurrency ?? getIoConcurrency());
    this.#onProgress = opts.onProgress;
    this.#operation = opts.operation ?? "write";
  }

  /** The array written to. */
  get array(): ZarrArray {
    return this.#z;
  }

  #check(): void {
    if (this.#failed) throw this.#error;
  }

  /** Schedule one block; waits while the in-flight limit is reached. */
  async write(block: BlockInput): Promise<void> {
    this.#check();
    const z = this.#z;
    const access = chunkAccess(z);
    const region = normalizeRegion(block.selection, z.shape);
    const shape = region.map(([a, b]) => b - a);
    const scalar = !(block.data instanceof NDArray) && (block.data === null || typeof block.data !== "object" || block.data instanceof Date);
    const data = scalar ? block.data : asNDArray(block.data, z.dtype);
    if (!scalar) {
      const d = data as NDArray;
      if (d.shape.length !== shape.length || d.shape.some((n, i) => n !== shape[i])) {
        throw new RangeError(`block data has shape (${d.shape.join(", ")}) but its selection [${region.map(([a, b]) => `${a}:${b}`).join(", ")}] has shape (${shape.join(", ")})`);
      }
    }
    const pieces = [...chunkRegions(region, z.chunks)];
    let remaining = pieces.length;
    const bytes = shape.reduce((a, b) => a * b, 1) * z.itemsize;
    const finished = () => {
      if (--remaining > 0) return;
      this.blocksDone++;
      this.bytesDone += bytes;
      this.#onProgress?.({ operation: this.#operation, chunksDone: this.blocksDone, chunksTotal: this.blocksTotal, bytesDone: this.bytesDone, bytesTotal: null });
    };
    if (pieces.length === 0) {
      remaining = 1;
      finished();
    }
    for (const piece of pieces) {
      while (this.#inFlight.size >= this.#limit) await Promise.race(this.#inFlight);
      this.#check();
      const value = scalar ? data : subView(data as NDArray, piece.selection.map(([a], d) => a - region[d][0]), piece.selection.map(([a, b]) => b - a));
      const task = this.#queue
        .run(access.chunkKey(piece.chunkCoords), () => access.writeSelection(regionToSelection(piece.selection), value, { concurrency: 1 }))
        .then(finished, (e) => {
          if (!this.#failed) {
            this.#failed = true;
            this.#error = e;
          }
        })
        .finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    }
  }

  /** Wait for every scheduled piece; rethrows the first failure. */
  async flush(): Promise<void> {
    while (this.#inFlight.size) await Promise.all([...this.#inFlight]);
    this.#check();
  }

  /** Whether a write has failed (the error is rethrown by the next `write`/`flush`). */
  get failed(): boolean {
    return this.#failed;
  }
}

/** Re-export for modules that split regions the same way. */
export type { Region };
