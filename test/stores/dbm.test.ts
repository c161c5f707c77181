/**
 * DBMStore on a real LevelDB database (classic-level): the conformance suite, a hierarchy through
 * the public API, persistence across reopening, and LevelDB's single-writer lock. (zarr-python's
 * DBMStore uses Python's dbm, whose files are not LevelDB: no file interop to test.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DBMStore } from "../../src/stores/dbm.ts";
import { runBackendConformance, skipUnlessInstalled, tempDir, tempLocation } from "./_harness.ts";
import { assertSummary, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";

const skip = skipUnlessInstalled(["classic-level"]);

runBackendConformance("DBMStore", { location: tempLocation("dbm", "c.ldb"), open: (path) => new DBMStore(path) }, { skip });

test("DBMStore: a hierarchy through the public API reads back after reopening; one open handle at a time", { skip }, async (t) => {
  const { dir, cleanup } = tempDir("dbm");
  t.after(cleanup);
  const path = join(dir, "group.ldb");
  const store = new DBMStore(path);
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  assert.deepEqual(await store.listDir(""), [".zattrs", ".zgroup", "foo", "i2be", "nan"]);
  const second = new DBMStore(path);
  await assert.rejects(second.get(".zgroup"), /cannot open/);
  await second.close();
  await store.close();
  await assert.rejects(store.get(".zgroup"), /closed/);
  const again = new DBMStore(path, { mustExist: true });
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "reopened");
  const missing = new DBMStore(join(dir, "nope.ldb"), { mustExist: true });
  await assert.rejects(missing.get("x"), /cannot open/);
  await missing.close();
});

test("a missing optional SDK fails on first use with a MissingDependencyError naming the package", async () => {
  const { loadOptional, MissingDependencyError } = await import("../../src/stores/kv-common.ts");
  await assert.rejects(loadOptional("zarrflow-no-such-package", "SomeStore"), (e: unknown) => {
    assert.ok(e instanceof MissingDependencyError);
    assert.equal(e.packageName, "zarrflow-no-such-package");
    assert.match(e.message, /SomeStore needs the optional npm package "zarrflow-no-such-package"/);
    assert.match(e.message, /npm install zarrflow-no-such-package/);
    return true;
  });
});
