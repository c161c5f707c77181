/**
 * Selection → per-chunk projections: which chunks a selection touches, which part of each chunk,
 * and where that part lands in the output. Pure functions, no I/O, so reads, writes and streams
 * share them.
 * @module
 */
import type { NormalizedDim } from "./slice.ts";

/** The part of one chunk along one axis: `count` elements from `chunkStart` by `chunkStep`, landing at `outStart` (step 1). */
export interface DimProjection {
  chunkIndex: number;
  chunkStart: number;
  chunkStep: number;
  count: number;
  outStart: number;
}

/**
 * Projections of one selection axis onto the chunk grid, in output order, lazily. Work is
 * proportional to the chunks actually touched: a strided slice skips untouched chunks in one step,
 * so an axis of 1e15 elements costs nothing until iterated.
 */
export function* iterDim(sel: NormalizedDim, length: number, chunk: number): Generator<DimProjection> {
  if (sel.kind === "int") {
    const k = Math.floor(sel.index / chunk);
    yield { chunkIndex: k, chunkStart: sel.index - k * chunk, chunkStep: 1, count: 1, outStart: 0 };
    return;
  }
  const { start, step, count } = sel;
  if (count <= 0) return;
  const last = start + (count - 1) * step;
  let done = 0; // selected indices already emitted
  while (done < count) {
    const j0 = start + done * step; // next selected index
    const k = Math.floor(j0 / chunk);
    const lo = k * chunk;
    let n: number;
    if (step > 0) {
      const jEnd = Math.min(Math.min(lo + chunk, length) - 1, last);
      n = Math.floor((jEnd - j0) / step) + 1;
    } else {
      const jEnd = Math.max(lo, last);
      n = Math.floor((j0 - jEnd) / -step) + 1;
    }
    if (!(n >= 1)) n = 1; // cannot happen for valid selections; never loop forever
    yield { chunkIndex: k, chunkStart: j0 - lo, chunkStep: step, count: n, outStart: done };
    done += n;
  }
}

/** Projections of one selection axis onto the chunk grid, in output order, as a list (see {@link iterDim} for the lazy form). */
export function projectDim(sel: NormalizedDim, length: number, chunk: number): DimProjection[] {
  return [...iterDim(sel, length, chunk)];
}

/** One chunk touched by a selection, with its per-axis projections. */
export interface ChunkProjection {
  chunkCoords: number[];
  dims: DimProjection[];
}

/** Whether a projection covers its whole chunk, in order (a write may then skip reading the chunk). */
export function coversWholeChunk(p: ChunkProjection, chunks: readonly number[]): boolean {
  return p.dims.every((d, i) => d.chunkStart === 0 && d.chunkStep === 1 && d.count === chunks[i]);
}

/** The output shape of a normalized basic selection (integer axes dropped). */
export function selectionShape(sel: readonly NormalizedDim[]): number[] {
  return sel.filter((d) => d.kind === "slice").map((d) => (d as { count: number }).count);
}

/** Every combination of one item per list (the cartesian product, last list fastest), lazily. */
export function* cartesian<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  yield* lazyCartesian(lists.map((l) => () => l[Symbol.iterator]()));
}

/**
 * The cartesian product of re-startable sequences (last fastest), lazily: only one item per axis
 * is held at a time, and an inner axis is restarted from its factory when an outer one advances.
 * Checks `signal` before every item so a long iteration can be cancelled.
 */
export function* lazyCartesian<T>(axes: readonly (() => Iterator<T>)[], signal?: AbortSignal): Generator<T[]> {
  const its = axes.map((f) => f());
  const cur: T[] = [];
  for (const it of its) {
    const r = it.next();
    if (r.done) return;
    cur.push(r.value);
  }
  for (;;) {
    signal?.throwIfAborted();
    yield cur.slice();
    let d = axes.length - 1;
    for (; d >= 0; d--) {
      const r = its[d].next();
      if (!r.done) {
        cur[d] = r.value;
        break;
      }
      its[d] = axes[d]();
      cur[d] = its[d].next().value as T; // non-empty: it yielded before
    }
    if (d < 0) return;
  }
}

/**
 * Every chunk a selection touches (cartesian product of per-axis projections), lazily: memory is
 * O(ndim) however many chunks there are, so a full write over a declared shape of 1e15 starts at
 * once and stops as soon as the consumer stops pulling, or when `signal` is aborted.
 */
export function* projectSelection(sel: readonly NormalizedDim[], shape: readonly number[], chunks: readonly number[], signal?: AbortSignal): Generator<ChunkProjection> {
  const axes = sel.map((s, d) => () => iterDim(s, shape[d], chunks[d]));
  for (const dims of lazyCartesian(axes, signal)) yield { chunkCoords: dims.map((p) => p.chunkIndex), dims };
}

/** Number of chunks along each axis. */
export function chunkGridShape(shape: readonly number[], chunks: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / chunks[d]));
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Every chunk coordinate of a grid, in C order, lazily (no per-axis lists); `signal` cancels. */
export function gridCoords(grid: readonly number[], signal?: AbortSignal): Generator<number[]> {
  return lazyCartesian(grid.map((n) => () => range(n)), signal);
}
