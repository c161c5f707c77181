/**
 * SQLiteStore on a real SQLite database (better-sqlite3): the conformance suite, a hierarchy
 * written and read back through the public API, and interop both ways with zarr-python's
 * SQLiteStore on the same file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SQLiteStore } from "../../src/stores/sqlite.ts";
import { runBackendConformance, skipUnlessInstalled, tempDir, tempLocation } from "./_harness.ts";
import { assertSummary, pythonSummary, pythonWrite, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

const skip = skipUnlessInstalled(["better-sqlite3"]);

runBackendConformance("SQLiteStore", { location: tempLocation("sqlite", "c.sqldb"), open: (file) => new SQLiteStore(file) }, { skip });

test("SQLiteStore: a hierarchy written with the public API reads back, also after reopening", { skip }, async (t) => {
  const { dir, cleanup } = tempDir("sqlite");
  t.after(cleanup);
  const file = join(dir, "h.sqldb");
  const store = new SQLiteStore(file);
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  assert.ok((await store.getSize("")) > 0);
  assert.deepEqual(await store.listDir(""), [".zattrs", ".zgroup", "foo", "i2be", "nan"]);
  await store.close();
  await assert.rejects(store.get(".zgroup"), /closed/);
  const again = new SQLiteStore(file, { readOnly: true });
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "reopened read-only");
});

test("SQLiteStore: a custom table leaves zarr-python's table alone; bad table names are refused", { skip }, async (t) => {
  const { dir, cleanup } = tempDir("sqlite");
  t.after(cleanup);
  const file = join(dir, "t.sqldb");
  const a = new SQLiteStore(file, { table: "other" });
  await a.set("k", new Uint8Array([1]));
  await a.close();
  const b = new SQLiteStore(file);
  assert.equal(await b.get("k"), undefined);
  await b.close();
  assert.throws(() => new SQLiteStore(file, { table: "x; DROP TABLE zarr" }), /identifier/);
});

test("SQLiteStore interop: zarr-python reads what zarrflow wrote, and the reverse", { skip: skip || skipWithoutZarrPython }, async (t) => {
  const { dir, cleanup } = tempDir("sqlite");
  t.after(cleanup);
  const ours = join(dir, "ours.sqldb");
  const store = new SQLiteStore(ours);
  await writeHierarchy(store);
  await store.close();
  assertSummary(pythonSummary("zarr.SQLiteStore(inp['path'])", { path: ours }), "zarr-python reading zarrflow's file");

  const theirs = join(dir, "theirs.sqldb");
  pythonWrite("zarr.SQLiteStore(inp['path'])", { path: theirs });
  const back = new SQLiteStore(theirs);
  t.after(() => back.close());
  assertSummary(await readHierarchy(back), "zarrflow reading zarr-python's file");

  // Keys, listdir and getsize agree with zarr-python's on the same file.
  const py = runPython<{ keys: string[]; listdir: Record<string, string[]>; size: Record<string, number> }>(
    String.raw`
store = zarr.SQLiteStore(inp['path'])
out = {'keys': sorted(store.keys()),
       'listdir': {p: store.listdir(p) for p in ['', 'foo', 'foo/bar', 'nope']},
       'size': {p: store.getsize(p) for p in ['foo/bar', 'nan']}}
store.close()
`,
    { path: theirs },
  );
  assert.deepEqual(await back.list(), py.keys);
  for (const [p, names] of Object.entries(py.listdir)) assert.deepEqual(await back.listDir(p), names, `listdir ${p}`);
  // zarr-python's getsize counts only direct children; ours counts everything below (same here: flat arrays).
  for (const [p, n] of Object.entries(py.size)) assert.equal(await back.getSize(p), n, `getsize ${p}`);
});

test("SQLiteStore: zarr-python and zarrflow share one database file", { skip: skip || skipWithoutZarrPython }, async (t) => {
  const { dir, cleanup } = tempDir("sqlite");
  t.after(cleanup);
  const file = join(dir, "shared.sqldb");
  const store = new SQLiteStore(file);
  t.after(() => store.close());
  await store.set("from-js", new Uint8Array([1, 2, 3]));
  // With our connection open, python writes and reads the same file.
  const got = runPython<number[]>(
    String.raw`
store = zarr.SQLiteStore(inp['path'])
store['from-py'] = bytes([9, 8])
out = list(store['from-js'])
store.close()
`,
    { path: file },
  );
  assert.deepEqual(got, [1, 2, 3]);
  assert.deepEqual([...(await store.get("from-py"))!], [9, 8]);
});
