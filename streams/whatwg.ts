/**
 * WHATWG stream faces of an array: a ReadableStream of its blocks and a WritableStream that puts
 * blocks back. These are the pull-based, backpressured ends of every pipeline; RxJS adapters and
 * the operators connect to them.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import type { ArrayBlock, BlockInput, ReadableOptions, WritableOptions } from "./types.ts";
import { blocks } from "./blocks.ts";
import { BlockWriter, withSynchronizer } from "./block-writer.ts";

export type { ReadableOptions, WritableOptions } from "./types.ts";

/**
 * The array's blocks as a ReadableStream (`readable(z)`). A chunk is read only when the
 * stream's queue has room (`highWaterMark` blocks, default 1) plus the `concurrency` read-ahead, so
 * a slow consumer holds memory to a few chunks whatever the array size. Cancelling stops reading.
 * @example
 * const reader = readable(z, { highWaterMark: 2 });
 * await reader.pipeTo(new WritableStream({ write: (block) => console.log(block.chunkCoords) }));
 */
export function readable(z: ZarrArray, opts: ReadableOptions = {}): ReadableStream<ArrayBlock> {
  let it: AsyncGenerator<ArrayBlock, void, undefined> | null = null;
  return new ReadableStream<ArrayBlock>(
    {
      start() {
        it = blocks(z, { ...opts, concurrency: opts.concurrency ?? 2 });
      },
      async pull(controller) {
        const r = await it!.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel() {
        await it?.return();
      },
    },
    new CountQueuingStrategy({ highWaterMark: opts.highWaterMark ?? 1 }),
  );
}

/**
 * A WritableStream of blocks into the array (`writable(z)`). Blocks may be any region,
 * aligned to chunks or not; each is split on the chunk grid, pieces of one chunk are applied in
 * order and the array's synchronizer (or `opts.synchronizer`) guards each partial-chunk
 * read-modify-write against other writers. `close()` resolves when every write is in the store;
 * a failed write errors the stream.
 * @example
 * const w = writable(z).getWriter();
 * await w.write({ selection: [[0, 10], [0, 10]], data: fullNDArray([10, 10], 1, z.dtype) });
 * await w.close();   // every block is in the store
 */
export function writable(z: ZarrArray, opts: WritableOptions = {}): WritableStream<BlockInput> {
  let writer: BlockWriter | null = null;
  let ctrl: WritableStreamDefaultController | null = null;
  return new WritableStream<BlockInput>(
    {
      async start(controller) {
        ctrl = controller;
        writer = new BlockWriter(await withSynchronizer(z, opts.synchronizer), { concurrency: opts.concurrency, onProgress: opts.onProgress, operation: "write" });
      },
      async write(block) {
        try {
          await writer!.write(block);
        } catch (e) {
          ctrl?.error(e);
          throw e;
        }
      },
      async close() {
        await writer!.flush();
      },
      async abort() {
        // Let started pieces settle so nothing writes after the caller sees the abort complete.
        await writer?.flush().catch(() => {});
      },
    },
    new CountQueuingStrategy({ highWaterMark: opts.highWaterMark ?? 1 }),
  );
}
