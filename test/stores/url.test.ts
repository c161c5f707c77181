/**
 * URL opening: paths, file:// URLs, `.n5` and `.zip` paths, `zip::`, `simplecache::` chains, and
 * unknown schemes refused without touching the disk.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { open, openArray, openGroup, storeFromUrl, DiskCacheStore, N5Store, ZipStore, DirectoryStore, ZarrError, arange, type ZarrArray } from "../../src/internal.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const FIX = join(SHARED_FIXTURES, "zarr-python-2.13");

test("an unknown scheme is an error naming it, and nothing is created locally", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-url-"));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await assert.rejects(open("s3x://bucket/x", { mode: "a" }), (e: Error) => e instanceof ZarrError && /unknown URL scheme 's3x'/.test(e.message));
    assert.throws(() => storeFromUrl("bogus::file:///tmp/x"), (e: Error) => e instanceof ZarrError && /unknown chained protocol 'bogus'/.test(e.message));
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("paths and file:// URLs: directories, .n5 (N5Store, as zarr-python) and .zip (ZipStore)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-url-"));
  try {
    assert.ok(storeFromUrl(join(dir, "a.zarr")) instanceof DirectoryStore);
    assert.ok(storeFromUrl(pathToFileURL(join(dir, "b.zarr")).href) instanceof DirectoryStore);
    assert.ok(storeFromUrl(join(dir, "c.n5")) instanceof N5Store);
    assert.ok(storeFromUrl(join(dir, "d.zip"), { mode: "w" }) instanceof ZipStore);
    // open() of a .n5 path writes N5, not a zarr group.
    const z = (await open(join(dir, "example.n5"), { mode: "w", shape: [4, 6], chunks: [2, 3], dtype: "<i4" })) as ZarrArray;
    await z.set(null, arange(24, undefined, 1, "<i4").reshape(4, 6));
    assert.ok(existsSync(join(dir, "example.n5", "attributes.json")));
    assert.ok(!existsSync(join(dir, "example.n5", ".zarray")));
    assert.ok(existsSync(join(dir, "example.n5", "1", "1")), "chunk (1, 1) stored at the reversed path 1/1");
    const back = await openArray(pathToFileURL(join(dir, "example.n5")).href, { mode: "r" });
    assert.equal(await back.get([3, 5]), 23);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("zip:: and simplecache:: chains", { skip: existsSync(FIX) ? false : `${FIX} is missing` }, async () => {
  const zipped = await openGroup("zip::" + join(FIX, "store.zip"), { mode: "r" });
  const viaDir = await openGroup(join(FIX, "store.zarr"), { mode: "r" });
  assert.deepEqual(await zipped.attrs.asObject(), await viaDir.attrs.asObject());

  const cacheDir = mkdtempSync(join(tmpdir(), "zf-cache-"));
  try {
    const store = storeFromUrl("simplecache::" + pathToFileURL(join(FIX, "store.zarr")).href, { storageOptions: { simplecache: { cache_storage: cacheDir } } });
    assert.ok(store instanceof DiskCacheStore);
    const a1 = await openArray(store, { mode: "r", path: "dtypes/int32" });
    const first = String(await a1.get());
    const misses = store.misses;
    assert.ok(misses > 0);
    const a2 = await openArray(store, { mode: "r", path: "dtypes/int32" });
    assert.equal(String(await a2.get()), first);
    assert.equal(store.misses, misses, "the second read is served from the disk cache");
    assert.ok(store.hits > 0);
    assert.ok(existsSync(join(cacheDir, "dtypes", "int32", ".zarray")));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
