/**
 * Partial chunk reads through a store's byte-range reads: when a selection touches a small part of
 * a chunk, fetch only the bytes it needs instead of the whole chunk, as zarr-python 2.x does with
 * its partial decompression over fsspec. Two chunk kinds allow it:
 *
 * - uncompressed chunks (no filters, no compressor): the element bytes the region covers;
 * - Blosc chunks: the 16-byte header and the block-offset table, then only the blocks the region
 *   touches, decoded one block at a time by the JS Blosc container.
 *
 * Ranges are planned as contiguous runs, coalesced with neighbours when the gap is small, and
 * merged into one covering range when the store can only do one range per request (every
 * zarrflow store today). Anything unexpected (a short header, a memcpyed flag on an odd size,
 * snappy blocks, a size that does not match the metadata) declines, and the caller reads the
 * whole chunk, which reports corrupt data the usual way. The result always equals a whole read.
 * @module
 */
import { bloscDecompressBlockJs, type BloscBlockInfo } from "../codecs/blosc-js/container.ts";
import type { CodecPipeline } from "../codecs/pipeline.ts";
import type { DType } from "../dtype/dtype.ts";
import { byteswapInPlace, swapWidth, viewBytes, type DataArray } from "../dtype/elements.ts";
import { CodecError } from "../errors.ts";
import type { ChunkProjection } from "../indexing/chunk-projection.ts";
import { product } from "../ndarray/strided.ts";
import { capabilitiesOf, throwIfAborted, type ReadableStore } from "../stores/store.ts";
import { maxStoredChunkBytes } from "./stored-size.ts";

/** A byte range `[start, end)` of a chunk. */
export interface ByteRun {
  start: number;
  end: number;
}

/** How ranges are planned: gaps up to `maxGap` bytes are read through; at most `maxRequests` ranges. */
export interface RangePlanOptions {
  maxGap?: number;
  maxRequests?: number;
}

/** Below this share of a chunk (by the region's byte extent) a read goes partial. */
const SMALL_SHARE = 4;
/** Give up listing runs past this many (the covering range is used instead). */
const MAX_RUNS = 8192;
/** Bytes asked for with the Blosc header: the header plus room for a 1024-block offset table. */
const BLOSC_HEAD_GUESS_BLOCKS = 1024;
const BLOSC_HEADER = 16;

/**
 * Merge sorted runs whose gap is at most `maxGap`, then, while more than `maxRequests` remain,
 * fall back to the one covering range (a store that can only do one range per request would
 * otherwise pay a round trip per run).
 * @example
 * planRanges([{ start: 0, end: 8 }, { start: 10, end: 16 }], { maxGap: 4 }) // [{ start: 0, end: 16 }]
 */
export function planRanges(runs: readonly ByteRun[], opts: RangePlanOptions = {}): ByteRun[] {
  if (runs.length === 0) return [];
  const maxGap = opts.maxGap ?? 4096;
  const maxRequests = opts.maxRequests ?? 1;
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  const out: ByteRun[] = [{ ...sorted[0] }];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1];
    const r = sorted[i];
    if (r.start - last.end <= maxGap) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  if (out.length > maxRequests) return [{ start: out[0].start, end: Math.max(...out.map((r) => r.end)) }];
  return out;
}

/**
 * The one byte range covering everything a projection touches: O(ndim), so a read can decline a
 * partial fetch before listing runs (a whole (2500, 1) chunk is 2500 runs, and a rechunk asks
 * for thousands of such chunks).
 */
function projectionExtent(p: ChunkProjection, strides: readonly number[], itemsize: number): ByteRun {
  let lo = 0, hi = 0;
  p.dims.forEach((d, i) => {
    const first = d.chunkStart * strides[i];
    const span = (d.count - 1) * d.chunkStep * strides[i];
    lo += first + Math.min(0, span);
    hi += first + Math.max(0, span);
  });
  return { start: lo * itemsize, end: (hi + 1) * itemsize };
}

/**
 * The chunk bytes a projection touches, as sorted contiguous runs (adjacent elements merged), or
 * just the covering extent when there would be more than {@link MAX_RUNS} runs.
 */
export function projectionRuns(p: ChunkProjection, strides: readonly number[], itemsize: number): ByteRun[] {
  const dims = p.dims;
  const extent = projectionExtent(p, strides, itemsize);
  // The innermost axis with unit element stride and step forms contiguous runs; every other axis
  // multiplies the number of runs.
  let inner = -1;
  dims.forEach((d, i) => {
    if (strides[i] === 1 && d.chunkStep === 1) inner = i;
  });
  let runCount = 1;
  dims.forEach((d, i) => {
    if (i !== inner) runCount *= d.count;
  });
  if (runCount > MAX_RUNS) return [extent];
  const runLen = (inner >= 0 ? dims[inner].count : 1) * itemsize;
  const outer = dims.map((_, i) => i).filter((i) => i !== inner);
  const runs: ByteRun[] = [];
  const idx = new Array(outer.length).fill(0);
  const base = inner >= 0 ? dims[inner].chunkStart : 0;
  for (;;) {
    let el = base;
    outer.forEach((ax, k) => (el += (dims[ax].chunkStart + idx[k] * dims[ax].chunkStep) * strides[ax]));
    runs.push({ start: el * itemsize, end: el * itemsize + runLen });
    let k = outer.length - 1;
    while (k >= 0 && ++idx[k] === dims[outer[k]].count) idx[k--] = 0;
    if (k < 0) break;
  }
  return planRanges(runs, { maxGap: 0, maxRequests: Infinity });
}

/** Reads the part of a chunk a projection needs through the store's byte-range reads. */
export interface PartialReader {
  /**
   * A full chunk's elements (machine byte order, the array's order) of which at least the bytes
   * under `p` are filled; `null` when the chunk is not stored; `undefined` when a partial read does
   * not apply here (region too big, unexpected container), and the caller reads the whole chunk.
   */
  read(p: ChunkProjection, signal?: AbortSignal): Promise<DataArray | null | undefined>;
}

/** What a partial reader needs of an array (its chunk I/O state). */
export interface PartialReadSource {
  readonly store: ReadableStore;
  readonly format: { readonly payloadIsStored: boolean };
  readonly meta: { readonly dtype: DType; readonly chunks: readonly number[] };
  readonly pipeline: Pick<CodecPipeline, "filters" | "compressor">;
  chunkKey(coords: readonly number[]): string;
  layout(): { strides: number[] };
}

/**
 * A partial reader for an array, or null when its chunks cannot be read in parts: the store has
 * no `getRange`, the chunk format wraps the payload, the dtype is object, filters are set, or the
 * compressor is neither absent nor Blosc.
 */
export function partialReader(io: PartialReadSource): PartialReader | null {
  const store = io.store;
  if (typeof store.getRange !== "function" || !io.format.payloadIsStored) return null;
  const dt = io.meta.dtype;
  if (dt.kind === "O" || dt.itemsize <= 0 || io.pipeline.filters.length) return null;
  const comp = io.pipeline.compressor;
  if (comp !== null && comp.codecId !== "blosc") return null;
  // An uncompressed chunk read in parts cannot show that its file has the wrong size (a truncated
  // chunk would read silently). Local files are cheap to read whole, so they are; remote stores
  // keep the partial read, where it saves the transfer.
  if (comp === null && capabilitiesOf(store).localFile) return null;
  const itemsize = dt.itemsize;
  const chunkBytes = product(io.meta.chunks) * itemsize;
  const strides = io.layout().strides;
  const finish = (bytes: Uint8Array): DataArray => {
    const sw = swapWidth(dt);
    if (sw) byteswapInPlace(bytes, sw);
    return viewBytes(dt, bytes);
  };
  return {
    async read(p, signal) {
      if (p.dims.some((d) => d.count <= 0)) return undefined;
      const extent = projectionExtent(p, strides, itemsize);
      if ((extent.end - extent.start) * SMALL_SHARE >= chunkBytes) return undefined;
      const runs = projectionRuns(p, strides, itemsize);
      const key = io.chunkKey(p.chunkCoords);
      const bytes = comp === null ? await readRaw(store, key, runs, 0, chunkBytes, signal) : await readBlosc(store, key, runs, chunkBytes, signal);
      if (bytes === null || bytes === undefined) return bytes;
      return finish(bytes);
    },
  };
}

/** Fetch `[lo, hi)` of `key`; null when absent, undefined when the store returned another length. */
async function fetchRange(store: ReadableStore, key: string, lo: number, hi: number, signal: AbortSignal | undefined): Promise<Uint8Array | null | undefined> {
  throwIfAborted(signal);
  const got = await store.getRange!(key, { offset: lo, length: hi - lo }, signal ? { signal } : undefined);
  throwIfAborted(signal);
  if (got === undefined) return null;
  return got.byteLength === hi - lo ? got : undefined;
}

/** Uncompressed bytes stored from `base` on: fetch the planned ranges into a chunk-size buffer. */
async function readRaw(store: ReadableStore, key: string, runs: ByteRun[], base: number, chunkBytes: number, signal: AbortSignal | undefined): Promise<Uint8Array | null | undefined> {
  const out = new Uint8Array(chunkBytes);
  for (const r of planRanges(runs)) {
    const got = await fetchRange(store, key, base + r.start, base + r.end, signal);
    if (got === null || got === undefined) return got;
    out.set(got, r.start);
  }
  return out;
}

/** Header, offset table, then only the touched blocks of a Blosc chunk, decoded into a chunk-size buffer. */
async function readBlosc(store: ReadableStore, key: string, runs: ByteRun[], chunkBytes: number, signal: AbortSignal | undefined): Promise<Uint8Array | null | undefined> {
  const guess = BLOSC_HEADER + 4 * Math.min(BLOSC_HEAD_GUESS_BLOCKS, Math.ceil(chunkBytes / 8192));
  throwIfAborted(signal);
  let head = await store.getRange!(key, { offset: 0, length: guess }, signal ? { signal } : undefined);
  throwIfAborted(signal);
  if (head === undefined) return null;
  if (head.byteLength < BLOSC_HEADER) return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = head[0], flags = head[2], typesize = head[3];
  const nbytes = dv.getUint32(4, true), blocksize = dv.getUint32(8, true), cbytes = dv.getUint32(12, true);
  // A container claiming more than a chunk may be stored is read whole instead, where it is refused.
  if (version === 0 || version > 2 || nbytes !== chunkBytes || cbytes < BLOSC_HEADER || cbytes > maxStoredChunkBytes(chunkBytes)) return undefined;
  if (flags & 0x02) {
    // memcpyed: the plain chunk follows the header.
    if (cbytes !== nbytes + BLOSC_HEADER) return undefined;
    return readRaw(store, key, runs, BLOSC_HEADER, chunkBytes, signal);
  }
  const code = flags >> 5;
  if (blocksize === 0 || code === 2) return undefined;
  const nblocks = Math.ceil(nbytes / blocksize);
  const dataStart = BLOSC_HEADER + 4 * nblocks;
  if (dataStart > cbytes) return undefined;
  if (head.byteLength < dataStart) {
    const table = await fetchRange(store, key, BLOSC_HEADER, dataStart, signal);
    if (table === null || table === undefined) return undefined;
    const all = new Uint8Array(dataStart);
    all.set(head.subarray(0, BLOSC_HEADER));
    all.set(table, BLOSC_HEADER);
    head = all;
  }
  const tv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const starts: number[] = [];
  for (let b = 0; b < nblocks; b++) {
    const s = tv.getUint32(BLOSC_HEADER + 4 * b, true);
    if (s < dataStart || s >= cbytes) return undefined;
    starts.push(s);
  }
  // Blocks are not necessarily stored in order (c-blosc's threads append as they finish): a
  // block ends where the next stored block starts, or at the end of the buffer.
  const sortedStarts = [...new Set(starts)].sort((a, b) => a - b);
  const endOf = (s: number): number => {
    const i = sortedStarts.indexOf(s);
    return i + 1 < sortedStarts.length ? sortedStarts[i + 1] : cbytes;
  };
  const needed = new Set<number>();
  for (const r of runs) for (let b = Math.floor(r.start / blocksize); b * blocksize < r.end; b++) needed.add(b);
  const blocks = [...needed].map((b) => ({ b, start: starts[b], end: endOf(starts[b]) }));
  const lo = Math.min(...blocks.map((x) => x.start));
  const hi = Math.max(...blocks.map((x) => x.end));
  const got = await fetchRange(store, key, lo, hi, signal);
  if (got === null || got === undefined) return undefined;
  const info: BloscBlockInfo = { flags, typesize, nbytes, blocksize, code };
  const out = new Uint8Array(chunkBytes);
  try {
    for (const x of blocks) out.set(await bloscDecompressBlockJs(info, x.b, got.subarray(x.start - lo, x.end - lo)), x.b * blocksize);
  } catch (e) {
    throw new CodecError(`chunk '${key}': ${(e as Error).message}`);
  }
  return out;
}
