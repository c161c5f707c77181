/**
 * Blocks of a copy between arrays of different chunkings: runs of whole target chunks, each read
 * from the source in one selection and written from memory. Reading per target chunk instead
 * decodes a source chunk once for every target chunk it overlaps — with (1000, 1) source and
 * (1, 1000) target chunks, every source chunk 1000 times. Pure, no I/O.
 * @module
 */
import { iterDim, lazyCartesian } from "./chunk-projection.ts";
import type { NormalizedDim } from "./slice.ts";

/** One block of a copy: the target's selection and the same elements in the source (step 1). */
export interface CopyBlock {
  target: NormalizedDim[];
  source: NormalizedDim[];
}

/**
 * The blocks of copying a source of the selection's shape into `sel` of a target with `shape` and
 * `chunks`: whole target chunks grown along the last axes first (C-order slabs) while a block
 * stays within `budget` bytes (a block is never less than one target chunk). Lazy: memory is
 * O(ndim + chunks along one axis) however many blocks there are.
 */
export function* copyBlocks(sel: readonly NormalizedDim[], shape: readonly number[], chunks: readonly number[], itemsize: number, budget: number, signal?: AbortSignal): Generator<CopyBlock> {
  // Target chunks the selection touches per axis, and elements of one of them.
  const counts = sel.map((d, i) => {
    let n = 0;
    for (const _ of iterDim(d, shape[i], chunks[i])) n++;
    return n;
  });
  let bytes = itemsize * sel.reduce((a, d, i) => a * (d.kind === "int" ? 1 : Math.min(d.count, Math.ceil(chunks[i] / Math.abs(d.step)))), 1);
  const group = sel.map(() => 1);
  for (let i = sel.length - 1; i >= 0; i--) {
    if (sel[i].kind === "int") continue;
    const g = Math.max(1, Math.min(counts[i], Math.floor(budget / bytes)));
    group[i] = g;
    bytes *= g;
    if (g < counts[i]) break;
  }
  const axes = sel.map((d, i) => () => blockRanges(d, shape[i], chunks[i], group[i]));
  for (const ranges of lazyCartesian(axes, signal)) {
    const target: NormalizedDim[] = [];
    const source: NormalizedDim[] = [];
    sel.forEach((d, i) => {
      if (d.kind === "int") {
        target.push(d);
        return;
      }
      const [outStart, count] = ranges[i];
      target.push({ kind: "slice", start: d.start + outStart * d.step, step: d.step, count });
      source.push({ kind: "slice", start: outStart, step: 1, count });
    });
    yield { target, source };
  }
}

/** Output ranges `[outStart, count]` of one selection axis, `group` target chunks at a time. */
function* blockRanges(d: NormalizedDim, length: number, chunk: number, group: number): Generator<[number, number]> {
  if (d.kind === "int") {
    yield [0, 1];
    return;
  }
  let start = -1, end = 0, n = 0;
  for (const p of iterDim(d, length, chunk)) {
    if (start < 0) start = p.outStart;
    end = p.outStart + p.count;
    if (++n === group) {
      yield [start, end - start];
      start = -1;
      n = 0;
    }
  }
  if (start >= 0) yield [start, end - start];
}
