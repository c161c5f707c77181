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

/** Projections of one selection axis onto the chunk grid, in output order. */
export function projectDim(sel: NormalizedDim, length: number, chunk: number): DimProjection[] {
  if (sel.kind === "int") {
    const k = Math.floor(sel.index / chunk);
    return [{ chunkIndex: k, chunkStart: sel.index - k * chunk, chunkStep: 1, count: 1, outStart: 0 }];
  }
  const { start, step, count } = sel;
  if (count === 0) return [];
  const out: DimProjection[] = [];
  const last = start + (count - 1) * step;
  if (step > 0) {
    for (let k = Math.floor(start / chunk); k <= Math.floor(last / chunk); k++) {
      const lo = k * chunk;
      const hi = Math.min(lo + chunk, length) - 1;
      const j0 = start >= lo ? start : start + Math.ceil((lo - start) / step) * step;
      if (j0 > hi || j0 > last) continue;
      const jEnd = Math.min(hi, last);
      const n = Math.floor((jEnd - j0) / step) + 1;
      out.push({ chunkIndex: k, chunkStart: j0 - lo, chunkStep: step, count: n, outStart: (j0 - start) / step });
    }
  } else {
    const s = -step;
    for (let k = Math.floor(start / chunk); k >= Math.floor(last / chunk); k--) {
      const lo = k * chunk;
      const hi = Math.min(lo + chunk, length) - 1;
      const j0 = start <= hi ? start : start - Math.ceil((start - hi) / s) * s;
      if (j0 < lo || j0 < last) continue;
      const jEnd = Math.max(lo, last);
      const n = Math.floor((j0 - jEnd) / s) + 1;
      out.push({ chunkIndex: k, chunkStart: j0 - lo, chunkStep: step, count: n, outStart: (start - j0) / s });
    }
  }
  return out;
}

/** One chunk touched by a selection, with its per-axis projections. */
export interface ChunkProjection {
  chunkCoords: number[];
  dims: DimProjection[];
}

/** The output shape of a normalized basic selection (integer axes dropped). */
export function selectionShape(sel: readonly NormalizedDim[]): number[] {
  return sel.filter((d) => d.kind === "slice").map((d) => (d as { count: number }).count);
}

/** Every combination of one item per list (the cartesian product, last list fastest), lazily. */
export function* cartesian<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = new Array(lists.length).fill(0);
  for (;;) {
    yield idx.map((i, d) => lists[d][i]);
    let d = lists.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < lists[d].length) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Every chunk a selection touches (cartesian product of per-axis projections), lazily. */
export function* projectSelection(sel: readonly NormalizedDim[], shape: readonly number[], chunks: readonly number[]): Generator<ChunkProjection> {
  for (const dims of cartesian(sel.map((s, d) => projectDim(s, shape[d], chunks[d])))) yield { chunkCoords: dims.map((p) => p.chunkIndex), dims };
}

/** Number of chunks along each axis. */
export function chunkGridShape(shape: readonly number[], chunks: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / chunks[d]));
}

/** Every chunk coordinate of a grid, in C order, lazily. */
export function gridCoords(grid: readonly number[]): Generator<number[]> {
  return cartesian(grid.map((n) => Array.from({ length: n }, (_, i) => i)));
}
