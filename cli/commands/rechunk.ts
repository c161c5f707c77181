/**
 * `rechunk SRC DEST --chunks … --max-memory …`, through the streams `rechunk` operator.
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryStore, ZarrArray, containsArray, containsGroup, create, rechunk, rechunkingPlan, type Progress } from "../../src/internal.ts";
import { shapeRepr, type CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { newMeter } from "../guard.ts";
import { parseCompressor, parseIntList, parseSize } from "../parse.ts";

/** Options of `zarrflow rechunk`. */
export interface RechunkCommandOptions {
  chunks: string;
  maxMemory?: string;
  compressor?: string;
  overwrite?: boolean;
  tempDir?: string;
}

/**
 * `zarrflow rechunk SRC DEST --chunks 1000,1000 --max-memory 256MB`: write a copy of the array SRC
 * with new chunks at DEST, reading each source chunk once and holding at most `--max-memory` of
 * data, through an intermediate array in a temporary directory when the plan needs one (removed
 * afterwards, also on Ctrl-C).
 */
export async function rechunkCommand(ctx: CliContext, srcTarget: string, dstTarget: string, o: RechunkCommandOptions): Promise<number> {
  const maxMemory = parseSize("--max-memory", o.maxMemory ?? "256MiB");
  const src = await ctx.openStore(srcTarget, { mode: "r" });
  const source = await ZarrArray.open(ctx.guard(src.store), { path: src.path, readOnly: true }).catch(async (e) => {
    if (await containsGroup(src.store, src.path)) throw new UsageError(`${srcTarget} is a group; rechunk needs an array`);
    throw e;
  });
  const chunks = parseIntList("--chunks", o.chunks, true).map((c, d) => (c === -1 ? Math.max(1, source.shape[d] ?? 1) : c));
  if (chunks.length !== source.ndim) throw new UsageError(`--chunks has ${chunks.length} values but ${srcTarget} has ${source.ndim} dimensions ${shapeRepr(source.shape)}`);
  if (chunks.some((c) => c === 0)) throw new UsageError(`--chunks must be positive, got '${o.chunks}'`);
  const compressor = o.compressor === undefined ? source.compressor : parseCompressor("--compressor", o.compressor);
  // Check the budget before creating anything.
  let plan: ReturnType<typeof rechunkingPlan>;
  try {
    plan = rechunkingPlan(source.shape, source.chunks, chunks, source.itemsize, maxMemory);
  } catch (e) {
    throw new UsageError(`--max-memory ${o.maxMemory ?? "256MiB"}: ${(e as Error).message}`);
  }

  const dst = await ctx.openStore(dstTarget, { mode: "w" });
  if (dst.store === src.store || (dst.location === src.location && dst.path === src.path)) throw new UsageError("rechunk cannot write over its source; choose another DEST");
  if (!o.overwrite && ((await containsArray(dst.store, dst.path)) || (await containsGroup(dst.store, dst.path)))) {
    throw new UsageError(`${dstTarget} already exists; use --overwrite to replace it`);
  }
  const meter = newMeter();
  const store = ctx.guard(dst.store, meter);
  const target = await create({
    store, path: dst.path, shape: source.shape, chunks, dtype: source.dtype, fillValue: source.fillValue, order: source.order,
    filters: source.filters, compressor, overwrite: o.overwrite ?? false,
  });
  await target.attrs.update(await source.attrs.asObject());

  const tempDir = await mkdtemp(join(o.tempDir ?? tmpdir(), "zarrflow-rechunk-"));
  const progress = ctx.progress("rechunk", "regions");
  let last: Progress | null = null;
  let completed = false;
  const onAbort = () => void rm(tempDir, { recursive: true, force: true }).catch(() => {});
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const op = rechunk(target, {
      maxMemory,
      tempStore: ctx.guard(new DirectoryStore(tempDir)),
      onProgress: (p) => {
        last = p;
        progress.update({ done: p.chunksDone, total: p.chunksTotal, bytes: p.bytesDone });
      },
    });
    progress.update({ done: 0, total: plan.stages.reduce((a, s) => a + s.regions, 0), bytes: 0 });
    const input = new ReadableStream<ZarrArray>({ start: (c) => (c.enqueue(source), c.close()) });
    await input.pipeTo(op.sink, { signal: ctx.signal });
    await op.done;
    completed = !ctx.signal.aborted;
  } finally {
    progress.stop(completed);
    ctx.signal.removeEventListener("abort", onAbort);
    await rm(tempDir, { recursive: true, force: true });
  }
  const result = {
    source: source.path, target: target.path, shape: target.shape, sourceChunks: source.chunks, chunks: target.chunks,
    maxMemory, intermediateChunks: plan.intermediateChunks, regions: (last as Progress | null)?.chunksDone ?? 0,
    bytesMoved: (last as Progress | null)?.bytesDone ?? 0, chunksWritten: meter.chunkWrites, bytesWritten: meter.bytesWritten,
  };
  if (ctx.json) ctx.outJson(result);
  else {
    const via = plan.intermediateChunks ? ` via intermediate chunks ${shapeRepr(plan.intermediateChunks)}` : "";
    ctx.out(`rechunked ${shapeRepr(source.chunks)} -> ${shapeRepr(target.chunks)}${via}: ${meter.chunkWrites} chunks written, done`);
  }
  return 0;
}
