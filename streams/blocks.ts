/**
 * Chunk blocks: an array seen as a lazy sequence of its chunks' regions. Everything in `streams/`
 * is built on this one iterator, so every pass over an array reads each chunk once and holds only a
 * bounded window of chunks in memory.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import { IndexError, ShapeError } from "../src/errors.ts";
import type { ArrayBlock, BlocksOptions, Progress } from "./types.ts";
import { normalizeBasicSelection, type BasicSelection, type NormalizedDim } from "../src/indexing/slice.ts";
import { NDArray } from "../src/ndarray/ndarray.ts";
import { copyStrided, product } from "../src/ndarray/strided.ts";

export type { ArrayBlock, BlockInput, BlocksOptions, Progress } from "./types.ts";

/** A half-open `[start, stop)` range per axis. */
export type Region = [number, number][];

function isPairList(x: unknown): x is readonly (readonly [number, number])[] {
  return Array.isArray(x) && x.length > 0 && x.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number"));
}

/**
 * Resolve a region option against a shape into `[start, stop)` pairs. Pairs are checked against the
 * shape; basic selections go through the core's normalization (negative indices, ellipsis, …) and
 * must use step 1, since a block is a contiguous box.
 * @example
 * normalizeRegion("0:10, :", [100, 20]);   // [[0, 10], [0, 20]]
 * normalizeRegion(undefined, [100, 20]);   // the whole array: [[0, 100], [0, 20]]
 */
export function normalizeRegion(region: BlocksOptions["region"], shape: readonly number[]): Region {
  if (region === undefined || region === null) return shape.map((n) => [0, n]);
  if (isPairList(region)) {
    if (region.length !== shape.length) throw new IndexError(`region has ${region.length} axes but the array has ${shape.length}`);
    return region.map(([a, b], d) => {
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a || b > shape[d]) {
        throw new IndexError(`region [${a}, ${b}) is outside axis ${d} of length ${shape[d]}`);
      }
      return [a, b];
    });
  }
  const sel = normalizeBasicSelection(region as BasicSelection, shape);
  return sel.map((d, i): [number, number] => {
    if (d.kind === "int") return [d.index, d.index + 1];
    if (d.step !== 1 && d.count > 1) throw new IndexError(`region slices must have step 1 (axis ${i} has step ${d.step})`);
    return [d.start, d.start + d.count];
  });
}

/** A region as the core's normalized selection (step-1 slices on every axis). */
export function regionToSelection(region: readonly (readonly [number, number])[]): NormalizedDim[] {
  return region.map(([a, b]) => ({ kind: "slice", start: a, step: 1, count: b - a }));
}

/** The shape of a region. */
export function regionShape(region: readonly (readonly [number, number])[]): number[] {
  return region.map(([a, b]) => b - a);
}

/** Axis visiting order from slowest to fastest. */
function axisOrder(order: BlocksOptions["order"], ndim: number): number[] {
  if (order === undefined || order === "C") return Array.from({ length: ndim }, (_, i) => i);
  if (order === "F") return Array.from({ length: ndim }, (_, i) => ndim - 1 - i);
  const perm = [...order];
  if (perm.length !== ndim || [...perm].sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new ShapeError(`order [${perm.join(", ")}] is not a permutation of the ${ndim} axes`);
  }
  return perm;
}

/**
 * The chunk regions of `region` on a grid of `chunks`, lazily (a grid of millions of chunks is never
 * materialized), each clipped to the region. Shared with the writers, which split blocks the same
 * way.
 * @example
 * for (const { chunkCoords, selection } of chunkRegions([[0, 25], [0, 10]], [10, 10])) {
 *   console.log(chunkCoords, selection);   // [0, 0] [[0, 10], [0, 10]], then [1, 0] ..., [2, 0] [[20, 25], [0, 10]]
 * }
 */
export function* chunkRegions(
  region: readonly (readonly [number, number])[],
  chunks: readonly number[],
  order?: BlocksOptions["order"],
): Generator<{ chunkCoords: number[]; selection: Region }> {
  const nd = region.length;
  if (nd === 0) {
    yield { chunkCoords: [], selection: [] };
    return;
  }
  if (region.some(([a, b]) => b <= a)) return;
  const lo = region.map(([a], d) => Math.floor(a / chunks[d]));
  const hi = region.map(([, b], d) => Math.ceil(b / chunks[d]));
  const axes = axisOrder(order, nd);
  const idx = [...lo];
  for (;;) {
    const selection = idx.map((c, d): [number, number] => [Math.max(region[d][0], c * chunks[d]), Math.min(region[d][1], (c + 1) * chunks[d])]);
    yield { chunkCoords: [...idx], selection };
    let k = nd - 1;
    for (; k >= 0; k--) {
      const d = axes[k];
      if (++idx[d] < hi[d]) break;
      idx[d] = lo[d];
    }
    if (k < 0) return;
  }
}

/**
 * Number of chunks a region touches.
 * @example
 * countChunks([[0, 25], [0, 10]], [10, 10]);  // 3
 */
export function countChunks(region: readonly (readonly [number, number])[], chunks: readonly number[]): number {
  if (region.some(([a, b]) => b <= a)) return 0;
  return product(region.map(([a, b], d) => Math.ceil(b / chunks[d]) - Math.floor(a / chunks[d])));
}

/** Read one region of an array as a fresh C-contiguous NDArray (one chunk, so concurrency 1). */
export async function readRegion(z: ZarrArray, region: Region): Promise<NDArray> {
  return chunkAccess(z).readSelection(regionToSelection(region), { concurrency: 1 });
}

/**
 * The array as an async iterable of chunk blocks, each chunk read once, so whole-array passes
 * (statistics, copies, exports) run in bounded memory: `for await (const b of blocks(z))`. Up to `concurrency` chunks are fetched ahead
 * while the consumer works, in order; nothing more is read until the consumer asks, which is what
 * gives {@link readable} its backpressure. Breaking out of the loop stops further reads.
 * @example
 * let total = 0;
 * for await (const { chunkCoords, selection, data } of blocks(z, { region: "0:1000, :" })) {
 *   for (let i = 0; i < data.size; i++) total += Number(data.getFlat(i));
 * }
 */
export async function* blocks(z: ZarrArray, opts: BlocksOptions = {}): AsyncGenerator<ArrayBlock, void, undefined> {
  const region = normalizeRegion(opts.region, z.shape);
  const chunks = z.chunks;
  const conc = Math.max(1, opts.concurrency ?? 4);
  const total = countChunks(region, chunks);
  const itemsize = z.itemsize;
  const gen = chunkRegions(region, chunks, opts.order);
  const window: Promise<ArrayBlock>[] = [];
  const fill = () => {
    while (window.length < conc) {
      if (opts.signal?.aborted) return;
      const n = gen.next();
      if (n.done) return;
      const { chunkCoords, selection } = n.value;
      const p = readRegion(z, selection).then((data) => ({ chunkCoords, selection, data }));
      p.catch(() => {}); // observed when awaited; avoid an unhandled rejection while queued
      window.push(p);
    }
  };
  let done = 0, bytes = 0;
  const progress = (): Progress => ({ operation: "blocks", chunksDone: done, chunksTotal: total, bytesDone: bytes, bytesTotal: product(regionShape(region)) * itemsize });
  fill();
  while (window.length) {
    const p = window.shift()!;
    fill();
    const b = await p;
    done++;
    bytes += b.data.size * itemsize;
    opts.onProgress?.(progress());
    yield b;
    if (opts.signal?.aborted) return;
  }
}

/**
 * A strided view of part of an NDArray (no copy): `start` and `shape` per axis, relative to `a`.
 * Used to hand sub-blocks to writers without copying.
 * @example
 * const a = arange(100).reshape(10, 10);
 * const corner = subView(a, [0, 0], [2, 2]);  // a[0:2, 0:2], sharing a's memory
 */
export function subView(a: NDArray, start: readonly number[], shape: readonly number[]): NDArray {
  let off = a.offset;
  start.forEach((s, d) => (off += s * a.strides[d]));
  return new NDArray(a.data, shape, a.dt, a.strides, off);
}

/**
 * Copy a box of `shape` from `src` (at `srcStart`) into `dst` (at `dstStart`), any strides. The one
 * strided-copy entry point of the streams layer (buffers of `append` and `rechunk`).
 */
export function copyBox(dst: NDArray, dstStart: readonly number[], src: NDArray, srcStart: readonly number[], shape: readonly number[]): void {
  const lanes = dst.lanes;
  let doff = dst.offset, soff = src.offset;
  shape.forEach((_, d) => {
    doff += dstStart[d] * dst.strides[d];
    soff += srcStart[d] * src.strides[d];
  });
  copyStrided(
    { data: dst.data, offset: doff * lanes, strides: [...dst.strides.map((x) => x * lanes), 1] },
    { data: src.data, offset: soff * lanes, strides: [...src.strides.map((x) => x * lanes), 1] },
    [...shape, lanes],
  );
}
