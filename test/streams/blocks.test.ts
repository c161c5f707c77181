import { test } from "node:test";
import assert from "node:assert/strict";
import { take, toArray, lastValueFrom } from "rxjs";
import { zeros, ndarray, MemoryStore, fromArray, ZarrError, type ArrayBlock } from "../../src/internal.ts";
import { ZarrArray } from "../../src/array.ts";
import { CountingStore, iota } from "./_util.ts";
import { blocks, readable, writable } from "../../streams/index.ts";

async function sample(shape: number[], chunks: number[], store = new CountingStore(new MemoryStore())) {
  const z = await zeros(shape, { chunks, dtype: "<i4", store, compressor: null });
  const n = shape.reduce((a, b) => a * b, 1);
  await z.set(null, ndarray(iota(n), shape));
  store.reset();
  return { z, store, n };
}

test("blocks(): every chunk once, edge chunks clipped, data in place", async () => {
  const { z, store } = await sample([10, 7], [3, 4]);
  const seen: ArrayBlock[] = [];
  for await (const b of blocks(z)) seen.push(b);
  assert.equal(seen.length, 4 * 2);
  assert.deepEqual(seen.map((b) => b.chunkCoords), [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [3, 0], [3, 1]]);
  const last = seen.at(-1)!;
  assert.deepEqual(last.selection, [[9, 10], [4, 7]]);
  assert.deepEqual(last.data.shape, [1, 3]);
  assert.deepEqual(last.data.toList(), [67, 68, 69]);
  for (const b of seen) {
    const [[r0], [c0]] = b.selection;
    assert.equal(b.data.get(0, 0), r0 * 7 + c0);
  }
  for (const [k, n] of store.chunkGets()) assert.equal(n, 1, `chunk ${k} read ${n} times`);
  assert.equal(store.chunkGets().size, 8);
});

test("blocks(): region (selection string or pairs), order C / F / permutation", async () => {
  const { z } = await sample([10, 7], [3, 4]);
  const a: ArrayBlock[] = [];
  for await (const b of blocks(z, { region: "1:5, 2:" })) a.push(b);
  assert.deepEqual(a.map((b) => b.selection), [[[1, 3], [2, 4]], [[1, 3], [4, 7]], [[3, 5], [2, 4]], [[3, 5], [4, 7]]]);
  assert.deepEqual(a[0].data.toList(), [9, 10, 16, 17]);
  const p: ArrayBlock[] = [];
  for await (const b of blocks(z, { region: [[1, 5], [2, 7]], order: "F" })) p.push(b);
  assert.deepEqual(p.map((b) => b.chunkCoords), [[0, 0], [1, 0], [0, 1], [1, 1]]);
  const q: ArrayBlock[] = [];
  for await (const b of blocks(z, { region: [[1, 5], [2, 7]], order: [1, 0] })) q.push(b);
  assert.deepEqual(q.map((b) => b.chunkCoords), p.map((b) => b.chunkCoords));
  // An integer index keeps its axis.
  const r: ArrayBlock[] = [];
  for await (const b of blocks(z, { region: "4, :" })) r.push(b);
  assert.deepEqual(r.map((b) => b.data.shape), [[1, 4], [1, 3]]);
  await assert.rejects(async () => {
    for await (const _ of blocks(z, { region: "::2" })) void _;
  }, /step 1/);
});

test("blocks(): 0-d and empty arrays", async () => {
  const z0 = await zeros([], { dtype: "<f8" });
  await z0.set(null, 4.5);
  const all: ArrayBlock[] = [];
  for await (const b of blocks(z0)) all.push(b);
  assert.equal(all.length, 1);
  assert.deepEqual(all[0].selection, []);
  assert.equal(all[0].data.getFlat(0), 4.5);
  const ze = await zeros([0, 5], { chunks: [2, 2] });
  for await (const _ of blocks(ze)) assert.fail("no blocks in an empty array");
});

test("blocks(): breaking out stops reading; read-ahead bounded by concurrency", async () => {
  const { z, store } = await sample([40, 1], [1, 1]);
  let k = 0;
  for await (const _ of blocks(z, { concurrency: 3 })) if (++k === 5) break;
  const reads = [...store.chunkGets().values()].reduce((a, b) => a + b, 0);
  assert.ok(reads <= 5 + 3, `read ${reads} chunks for 5 consumed`);
});

test("readable(): a slow sink keeps memory bounded (backpressure)", async () => {
  const { z, store } = await sample([200, 4], [1, 4]); // 200 chunks
  let written = 0;
  let maxAhead = 0;
  const sink = new WritableStream<ArrayBlock>(
    {
      async write() {
        await new Promise((r) => setTimeout(r, 1));
        written++;
        const reads = [...store.chunkGets().values()].reduce((a, b) => a + b, 0);
        maxAhead = Math.max(maxAhead, reads - written);
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
  await readable(z, { highWaterMark: 2, concurrency: 2 }).pipeTo(sink);
  assert.equal(written, 200);
  // Blocks read but not yet written: the sink's queue, the stream's queue, the read-ahead, the pipe's in-hand block.
  assert.ok(maxAhead <= 1 + 2 + 2 + 2, `${maxAhead} blocks were held at once`);
});

test("readable(): cancel stops reads", async () => {
  const { z, store } = await sample([100, 1], [1, 1]);
  const reader = readable(z).getReader();
  await reader.read();
  await reader.read();
  await reader.cancel();
  const reads = [...store.chunkGets().values()].reduce((a, b) => a + b, 0);
  assert.ok(reads <= 6, `read ${reads} chunks`);
});

test("writable(): unaligned, overlapping-in-chunk blocks; close resolves when stored", async () => {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([9, 11], { chunks: [4, 4], dtype: "<i4", store, compressor: null });
  const ref = new Int32Array(99);
  const w = writable(z, { concurrency: 8 }).getWriter();
  // 3x3 tiles: every chunk gets pieces of several blocks, all written concurrently.
  let v = 0;
  for (let r = 0; r < 9; r += 3) {
    for (let c = 0; c < 11; c += 3) {
      const rows = 3, cols = Math.min(3, 11 - c);
      const data = new Int32Array(rows * cols).fill(++v);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) ref[(r + i) * 11 + c + j] = v;
      await w.ready;
      void w.write({ selection: [[r, r + rows], [c, c + cols]], data: ndarray(data, [rows, cols]) });
    }
  }
  await w.close();
  // After close, a fresh handle on the store sees everything.
  const again = await ZarrArray.open(store.inner);
  assert.deepEqual(Array.from((await again.get()).data as Int32Array), Array.from(ref));
});

test("writable(): scalar blocks broadcast; a failing write errors the stream", async () => {
  const z = await zeros([4, 4], { chunks: [2, 2], dtype: "<i4" });
  const w = writable(z).getWriter();
  await w.write({ selection: [[1, 3], [1, 3]], data: 5 });
  await w.close();
  assert.deepEqual((await z.get("1, :")).toList(), [0, 5, 5, 0]);
  const w2 = writable(z).getWriter();
  await assert.rejects(w2.write({ selection: [[0, 9], [0, 1]], data: 1 }), /outside axis 0/);
});

test("fromArray(): RxJS Observable of blocks; unsubscribing stops reads", async () => {
  const { z, store } = await sample([30, 2], [1, 2]);
  const all = await lastValueFrom(fromArray(z).pipe(toArray()));
  assert.equal(all.length, 30);
  assert.deepEqual(all[29].data.toList(), [58, 59]);
  store.reset();
  const two = await lastValueFrom(fromArray(z, { concurrency: 2 }).pipe(take(2), toArray()));
  assert.equal(two.length, 2);
  await new Promise((r) => setTimeout(r, 20));
  const reads = [...store.chunkGets().values()].reduce((a, b) => a + b, 0);
  assert.ok(reads <= 5, `read ${reads} chunks for 2 taken`);
});

test("the core works without streams/ or sync/ loaded: streams are free functions, not installed methods", async () => {
  // A fresh process that imports only the core modules (not the package root).
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const creation = new URL("../../src/creation.ts", import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `
    const { zeros } = await import(${JSON.stringify(creation)});
    const z = await zeros([2], { chunks: [1], dtype: "<i4" });
    await z.set(null, 3);
    console.log("sum", [...(await z.get()).data].reduce((a, b) => a + b, 0));
    for (const m of ["blocks", "readable", "writable", "toDescriptor"]) console.log(m, typeof z[m]);
  `]);
  assert.match(stdout, /sum 6/);
  for (const m of ["blocks", "readable", "writable", "toDescriptor"]) assert.match(stdout, new RegExp(`${m} undefined`));
  // The free functions work on any array handle.
  const z = await zeros([4], { chunks: [2], dtype: "<i4" });
  const seen: number[][] = [];
  for await (const b of blocks(z)) seen.push(b.chunkCoords);
  assert.deepEqual(seen, [[0], [1]]);
  assert.ok(new ZarrError("x") instanceof Error);
});

/** A store whose sets take a while, counting how many are pending at once. */
function slowSets(inner: CountingStore, ms: number) {
  const stats = { pending: 0, maxPending: 0, done: 0 };
  const set = inner.set.bind(inner);
  inner.set = async (k, v) => {
    stats.pending++;
    stats.maxPending = Math.max(stats.maxPending, stats.pending);
    await new Promise((r) => setTimeout(r, ms));
    await set(k, v);
    stats.pending--;
    stats.done++;
  };
  return stats;
}

test("writable(): a fast producer is held back by a slow store (bounded writes in flight)", async () => {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([64, 4], { chunks: [1, 4], dtype: "<i4", store, compressor: null });
  const stats = slowSets(store, 2);
  let produced = 0, maxAhead = 0;
  const source = new ReadableStream<{ selection: [number, number][]; data: number }>({
    pull(c) {
      if (produced === 64) return c.close();
      maxAhead = Math.max(maxAhead, produced - stats.done);
      c.enqueue({ selection: [[produced, produced + 1], [0, 4]], data: produced++ });
    },
  });
  await source.pipeTo(writable(z, { concurrency: 3 }));
  assert.equal(stats.done, 64);
  assert.ok(stats.maxPending <= 3, `${stats.maxPending} writes in flight`);
  assert.ok(maxAhead <= 3 + 1 + 2, `the producer ran ${maxAhead} blocks ahead of the store`);
  assert.deepEqual((await z.get(":, 0")).toList(), Array.from({ length: 64 }, (_, i) => i));
});

test("fromArray() into a zarrflow operator waits for it (RxJS, bounded read-ahead)", async () => {
  const { z, store } = await sample([100, 2], [1, 2]);
  const dstStore = new CountingStore(new MemoryStore());
  const dst = await zeros([100, 2], { chunks: [1, 2], dtype: "<i4", store: dstStore, compressor: null });
  const stats = slowSets(dstStore, 1);
  let maxAhead = 0;
  const { copy } = await import("../../src/internal.ts");
  const { map } = await import("rxjs");
  await lastValueFrom(
    fromArray(z).pipe(
      map((b) => {
        const reads = [...store.chunkGets().values()].reduce((a, c) => a + c, 0);
        maxAhead = Math.max(maxAhead, reads - stats.done);
        return b;
      }),
      copy(dst, { concurrency: 2 }),
    ),
  );
  assert.equal(stats.done, 100);
  assert.ok(maxAhead <= 10, `source ran ${maxAhead} chunks ahead of the target`);
});
