/**
 * Rechunking under a memory budget, after the rechunker algorithm (Abernathey et al.): choose read
 * regions (multiples of the source chunks) and write regions (multiples of the target chunks) as
 * large as the budget allows; when no region aligned to both chunkings fits in memory, go through
 * an intermediate array whose chunks are the elementwise minimum of the two. Every source chunk is
 * then read exactly once and every target chunk written once, with memory bounded by `maxMemory`
 * whatever the array size.
 * @module
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZarrArray } from "../src/array.ts";
import { create, type CreateOptions } from "../src/creation.ts";
import { allocate, type DataArray } from "../src/dtype/elements.ts";
import { ShapeError, ZarrError } from "../src/errors.ts";
import type { ArrayBlock, BlockInput, Progress } from "./types.ts";
import { asNDArray, NDArray } from "../src/ndarray/ndarray.ts";
import { product } from "../src/ndarray/strided.ts";
import { DirectoryStore } from "../src/stores/directory.ts";
import type { Store } from "../src/stores/store.ts";
import type { Codec, CodecConfig } from "../src/codecs/codec.ts";
import { listKeys } from "../src/stores/list-keys.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import { chunkRegions, copyBox, countChunks, regionToSelection, subView, type Region } from "./blocks.ts";
import { makeOperator, type ArrayOperator, type OperatorOptions } from "./operator.ts";

/**
 * Bytes held per chunk task in flight, in units of the chunk's decoded size: the stored bytes, the
 * decoded chunk and the re-encoded chunk can coexist in a read-modify-write.
 */
const TRANSIENT_FACTOR = 3;
/** Upper bound on chunk tasks in flight per stage. */
const MAX_CONCURRENCY = 8;

/** One pass of a rechunk: regions of `regionShape` copied from one array to the next. */
export interface RechunkStage {
  /** `"copy"` (direct), `"read"` (source → intermediate) or `"write"` (intermediate → target). */
  name: "copy" | "read" | "write";
  regionShape: number[];
  regions: number;
  regionBytes: number;
  /** Chunk tasks in flight inside a region. */
  concurrency: number;
  /** Region buffer plus in-flight chunk tasks: the stage's memory bound. */
  peakBytes: number;
}

/** The plan {@link rechunkingPlan} chooses. */
export interface RechunkPlan {
  shape: number[];
  itemsize: number;
  maxMemory: number;
  sourceChunks: number[];
  targetChunks: number[];
  /** Read region shape: a multiple of the source chunks (clipped to the shape). */
  readChunks: number[];
  /** Chunks of the intermediate array, or null when the copy is direct. */
  intermediateChunks: number[] | null;
  /** Write region shape: a multiple of the target chunks (clipped to the shape). */
  writeChunks: number[];
  stages: RechunkStage[];
  /** The largest stage bound; never above `maxMemory`. */
  peakBytes: number;
  /** Times any one source chunk is read (read regions are aligned to source chunks, so 1). */
  sourceReadsPerChunk: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}

/**
 * Grow `chunks` axis by axis (axis 0 first) in whole multiples, up to `limits` (or the shape) and
 * while the region stays within `budget` bytes — rechunker's `consolidate_chunks`.
 * @example
 * consolidateChunks([10000, 10000], [100, 100], 8, 8 << 20);  // [10000, 100]: grown along axis 0 within 8 MiB
 */
export function consolidateChunks(shape: readonly number[], chunks: readonly number[], itemsize: number, budget: number, limits?: readonly number[]): number[] {
  const out = chunks.map((c, d) => Math.min(c, shape[d]));
  const bytes = () => product(out) * itemsize;
  if (bytes() > budget) throw new ZarrError(`a chunk of (${chunks.join(", ")}) needs ${bytes()} bytes, over the region budget of ${budget} bytes; raise maxMemory`);
  for (let d = 0; d < out.length; d++) {
    const base = out[d];
    const limit = Math.min(limits?.[d] ?? shape[d], shape[d]);
    if (base >= limit) continue;
    const others = bytes() / base;
    const k = Math.max(1, Math.floor(Math.min(budget / others, limit) / base));
    out[d] = Math.min(base * k, shape[d]);
  }
  return out;
}

/**
 * Choose how to rechunk an array of `shape` from `sourceChunks` to `targetChunks` within
 * `maxMemory` bytes (see the module note). Pure: use it to preview a rechunk or to check a budget.
 * @throws {ZarrError} when the budget cannot hold a source or target chunk with its overheads.
 * @example
 * const plan = rechunkingPlan([10000, 10000], [10000, 1], [1, 10000], 8, 256 << 20);
 * console.log(plan.readChunks, plan.intermediateChunks, plan.writeChunks);  // rechunker's plan
 */
export function rechunkingPlan(shape: readonly number[], sourceChunks: readonly number[], targetChunks: readonly number[], itemsize: number, maxMemory: number): RechunkPlan {
  const nd = shape.length;
  if (sourceChunks.length !== nd || targetChunks.length !== nd) throw new ShapeError(`chunks must have ${nd} axes like the shape (${shape.join(", ")})`);
  const n = shape.map((x) => Math.max(1, x));
  const sc = sourceChunks.map((c, d) => Math.min(c, n[d]));
  const tc = targetChunks.map((c, d) => Math.min(c, n[d]));
  const bytes = (c: readonly number[]) => product(c.map((x, d) => Math.min(x, n[d]))) * itemsize;
  const regions = (c: readonly number[]) => countChunks(n.map((x) => [0, x] as [number, number]), c);
  const stage = (name: RechunkStage["name"], regionShape: number[], chunkBytes: number): RechunkStage => {
    const regionBytes = bytes(regionShape);
    const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor((maxMemory - regionBytes) / (TRANSIENT_FACTOR * chunkBytes))));
    return { name, regionShape, regions: regions(regionShape), regionBytes, concurrency, peakBytes: regionBytes + concurrency * TRANSIENT_FACTOR * chunkBytes };
  };
  const maxChunk = Math.max(bytes(sc), bytes(tc));
  const finish = (readChunks: number[], intermediateChunks: number[] | null, writeChunks: number[], stages: RechunkStage[]): RechunkPlan => {
    const peakBytes = Math.max(...stages.map((s) => s.peakBytes));
    if (peakBytes > maxMemory) throw new ZarrError(`rechunk needs ${peakBytes} bytes, over maxMemory ${maxMemory}`);
    return { shape: [...shape], itemsize, maxMemory, sourceChunks: [...sourceChunks], targetChunks: [...targetChunks], readChunks, intermediateChunks, writeChunks, stages, peakBytes, sourceReadsPerChunk: 1 };
  };

  // Direct: regions aligned to both chunkings (multiples of the lcm) read each source chunk once and
  // write each target chunk once, with no intermediate — when one fits.
  const aligned = sc.map((s, d) => Math.min(lcm(s, tc[d]), n[d]));
  if (bytes(aligned) + TRANSIENT_FACTOR * maxChunk <= maxMemory) {
    const budget = Math.max(bytes(aligned), maxMemory - 4 * TRANSIENT_FACTOR * maxChunk);
    const region = consolidateChunks(n, aligned, itemsize, budget);
    return finish(region, null, region, [stage("copy", region, maxChunk)]);
  }

  // Through an intermediate: a quarter of the budget for the region, the rest for chunk tasks
  // (a chunk is never larger than the region that contains it, so 1 + 3 quarters always fits).
  const budget = Math.floor(maxMemory / (1 + TRANSIENT_FACTOR));
  if (maxChunk > budget) {
    throw new ZarrError(`maxMemory ${maxMemory} is too small to rechunk (${sourceChunks.join(", ")}) → (${targetChunks.join(", ")}) of ${itemsize}-byte items: a chunk takes ${maxChunk} bytes and needs ${(1 + TRANSIENT_FACTOR) * maxChunk}`);
  }
  const writeChunks = consolidateChunks(n, tc, itemsize, budget);
  const readLimits = sc.map((s, d) => (writeChunks[d] > s ? writeChunks[d] : s));
  const readChunks = consolidateChunks(n, sc, itemsize, budget, readLimits);
  const intChunks = readChunks.map((r, d) => Math.min(r, writeChunks[d]));
  const ic = bytes(intChunks);
  return finish(readChunks, intChunks, writeChunks, [stage("read", readChunks, Math.max(bytes(sc), ic)), stage("write", writeChunks, Math.max(ic, bytes(tc)))]);
}

/** Options of {@link rechunk} and {@link rechunkArray}. */
export interface RechunkOptions extends OperatorOptions {
  /** Memory budget in bytes for data buffers (default 256 MiB). */
  maxMemory?: number;
  /**
   * Where the intermediate array goes when one is needed. Default: a fresh directory under the OS
   * temp directory, removed afterwards. An in-memory store defeats the memory bound.
   */
  tempStore?: Store;
  /** Compressor of the intermediate array (default: the source's). */
  tempCompressor?: Codec | CodecConfig | null;
}

/** What {@link rechunkArray} did. */
export interface RechunkResult {
  target: ZarrArray;
  plan: RechunkPlan;
  chunksDone: number;
  bytesDone: number;
}

type TargetSpec = ZarrArray | CreateOptions;

async function resolveTarget(source: ZarrArray, target: TargetSpec): Promise<ZarrArray> {
  if (target instanceof ZarrArray) {
    if (target.shape.length !== source.shape.length || target.shape.some((x, d) => x !== source.shape[d])) {
      throw new ShapeError(`target shape (${target.shape.join(", ")}) differs from the source shape (${source.shape.join(", ")})`);
    }
    return target;
  }
  return create({ shape: source.shape, dtype: source.dtype, fillValue: source.fillValue, compressor: source.compressor, filters: source.filters, order: source.order, ...target });
}

/** Copy `src` to `dst` one region at a time through a single reused buffer. */
async function copyByRegions(src: ZarrArray, dst: ZarrArray, st: RechunkStage, emit: (regionBytes: number) => void): Promise<void> {
  const shape = src.shape;
  if (shape.some((x) => x === 0)) return;
  const buf = allocate(src.dt, product(st.regionShape.map((x, d) => Math.min(x, shape[d]))));
  for (const { selection } of chunkRegions(shape.map((x) => [0, x] as [number, number]), st.regionShape)) {
    const sel = regionToSelection(selection);
    const view = new NDArray(buf, selection.map(([a, b]) => b - a), src.dt);
    await chunkAccess(src).readSelection(sel, { out: view, concurrency: st.concurrency });
    await chunkAccess(dst).writeSelection(sel, view, { concurrency: st.concurrency });
    emit(view.size * src.itemsize);
  }
}

/**
 * Rechunk `source` into `target` (an existing array of the same shape, or creation options for
 * one, e.g. `{ store, path, chunks }`) within `maxMemory`. Progress counts regions over all stages.
 * @example
 * const { target, plan } = await rechunkArray(src, { store: "data/rechunked.zarr", chunks: [100, 10000] }, { maxMemory: 256 << 20 });
 * console.log(plan.stages.length, target.chunks);
 */
export async function rechunkArray(source: ZarrArray, target: TargetSpec, opts: RechunkOptions = {}): Promise<RechunkResult> {
  const dst = await resolveTarget(source, target);
  const maxMemory = opts.maxMemory ?? 256 * 2 ** 20;
  const plan = rechunkingPlan(source.shape, source.chunks, dst.chunks, source.itemsize, maxMemory);
  const chunksTotal = plan.stages.reduce((a, s) => a + s.regions, 0);
  const bytesTotal = source.nbytes * plan.stages.length;
  let chunksDone = 0, bytesDone = 0;
  const emit = (stage: string) => (b: number) => {
    chunksDone++;
    bytesDone += b;
    opts.onProgress?.({ operation: "rechunk", stage, chunksDone, chunksTotal, bytesDone, bytesTotal });
  };
  if (!plan.intermediateChunks) {
    await copyByRegions(source, dst, plan.stages[0], emit("copy"));
    return { target: dst, plan, chunksDone, bytesDone };
  }
  const { mid, cleanup } = await makeIntermediate(source, plan, opts);
  try {
    await copyByRegions(source, mid, plan.stages[0], emit("read"));
    await copyByRegions(mid, dst, plan.stages[1], emit("write"));
  } finally {
    await cleanup();
  }
  return { target: dst, plan, chunksDone, bytesDone };
}

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
  /** Regions written out before they were complete (a measure of how well the arrival order fit). */
  evictions = 0;
  /** Largest number of bytes of region buffers held at once. */
  peakBytes = 0;

  constructor(dst: ZarrArray, regionShape: readonly number[], budget: number, concurrency: number, emit: (bytes: number) => void) {
    this.#dst = dst;
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
        await chunkAccess(this.#dst).writeSelection(regionToSelection(r.sel), r.buf, { concurrency: this.#concurrency });
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
      await chunkAccess(this.#dst).writeSelection(regionToSelection(box), view, { concurrency: this.#concurrency });
    }
    this.#release(r);
  }

  /** Write whatever is still open (the stream ended with incomplete regions). */
  async finish(): Promise<void> {
    while (this.#open.size) await this.#evictOldest();
  }
}

/** Source chunk shape as seen from a block: its size along axes where it is the first chunk, else start / index. */
function chunksFromBlock(b: BlockInput): number[] {
  return b.selection.map(([a, e], d) => {
    const c = b.chunkCoords?.[d];
    return c && c > 0 && a % c === 0 ? a / c : Math.max(1, e - a);
  });
}

/** Options of the {@link rechunk} operator. */
export interface RechunkOperatorOptions extends RechunkOptions {
  /**
   * Source chunk shape, for block input (default: inferred from the first block). Read regions are
   * multiples of it; blocks of another shape still work, less efficiently.
   */
  sourceChunks?: number[];
}

/**
 * The rechunk operator. Its input is either source arrays — each is rechunked into `target` with
 * planned region reads (see {@link rechunkArray}) — or the source's blocks (`fromArray(src)`,
 * `readable(src)`, or any block stream of the target's shape), which are assembled into read
 * regions in memory (bounded by `maxMemory`, see {@link RegionAssembler}) and go through the
 * intermediate array when the plan needs one. Progress events flow out either way, so
 * `fromArray(src).pipe(rechunk(dst, opts))` drives a progress bar directly.
 * @example
 * const dst = await zeros(src.shape, { chunks: [100, 10000], dtype: src.dtype, store: "data/rechunked.zarr" });
 * await readableFrom([src]).pipeThrough(rechunk(dst, { maxMemory: 256 << 20 })).pipeTo(new WritableStream({
 *   write: (p) => console.log(`${p.stage ?? ""} ${p.chunksDone}/${p.chunksTotal}`),
 * }));
 */
export function rechunk(target: TargetSpec, opts: RechunkOperatorOptions = {}): ArrayOperator<ZarrArray | ArrayBlock | BlockInput, Progress> {
  return makeOperator<ZarrArray | ArrayBlock | BlockInput, Progress>(
    (ctx) => {
      let state: {
        dst: ZarrArray; plan: RechunkPlan; mid: ZarrArray | null; assembler: RegionAssembler; cleanup: () => Promise<void>;
        emit: (stage: string) => (b: number) => void;
      } | null = null;
      let chunksDone = 0, bytesDone = 0;
      const report = (p: Progress, controller: TransformStreamDefaultController<Progress>) => {
        ctx.report(p);
        controller.enqueue(p);
      };
      const init = async (first: BlockInput, controller: TransformStreamDefaultController<Progress>) => {
        const dst = target instanceof ZarrArray ? target : await create(target);
        const maxMemory = opts.maxMemory ?? 256 * 2 ** 20;
        const src = opts.sourceChunks ?? chunksFromBlock(first);
        const plan = rechunkingPlan(dst.shape, src, dst.chunks, dst.itemsize, maxMemory);
        const chunksTotal = plan.stages.reduce((a, s) => a + s.regions, 0);
        const bytesTotal = dst.nbytes * plan.stages.length;
        const emit = (stage: string) => (b: number) => {
          chunksDone++;
          bytesDone += b;
          report({ operation: "rechunk", stage, chunksDone, chunksTotal, bytesDone, bytesTotal }, controller);
        };
        const st = plan.stages[0];
        // Memory for open regions: what the stage's chunk tasks leave of the budget.
        const budget = maxMemory - (st.peakBytes - st.regionBytes);
        if (!plan.intermediateChunks) {
          return { dst, plan, mid: null, assembler: new RegionAssembler(dst, st.regionShape, budget, st.concurrency, emit("copy")), cleanup: async () => {}, emit };
        }
        const t = await makeIntermediate(dst, plan, opts);
        return { dst, plan, mid: t.mid, assembler: new RegionAssembler(t.mid, st.regionShape, budget, st.concurrency, emit("read")), cleanup: t.cleanup, emit };
      };
      return {
        async transform(input, controller) {
          if (input instanceof ZarrArray) {
            await rechunkArray(input, target, { ...opts, onProgress: (p) => report(p, controller) });
            return;
          }
          try {
            state ??= await init(input, controller);
            const data = input.data instanceof NDArray ? input.data : asNDArray(input.data, state.dst.dtype);
            await state.assembler.add(input.selection, data);
          } catch (e) {
            await state?.cleanup();
            throw e;
          }
        },
        async flush() {
          if (!state) return;
          try {
            await state.assembler.finish();
            if (state.mid) await copyByRegions(state.mid, state.dst, state.plan.stages[1], state.emit("write"));
          } finally {
            await state.cleanup();
          }
        },
      };
    },
    { ...opts, readableHighWaterMark: Number.POSITIVE_INFINITY },
  );
}

/** Create the intermediate array of a plan, and the function that removes it. */
async function makeIntermediate(like: ZarrArray, plan: RechunkPlan, opts: RechunkOptions): Promise<{ mid: ZarrArray; cleanup: () => Promise<void> }> {
  let tempDir: string | null = null;
  let store = opts.tempStore;
  if (!store) {
    tempDir = await mkdtemp(join(tmpdir(), "zarrflow-rechunk-"));
    store = new DirectoryStore(tempDir);
  }
  const s = store;
  const path = `rechunk-${randomUUID()}`;
  let cleaned = false;
  // Creating an array at a path also creates the root group; remove it again if it is ours alone.
  const hadRootGroup = !tempDir && (await s.get(".zgroup")) !== undefined;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    if (tempDir) {
      await rm(tempDir, { recursive: true, force: true });
      return;
    }
    if (s.deletePrefix) await s.deletePrefix(path);
    else for (const k of await listKeys(s, path + "/")) await s.delete(k);
    if (!hadRootGroup) {
      const left = await listKeys(s, "").catch(() => null);
      if (left && left.length === 1 && left[0] === ".zgroup") await s.delete(".zgroup");
    }
  };
  try {
    const mid = await create({
      store: s, path, shape: like.shape, chunks: plan.intermediateChunks!, dtype: like.dtype, fillValue: like.fillValue,
      filters: like.filters, compressor: opts.tempCompressor !== undefined ? opts.tempCompressor : like.compressor, order: "C",
    });
    return { mid, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
