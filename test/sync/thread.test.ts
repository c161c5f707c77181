import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import {
  create, zeros, DirectoryStore, MemoryStore, SharedMemoryStore, ThreadSynchronizer, openFromDescriptor, startWorker, setCodecThreads, getCodecThreads,
} from "../../src/internal.ts";
import { CHUNKS, SHAPE, assertNoneLost, runWorkers, tempDir, workload } from "./_util.ts";
import { toDescriptor } from "../../sync/index.ts";

test("ThreadSynchronizer: 4 worker threads × 1000 random unaligned writes lose none", async () => {
  const sync = new ThreadSynchronizer();
  // A SharedMemoryStore: every worker reads and writes the same memory, so only the locks stand
  // between them and lost updates (and no disk time is spent).
  const z = await create({ store: new SharedMemoryStore(), shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync });
  const { tiles, expected } = workload(11);
  await runWorkers(toDescriptor(z), tiles, 4);
  await assertNoneLost(z, expected, tiles);
});

test("ThreadSynchronizer: the lock holds across threads (a worker waits for the main thread's lock)", async () => {
  const sync = new ThreadSynchronizer({ slots: 16 });
  const release = await sync.lock("a/0.0");
  const src = `
    import { workerData, parentPort } from "node:worker_threads";
    import { ThreadSynchronizer } from ${JSON.stringify(fileURLToPath(new URL("../../sync/thread.ts", import.meta.url)))};
    const s = ThreadSynchronizer.fromDescriptor(workerData);
    parentPort.postMessage("trying");
    const r = await s.lock("a/0.0");
    parentPort.postMessage("locked");
    r();
  `;
  const file = tempDir("zarrflow-w-") + "/w.mts";
  (await import("node:fs")).writeFileSync(file, src);
  const w = startWorker(file, { workerData: sync.toDescriptor() });
  const msgs: string[] = [];
  w.on("message", (m) => msgs.push(m));
  while (!msgs.includes("trying")) await once(w, "message");
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(msgs, ["trying"], "the worker must wait while the main thread holds the lock");
  release();
  await once(w, "exit");
  assert.deepEqual(msgs, ["trying", "locked"]);
});

test("ThreadSynchronizer: same-thread keys sharing a slot, and nested locks, do not deadlock", async () => {
  const sync = new ThreadSynchronizer({ slots: 1 }); // every key collides
  const outer = await sync.lock(".zarray");
  const inner = await sync.lock("0.0");
  inner();
  outer();
  // Same key: strictly one at a time.
  let inside = 0, max = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      const r = await sync.lock("k");
      inside++;
      max = Math.max(max, inside);
      await new Promise((res) => setTimeout(res, 1));
      inside--;
      r();
    }),
  );
  assert.equal(max, 1);
  // Resize takes the metadata lock and then chunk locks: fine with every key on one slot.
  const z = await zeros([8, 8], { chunks: [3, 3], synchronizer: sync });
  await z.set(null, 1);
  await z.resize([5, 5]);
  assert.deepEqual(z.shape, [5, 5]);
});

test("descriptors: an in-memory store travels with its data; directory stores are shared", async () => {
  const mem = await zeros([3, 3], { chunks: [2, 2], dtype: "<i4", store: new MemoryStore() });
  await mem.set(null, 7);
  const d = toDescriptor(mem);
  assert.equal(d.store.type, "MemoryStore");
  const copy = structuredClone(d); // what postMessage does
  const again = await openFromDescriptor(copy);
  assert.deepEqual((await again.get("2, :")).toList(), [7, 7, 7]);

  const dir = await create({ store: new DirectoryStore(tempDir("zarrflow-desc-")), shape: [4], chunks: [2], dtype: "<f8", synchronizer: new ThreadSynchronizer() });
  const dd = structuredClone(toDescriptor(dir));
  assert.equal(dd.store.type, "DirectoryStore");
  assert.equal(dd.synchronizer?.type, "ThreadSynchronizer");
  const other = await openFromDescriptor(dd);
  await other.set(null, 2.5);
  assert.deepEqual((await dir.get()).toList(), [2.5, 2.5, 2.5, 2.5]);
  assert.ok(other.synchronizer instanceof ThreadSynchronizer);
  // The slot table is shared memory, not a copy: a lock taken through one is seen by the other.
  const mine = dir.synchronizer as ThreadSynchronizer, theirs = other.synchronizer as ThreadSynchronizer;
  new Int32Array(mine.buffer)[5] = 42;
  assert.equal(new Int32Array(theirs.buffer)[5], 42);
  new Int32Array(mine.buffer)[5] = 0;
});

test("codec parallelism is configurable from zarrflow/sync", async () => {
  const sync = await import("../../sync/index.ts");
  assert.equal(sync.setCodecThreads, setCodecThreads);
  const before = getCodecThreads();
  setCodecThreads(2);
  assert.equal(sync.getCodecThreads(), 2);
  setCodecThreads(before);
});

test("SharedMemoryStore: shared across threads, values copied in and out, listing, deletion", async () => {
  const s = new SharedMemoryStore({ capacity: 4096, maxKeys: 8 });
  const v = Uint8Array.of(1, 2, 3);
  s.set("a/.zarray", v);
  v[0] = 9;
  assert.deepEqual(s.get("a//.zarray"), Uint8Array.of(1, 2, 3), "a copy was stored; keys are normalized");
  s.set("a/0.0", Uint8Array.of(4));
  s.set("b", Uint8Array.of(5));
  assert.deepEqual(s.list("a/"), ["a/.zarray", "a/0.0"]);
  assert.deepEqual(s.listDir(""), ["a", "b"]);
  assert.equal(s.delete("b"), true);
  assert.equal(s.get("b"), undefined);
  s.set("b", Uint8Array.of(6));
  assert.deepEqual(s.get("b"), Uint8Array.of(6));
  assert.equal(s.getSize("a"), 4);
  // Another handle over the same memory (what a worker gets) sees the same data.
  const other = (await openFromDescriptor(toDescriptor(await zeros([2], { store: s, path: "z", dtype: "|u1" })))).store as SharedMemoryStore;
  assert.deepEqual(other.get("b"), Uint8Array.of(6));
  other.set("c", Uint8Array.of(7));
  assert.deepEqual(s.get("c"), Uint8Array.of(7));
  assert.throws(() => s.set("big", new Uint8Array(8192)), /full/);
});
