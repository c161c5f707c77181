/**
 * `copy(target)` and `resize(shape)`: block-stream operators for moving data between arrays of any
 * chunkings and for changing a stream's extent on the way.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import { ShapeError } from "../src/errors.ts";
import type { ArrayBlock, BlockInput, Progress } from "./types.ts";
import { asNDArray, NDArray } from "../src/ndarray/ndarray.ts";
import { countChunks, normalizeRegion, subView } from "./blocks.ts";
import { BlockWriter, withSynchronizer } from "./block-writer.ts";
import { readable } from "./whatwg.ts";
import { makeOperator, type ArrayOperator, type OperatorOptions } from "./operator.ts";
import type { Synchronizer } from "../src/synchronizer.ts";

/** Options of {@link copy}. */
export interface CopyOptions extends OperatorOptions {
  /** Target chunk writes in flight (default: the I/O concurrency). */
  concurrency?: number;
  /** Lock with this synchronizer instead of the target's own. */
  synchronizer?: Synchronizer | null;
  /** Expected number of blocks, so progress can report a total (set by {@link copyArray}). */
  total?: number;
}

/**
 * Write every incoming block into `target` at the block's own selection, and pass the block on, so
 * a copy can sit in the middle of a pipeline (tee to several targets, checksum after, …). Source and
 * target chunkings are independent: a block that straddles target chunks is split, and partial
 * target chunks are read-modified-written in order under the target's synchronizer. When chunkings
 * mismatch badly, prefer {@link rechunk}, which writes each target chunk once.
 * @example
 * const dst = await zerosLike(src, { chunks: [500, 500] });
 * await readable(src).pipeThrough(copy(dst)).pipeTo(new WritableStream());  // or: readable(src).pipeTo(copy(dst).sink)
 */
export function copy(target: ZarrArray, opts: CopyOptions = {}): ArrayOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput> {
  return makeOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput>((ctx) => {
    let writer: BlockWriter;
    const report = (p: Progress) => ctx.report({ ...p, operation: "copy" });
    return {
      async start() {
        writer = new BlockWriter(await withSynchronizer(target, opts.synchronizer), { concurrency: opts.concurrency, onProgress: report, operation: "copy" });
        writer.blocksTotal = opts.total ?? null;
      },
      async transform(block, controller) {
        await writer.write(block);
        controller.enqueue(block);
      },
      async flush() {
        await writer.flush();
      },
    };
  }, opts);
}

/**
 * Copy a whole array (or a region of it, `opts.region`) into `target` chunk by chunk in bounded
 * memory, reporting progress. Resolves when the target is fully written.
 * @example
 * const dst = await zerosLike(src, { store: "data/copy.zarr" });
 * await copyArray(src, dst, { onProgress: (p) => console.log(`${p.chunksDone}/${p.chunksTotal}`) });
 */
export async function copyArray(
  source: ZarrArray,
  target: ZarrArray,
  opts: CopyOptions & { region?: [number, number][]; readConcurrency?: number } = {},
): Promise<void> {
  const region = normalizeRegion(opts.region, source.shape);
  if (target.ndim !== source.ndim) throw new ShapeError(`cannot copy a ${source.ndim}-d array into a ${target.ndim}-d array`);
  const op = copy(target, { ...opts, total: countChunks(region, source.chunks) });
  await readable(source, { region, concurrency: opts.readConcurrency }).pipeTo(op.sink);
  await op.done;
}

/**
 * Clip a block stream to a new extent `shape`: blocks entirely outside are dropped, blocks across
 * the new boundary are cut (a view, no copy). Growing needs no blocks: the target's fill value
 * stands for the new area. Put it before `copy()` to copy into an array of a different shape.
 * @example
 * // copy the first 500 rows of `src` into a smaller array
 * const dst = await zeros([500, 1000], { chunks: [100, 1000], dtype: src.dtype });
 * await readable(src).pipeThrough(resize([500, 1000])).pipeTo(copy(dst).sink);
 */
export function resize(shape: readonly number[], opts: OperatorOptions = {}): ArrayOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput> {
  const newShape = [...shape];
  if (newShape.some((n) => !Number.isInteger(n) || n < 0)) throw new ShapeError(`new shape (${newShape.join(", ")}) must be non-negative integers`);
  return makeOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput>((ctx) => {
    let seen = 0;
    return {
      transform(block, controller) {
        seen++;
        const sel = block.selection;
        if (sel.length !== newShape.length) throw new ShapeError(`block has ${sel.length} axes but the new shape (${newShape.join(", ")}) has ${newShape.length}`);
        const clipped = sel.map(([a, b], d): [number, number] => [a, Math.min(b, newShape[d])]);
        if (clipped.some(([a, b]) => b <= a) && sel.every(([a, b]) => b > a)) {
          ctx.report({ operation: "resize", chunksDone: seen, chunksTotal: null, bytesDone: 0, bytesTotal: null });
          return;
        }
        const same = clipped.every(([, b], d) => b === sel[d][1]);
        let data = block.data;
        if (!same && (data instanceof NDArray || (typeof data === "object" && data !== null && !(data instanceof Date)))) {
          data = subView(data instanceof NDArray ? data : asNDArray(data), clipped.map(() => 0), clipped.map(([a, b]) => b - a));
        }
        controller.enqueue({ ...block, selection: clipped, data } as ArrayBlock);
        ctx.report({ operation: "resize", chunksDone: seen, chunksTotal: null, bytesDone: 0, bytesTotal: null });
      },
    };
  }, opts);
}
