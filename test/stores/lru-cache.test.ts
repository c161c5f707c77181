import { test } from "node:test";
import assert from "node:assert/strict";
import { LRUStoreCache, MemoryStore, zeros, group, ndarray, openArray } from "../../src/internal.ts";

/** A store that counts reads, standing in for a slow remote store. */
class CountingStore extends MemoryStore {
  gets = 0;
  override get(key: string) {
    this.gets++;
    return super.get(key);
  }
}

test("LRUStoreCache serves repeated reads from memory, as zarr-python's does", async () => {
  const inner = new CountingStore();
  const z = await zeros([100, 100], { chunks: [10, 10], dtype: "<i4", store: inner });
  await z.set(null, ndarray(new Int32Array(10000).map((_, i) => i), [100, 100]));
  const cache = new LRUStoreCache(inner, 2 ** 28);
  const before = inner.gets;
  const root = await openArray(cache, { mode: "r" });
  const first = await root.get();
  const readsAfterFirst = inner.gets;
  const second = await root.get();
  assert.deepEqual(Array.from(second.data as Int32Array), Array.from(first.data as Int32Array));
  assert.equal(inner.gets, readsAfterFirst, "second read never touches the inner store");
  assert.ok(cache.hits >= 100, `hits ${cache.hits}`);
  assert.equal(cache.misses, readsAfterFirst - before, "every inner read was a counted miss");
});

test("LRUStoreCache evicts the least recently used values to stay under maxSize, and writes through", async () => {
  const inner = new MemoryStore();
  const cache = new LRUStoreCache(inner, 10);
  for (const k of ["a", "b", "c"]) await inner.set(k, new Uint8Array(4));
  await cache.get("a");
  await cache.get("b");
  assert.equal(cache.currentSize, 8);
  await cache.get("a"); // a is now the most recent
  await cache.get("c"); // evicts b
  assert.equal(cache.currentSize, 8);
  const missesBefore = cache.misses;
  await cache.get("a");
  assert.equal(cache.misses, missesBefore, "a stayed cached");
  await cache.get("b");
  assert.equal(cache.misses, missesBefore + 1, "b was evicted");
  await cache.get("x".repeat(1)); // absent key: a miss, nothing cached
  await cache.set("big", new Uint8Array(11));
  assert.deepEqual(await inner.get("big"), new Uint8Array(11), "written through");
  assert.ok(cache.currentSize <= 10, "a value larger than maxSize is not cached");
  await cache.set("a", new Uint8Array([9, 9, 9, 9]));
  assert.deepEqual(await cache.get("a"), new Uint8Array([9, 9, 9, 9]), "no stale value after a write");
  await cache.delete("a");
  assert.equal(await cache.get("a"), undefined);
  assert.ok((await cache.list()).includes("big"));
});

test("groups open through an LRUStoreCache (the tutorial's remote-store pattern)", async () => {
  const inner = new MemoryStore();
  const g = await group(inner);
  const baz = await g.zeros("foo/bar/baz", { shape: [21], chunks: [7], dtype: "|S1" });
  await baz.set(null, ndarray(new TextEncoder().encode("Hello from the cloud!"), [21], { dtype: "|S1" }));
  const root = await group(new LRUStoreCache(inner, 2 ** 28));
  const z = (await root.get("foo/bar/baz")) as Awaited<ReturnType<typeof openArray>>;
  const bytes = (await z.get()).data as Uint8Array;
  assert.equal(new TextDecoder().decode(bytes), "Hello from the cloud!");
  assert.equal(String(await root.tree()), "/\n └── foo\n     └── bar\n         └── baz (21,) |S1");
});

test("LRUStoreCache.getRange serves a cached value without touching the inner store", async () => {
  const inner = new CountingStore();
  inner.set("k", Uint8Array.from({ length: 50 }, (_, i) => i));
  const cache = new LRUStoreCache(inner, null);
  await cache.get("k");
  const before = inner.gets;
  assert.deepEqual([...(await cache.getRange("k", { offset: 10, length: 3 }))!], [10, 11, 12]);
  assert.deepEqual([...(await cache.getRange("k", { suffixLength: 2 }))!], [48, 49]);
  assert.equal(inner.gets, before, "served from the cache");
  assert.equal(await cache.getRange("nope", { offset: 0, length: 1 }), undefined);
});

test("LRUStoreCache forwards dimensionSeparator and descriptor, never localFile", async () => {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { DirectoryStore } = await import("../../src/stores/directory.ts");
  const { capabilitiesOf } = await import("../../src/stores/store.ts");
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-lru-"));
  try {
    const inner = new DirectoryStore(dir, { dimensionSeparator: "/" });
    const cache = new LRUStoreCache(inner, 1000);
    const caps = capabilitiesOf(cache);
    assert.equal(caps.dimensionSeparator, "/");
    assert.equal(cache.dimensionSeparator, "/");
    assert.equal(caps.localFile, undefined, "a native backend must not bypass the cache");
    assert.deepEqual(caps.descriptor!(), { type: "LRUStoreCache", maxSize: 1000, store: { type: "DirectoryStore", path: dir, dimensionSeparator: "/" } });
    assert.equal(capabilitiesOf(new LRUStoreCache(new MemoryStore(), 1)).descriptor, undefined, "no descriptor when the inner store has none");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("LRUStoreCache never caches a value fetched before an overlapping write or delete", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  class SlowStore extends MemoryStore {
    slow = false;
    override get(key: string) {
      const v = super.get(key);
      return (this.slow ? gate.then(() => v) : v) as never;
    }
  }
  const inner = new SlowStore();
  inner.set("k", Uint8Array.of(1));
  const cache = new LRUStoreCache(inner, null);
  inner.slow = true;
  const pending = cache.get("k"); // fetches the old value slowly
  await cache.set("k", Uint8Array.of(2));
  release();
  assert.deepEqual([...(await pending)!], [1], "the read that started first sees the old value");
  inner.slow = false;
  assert.deepEqual([...(await cache.get("k"))!], [2], "but the cache holds the new one");
  await assert.rejects(cache.get("../x"), /\.\.\/x/);
});
