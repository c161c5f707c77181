/**
 * Consolidated metadata: `.zmetadata` written byte for byte as zarr-python 2.13, `openConsolidated`
 * reading the 2.13 fixture without touching `.zarray`/`.zgroup`, and metadata being read-only.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DirectoryStore, MemoryStore, ReadOnlyError, ZarrArray, ZarrGroup, consolidateMetadata, copyStore, group, openConsolidated, arange, type Store,
} from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { FIXTURES, assertArrayMatches, fixturesPresent, manifest, skipReason } from "./fixtures.ts";

const skipFixtures = fixturesPresent ? false : `${FIXTURES} is missing`;

/** A store that records which keys were read, to prove metadata comes from `.zmetadata`. */
function spy(inner: Store): { store: Store; reads: string[] } {
  const reads: string[] = [];
  const store: Store = {
    get: (k) => { reads.push(k); return inner.get(k); },
    set: (k, v) => inner.set(k, v),
    delete: (k) => inner.delete(k),
    has: async (k) => { reads.push(k); return (await inner.get(k)) !== undefined; },
    list: (p) => inner.list!(p),
    listDir: (p) => inner.listDir!(p),
    getSize: (p) => inner.getSize!(p),
  };
  return { store, reads };
}

describe("consolidateMetadata", () => {
  test("of a copy of store.zarr equals the fixture's consolidated.zarr/.zmetadata byte for byte", { skip: skipFixtures }, async () => {
    const mem = new MemoryStore();
    await copyStore(new DirectoryStore(join(FIXTURES, "store.zarr")), mem);
    const root = await consolidateMetadata(mem);
    assert.ok(root instanceof ZarrGroup);
    const want = readFileSync(join(FIXTURES, "consolidated.zarr", ".zmetadata"));
    assert.equal(Buffer.compare(Buffer.from(mem.get(".zmetadata")!), want), 0);
  });

  test("of a new hierarchy equals zarr-python's consolidate_metadata of the same store", { skip: skipWithoutZarrPython }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-consolidated-"));
    try {
      const store = new DirectoryStore(dir);
      const root = await group(store);
      await root.attrs.update({ title: "ünïcode", ratio: 0.5, big: 12345678901234567890n, f: 1.0 });
      await root.createDataset("foo/bar/baz", { data: arange(100), chunks: [50] });
      const spam = await root.createDataset("spam", { data: arange(100, 200), chunks: [30], fillValue: NaN, dtype: "<f8" });
      await spam.attrs.set("units", "m");
      await root.createDataset("x", { shape: [3, 4], chunks: [2, 2], dtype: "<f4", fillValue: 1.5, order: "F" });
      await consolidateMetadata(store);
      const ours = readFileSync(join(dir, ".zmetadata"));
      const theirs = runPython<string>(
        `s = zarr.DirectoryStore(inp['dir'])\nzarr.consolidate_metadata(s)\nout = open(os.path.join(inp['dir'], '.zmetadata')).read()`,
        { dir },
      );
      assert.equal(ours.toString("utf8"), theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("openConsolidated on the 2.13 fixture", { skip: skipFixtures }, () => {
  const { store, reads } = spy(new DirectoryStore(join(FIXTURES, "consolidated.zarr")));
  const arrays = manifest.arrays.filter((a) => a.stores.includes("consolidated.zarr"));
  let checked = 0;

  for (const a of arrays) {
    const reason = skipReason(a);
    test(a.path, { skip: reason ?? false }, async () => {
      const root = await openConsolidated(store, { mode: "r" });
      const z = await root.get(a.path);
      assert.ok(z instanceof ZarrArray);
      assert.equal(z.readOnly, true);
      await assertArrayMatches(z, a);
      checked++;
    });
  }

  test("groups have their attributes", async () => {
    const root = await openConsolidated(store, { mode: "r" });
    for (const g of manifest.groups.filter((x) => x.stores.includes("consolidated.zarr"))) {
      const node = g.path ? await root.get(g.path) : root;
      assert.ok(node instanceof ZarrGroup, g.path);
      assert.deepEqual(await node.attrs.asObject(), g.attrs, g.path);
    }
  });

  test("no .zarray, .zgroup or .zattrs was read from the store", () => {
    assert.ok(checked > 0);
    const meta = reads.filter((k) => /(^|\/)\.z(array|group|attrs)$/.test(k));
    assert.deepEqual(meta, []);
    assert.ok(reads.includes(".zmetadata"));
  });
});

describe("openConsolidated modes", () => {
  async function fresh(): Promise<MemoryStore> {
    const store = new MemoryStore();
    const root = await group(store);
    await root.createDataset("foo/bar/baz", { data: arange(100), chunks: [50] });
    await root.attrs.set("a", 1);
    await consolidateMetadata(store);
    return store;
  }

  test("r+: data writes work, metadata changes raise ReadOnlyError", async () => {
    const store = await fresh();
    const root = await openConsolidated(store, { mode: "r+" });
    const baz = (await root.get("foo/bar/baz")) as ZarrArray;
    await baz.set("0:3", [7, 8, 9]);
    const reread = (await (await group(store)).get("foo/bar/baz")) as ZarrArray;
    assert.deepEqual(Array.from((await reread.get("0:4")).data as BigInt64Array).map(Number), [7, 8, 9, 3]);
    await assert.rejects(root.createGroup("new"), ReadOnlyError);
    await assert.rejects(root.createDataset("new", { shape: [3], dtype: "<i4" }), ReadOnlyError);
    await assert.rejects(baz.resize(200), ReadOnlyError);
    await assert.rejects(root.attrs.set("b", 2), ReadOnlyError);
    await assert.rejects(baz.attrs.set("b", 2), ReadOnlyError);
    assert.equal(store.has("new/.zgroup"), false);
    assert.deepEqual(await root.attrs.asObject(), { a: 1 });
  });

  test("r: data writes raise ReadOnlyError; other modes are refused", async () => {
    const store = await fresh();
    const root = await openConsolidated(store, { mode: "r" });
    const baz = (await root.get("foo/bar/baz")) as ZarrArray;
    await assert.rejects(baz.set(null, 1), ReadOnlyError);
    await assert.rejects(openConsolidated(store, { mode: "w" as never }));
  });

  test("a fixture copy opened r+ takes data writes", { skip: skipFixtures }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-consolidated-"));
    try {
      cpSync(join(FIXTURES, "consolidated.zarr"), dir, { recursive: true });
      const root = await openConsolidated(new DirectoryStore(dir), { mode: "r+" });
      const a = manifest.arrays.find((x) => x.stores.includes("consolidated.zarr") && x.dtype === "<i4" && x.shape.length === 1 && !skipReason(x));
      if (!a) return;
      const z = (await root.get(a.path)) as ZarrArray;
      await z.set(null, 5);
      const back = (await (await group(new DirectoryStore(dir))).get(a.path)) as ZarrArray;
      assert.ok(Array.from((await back.get()).data as Int32Array).every((v) => v === 5));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
