/**
 * LMDBStore on a real LMDB environment (lmdb-js): the conformance suite, a hierarchy written and
 * read back through the public API, and interop both ways with zarr-python's LMDBStore
 * (python-lmdb). The interop tests need lmdb-js built on LMDB's data format 1
 * (`npm rebuild lmdb --build-from-source --use_data_v1=true`); with the default prebuilt binary
 * (data format 2) the store refuses to open, which is checked instead.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { LMDBFormatError, LMDBStore } from "../../src/stores/lmdb.ts";
import { runBackendConformance, skipUnlessInstalled, tempDir, tempLocation } from "./_harness.ts";
import { assertSummary, pythonSummary, pythonWrite, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { PYTHON, runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { hasPackage } from "../helpers/servers.ts";

const installed = hasPackage("lmdb");
const version = installed ? ((await import("lmdb" as string)) as { version?: { patch: number; versionString: string } }).version : undefined;
const format1 = !!version && version.patch < 90;
const skip = skipUnlessInstalled(["lmdb"]);
// With a data-format-2 build, run the suites on environments only zarrflow uses.
const allowDataFormat2 = !format1;
const skipInterop =
  skip ||
  skipWithoutZarrPython ||
  (format1 ? false : `lmdb-js is built on ${version?.versionString} (data format 2); rebuild with --use_data_v1=true for interop`) ||
  (spawnSync(PYTHON, ["-c", "import lmdb"], { stdio: "ignore" }).status === 0 ? false : "python3-lmdb is not installed");

runBackendConformance("LMDBStore", { location: tempLocation("lmdb", "c.mdb"), open: (path) => new LMDBStore(path, { allowDataFormat2 }) }, { skip });

test("LMDBStore: a hierarchy written with the public API reads back after reopening; the layout is a directory", { skip }, async (t) => {
  const { dir, cleanup } = tempDir("lmdb");
  t.after(cleanup);
  const path = join(dir, "group.mdb");
  const store = new LMDBStore(path, { allowDataFormat2 });
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  assert.deepEqual(await store.listDir("foo"), [".zattrs", ".zgroup", "bar", "deep", "u8"]);
  assert.equal(await store.getSize("foo/u8"), (await store.get("foo/u8/.zarray"))!.byteLength + 4 * 4, "metadata and four 2x2 u1 chunks");
  await store.close();
  await assert.rejects(store.get(".zgroup"), /closed/);
  assert.ok(existsSync(join(path, "data.mdb")), "data.mdb inside the directory, as python-lmdb");
  const again = new LMDBStore(path, { allowDataFormat2, readOnly: true });
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "reopened read-only");
});

test("LMDBStore: a data-format-2 lmdb-js is refused unless allowed", { skip: skip || (format1 ? "lmdb-js is built on data format 1" : false) }, async (t) => {
  const { dir, cleanup } = tempDir("lmdb");
  t.after(cleanup);
  const store = new LMDBStore(join(dir, "x.mdb"));
  await assert.rejects(store.get("a"), (e: unknown) => e instanceof LMDBFormatError && /use_data_v1/.test((e as Error).message));
  await store.close();
});

test("LMDBStore interop: zarr-python reads what zarrflow wrote, and the reverse", { skip: skipInterop }, async (t) => {
  const { dir, cleanup } = tempDir("lmdb");
  t.after(cleanup);
  const ours = join(dir, "ours.mdb");
  const store = new LMDBStore(ours);
  await writeHierarchy(store);
  await store.close();
  assertSummary(pythonSummary("zarr.LMDBStore(inp['path'])", { path: ours }), "zarr-python reading zarrflow's environment");

  const theirs = join(dir, "theirs.mdb");
  pythonWrite("zarr.LMDBStore(inp['path'])", { path: theirs });
  const back = new LMDBStore(theirs);
  t.after(() => back.close());
  assertSummary(await readHierarchy(back), "zarrflow reading zarr-python's environment");
  const pyKeys = runPython<string[]>("store = zarr.LMDBStore(inp['path'])\nout = sorted(store.keys())\nstore.close()", { path: theirs });
  assert.deepEqual(await back.list(), pyKeys);
});

test("LMDBStore: zarr-python writes while zarrflow holds the environment open", { skip: skipInterop }, async (t) => {
  const { dir, cleanup } = tempDir("lmdb");
  t.after(cleanup);
  const path = join(dir, "shared.mdb");
  const store = new LMDBStore(path);
  t.after(() => store.close());
  await store.set("from-js", new Uint8Array([1, 2, 3]));
  const got = runPython<number[]>(
    "store = zarr.LMDBStore(inp['path'])\nstore['from-py'] = bytes([9, 8])\nout = list(bytes(store['from-js']))\nstore.close()",
    { path },
  );
  assert.deepEqual(got, [1, 2, 3]);
  assert.deepEqual([...(await store.get("from-py"))!], [9, 8]);
});
