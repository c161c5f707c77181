/**
 * Reads and writes of many tiny chunks of a local-file store in batches: the touched chunks are
 * grouped (a few hundred at a time, see `batchSize`) and each group is ONE native pool-thread job
 * that reads, decodes and copies (or gathers, encodes and writes) all of its chunks. Per chunk the
 * JS thread then only computes a key, a file path and two offsets; no promise, job object or
 * wake-up per chunk. The single-chunk paths in read.ts / write.ts stay for bigger chunks, other
 * stores, codecs without a native implementation and writes under a synchronizer.
 * @module
 */
import type { BatchCopy, BatchDecoder, BatchEncoder } from "../codecs/pipeline.ts";
import { ChunkBatch } from "../codecs/pipeline-batch.ts";
import { coversWholeChunk, type ChunkProjection } from "../indexing/chunk-projection.ts";
import type { NormalizedDim } from "../indexing/slice.ts";
import type { NDArray } from "../ndarray/ndarray.ts";
import { fillStrided } from "../ndarray/strided.ts";
import { throwIfAborted, type LocalFileCapability } from "../stores/store.ts";
import { forEachConcurrent, getCodecConcurrency, withCodecSlot } from "../util/concurrency.ts";
import type { ChunkIO } from "./chunk-io.ts";
import { outView } from "./values.ts";

/** Items of `it` in arrays of up to `size`, lazily (a selection over millions of chunks is never materialized). */
export function* groupsOf<T>(it: Iterable<T>, size: number): Generator<T[]> {
  let g: T[] = [];
  for (const x of it) {
    g.push(x);
    if (g.length === size) {
      yield g;
      g = [];
    }
  }
  if (g.length) yield g;
}

/** Byte strides of a region in a chunk: the chunk's strides times the selection's step per axis. */
function chunkByteStrides(sel: readonly NormalizedDim[], cst: readonly number[], itemsize: number): number[] {
  return sel.map((d, i) => cst[i] * (d.kind === "slice" ? d.step : 1) * itemsize);
}

/** What {@link readBatched} needs from the read: the output, its strides per array axis, the fill. */
export interface BatchedRead {
  out: NDArray;
  outBytes: Uint8Array;
  fullOutStrides: readonly number[];
  fill: unknown[];
  swapWidth: number;
  perBatch: number;
  signal?: AbortSignal;
}

/**
 * Read every chunk the projections touch through `dec`, `r.perBatch` chunks per pool-thread job, at
 * most the codec concurrency of jobs at once; chunks whose file does not exist fill with the fill value.
 */
export async function readBatched(io: ChunkIO, sel: readonly NormalizedDim[], projections: Iterable<ChunkProjection>, files: LocalFileCapability, dec: BatchDecoder, r: BatchedRead): Promise<void> {
  const { out, fullOutStrides, signal } = r;
  const { lanes, strides: cst, size } = io.layout();
  const itemsize = io.meta.dtype.itemsize;
  const nd = sel.length;
  const copy: BatchCopy = {
    elemBytes: itemsize,
    swapWidth: r.swapWidth,
    chunkBytes: size * itemsize,
    chunkStrides: chunkByteStrides(sel, cst, itemsize),
    arrayStrides: fullOutStrides.map((s) => s * itemsize),
  };
  await forEachConcurrent(groupsOf(projections, r.perBatch), getCodecConcurrency(), async (group) => {
    throwIfAborted(signal);
    const batch = new ChunkBatch(nd, group.length);
    const shape = new Array<number>(nd);
    for (const p of group) {
      let co = 0, ao = out.offset;
      for (let i = 0; i < nd; i++) {
        const d = p.dims[i];
        co += d.chunkStart * cst[i];
        ao += d.outStart * fullOutStrides[i];
        shape[i] = d.count;
      }
      const key = io.chunkKey(p.chunkCoords);
      batch.add(key, files.readPath(key), co * itemsize, ao * itemsize, shape);
    }
    const status = await withCodecSlot(() => dec.decodeBatch(r.outBytes, copy, batch));
    for (let i = 0; i < status.length; i++) {
      if (status[i] !== 1) continue;
      const p = group[i];
      fillStrided(outView(out, p, fullOutStrides, lanes), [...p.dims.map((d) => d.count), lanes], r.fill);
    }
  });
}

/** What {@link writeBatched} needs from the write: the value's bytes and element strides per array axis. */
export interface BatchedWrite {
  srcBytes: Uint8Array;
  /** Element offset of the value's first element (0 for a scalar). */
  srcOffset: number;
  /** Element strides of the value per array axis (all 0 for a scalar). */
  fullSrcStrides: readonly number[];
  swapWidth: number;
  perBatch: number;
  signal?: AbortSignal;
}

/**
 * Write whole chunks from the value through `enc`, `w.perBatch` chunks per pool-thread job; every
 * other chunk (partial, or one where a directory stands in the way) goes to `writeOne`, the
 * single-chunk path. Only for writes without a synchronizer: a batch takes no chunk locks.
 */
export async function writeBatched(io: ChunkIO, projections: Iterable<ChunkProjection>, files: LocalFileCapability, enc: BatchEncoder, w: BatchedWrite, ioConcurrency: number, writeOne: (p: ChunkProjection) => Promise<void>): Promise<void> {
  const { signal, fullSrcStrides } = w;
  const { strides: cst, size } = io.layout();
  const grid = io.meta.chunks;
  const itemsize = io.meta.dtype.itemsize;
  const nd = grid.length;
  const copy: BatchCopy = {
    elemBytes: itemsize,
    swapWidth: w.swapWidth,
    chunkBytes: size * itemsize,
    chunkStrides: cst.map((s) => s * itemsize),
    arrayStrides: fullSrcStrides.map((s) => s * itemsize),
  };
  // One batch writes at a time: creating and renaming files in one directory from several threads
  // contends for the directory's lock, and the kernel spins on it (measured on W5: openat 370 µs
  // with 4 writers vs 26 µs with one; 1.2 s of system CPU vs 4-9 s). The next group is prepared
  // meanwhile.
  let writing: Promise<unknown> = Promise.resolve();
  const codecs = getCodecConcurrency();
  await forEachConcurrent(groupsOf(projections, w.perBatch), 2, async (group) => {
    throwIfAborted(signal);
    const whole: ChunkProjection[] = [], rest: ChunkProjection[] = [];
    for (const p of group) (coversWholeChunk(p, grid) ? whole : rest).push(p);
    if (whole.length) {
      const keys = whole.map((p) => io.chunkKey(p.chunkCoords));
      const targets = files.prepareWrites ? await files.prepareWrites(keys) : await Promise.all(keys.map((k) => files.prepareWrite(k)));
      throwIfAborted(signal);
      const batch = new ChunkBatch(nd, whole.length);
      whole.forEach((p, j) => {
        let ao = w.srcOffset;
        for (let i = 0; i < nd; i++) ao += p.dims[i].outStart * fullSrcStrides[i];
        batch.add(keys[j], targets[j].file, 0, ao * itemsize, grid, targets[j].temp);
      });
      const job = writing.then(() => withCodecSlot(() => enc.encodeBatch(w.srcBytes, copy, batch)));
      writing = job.catch(() => {});
      const status = await job;
      status.forEach((s, j) => s === 1 && rest.push(whole[j]));
    }
    await forEachConcurrent(rest, Math.max(1, Math.ceil(ioConcurrency / codecs)), writeOne);
  });
}
