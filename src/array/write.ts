/**
 * Writing a basic selection. Every chunk write — whole or partial, native or JS, values or fields —
 * runs under the chunk's lock when a synchronizer is set: a partial write reads, merges and stores
 * inside it, and a whole-chunk write takes it too, so it cannot interleave with another writer's
 * read-merge-store of the same chunk and be lost.
 * @module
 */
import { allocate, asBytes, elementLanes, getElement, setElement, swapWidth, type DataArray, type TypedArray } from "../dtype/elements.ts";
import type { RegionCopy } from "../codecs/pipeline.ts";
import { batchSize } from "../codecs/pipeline-batch.ts";
import { ShapeError } from "../errors.ts";
import { copyBlocks } from "../indexing/copy-blocks.ts";
import { coversWholeChunk, projectSelection, selectionShape, type ChunkProjection } from "../indexing/chunk-projection.ts";
import type { NormalizedDim } from "../indexing/slice.ts";
import { asNDArray, NDArray } from "../ndarray/ndarray.ts";
import { copyStrided, fillStrided, product } from "../ndarray/strided.ts";
import { throwIfAborted } from "../stores/store.ts";
import { forEachConcurrent, getIoConcurrency, withCodecSlot } from "../util/concurrency.ts";
import { writeBatched } from "./batch-io.ts";
import type { ChunkIO } from "./chunk-io.ts";
import { broadcastStrides, checkSignal, chunkView, forEachInBlock, isScalar } from "./values.ts";

/** Options of a selection write. */
export interface WriteOptions {
  /** Chunks encoded and stored at once. */
  concurrency?: number;
  /** Cancels the write; it then rejects with an AbortError (chunks already stored stay stored). */
  signal?: AbortSignal;
  /**
   * Internal (streams' `append`): the selection may extend past the stored shape, which the caller
   * grows afterwards. Chunks are laid out on the unbounded grid, as the grown array will read them.
   */
  beyondShape?: boolean;
}

/** The shape chunk projections are clipped to: the array's, or grown to cover the selection. */
function extentFor(io: ChunkIO, sel: readonly NormalizedDim[], opts: WriteOptions): number[] {
  const shape = io.meta.shape;
  if (!opts.beyondShape) return shape;
  return shape.map((n, d) => {
    const s = sel[d];
    const end = s.kind === "int" ? s.index + 1 : s.count === 0 ? 0 : Math.max(s.start, s.start + (s.count - 1) * s.step) + 1;
    return Math.max(n, end);
  });
}

/** Write a value into a normalized selection. */
export async function writeSelection(io: ChunkIO, sel: readonly NormalizedDim[], value: unknown, opts: WriteOptions = {}): Promise<void> {
  const signal = opts.signal;
  throwIfAborted(signal);
  const meta = io.meta;
  const dt = meta.dtype;
  const outShape = selectionShape(sel);
  const { lanes, strides: cst } = io.layout();
  let src: NDArray | null = null;
  let scalar: TypedArray | null = null;
  // Object dtype: any value written to a single element is that element (a list, dict, NDArray...).
  if (dt.kind === "O" && (isScalar(value, dt) || outShape.length === 0 || value instanceof Uint8Array)) {
    scalar = [value instanceof NDArray && value.dt.kind === "O" && value.ndim === 0 ? value.getFlat(0) : value] as unknown as TypedArray;
  } else if (isScalar(value, dt)) scalar = elementLanes(dt, value);
  else {
    src = asNDArray(value, dt.str);
    if (src.dtype !== dt.str && !(src.dt.kind === dt.kind && src.dt.itemsize === dt.itemsize)) src = asNDArray(src, dt.str);
  }
  const srcStrides = src ? broadcastStrides(src, outShape) : null;
  const fullSrcStrides: number[] = [];
  let k = 0;
  for (const d of sel) fullSrcStrides.push(d.kind === "int" || !srcStrides ? 0 : srcStrides[k++]);
  const grid = meta.chunks;
  const direct = io.writeEmptyChunks && io.format.payloadIsStored ? io.pipeline.directEncoder(dt) : null;
  const files = direct ? io.localFile() : null;
  const itemsize = dt.itemsize;
  const srcBytes = direct ? asBytes((scalar ?? src!.data) as TypedArray) : null;
  const chunkBytes = product(grid) * itemsize;
  const projections = projectSelection(sel, extentFor(io, sel, opts), grid);
  const ioConcurrency = opts.concurrency ?? getIoConcurrency();
  const writeOne = async (p: ChunkProjection): Promise<void> => {
    throwIfAborted(signal);
    const key = io.chunkKey(p.chunkCoords);
    const total = coversWholeChunk(p, grid);
    await io.locked(key, async () => {
      throwIfAborted(signal);
      if (total && direct) {
        // Gather the chunk from the value and encode it on a pool thread.
        const copy = gatherCopy(p, cst, fullSrcStrides, scalar ? 0 : src!.offset, scalar !== null, itemsize, swapWidth(dt), chunkBytes);
        if (files) {
          // File-backed store: gather, encode and write (temp file + rename) all on the pool thread.
          // Failures reject typed (a write error is a StoreIOError, never retried); only a directory
          // standing where the file goes falls through to the store's own write, which replaces it.
          const target = await files.prepareWrite(key);
          if (await withCodecSlot(() => direct.encodeFromToFile(srcBytes!, copy, target, key))) return;
        } else {
          const encoded = await withCodecSlot(() => direct.encodeFrom(srcBytes!, copy, key));
          throwIfAborted(signal);
          await io.store.set(key, encoded, signal ? { signal } : undefined);
          return;
        }
      }
      const chunk: DataArray = total ? allocate(dt, product(grid)) : await io.readChunkOrNew(p.chunkCoords, { signal });
      const dst = chunkView(chunk, p, cst, lanes);
      const shape = [...p.dims.map((d) => d.count), lanes];
      if (scalar) fillStrided(dst, shape, scalar as unknown as ArrayLike<unknown>);
      else {
        let off = src!.offset;
        p.dims.forEach((d, i) => (off += d.outStart * fullSrcStrides[i]));
        copyStrided(dst, { data: src!.data, offset: off * lanes, strides: [...fullSrcStrides.map((s) => s * lanes), 1] }, shape);
      }
      await io.storeChunk(key, chunk, { signal });
    });
  };
  // Many tiny whole chunks of local files, no synchronizer (a batch takes no chunk locks): a few
  // hundred per native job; partial chunks still go one by one.
  const perBatch = files && !io.synchronizer ? batchSize(chunkBytes) : 0;
  const batch = perBatch ? io.pipeline.batchEncoder(dt) : null;
  if (batch) {
    const srcOffset = scalar ? 0 : src!.offset;
    await writeBatched(io, projections, files!, batch, { srcBytes: srcBytes!, srcOffset, fullSrcStrides, swapWidth: swapWidth(dt), perBatch, signal }, ioConcurrency, writeOne);
  } else await forEachConcurrent(projections, ioConcurrency, writeOne);
  checkSignal(signal);
}

/** The byte-level region copy gathering one chunk from the written value. */
function gatherCopy(p: ChunkProjection, cst: readonly number[], fullSrcStrides: readonly number[], srcOffset: number, scalar: boolean, itemsize: number, sw: number, chunkBytes: number): RegionCopy {
  let so = srcOffset;
  if (!scalar) p.dims.forEach((d, i) => (so += d.outStart * fullSrcStrides[i]));
  return {
    elemBytes: itemsize,
    swapWidth: sw,
    chunkBytes,
    chunkOffset: 0,
    chunkStrides: cst.map((s) => s * itemsize),
    arrayOffset: so * itemsize,
    arrayStrides: p.dims.map((_, i) => (scalar ? 0 : fullSrcStrides[i] * itemsize)),
    shape: p.dims.map((d) => d.count),
  };
}

/**
 * Write some fields of a structured array's records: per chunk, under its lock, the stored records
 * are read, the named fields replaced, and the chunk stored — so a concurrent write of other
 * fields (or other records) of the same chunk is never overwritten with stale values.
 */
export async function writeFields(io: ChunkIO, sel: readonly NormalizedDim[], value: unknown, fields: string | string[], opts: WriteOptions = {}): Promise<void> {
  const signal = opts.signal;
  throwIfAborted(signal);
  const meta = io.meta;
  const dt = meta.dtype;
  const names = typeof fields === "string" ? [fields] : fields;
  const v = asNDArray(value);
  const outShape = selectionShape(sel);
  // C-order flat strides of the selection's output, per array axis (integer axes contribute nothing).
  const outC: number[] = new Array(outShape.length);
  for (let d = outShape.length - 1, s = 1; d >= 0; d--) {
    outC[d] = s;
    s *= outShape[d];
  }
  const fullOut: number[] = [];
  let k = 0;
  for (const d of sel) fullOut.push(d.kind === "int" ? 0 : outC[k++]);
  const { strides: cst } = io.layout();
  await forEachConcurrent(projectSelection(sel, meta.shape, meta.chunks), opts.concurrency ?? getIoConcurrency(), async (p) => {
    throwIfAborted(signal);
    const key = io.chunkKey(p.chunkCoords);
    await io.locked(key, async () => {
      const chunk = await io.readChunkOrNew(p.chunkCoords, { signal });
      let c0 = 0, o0 = 0;
      p.dims.forEach((d, i) => {
        c0 += d.chunkStart * cst[i];
        o0 += d.outStart * fullOut[i];
      });
      const counts = p.dims.map((d) => d.count);
      const cs = p.dims.map((d, i) => cst[i] * d.chunkStep);
      forEachInBlock(counts, cs, fullOut, (ci, oi) => {
        const rec = { ...(getElement(dt, chunk, c0 + ci) as Record<string, unknown>) };
        const x = v.size === 1 ? v.getFlat(0) : v.getFlat(o0 + oi);
        if (names.length === 1) rec[names[0]] = x;
        else names.forEach((f) => (rec[f] = (x as Record<string, unknown>)[f]));
        setElement(dt, chunk, c0 + ci, rec);
      });
      await io.storeChunk(key, chunk, { signal });
    });
  });
  checkSignal(signal);
}

/**
 * Bytes of the source read at once by {@link copyFrom}: a block of whole target chunks up to this
 * size is read in one selection read (each source chunk decoded once per block it overlaps, not
 * once per target chunk) and written from memory.
 */
export const COPY_BLOCK_BYTES = 32 * 2 ** 20;

/**
 * Copy another array into a selection block by block (see {@link copyBlocks}), so memory stays
 * bounded: about {@link COPY_BLOCK_BYTES}, or one target chunk when that is larger. `readSource`
 * reads a step-1 selection of the source.
 */
export async function copyFrom(io: ChunkIO, sel: readonly NormalizedDim[], srcShape: readonly number[], readSource: (sel: NormalizedDim[], signal?: AbortSignal) => Promise<NDArray>, opts: WriteOptions = {}): Promise<void> {
  const outShape = selectionShape(sel);
  if (srcShape.length !== outShape.length || srcShape.some((n, i) => n !== outShape[i])) {
    throw new ShapeError(`cannot copy array of shape (${srcShape.join(", ")}) into selection of shape (${outShape.join(", ")})`);
  }
  const signal = opts.signal;
  throwIfAborted(signal);
  const { shape, chunks, dtype } = io.meta;
  for (const b of copyBlocks(sel, shape, chunks, dtype.itemsize, COPY_BLOCK_BYTES, signal)) {
    throwIfAborted(signal);
    const block = await readSource(b.source, signal);
    await writeSelection(io, b.target, block, { concurrency: opts.concurrency, signal });
  }
  checkSignal(signal);
}
