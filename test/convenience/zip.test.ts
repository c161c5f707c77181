/**
 * ZipStore: reads zarr-python 2.13's store.zip exactly, and writes archives that Python's zipfile
 * (`testzip()`) and zarr.ZipStore read with identical values.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { ReadOnlyError, ZarrArray, ZarrGroup, ZipStore, arange, group, openArray, openGroup } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { FIXTURES, assertArrayMatches, fixturesPresent, manifest, skipReason } from "./fixtures.ts";

const skipFixtures = fixturesPresent ? false : `${FIXTURES} is missing`;

describe("ZipStore reads the 2.13 store.zip", { skip: skipFixtures }, () => {
  const store = fixturesPresent ? new ZipStore(join(FIXTURES, "store.zip"), { mode: "r" }) : null;
  for (const a of manifest.arrays.filter((x) => x.stores.includes("store.zip"))) {
    test(a.path, { skip: skipReason(a) ?? false }, async () => {
      const z = await openArray(store!, { mode: "r", path: a.path });
      await assertArrayMatches(z, a);
      assert.equal(await z.nchunksInitialized(), a.stored_chunk_keys.length, "chunks initialized");
    });
  }
  test("groups, storeType and read-only mode", async () => {
    const root = await openGroup(store!, { mode: "r" });
    for (const g of manifest.groups.filter((x) => x.stores.includes("store.zip"))) {
      const node = g.path ? await root.get(g.path) : root;
      assert.ok(node instanceof ZarrGroup);
      assert.deepEqual(await node.attrs.asObject(), g.attrs);
    }
    assert.equal(store!.storeType, "zarr.storage.ZipStore");
    assert.match(String((await root.info()).toString()), /zarr\.storage\.ZipStore/);
    assert.throws(() => store!.set("x", new Uint8Array(1)), ReadOnlyError);
  });
});

describe("ZipStore writing", () => {
  test("the tutorial example: write, close, reopen read-only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-zip-"));
    try {
      const path = join(dir, "example.zip");
      let store = new ZipStore(path, { mode: "w" });
      const root = await group(store);
      const z = await root.zeros("foo/bar", { shape: [1000, 1000], chunks: [100, 100], dtype: "<i4" });
      await z.set(null, 42);
      store.close();
      store = new ZipStore(path, { mode: "r" });
      const back = (await (await openGroup(store, { mode: "r" })).get("foo/bar")) as ZarrArray;
      assert.ok(Array.from((await back.get()).data as Int32Array).every((v) => v === 42));
      store.close();
      await assert.rejects(store.get(".zgroup"), /closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("mode a appends; writing a key twice keeps one entry (last wins) with a warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-zip-"));
    const warnings: string[] = [];
    const onWarn = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarn);
    try {
      const path = join(dir, "a.zip");
      const s1 = new ZipStore(path, { mode: "w" });
      s1.set("k", new Uint8Array([1]));
      s1.set("k", new Uint8Array([2]));
      s1.close();
      const s2 = new ZipStore(path, { mode: "a" });
      assert.deepEqual(await s2.get("k"), new Uint8Array([2]));
      s2.set("j/x", new Uint8Array([3]));
      s2.close();
      const s3 = new ZipStore(path, { mode: "r" });
      assert.deepEqual(s3.list(), ["j/x", "k"]);
      assert.deepEqual(s3.listDir(), ["j", "k"]);
      assert.equal(s3.getSize(), 2);
      await new Promise((r) => setImmediate(r));
      assert.ok(warnings.some((m) => m.includes("Duplicate name")));
    } finally {
      process.off("warning", onWarn);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reads ZIP_DEFLATED entries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-zip-"));
    try {
      const path = join(dir, "d.zip");
      const payload = new TextEncoder().encode("x".repeat(1000));
      writeFileSync(path, zipSync({ "a/b": payload }, { level: 9 }));
      assert.deepEqual(await new ZipStore(path, { mode: "r" }).get("a/b"), payload);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an archive written by zarrflow passes zipfile.testzip() and reads identically in zarr.ZipStore", { skip: skipWithoutZarrPython }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-zip-"));
    try {
      for (const compression of ["stored", "deflated"] as const) {
        const path = join(dir, `${compression}.zip`);
        const store = new ZipStore(path, { mode: "w", compression });
        const root = await group(store);
        await root.attrs.set("title", "zip");
        await root.createDataset("foo/bar/baz", { data: arange(100), chunks: [50] });
        const f = await root.zeros("f", { shape: [7, 5], chunks: [3, 2], dtype: ">f8", compressor: null });
        await f.set(null, arange(35, undefined, 1, "<f8").reshape(7, 5));
        store.close();
        const py = runPython<{ testzip: unknown; methods: number[]; baz: number[]; f: number[][]; title: string; names: string[] }>(String.raw`
import zipfile
zf = zipfile.ZipFile(inp['path'])
s = zarr.ZipStore(inp['path'], mode='r')
g = zarr.open_group(s, mode='r')
out = {'testzip': zf.testzip(), 'methods': sorted(set(i.compress_type for i in zf.infolist())), 'names': sorted(zf.namelist()),
       'baz': g['foo/bar/baz'][:].tolist(), 'f': g['f'][:].tolist(), 'title': g.attrs['title']}
s.close()`, { path });
        assert.equal(py.testzip, null);
        assert.deepEqual(py.methods, [compression === "stored" ? 0 : 8]);
        assert.deepEqual(py.names, new ZipStore(path, { mode: "r" }).list());
        assert.deepEqual(py.baz, [...Array(100).keys()]);
        assert.deepEqual(py.f, Array.from({ length: 7 }, (_, i) => Array.from({ length: 5 }, (_, j) => i * 5 + j)));
        assert.equal(py.title, "zip");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
