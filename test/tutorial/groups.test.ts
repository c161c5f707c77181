/**
 * Tutorial: "Groups", "Array and group diagnostics" and "User attributes".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { group, ZarrArray, ZarrGroup, KeyError, ContainsArrayError } from "../../src/internal.ts";
import { assertInfoClose, runPython, skipNoPython } from "./helpers.ts";

test("groups: create_group, zeros, create_dataset, require_dataset, access by path, tree()", async () => {
  const root = await group();
  assert.equal(String(root), "<zarr.hierarchy.Group '/'>");
  const foo = await root.createGroup("foo");
  const bar = await foo.createGroup("bar");
  const z1 = await bar.zeros("baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" });
  assert.equal(String(z1), "<zarr.core.Array '/foo/bar/baz' (10000, 10000) int32>");
  const z = await bar.createDataset("quux", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" });
  assert.equal(String(z), "<zarr.core.Array '/foo/bar/quux' (10000, 10000) int32>");
  const again = await bar.requireDataset("quux", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" });
  assert.equal(String(again), "<zarr.core.Array '/foo/bar/quux' (10000, 10000) int32>");
  await assert.rejects(bar.createDataset("quux", { shape: 10 }), ContainsArrayError, "create_dataset does not overwrite");
  const made = await bar.requireDataset("spam", { shape: [10], dtype: "i4" });
  assert.equal(String(made), "<zarr.core.Array '/foo/bar/spam' (10,) int32>", "require_dataset creates when absent");
  await bar.delete("spam");

  const gfoo = await root.get("foo");
  assert.ok(gfoo instanceof ZarrGroup);
  assert.equal(String(gfoo), "<zarr.hierarchy.Group '/foo'>");
  assert.equal(String(await root.get("foo/bar")), "<zarr.hierarchy.Group '/foo/bar'>");
  const baz = await root.get("foo/bar/baz");
  assert.ok(baz instanceof ZarrArray);
  assert.equal(String(baz), "<zarr.core.Array '/foo/bar/baz' (10000, 10000) int32>");
  await assert.rejects(root.get("foo/nope"), KeyError);

  const tree = ["/", " └── foo", "     └── bar", "         ├── baz (10000, 10000) int32", "         └── quux (10000, 10000) int32"].join("\n");
  assert.equal(String(await root.tree()), tree);
  if (!skipNoPython) {
    const py = runPython<string>(`
root = zarr.group()
foo = root.create_group('foo')
bar = foo.create_group('bar')
bar.zeros('baz', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')
bar.create_dataset('quux', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')
out = str(root.tree())`);
    assert.equal(String(await root.tree()), py);
  }
});

test("array and group diagnostics: root.info, foo.info, bar.info, baz.info, tree()", async () => {
  const root = await group();
  const foo = await root.createGroup("foo");
  const bar = await foo.zeros("bar", { shape: 1000000, chunks: 100000, dtype: "i8" });
  await bar.set(null, 42);
  const baz = await foo.zeros("baz", { shape: [1000, 1000], chunks: [100, 100], dtype: "f4" });
  await baz.set(null, 4.2);

  assert.equal(String(await root.info()), [
    "Name        : /",
    "Type        : zarr.hierarchy.Group",
    "Read-only   : False",
    "Store type  : zarr.storage.MemoryStore",
    "No. members : 1",
    "No. arrays  : 0",
    "No. groups  : 1",
    "Groups      : foo",
    "",
  ].join("\n"));
  assert.equal(String(await foo.info()), [
    "Name        : /foo",
    "Type        : zarr.hierarchy.Group",
    "Read-only   : False",
    "Store type  : zarr.storage.MemoryStore",
    "No. members : 2",
    "No. arrays  : 2",
    "No. groups  : 0",
    "Arrays      : bar, baz",
    "",
  ].join("\n"));
  // The tutorial's tables (an older Blosc stored bar in 33240 bytes; within 5% of today's).
  assertInfoClose(String(await bar.info()), [
    "Name               : /foo/bar",
    "Type               : zarr.core.Array",
    "Data type          : int64",
    "Shape              : (1000000,)",
    "Chunk shape        : (100000,)",
    "Order              : C",
    "Read-only          : False",
    "Compressor         : Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)",
    "Store type         : zarr.storage.MemoryStore",
    "No. bytes          : 8000000 (7.6M)",
    "No. bytes stored   : 33240 (32.5K)",
    "Storage ratio      : 240.7",
    "Chunks initialized : 10/10",
  ].join("\n"));
  assertInfoClose(String(await baz.info()), [
    "Name               : /foo/baz",
    "Type               : zarr.core.Array",
    "Data type          : float32",
    "Shape              : (1000, 1000)",
    "Chunk shape        : (100, 100)",
    "Order              : C",
    "Read-only          : False",
    "Compressor         : Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)",
    "Store type         : zarr.storage.MemoryStore",
    "No. bytes          : 4000000 (3.8M)",
    "No. bytes stored   : 23943 (23.4K)",
    "Storage ratio      : 167.1",
    "Chunks initialized : 100/100",
  ].join("\n"));
  assert.equal(String(await root.tree()), ["/", " └── foo", "     ├── bar (1000000,) int64", "     └── baz (1000, 1000) float32"].join("\n"));

  if (!skipNoPython) {
    const py = runPython<string[]>(`
root = zarr.group()
foo = root.create_group('foo')
bar = foo.zeros('bar', shape=1000000, chunks=100000, dtype='i8')
bar[:] = 42
baz = foo.zeros('baz', shape=(1000, 1000), chunks=(100, 100), dtype='f4')
baz[:] = 4.2
out = [str(root.info), str(foo.info), str(bar.info), str(baz.info), str(root.tree())]`);
    assert.equal(String(await root.info()), py[0]);
    assert.equal(String(await foo.info()), py[1]);
    assertInfoClose(String(await bar.info()), py[2]);
    assertInfoClose(String(await baz.info()), py[3]);
    assert.equal(String(await root.tree()), py[4]);
  }
});

test("user attributes on a group and an array", async () => {
  const root = await group();
  await root.attrs.set("foo", "bar");
  const z = await root.zeros("zzz", { shape: [10000, 10000] });
  await z.attrs.set("baz", 42);
  await z.attrs.set("qux", [1, 4, 7, 12]);
  assert.deepEqual(await root.attrs.keys(), ["foo"], "sorted(root.attrs)");
  assert.equal(await root.attrs.has("foo"), true, "'foo' in root.attrs");
  assert.equal(await root.attrs.get("foo"), "bar");
  assert.deepEqual(await z.attrs.keys(), ["baz", "qux"]);
  assert.equal(await z.attrs.get("baz"), 42);
  assert.deepEqual(await z.attrs.get("qux"), [1, 4, 7, 12]);
  // Stored as JSON in .zattrs, as zarr-python writes it.
  const raw = new TextDecoder().decode(await root.store.get("zzz/.zattrs"));
  assert.equal(raw, '{\n    "baz": 42,\n    "qux": [\n        1,\n        4,\n        7,\n        12\n    ]\n}');
  // A fresh handle on the same store sees them.
  const z2 = (await root.get("zzz")) as ZarrArray;
  assert.deepEqual(await z2.attrs.asObject(), { baz: 42, qux: [1, 4, 7, 12] });
});
