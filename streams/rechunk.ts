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
import { create, openArray, type CreateOptions } from "../src/creation.ts";
import { allocate } from "../src/dtype/elements.ts";
import { ShapeError, ZarrError } from "../src/errors.ts";
import type { ArrayBlock, BlockInput, Progress } from "./types.ts";
import { asNDArray, NDArray } from "../src/ndarray/ndarray.ts";
import { product } from "../src/ndarray/strided.ts";
import { DirectoryStore } from "../src/stores/directory.ts";
import type { Store } from "../src/stores/store.ts";
import type { Codec, CodecConfig } from "../src/codecs/codec.ts";
import { listKeys } from "../src/stores/list-keys.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import { chunkRegions, countChunks, regionToSelection, type Region } from "./blocks.ts";
import { makeOperator, type ArrayOperator, type OperatorOptions } from "./operator.ts";
import { asAbort, checkAborted } from "./abort.ts";
import { RegionAssembler } from "./region-assembler.ts";

export { RegionAssembler };
import { clearIncomplete, markIncomplete, rechunkStatus } from "./incomplete.ts";
import { arraySourceIdentity, blockSourceIdentity, checkResumeSource, readMarkerForResume } from "./rechunk-identity.ts";

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
  /**
   * Finish an interrupted rechunk (see {@link rechunkStatus}): regions whose target chunks are all
   * stored already are skipped; the others are rewritten whole (chunk writes are idempotent, so a
   * region cut mid-way is simply redone). When an intermediate array is needed, its pass is redone
   * in full (it lived in a temporary store). Assumes the target held no chunks of its own before
   * the interrupted run, as a target created for the rechunk does.
   *
   * Only the run the target's marker records is resumed: when the marker names another source
   * (shape, dtype, chunks, codecs, fill value, store location or path; see `rechunk-identity.ts`),
   * or records none, the resume throws a `RechunkSourceMismatchError` naming the destination
   * before writing anything, since skipping chunks of one source and writing the rest from another
   * would mix them silently. Without a marker nothing was interrupted: a target whose chunks are
   * all stored is taken as finished, any other is rechunked in full (nothing is skipped). Over a
   * block stream, the blocks' shape, dtype and chunks are checked and every region is rewritten.
   */
  resume?: boolean;
}

/** What {@link rechunkArray} did. */
export interface RechunkResult {
  target: ZarrArray;
  plan: RechunkPlan;
  chunksDone: number;
  bytesDone: number;
}

type TargetSpec = ZarrArray | CreateOptions;

/** For a resume given creation options: the target if it exists already (unchecked), else null. */
async function openExisting(target: TargetSpec): Promise<ZarrArray | null> {
  if (target instanceof ZarrArray) return target;
  if (!target.store) return null;
  return openArray(target.store, { path: target.path, mode: "r+" }).catch(() => null);
}

async function resolveTarget(source: ZarrArray, target: TargetSpec): Promise<ZarrArray> {
  if (target instanceof ZarrArray) {
    if (target.shape.length !== source.shape.length || target.shape.some((x, d) => x !== source.shape[d])) {
      throw new ShapeError(`target shape (${target.shape.join(", ")}) differs from the source shape (${source.shape.join(", ")})`);
    }
    return target;
  }
  return create({ shape: source.shape, dtype: source.dtype, fillValue: source.fillValue, compressor: source.compressor, filters: source.filters, order: source.order, ...target });
}

/**
 * For a resume: the marker of the run to continue, checked against `source` (throws before
 * anything is written when it records another source), or null when there is none.
 */
async function resumeMarker(dst: ZarrArray, source: ReturnType<typeof arraySourceIdentity>): Promise<unknown> {
  const marker = await readMarkerForResume(() => rechunkStatus(dst));
  if (marker !== null) checkResumeSource(dst, marker, source);
  return marker;
}

/**
 * Copy `src` to `dst` one region at a time through a single reused buffer. `skip` (a resume) names
 * regions already done: every target chunk they cover is stored.
 */
async function copyByRegions(
  src: ZarrArray, dst: ZarrArray, st: RechunkStage, emit: (regionBytes: number) => void, signal?: AbortSignal, skip?: (region: Region) => boolean,
): Promise<void> {
  const shape = src.shape;
  if (shape.some((x) => x === 0)) return;
  const buf = allocate(src.dt, product(st.regionShape.map((x, d) => Math.min(x, shape[d]))));
  for (const { selection } of chunkRegions(shape.map((x) => [0, x] as [number, number]), st.regionShape)) {
    checkAborted(signal);
    const view = new NDArray(buf, selection.map(([a, b]) => b - a), src.dt);
    if (skip?.(selection)) {
      emit(view.size * src.itemsize);
      continue;
    }
    const sel = regionToSelection(selection);
    await chunkAccess(src).readSelection(sel, { out: view, concurrency: st.concurrency, signal });
    await chunkAccess(dst).writeSelection(sel, view, { concurrency: st.concurrency, signal });
    emit(view.size * src.itemsize);
  }
}

/** For a resume: a test of whether every chunk of `dst` inside a region is already stored. */
async function storedRegions(dst: ZarrArray): Promise<(region: Region) => boolean> {
  const prefix = dst.path ? dst.path + "/" : "";
  const have = new Set(await listKeys(dst.store, prefix));
  const access = chunkAccess(dst);
  return (region) => {
    for (const { chunkCoords } of chunkRegions(region, dst.chunks)) if (!have.has(access.chunkKey(chunkCoords))) return false;
    return true;
  };
}

/**
 * Rechunk `source` into `target` (an existing array of the same shape, or creation options for
 * one, e.g. `{ store, path, chunks }`) within `maxMemory`. Progress counts regions over all stages.
 * The target carries an incomplete marker from before its first chunk until after its last (see
 * `rechunkStatus`), so an interrupted run — a crash, or an abort of `opts.signal`, which rejects
 * with an `AbortError` — is visible as such and can be finished with `{ resume: true }`.
 * @example
 * const { target, plan } = await rechunkArray(src, { store: "data/rechunked.zarr", chunks: [100, 10000] }, { maxMemory: 256 << 20 });
 * console.log(plan.stages.length, target.chunks);
 */
export async function rechunkArray(source: ZarrArray, target: TargetSpec, opts: RechunkOptions = {}): Promise<RechunkResult> {
  const signal = opts.signal;
  checkAborted(signal);
  try {
    return await rechunkArrayInner(source, target, opts);
  } catch (e) {
    throw asAbort(e, signal);
  }
}

async function rechunkArrayInner(source: ZarrArray, target: TargetSpec, opts: RechunkOptions): Promise<RechunkResult> {
  const signal = opts.signal;
  const identity = arraySourceIdentity(source);
  // A resume checks the marker against the source before anything else, the shape included.
  const existing = opts.resume ? await openExisting(target) : null;
  const marker = existing ? await resumeMarker(existing, identity) : null;
  const dst = await resolveTarget(source, existing ?? target);
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
  // Skip stored regions only under a marker recording this source; without a marker, stored chunks
  // may be anyone's, so a target not finished already is rechunked in full.
  const stored = opts.resume ? await storedRegions(dst) : undefined;
  const skip = marker ? stored : undefined;
  if (opts.resume && !marker && stored!(dst.shape.map((n) => [0, n] as [number, number]))) {
    return { target: dst, plan, chunksDone, bytesDone }; // finished already
  }
  if (!marker) await markIncomplete(dst, { shape: source.shape, dtype: source.dtype, sourceChunks: source.chunks, targetChunks: dst.chunks, source: identity });
  if (!plan.intermediateChunks) {
    await copyByRegions(source, dst, plan.stages[0], emit("copy"), signal, skip);
  } else {
    const { mid, cleanup } = await makeIntermediate(source, plan, opts);
    try {
      await copyByRegions(source, mid, plan.stages[0], emit("read"), signal);
      await copyByRegions(mid, dst, plan.stages[1], emit("write"), signal, skip);
    } finally {
      await cleanup();
    }
  }
  checkAborted(signal);
  await clearIncomplete(dst);
  return { target: dst, plan, chunksDone, bytesDone };
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
 * regions in memory (bounded by `maxMemory`, of which up to 64 MiB is left to the incoming blocks
 * themselves, garbage once assembled; see {@link RegionAssembler}) and go through the
 * intermediate array when the plan needs one. Progress events flow out either way, so
 * `fromArray(src).pipe(rechunk(dst, opts))` drives a progress bar directly. The target carries an
 * incomplete marker until the operator has flushed (see `rechunkStatus`); an abort of `opts.signal`
 * errors the operator with an `AbortError` and leaves the marker.
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
        const dst = (opts.resume ? await openExisting(target) : null) ?? (target instanceof ZarrArray ? target : await create(target));
        const maxMemory = opts.maxMemory ?? 256 * 2 ** 20;
        const src = opts.sourceChunks ?? chunksFromBlock(first);
        const identity = blockSourceIdentity(dst.shape, dst.dtype, src);
        if (opts.resume) await resumeMarker(dst, identity);
        const plan = blockInputPlan(dst.shape, src, dst.chunks, dst.itemsize, maxMemory);
        const chunksTotal = plan.stages.reduce((a, s) => a + s.regions, 0);
        const bytesTotal = dst.nbytes * plan.stages.length;
        const emit = (stage: string) => (b: number) => {
          chunksDone++;
          bytesDone += b;
          report({ operation: "rechunk", stage, chunksDone, chunksTotal, bytesDone, bytesTotal }, controller);
        };
        const st = plan.stages[0];
        // Memory for open regions: what the stage's chunk tasks leave of the budget planned in.
        const budget = plan.maxMemory - (st.peakBytes - st.regionBytes);
        await markIncomplete(dst, { shape: dst.shape, dtype: dst.dtype, sourceChunks: src, targetChunks: dst.chunks, source: identity });
        if (!plan.intermediateChunks) {
          return { dst, plan, mid: null, assembler: new RegionAssembler(dst, st.regionShape, budget, st.concurrency, emit("copy"), opts.signal), cleanup: async () => {}, emit };
        }
        const t = await makeIntermediate(dst, plan, opts);
        return { dst, plan, mid: t.mid, assembler: new RegionAssembler(t.mid, st.regionShape, budget, st.concurrency, emit("read"), opts.signal), cleanup: t.cleanup, emit };
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
            if (state.mid) await copyByRegions(state.mid, state.dst, state.plan.stages[1], state.emit("write"), opts.signal);
          } finally {
            await state.cleanup();
          }
          checkAborted(opts.signal);
          await clearIncomplete(state.dst);
        },
      };
    },
    { ...opts, readableHighWaterMark: Number.POSITIVE_INFINITY },
  );
}

/**
 * Bytes of a block-fed rechunk's budget left to the blocks themselves: each arrives in a fresh buffer
 * of its producer's and is garbage once assembled, and V8 collects such memory only after tens of
 * MB of it have piled up (its external-memory soft limit, 64 MiB). Measured on a 400 MB int32
 * rechunk fed `readable(src)` under 256 MiB: RSS rose 269-297 MB planned with the whole budget,
 * 25-45 MB more than the same rechunk fed the array, whose region reads reuse their buffers.
 */
const BLOCK_GARBAGE_BYTES = 64 * 2 ** 20;

/**
 * The plan of a block-fed rechunk: {@link rechunkingPlan} under `maxMemory` less the blocks' share
 * (a quarter at most, {@link BLOCK_GARBAGE_BYTES}), or under the whole of it where that is too
 * little to plan in. Its `maxMemory` is what it was planned under: the region assembler's share
 * comes out of that.
 */
export function blockInputPlan(shape: readonly number[], sourceChunks: readonly number[], targetChunks: readonly number[], itemsize: number, maxMemory: number): RechunkPlan {
  const reserve = Math.min(BLOCK_GARBAGE_BYTES, Math.floor(maxMemory / 4));
  try {
    return rechunkingPlan(shape, sourceChunks, targetChunks, itemsize, maxMemory - reserve);
  } catch {
    return rechunkingPlan(shape, sourceChunks, targetChunks, itemsize, maxMemory);
  }
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
