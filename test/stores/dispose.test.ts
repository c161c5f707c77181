/**
 * Explicit resource management: stores holding a resource, and groups and arrays over them, work
 * with `await using`, so a block's end closes what it opened (a zip archive is written out, a
 * database handle released).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openGroup, ZipStore, SQLiteStore, zeros, MemoryStore } from "../../src/internal.ts";
import { skipUnlessInstalled } from "./_harness.ts";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-dispose-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("await using a group opened on a .zip path writes and closes the archive at the block's end", async (t) => {
  const path = join(tempDir(t), "example.zip");
  {
    await using root = await openGroup(path, { mode: "w" });
    const z = await root.zeros("z", { shape: [10], chunks: [5], dtype: "<i4" });
    await z.set(null, 7);
  }
  // Readable after the block: the archive was finalized by the disposal.
  const reader = new ZipStore(path, { mode: "r" });
  const again = await openGroup(reader, { mode: "r" });
  const z = await again.getArray("z");
  assert.deepEqual(Array.from((await z.get()).data as Int32Array), new Array(10).fill(7));
  reader.close();
});

test("await using a SQLiteStore closes its database; an array over it closes the store too", { skip: skipUnlessInstalled(["better-sqlite3"]) }, async (t) => {
  const path = join(tempDir(t), "example.sqlite");
  let outer: SQLiteStore;
  {
    await using store = new SQLiteStore(path);
    outer = store;
    await using z = await zeros([4], { chunks: [2], dtype: "<i4", store });
    await z.set(null, 3);
  }
  await assert.rejects(async () => outer.get(".zarray"));
  {
    await using store = new SQLiteStore(path);
    const z = await openGroup(store, { mode: "r" }).catch(() => null);
    assert.equal(z, null); // the root is an array, not a group
    assert.ok(await store.get(".zarray"));
  }
});

test("disposing a group over a store without resources leaves the store usable", async () => {
  const store = new MemoryStore();
  {
    await using g = await openGroup(store, { mode: "w" });
    await g.zeros("a", { shape: [2], chunks: [2], dtype: "<i4" });
  }
  assert.ok(await store.get("a/.zarray"));
});
