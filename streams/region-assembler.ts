/**
 * Region assembly for the rechunk operator: incoming blocks of any shape gathered into the plan's
 * write regions in bounded memory.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import { allocate, type DataArray } from "../src/dtype/elements.ts";
import { NDArray } from "../src/ndarray/ndarray.ts";
import { product } from "../src/ndarray/strided.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import { chunkRegions, copyBox, regionToSelection, subView, type Region } from "./blocks.ts";

/**
 * Assembles incoming blocks (any shapes, not overlapping) into regions of `regionShape` and writes
 * each region to `dst` once it is complete, so a stream of small source chunks becomes one write per
 * target-aligned region. Open regions live in memory up to `budget` bytes; past that the oldest open
 * region is written as it stands (its covered boxes, partial chunks read-modified-written), which
 * keeps memory bounded whatever order blocks arrive in, at the cost of rewriting some chunks.
 * @example
 * let written = 0;
 * const asm = new RegionAssembler(dst, [1000, 1000], 64 << 20, 4, (bytes) => (written += bytes));
 * for await (const b of blocks(src)) await asm.add(b.selection, b.data);
 * await asm.finish();
 */
export class RegionAssembler {
  readonly #dst: ZarrArray;
  readonly #shape: number[];
  readonly #region: number[];
  readonly #budget: number;
  readonly #concurrency: number;
  readonly #open = new Map<string, { sel: Region; buf: NDArray; bytes: number; covered: number; size: number; boxes: Region[] }>();
  readonly #pool: DataArray[] = [];
  readonly #emit: (bytes: number) => void;
  readonly #itemsize: number;
  #used = 0;
  readonly #signal?: AbortSignal;
  /** Regions written out before they were complete (a measure of how well the arrival order fit). */
  evictions = 0;
  /** Largest number of bytes of region buffers held at once. */
  peakBytes = 0;

  constructor(dst: ZarrArray, regionShape: readonly number[], budget: number, concurrency: number, emit: (bytes: number) => void, signal?: AbortSignal) {
    this.#dst = dst;
    this.#signal = signal;
    this.#shape = dst.shape;
    this.#region = [...regionShape];
    this.#budget = budget;
    this.#concurrency = concurrency;
    this.#emit = emit;
    this.#itemsize = dst.itemsize;
  }

  #alloc(n: number): DataArray {
    const full = product(this.#region.map((x, d) => Math.min(x, this.#shape[d])));
    return this.#pool.pop() ?? allocate(this.#dst.dt, Math.max(n, full));
  }

  /** Add one block; resolves once it is buffered (and any region it completed is written). */
  async add(selection: readonly (readonly [number, number])[], data: NDArray): Promise<void> {
    for (const piece of chunkRegions(selection, this.#region)) {
      const key = piece.chunkCoords.join(",");
      let r = this.#open.get(key);
      if (!r) {
        const sel = piece.chunkCoords.map((c, d): [number, number] => [c * this.#region[d], Math.min((c + 1) * this.#region[d], this.#shape[d])]);
        const shape = sel.map(([a, b]) => b - a);
        const size = product(shape);
        const bytes = size * this.#itemsize;
        while (this.#open.size && this.#used + bytes > this.#budget) await this.#evictOldest();
        r = { sel, buf: new NDArray(this.#alloc(size), shape, this.#dst.dt), bytes, covered: 0, size, boxes: [] };
        this.#open.set(key, r);
        this.#used += bytes;
        this.peakBytes = Math.max(this.peakBytes, this.#used);
      }
      const shape = piece.selection.map(([a, b]) => b - a);
      copyBox(r.buf, piece.selection.map(([a], d) => a - r!.sel[d][0]), data, piece.selection.map(([a], d) => a - selection[d][0]), shape);
      r.covered += product(shape);
      r.boxes.push(piece.selection);
      if (r.covered >= r.size) {
        this.#open.delete(key);
        await chunkAccess(this.#dst).writeSelection(regionToSelection(r.sel), r.buf, { concurrency: this.#concurrency, signal: this.#signal });
        this.#release(r);
      }
    }
  }

  #release(r: { buf: NDArray; bytes: number; sel: Region }): void {
    this.#used -= r.bytes;
    this.#pool.push(r.buf.data);
    this.#emit(r.bytes);
  }

  async #evictOldest(): Promise<void> {
    const [key, r] = this.#open.entries().next().value!;
    this.#open.delete(key);
    this.evictions++;
    await this.#writeBoxes(r);
  }

  async #writeBoxes(r: { sel: Region; buf: NDArray; bytes: number; boxes: Region[] }): Promise<void> {
    for (const box of r.boxes) {
      const view = subView(r.buf, box.map(([a], d) => a - r.sel[d][0]), box.map(([a, b]) => b - a));
      await chunkAccess(this.#dst).writeSelection(regionToSelection(box), view, { concurrency: this.#concurrency, signal: this.#signal });
    }
    this.#release(r);
  }

  /** Write whatever is still open (the stream ended with incomplete regions). */
  async finish(): Promise<void> {
    while (this.#open.size) await this.#evictOldest();
  }
}

