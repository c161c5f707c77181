/**
 * Why synchronizers exist: two writers of different parts of one chunk each read the chunk, merge
 * their part and write it back; without a lock the second write erases the first. A store whose
 * `get` yields to the event loop makes the interleaving deterministic (both reads happen before
 * either write).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { zeros, slice, MemoryStore, ThreadSynchronizer, ProcessSynchronizer, type Synchronizer } from "../../src/internal.ts";
import { CountingStore } from "../streams/_util.ts";
import { tempDir } from "./_util.ts";

async function race(synchronizer: Synchronizer | null) {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([4, 4], { chunks: [4, 4], dtype: "<i4", store, synchronizer, compressor: null });
  store.delayGet = 5;
  await Promise.all([z.set([slice(0, 2), null], 1), z.set([slice(2, 4), null], 2)]);
  store.delayGet = 0;
  return (await z.get(":, 0")).toList();
}

test("without a synchronizer, concurrent unaligned writers lose updates", async () => {
  const col = await race(null);
  // Exactly one of the two halves survived.
  assert.ok(
    JSON.stringify(col) === JSON.stringify([1, 1, 0, 0]) || JSON.stringify(col) === JSON.stringify([0, 0, 2, 2]),
    `expected a lost update, got ${col}`,
  );
});

test("with a ThreadSynchronizer the same interleaving loses nothing", async () => {
  assert.deepEqual(await race(new ThreadSynchronizer()), [1, 1, 2, 2]);
});

test("with a ProcessSynchronizer the same interleaving loses nothing", async () => {
  assert.deepEqual(await race(new ProcessSynchronizer(tempDir("zarrflow-locks-"))), [1, 1, 2, 2]);
});
