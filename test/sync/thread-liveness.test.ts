/**
 * Owner liveness of ThreadSynchronizer locks: a worker that dies holding a chunk lock must not
 * hang every other writer of that chunk (issue 11: "8 writers hung").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { create, slice, SharedMemoryStore, ThreadSynchronizer, startWorker, toDescriptor } from "../../src/internal.ts";
import { runWorkers, workload, assertNoneLost, SHAPE, CHUNKS } from "./_util.ts";

const holder = fileURLToPath(new URL("./fixtures/holder.ts", import.meta.url));

async function lockedArray() {
  const sync = new ThreadSynchronizer();
  const z = await create({ store: new SharedMemoryStore(), shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync });
  return { sync, z };
}

for (const how of ["terminated", "exits"] as const) {
  test(`a worker that ${how === "terminated" ? "is terminated" : "exits"} holding a chunk lock: the other writers proceed${how === "terminated" ? " (8 workers) and lose nothing" : ""}`, async () => {
    const { z } = await lockedArray();
    const key = "0.0"; // the first chunk, which the workload's tiles write too
    const w = startWorker(holder, { workerData: { array: toDescriptor(z), key, exit: how === "exits" } });
    assert.equal((await once(w, "message"))[0], "locked");
    // While it holds the lock, a writer of that chunk waits.
    let wrote = false;
    const pending = z.set([slice(0, 1), slice(0, 1)], 7).then(() => (wrote = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(wrote, false, "the lock must hold while its owner lives");
    if (how === "terminated") await w.terminate();
    else await once(w, "exit");
    await pending;
    assert.equal(await z.get([0, 0]), 7);
    if (how === "terminated") {
      // And a full parallel workload over every chunk (8 writers) completes with nothing lost.
      const { tiles, expected } = workload(5);
      await runWorkers(toDescriptor(z), tiles, 8);
      await assertNoneLost(z, expected, tiles);
    }
  });
}

test("ThreadSynchronizer.watch covers a worker created before zarrflow was imported in its parent thread", { timeout: 120_000 }, async () => {
  const { z } = await lockedArray();
  const boot = new URL("../../sync/worker-bootstrap.mjs", import.meta.url);
  const lateParent = new URL("./fixtures/late-parent.ts", import.meta.url).href;
  const mid = new Worker(boot, { workerData: { array: toDescriptor(z), mode: "hold", key: "0.0", how: "terminate" }, argv: ["--zarrflow-worker-script", lateParent] });
  const seen: unknown[] = [];
  let wake = () => {};
  mid.on("message", (m) => {
    seen.push(m);
    wake();
  });
  const until = async (m: string) => {
    while (!seen.includes(m)) await new Promise<void>((r) => (wake = r));
  };
  await until("locked");
  let wrote = false;
  const pending = z.set([slice(0, 1), slice(0, 1)], 7).then(() => void (wrote = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(wrote, false, "the lock must hold while its owner lives");
  mid.postMessage("kill");
  await until("child-exit");
  await pending;
  assert.equal(await z.get([0, 0]), 7);
  await mid.terminate();
});

test("releaseOwner leaves a live thread's locks alone and only frees the dead owner's slots", async () => {
  const sync = new ThreadSynchronizer({ slots: 8 });
  const release = await sync.lock("k");
  // Our own id is never treated as dead.
  assert.equal(sync.releaseOwner((await import("node:worker_threads")).threadId), 0);
  // A foreign owner id written into a slot (as a dead worker would leave it) is freed.
  const slots = new Int32Array(sync.buffer);
  const free = slots.findIndex((v) => v === 0);
  Atomics.store(slots, free, 12346);
  assert.equal(sync.releaseOwner(12345), 1);
  assert.equal(slots[free], 0);
  await release();
});
