/**
 * Interop with real zarr-python (/usr/bin/python3 with zarr 2.x): the files it writes are the keys
 * our stores list and the bytes they return, and what our stores write it reads back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";

const PYTHON = "/usr/bin/python3";
const hasZarr = spawnSync(PYTHON, ["-c", "import zarr, numpy"], { stdio: "ignore" }).status === 0;
const skip = hasZarr ? false : "/usr/bin/python3 lacks zarr";

function python(script: string, ...args: string[]): string {
  return execFileSync(PYTHON, ["-c", script, ...args], { encoding: "utf8" });
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-interop-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const WRITE = String.raw`
import sys, json, zarr, numpy as np
from zarr.storage import listdir, getsize
root = sys.argv[1]
flat = zarr.DirectoryStore(root + '/flat.zarr')
g = zarr.group(store=flat, overwrite=True)
g.attrs['title'] = 'hello'
a = g.create_dataset('sub/arr', shape=(5, 6), chunks=(2, 4), dtype='<i4', compressor=None)
a[...] = np.arange(30, dtype='<i4').reshape(5, 6)
b = g.create_dataset('one', shape=(7,), chunks=(3,), dtype='<f8')
b[...] = np.arange(7)
nested = zarr.NestedDirectoryStore(root + '/nested.zarr')
z = zarr.open(nested, mode='w', shape=(4, 4), chunks=(2, 2), dtype='i4')
z[...] = np.arange(16).reshape(4, 4)
ng = zarr.open_group(zarr.NestedDirectoryStore(root + '/ngroup.zarr'), mode='w')
c = ng.create_dataset('x/cube', shape=(2, 2, 2), chunks=(1, 1, 2), dtype='u1', compressor=None)
c[...] = np.arange(8, dtype='u1').reshape(2, 2, 2)
ngs = ng.store
print(json.dumps({
  'flat_keys': sorted(flat.keys()),
  'nested_keys': sorted(nested.keys()),
  'ngroup_keys': sorted(ngs.keys()),
  'flat_listdir': {p: listdir(flat, p) for p in ['', 'sub', 'sub/arr', 'one', 'nope']},
  'nested_listdir': {p: listdir(nested, p) for p in ['', 'nope']},
  'ngroup_listdir': {p: listdir(ngs, p) for p in ['', 'x', 'x/cube']},
  'flat_getsize': {p: getsize(flat, p) for p in ['', 'sub', 'sub/arr', 'sub/arr/0.0', 'one', 'nope']},
  'nested_getsize': {p: getsize(nested, p) for p in ['', '0', '0/1']},
  'nbytes_stored': [a.nbytes_stored, b.nbytes_stored, z.nbytes_stored, c.nbytes_stored],
}))
`;

test("stores list and return exactly what zarr-python wrote", { skip }, async (t) => {
  const root = tempDir(t);
  const py = JSON.parse(python(WRITE, root));
  const cases: [DirectoryStore, string[], Record<string, string[]>][] = [
    [new DirectoryStore(join(root, "flat.zarr")), py.flat_keys, py.flat_listdir],
    [new NestedDirectoryStore(join(root, "nested.zarr")), py.nested_keys, py.nested_listdir],
    [new NestedDirectoryStore(join(root, "ngroup.zarr")), py.ngroup_keys, py.ngroup_listdir],
  ];
  for (const [store, keys, listdirs] of cases) {
    assert.ok(keys.length > 3);
    assert.deepEqual(await store.list(), keys, store.path);
    for (const key of keys) {
      const got = await store.get(key);
      assert.ok(got, key);
      assert.deepEqual(Buffer.from(got), readFileSync(join(store.path, key)), key);
      assert.equal(await store.has(key), true);
    }
    for (const [p, names] of Object.entries(listdirs)) assert.deepEqual(await store.listDir(p), names, `listdir ${p}`);
  }
  const flat = cases[0]![0];
  for (const [p, size] of Object.entries(py.flat_getsize as Record<string, number>)) {
    assert.equal(await flat.getSize(p), size, `getsize ${p}`);
  }
  const nested = cases[1]![0];
  for (const [p, size] of Object.entries(py.nested_getsize as Record<string, number>)) {
    assert.equal(await nested.getSize(p), size, `getsize ${p}`);
  }
  assert.deepEqual(
    [await flat.getSize("sub/arr"), await flat.getSize("one"), await nested.getSize(""), await cases[2]![0].getSize("x/cube")],
    py.nbytes_stored,
    "getSize of an array path equals zarr-python's nbytes_stored",
  );
  // Dotted chunk keys reach the nested files.
  assert.deepEqual(Buffer.from((await nested.get("1.0"))!), readFileSync(join(nested.path, "1/0")));
  assert.deepEqual(Buffer.from((await cases[2]![0].get("x/cube/1.0.0"))!), readFileSync(join(root, "ngroup.zarr/x/cube/1/0/0")));
});

const READ = String.raw`
import sys, json, zarr
flat = zarr.open(zarr.DirectoryStore(sys.argv[1]), mode='r')
nested = zarr.open(zarr.NestedDirectoryStore(sys.argv[2]), mode='r')
print(json.dumps({'flat': flat[...].tolist(), 'nested': nested[...].tolist(), 'attrs': flat.attrs.asdict()}))
`;

test("zarr-python reads what our stores wrote, including legacy nested metadata", { skip }, async (t) => {
  const root = tempDir(t);
  const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x));
  // No dimension_separator in .zarray: a legacy nested layout, found through the key translation.
  const meta = { zarr_format: 2, shape: [4, 4], chunks: [2, 2], dtype: "<i4", compressor: null, fill_value: 0, filters: null, order: "C" };
  const chunk = (base: number) => new Uint8Array(new Int32Array([base, base + 1, base + 2, base + 3]).buffer);
  const flat = new DirectoryStore(join(root, "flat.zarr"));
  const nested = new NestedDirectoryStore(join(root, "nested.zarr"));
  for (const s of [flat, nested]) {
    await s.set(".zarray", enc(meta));
    await s.set("0.0", chunk(0));
    await s.set("0.1", chunk(10));
    await s.set("1.1", chunk(30)); // chunk 1.0 missing: fill value
  }
  await flat.set(".zattrs", enc({ a: 1 }));
  const out = JSON.parse(python(READ, flat.path, nested.path));
  const expected = [
    [0, 1, 10, 11],
    [2, 3, 12, 13],
    [0, 0, 30, 31],
    [0, 0, 32, 33],
  ];
  assert.deepEqual(out.flat, expected);
  assert.deepEqual(out.nested, expected);
  assert.deepEqual(out.attrs, { a: 1 });
  assert.deepEqual(await nested.list(), [".zarray", "0/0", "0/1", "1/1"]);
});
