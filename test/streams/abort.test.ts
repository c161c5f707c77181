/**
 * Cancellation (issue 11): every stream face and operator rejects with an AbortError on abort —
 * never a quiet end or a success — and leaves each chunk old or new. The store delays its answers
 * so an abort lands while the work is in the middle, as a user's would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  zeros, create, ndarray, MemoryStore, blocks, readable, writable, copy, copyArray, resize, append, rechunk, rechunkArray, rechunkStatus,
  readableFrom, fromArray, type ZarrArray,
} from "../../src/internal.ts";
import { lastValueFrom } from "rxjs";
import { CountingStore, iota } from "./_util.ts";

const N = 100; // chunks of 10 elements

async function source(delay = 2): Promise<{ z: ZarrArray; store: CountingStore }> {
  const store = new CountingStore(new MemoryStore());
  const z = await create({ store, shape: [N * 10], chunks: [10], dtype: "<i4", compressor: null });
  await z.set(null, ndarray(iota(N * 10), [N * 10]));
  store.delayGet = delay;
  return { z, store };
}

/** Each chunk of `dst` is either absent/old (all `old`) or fully new (equal to the source). */
async function chunksOldOrNew(dst: ZarrArray, old: number): Promise<{ fresh: number; stale: number; torn: number }> {
  const got = (await dst.get()).data as Int32Array;
  let fresh = 0, stale = 0, torn = 0;
  for (let c = 0; c < got.length / 10; c++) {
    const part = Array.from(got.subarray(c * 10, c * 10 + 10));
    if (part.every((v, i) => v === c * 10 + i)) fresh++;
    else if (part.every((v) => v === old)) stale++;
    else torn++;
  }
  return { fresh, stale, torn };
}

function isAbort(e: unknown): boolean {
  return (e as Error)?.name === "AbortError";
}

test("blocks(z, { signal }): an abort mid-pass throws an AbortError, not a short normal end", async () => {
  const { z } = await source();
  const ac = new AbortController();
  let n = 0;
  await assert.rejects(async () => {
    for await (const _ of blocks(z, { signal: ac.signal })) if (++n === 10) ac.abort();
  }, isAbort);
  assert.equal(n, 10);
});

test("readable(z, { signal }): aborting errors the stream; its reader rejects with AbortError", async () => {
  const { z } = await source();
  const ac = new AbortController();
  const reader = readable(z, { signal: ac.signal }).getReader();
  await reader.read();
  ac.abort();
  await assert.rejects(async () => {
    for (;;) if ((await reader.read()).done) break;
  }, isAbort);
});

test("readable({ signal }).pipeTo(dst.writable()) rejects after an abort; every target chunk is old or new", async () => {
  const { z } = await source();
  const dst = await create({ shape: [N * 10], chunks: [10], dtype: "<i4", compressor: null, fillValue: -1 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(readable(z, { signal: ac.signal }).pipeTo(writable(dst)), isAbort);
  const r = await chunksOldOrNew(dst, -1);
  assert.equal(r.torn, 0);
  assert.ok(r.fresh < N, `the abort came too late to test anything: ${JSON.stringify(r)}`);
  console.log(`pipeTo abort: fresh=${r.fresh} stale=${r.stale} torn=${r.torn}`);
});

test("writable(z, { signal }): write, closed and close reject after an abort", async () => {
  const dst = await zeros([N * 10], { chunks: [10], dtype: "<i4" });
  const ac = new AbortController();
  const w = writable(dst, { signal: ac.signal }).getWriter();
  await w.write({ selection: [[0, 10]], data: 1 });
  ac.abort(new Error("stop"));
  await assert.rejects(w.write({ selection: [[10, 20]], data: 2 }), isAbort);
  await assert.rejects(w.closed, isAbort);
  await assert.rejects(w.close()); // a TypeError per the Streams spec: the stream is already errored
});

test("the abort reason is kept when it is an AbortError, and wrapped (as cause) otherwise", async () => {
  const { z } = await source(0);
  const mine = new DOMException("user cancelled", "AbortError");
  const ac = new AbortController();
  ac.abort(mine);
  await assert.rejects(blocks(z, { signal: ac.signal }).next(), (e) => e === mine);
  const t = AbortSignal.abort(new Error("timeout-ish"));
  await assert.rejects(blocks(z, { signal: t }).next(), (e: Error & { cause?: Error }) => isAbort(e) && e.cause?.message === "timeout-ish");
});

for (const name of ["copy", "resize"] as const) {
  test(`${name} operator with a signal: the pipeline and done reject with AbortError`, async () => {
    const { z } = await source();
    const dst = await create({ shape: [N * 10], chunks: [10], dtype: "<i4", fillValue: -1, compressor: null });
    const ac = new AbortController();
    const op = name === "copy" ? copy(dst, { signal: ac.signal }) : resize([N * 10], { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const run = name === "copy" ? readable(z).pipeTo(op.sink) : readable(z).pipeThrough(op).pipeTo(writable(dst));
    await assert.rejects(run, isAbort);
    await assert.rejects(op.done, isAbort);
    assert.equal((await chunksOldOrNew(dst, -1)).torn, 0);
  });
}

test("copyArray with a signal rejects with AbortError", async () => {
  const { z } = await source();
  const dst = await create({ shape: [N * 10], chunks: [10], dtype: "<i4", fillValue: -1 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(copyArray(z, dst, { signal: ac.signal }), isAbort);
  assert.equal((await chunksOldOrNew(dst, -1)).torn, 0);
});

test("the RxJS face of an aborted operator errors with AbortError", async () => {
  const { z } = await source();
  const dst = await zeros([N * 10], { chunks: [10], dtype: "<i4" });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(lastValueFrom(fromArray(z).pipe(copy(dst, { signal: ac.signal }))), isAbort);
});

test("append operator: an abort rejects, and the shape never covers rows that were not written", async () => {
  const z = await zeros([0, 4], { chunks: [8, 4], dtype: "<i4" });
  const ac = new AbortController();
  let i = 0;
  const rows = (async function* () {
    for (;;) {
      if (++i === 50) ac.abort();
      yield ndarray(new Int32Array(4).fill(i), [1, 4]);
      await new Promise((r) => setImmediate(r));
    }
  })();
  const op = append(z, { signal: ac.signal });
  await assert.rejects(readableFrom(rows).pipeTo(op.sink), isAbort);
  await z.refresh();
  const got = (await z.get()).data as Int32Array;
  assert.ok(z.shape[0] < 50 && z.shape[0] % 8 === 0, `shape ${z.shape}`);
  for (let r = 0; r < z.shape[0]; r++) assert.equal(got[r * 4], r + 1, `row ${r}`);
});

test("z.append(data, { signal }): an aborted append rejects and leaves the shape as it was", async () => {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([10], { chunks: [2], dtype: "<i4", store });
  store.delayGet = 5;
  const ac = new AbortController();
  const p = z.append(ndarray(iota(9), [9]), { signal: ac.signal });
  setTimeout(() => ac.abort(), 2);
  await assert.rejects(p, isAbort);
  await z.refresh();
  assert.deepEqual(z.shape, [10]);
  // The rows written past the shape before the abort are not exposed by a later grow.
  await z.resize([19]);
  assert.deepEqual(Array.from(((await z.get("10:")).data as Int32Array)), new Array(9).fill(0));
});

test("rechunk: an aborted rechunk rejects, is marked incomplete, and resume finishes it", async () => {
  const { z, store } = await source();
  const target = { store: new MemoryStore(), shape: [N * 10], chunks: [25], dtype: "<i4", compressor: null, fillValue: -1 };
  const ac = new AbortController();
  const onProgress = (p: { chunksDone: number }) => void (p.chunksDone === 3 && ac.abort());
  await assert.rejects(rechunkArray(z, target, { signal: ac.signal, maxMemory: 1300, onProgress }), isAbort);
  const { openArray } = await import("../../src/internal.ts");
  const dst = await openArray(target.store, { mode: "r+" });
  const marker = await rechunkStatus(dst);
  assert.ok(marker, "an interrupted rechunk must be visible");
  assert.deepEqual(marker!.targetChunks, [25]);
  const before = await dst.nchunksInitialized();
  assert.ok(before > 0 && before < 40, `the abort should land mid-way: ${before}/40 chunks`);
  store.delayGet = 0;
  const r = await rechunkArray(z, target, { resume: true, maxMemory: 1300 });
  assert.equal(await rechunkStatus(r.target), null);
  assert.deepEqual(Array.from((await r.target.get()).data as Int32Array), Array.from(iota(N * 10)));
  console.log(`rechunk resume: ${before}/40 chunks stored before resuming`);
});

test("rechunk operator over blocks: aborted → AbortError and the marker stays; completed → no marker", async () => {
  const { z } = await source();
  const dst = await zeros([N * 10], { chunks: [50], dtype: "<i4" });
  const ac = new AbortController();
  const op = rechunk(dst, { signal: ac.signal });
  // Abort mid-way, once 20 of the 100 source blocks have gone by (not on a timer, which a slow
  // machine could outrun before the first write).
  let seen = 0;
  const counted = readable(z).pipeThrough(new TransformStream({ transform(block, c) { c.enqueue(block); if (++seen === 20) ac.abort(); } }));
  await assert.rejects(counted.pipeTo(op.sink), isAbort);
  assert.ok(await rechunkStatus(dst));
  const ok = rechunk(dst);
  await readable(z).pipeTo(ok.sink);
  await ok.done;
  assert.equal(await rechunkStatus(dst), null);
  assert.deepEqual(Array.from((await dst.get()).data as Int32Array), Array.from(iota(N * 10)));
});

test("append operator: flushEvery and maxDelayMs make rows visible to a reader before the chunk row fills", async () => {
  const store = new MemoryStore();
  const z = await zeros([0, 2], { chunks: [100, 2], dtype: "<i4", store });
  const reader = await (await import("../../src/internal.ts")).openArray(store, { mode: "r" });
  // flushEvery: 3 rows → visible after the 3rd row.
  const op = append(z, { flushEvery: 3 });
  const w = op.writable.getWriter();
  op.readable.pipeTo(new WritableStream()).catch(() => {});
  for (let i = 1; i <= 3; i++) await w.write(ndarray(new Int32Array([i, i]), [1, 2]));
  for (let k = 0; k < 100 && reader.shape[0] < 3; k++) {
    await new Promise((r) => setTimeout(r, 5));
    await reader.refresh();
  }
  assert.deepEqual(reader.shape, [3, 2]);
  assert.deepEqual(((await reader.get(":, 0")).data as Int32Array).length, 3);
  await w.close();
  // maxDelayMs: one row, no more input: visible without closing.
  const op2 = append(z, { maxDelayMs: 20 });
  const w2 = op2.writable.getWriter();
  op2.readable.pipeTo(new WritableStream()).catch(() => {});
  await w2.write(ndarray(new Int32Array([9, 9]), [1, 2]));
  for (let k = 0; k < 200 && reader.shape[0] < 4; k++) {
    await new Promise((r) => setTimeout(r, 10));
    await reader.refresh();
  }
  assert.deepEqual(reader.shape, [4, 2]);
  assert.deepEqual(Array.from((await reader.get("3, :")).data as Int32Array), [9, 9]);
  await w2.close();
  assert.throws(() => append(z, { flushEvery: 0 }), RangeError);
});
