/**
 * Reading a basic selection: per touched chunk, the codec pipeline's native backend decodes
 * straight into the output (reading the chunk's local file on its pool thread when the store has
 * one), or the chunk is fetched and decoded by the JS/WASM codecs and copied; missing chunks fill
 * with the fill value. Many tiny chunks of local files go in batches (batch-io.ts).
 * @module
 */
import { allocate, asBytes, laneInfo, swapWidth, type DataArray, type TypedArray } from "../dtype/elements.ts";
import type { DType } from "../dtype/dtype.ts";
import { nativeCodecs } from "../codecs/native.ts";
import type { RegionCopy } from "../codecs/pipeline.ts";
import { batchSize } from "../codecs/pipeline-batch.ts";
import { projectSelection, selectionShape, type ChunkProjection } from "../indexing/chunk-projection.ts";
import type { NormalizedDim } from "../indexing/slice.ts";
import { NDArray } from "../ndarray/ndarray.ts";
import { copyStrided, fillStrided, product } from "../ndarray/strided.ts";
import { throwIfAborted } from "../stores/store.ts";
import { partialReader } from "../chunk/partial-read.ts";
import { forEachConcurrent, getCodecConcurrency, getIoConcurrency, withCodecSlot } from "../util/concurrency.ts";
import { readBatched } from "./batch-io.ts";
import type { ChunkIO } from "./chunk-io.ts";
import { checkOut, checkSignal, chunkView, outView } from "./values.ts";

/** Options of a selection read. */
export interface ReadOptions {
  /** Read into this C-contiguous array instead of allocating one. */
  out?: NDArray;
  /** Chunks fetched and decoded at once. */
  concurrency?: number;
  /** Cancels the read; it then rejects with an AbortError. */
  signal?: AbortSignal;
}

/** Read a normalized selection into a new (or the given) C-contiguous NDArray. */
export async function readSelection(io: ChunkIO, sel: readonly NormalizedDim[], opts: ReadOptions = {}): Promise<NDArray> {
  const signal = opts.signal;
  throwIfAborted(signal);
  const meta = io.meta;
  const dt = meta.dtype;
  const outShape = selectionShape(sel);
  let out: NDArray;
  if (opts.out) {
    out = opts.out;
    checkOut(out, dt, outShape);
  } else {
    out = new NDArray(await allocateResult(dt, product(outShape)), outShape, dt);
    await prefault(out.data);
  }
  const { lanes, strides: cst } = io.layout();
  // Output strides per *array* axis: integer axes contribute nothing.
  const fullOutStrides: number[] = [];
  let k = 0;
  for (const d of sel) fullOutStrides.push(d.kind === "int" ? 0 : out.strides[k++]);
  const fill = io.missingLanes(out.data);
  const direct = io.format.payloadIsStored ? io.pipeline.directDecoder(dt) : null;
  const outBytes = direct ? asBytes(out.data as TypedArray) : null;
  const files = direct ? io.localFile() : null;
  const itemsize = dt.itemsize;
  const chunkBytes = product(meta.chunks) * itemsize;
  const sw = swapWidth(dt);
  const projections = projectSelection(sel, meta.shape, meta.chunks);
  // Many tiny chunks of local files: a few hundred per native job instead of a job per chunk.
  const perBatch = files ? batchSize(chunkBytes) : 0;
  const batch = perBatch ? io.pipeline.batchDecoder(dt) : null;
  if (batch) {
    await readBatched(io, sel, projections, files!, batch, { out, outBytes: outBytes!, fullOutStrides, fill, swapWidth: sw, perBatch, signal });
    checkSignal(signal);
    return out;
  }
  // Small parts of chunks come through the store's range reads, except where the native backend reads local files itself.
  const partial = files ? null : partialReader(io);
  await forEachConcurrent(projections, opts.concurrency ?? getIoConcurrency(), async (p) => {
    throwIfAborted(signal);
    const dst = outView(out, p, fullOutStrides, lanes);
    const shape = [...p.dims.map((d) => d.count), lanes];
    const part = partial ? await partial.read(p, signal) : undefined;
    if (part !== undefined) return part === null ? fillStrided(dst, shape, fill) : copyStrided(dst, chunkView(part, p, cst, lanes), shape);
    if (direct) {
      // Decode on a pool thread straight into the output; a local file is read there too.
      const key = io.chunkKey(p.chunkCoords);
      const source = await io.nativeSource(key, signal);
      if (source) {
        const copy = regionCopy(p, cst, fullOutStrides, dst.offset / lanes, itemsize, sw, chunkBytes);
        const found = await withCodecSlot(() => direct.decodeInto(source, outBytes!, copy, key));
        if (found) return;
      }
      fillStrided(dst, shape, fill);
      return;
    }
    const chunk: DataArray | null = await io.readChunk(p.chunkCoords, { signal });
    if (chunk === null) fillStrided(dst, shape, fill);
    else copyStrided(dst, chunkView(chunk, p, cst, lanes), shape);
  });
  checkSignal(signal);
  return out;
}

/** The byte-level region copy of one projection between a chunk and the output. */
function regionCopy(p: ChunkProjection, cst: readonly number[], fullOutStrides: readonly number[], outOffset: number, itemsize: number, sw: number, chunkBytes: number): RegionCopy {
  let so = 0;
  p.dims.forEach((d, i) => (so += d.chunkStart * cst[i]));
  return {
    elemBytes: itemsize,
    swapWidth: sw,
    chunkBytes,
    chunkOffset: so * itemsize,
    chunkStrides: p.dims.map((d, i) => cst[i] * d.chunkStep * itemsize),
    arrayOffset: outOffset * itemsize,
    arrayStrides: p.dims.map((_, i) => fullOutStrides[i] * itemsize),
    shape: p.dims.map((d) => d.count),
  };
}

/** Results from this size on get the native backend's aligned buffer (see `allocateResult`). */
const ALIGNED_RESULT_BYTES = 32 * 1024 * 1024;

/**
 * Element storage for a new result. A large numeric result lives in a page-aligned buffer from the
 * native backend when there is one: V8's large ArrayBuffers start 16 bytes past a page, so every
 * chunk row copied or read into them is misaligned against its source by 16 bytes, which costs a
 * tenth of the copy speed on some x86 machines (AMD EPYC: 1.6 against 20 GB/s; native/src/copy.h),
 * and aligned, a local uncompressed chunk is read by the kernel straight into place. The buffer is
 * an ordinary ArrayBuffer to JavaScript, except that transferring it to a worker copies it.
 */
async function allocateResult(dt: DType, n: number): Promise<DataArray> {
  const alloc = nativeCodecs?.allocAligned;
  if (alloc && dt.kind !== "O") {
    const { ctor, lanes } = laneInfo(dt);
    const bytes = n * lanes * ctor.BYTES_PER_ELEMENT;
    if (bytes >= ALIGNED_RESULT_BYTES && process.env.ZARRFLOW_PLAIN_RESULTS === undefined) {
      await awaitDeadResult(bytes);
      const buf = alloc.call(nativeCodecs, bytes);
      if (buf) return new ctor(buf, 0, n * lanes);
    }
  }
  return allocate(dt, n);
}

/** How long a large read waits for a dead result of its size to reach the recycler, ms. */
const DEAD_RESULT_WAIT_MS = 2;

/**
 * Gives a result of `bytes` that is garbage but not yet finalized a moment to reach the addon's
 * recycler, so that this read reuses it instead of mapping a second one beside it. A collected
 * buffer's finalizer runs only after V8's concurrent sweeper frees it and the event loop then
 * picks it up; a loop reading W1 again right after opening it (no I/O turn between, metadata being
 * read synchronously) allocated first and peaked at 874 MB RSS instead of 474 MB, then kept two
 * buffers in turn. Waits only while a buffer of this size is alive and none is kept, at most
 * {@link DEAD_RESULT_WAIT_MS} (one or two event-loop turns where one is dying).
 */
async function awaitDeadResult(bytes: number): Promise<void> {
  const state = nativeCodecs?.alignedBuffers;
  if (!state) return;
  const start = performance.now();
  for (;;) {
    const [live, kept] = state.call(nativeCodecs, bytes);
    if (live === 0 || kept > 0 || performance.now() - start > DEAD_RESULT_WAIT_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Fault in a large fresh result buffer in parallel on the pool threads: a 400 MB result otherwise
 * pays ~100k page faults one at a time as chunks land (measured 0.16 s touched on one thread vs
 * 0.05 s populated by two).
 */
async function prefault(data: DataArray): Promise<void> {
  const populate = nativeCodecs?.populateAsync;
  if (!populate || Array.isArray(data) || (data as TypedArray).byteLength < 32 * 1024 * 1024) return;
  const bytes = asBytes(data as TypedArray);
  const parts = getCodecConcurrency();
  const step = Math.ceil(bytes.byteLength / parts / 4096) * 4096;
  const jobs: Promise<void>[] = [];
  for (let o = 0; o < bytes.byteLength; o += step) jobs.push(populate.call(nativeCodecs, bytes.subarray(o, Math.min(o + step, bytes.byteLength))));
  await Promise.all(jobs);
}
