import { test } from "node:test";
import assert from "node:assert/strict";
import { from, lastValueFrom, toArray } from "rxjs";
import {
  zeros, ndarray, MemoryStore, fromArray, append, copy, copyArray, resize, readableFrom,
  type AppendEvent, type Progress, type ArrayBlock, type BlockInput,
} from "../../src/internal.ts";
import { ZarrArray } from "../../src/array.ts";
import { CountingStore, iota, rng } from "./_util.ts";
import { blocks as arrayBlocks, readable } from "../../streams/index.ts";

/** Random slabs of `width` columns, values = global row * width + column. */
function slabs(rows: number, width: number, seed: number): Int32Array[] {
  const r = rng(seed);
  const out: Int32Array[] = [];
  let at = 0;
  while (at < rows) {
    const n = Math.min(rows - at, 1 + Math.floor(r() * 9));
    out.push(Int32Array.from({ length: n * width }, (_, i) => (at + Math.floor(i / width)) * width + (i % width)));
    at += n;
  }
  return out;
}

test("append(): any slab sizes; each chunk written once; shape never ahead of the data", async () => {
  const store = new CountingStore(new MemoryStore());
  const width = 5;
  const z = await zeros([0, width], { chunks: [8, 2], dtype: "<i4", store, compressor: null });
  store.reset();
  // Invariant checked at every metadata write: every chunk inside the new shape was already written.
  let metaWrites = 0;
  store.onSet = (key, value) => {
    if (key !== ".zarray") return;
    metaWrites++;
    const shape = JSON.parse(new TextDecoder().decode(value)).shape as number[];
    for (let i = 0; i < Math.ceil(shape[0] / 8); i++) for (let j = 0; j < 3; j++) assert.ok(store.sets.has(`${i}.${j}`), `metadata (${shape}) points at unwritten chunk ${i}.${j}`);
  };
  const parts = slabs(101, width, 1);
  const events: AppendEvent[] = [];
  const progress: Progress[] = [];
  const op = append(z, { axis: 0, onProgress: (p) => progress.push(p) });
  await readableFrom(parts.map((p) => ndarray(p, [p.length / width, width]))).pipeThrough(op).pipeTo(new WritableStream({ write: (e) => void events.push(e) }));
  await op.done;
  assert.deepEqual(z.shape, [101, width]);
  const got = await z.get();
  assert.deepEqual(Array.from(got.data as Int32Array), Array.from(iota(101 * width)));
  const chunkSets = store.chunkSets();
  assert.equal(chunkSets.size, 13 * 3);
  for (const [k, n] of chunkSets) assert.equal(n, 1, `chunk ${k} written ${n} times`);
  assert.equal(events.at(-1)!.final, true);
  assert.deepEqual(events.at(-1)!.rows, [96, 101]);
  assert.ok(metaWrites >= 13);
  assert.equal(progress.at(-1)!.chunksDone, 39);
  // A reopened handle agrees (the metadata on the store is the grown one).
  assert.deepEqual((await ZarrArray.open(store.inner)).shape, [101, width]);
});

test("append(): single rows (rank - 1), along axis 1, and a pre-existing partial tail", async () => {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([3, 6], { chunks: [3, 4], dtype: "<f8", store, compressor: null });
  await z.set(null, 1);
  store.reset();
  const cols = Array.from({ length: 7 }, (_, i) => [10 + i, 20 + i, 30 + i]);
  await lastValueFrom(from(cols).pipe(append(z, { axis: 1 }), toArray()));
  assert.deepEqual(z.shape, [3, 13]);
  assert.deepEqual((await z.get("0, :")).toList(), [1, 1, 1, 1, 1, 1, 10, 11, 12, 13, 14, 15, 16]);
  // The old partial chunk (0.1: columns 4..7) was read back once and rewritten once, with the rest.
  for (const [k, n] of store.chunkSets()) assert.equal(n, 1, `chunk ${k} written ${n} times`);
  assert.deepEqual([...store.chunkSets().keys()].sort(), ["0.1", "0.2", "0.3"]);
});

test("append(): a crash mid-stream loses only the unflushed tail", async () => {
  const store = new MemoryStore();
  const z = await zeros([0, 2], { chunks: [4, 2], dtype: "<i4", store, compressor: null });
  const op = append(z);
  const w = op.sink.getWriter();
  for (let i = 0; i < 10; i++) await w.write(ndarray(Int32Array.of(i, i), [1, 2]));
  await w.abort(new Error("crash"));
  const again = await ZarrArray.open(store);
  assert.deepEqual(again.shape, [8, 2], "two full chunk rows made it, the 2-row tail did not");
  assert.deepEqual((await again.get(":, 0")).toList(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.throws(() => append(z, { axis: 2 }), /out of bounds/);
  const w2 = append(z).sink.getWriter();
  await assert.rejects(w2.write(ndarray(new Int32Array(3), [1, 3])), /cannot append/);
});

test("copy(): between chunkings, as a WHATWG transform and an RxJS operator; resize() clips", async () => {
  const src = await zeros([13, 9], { chunks: [5, 4], dtype: "<i4" });
  await src.set(null, ndarray(iota(117), [13, 9]));
  const a = await zeros([13, 9], { chunks: [3, 7], dtype: "<i4" });
  const progress: Progress[] = [];
  await copyArray(src, a, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(Array.from((await a.get()).data as Int32Array), Array.from(iota(117)));
  assert.equal(progress.at(-1)!.chunksDone, 9);
  assert.equal(progress.at(-1)!.chunksTotal, 9);

  const b = await zeros([13, 9], { chunks: [2, 2], dtype: "<i4" });
  const passed = await lastValueFrom(fromArray(src).pipe(copy(b), toArray()));
  assert.equal(passed.length, 9, "blocks pass through");
  assert.deepEqual(Array.from((await b.get()).data as Int32Array), Array.from(iota(117)));

  const small = await zeros([6, 4], { chunks: [4, 4], dtype: "<i4" });
  const op = copy(small);
  await readable(src).pipeThrough(resize([6, 4])).pipeTo(op.sink);
  await op.done;
  assert.deepEqual((await small.get("5, :")).toList(), [45, 46, 47, 48]);
});

test("copy(): overlapping unaligned blocks from one writer are not lost", async () => {
  const store = new CountingStore(new MemoryStore());
  store.delayGet = 1; // every read yields: concurrent read-modify-writes would interleave
  const z = await zeros([8, 8], { chunks: [8, 8], dtype: "<i4", store, compressor: null });
  const blocks: BlockInput[] = [];
  for (let i = 0; i < 8; i++) blocks.push({ selection: [[i, i + 1], [0, 8]], data: i + 1 });
  await readableFrom(blocks).pipeTo(copy(z, { concurrency: 8 }).sink);
  assert.deepEqual((await z.get(":, 0")).toList(), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("operators report progress through an Observable too", async () => {
  const src = await zeros([4, 4], { chunks: [2, 2], dtype: "<i4" });
  const dst = await zeros([4, 4], { chunks: [4, 4], dtype: "<i4" });
  const op = copy(dst, { total: 4 });
  const seen: Progress[] = [];
  op.progress.subscribe((p) => seen.push(p));
  await readable(src).pipeTo(op.sink);
  await op.done;
  assert.deepEqual(seen.map((p) => p.chunksDone), [1, 2, 3, 4]);
  assert.ok(seen.every((p) => p.operation === "copy" && p.chunksTotal === 4));
  const blocks: ArrayBlock[] = [];
  for await (const b of arrayBlocks(dst)) blocks.push(b);
  assert.equal(blocks.length, 1);
});
