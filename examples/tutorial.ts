/**
 * The opening sections of the zarr-python 2 tutorial, in zarrflow: creating an array, reading and
 * writing, persistence on a local DirectoryStore, save/load, resizing and appending, compressors
 * with the info table, and groups with tree(). Every step prints the tutorial's Python line
 * (after `>>>`) and what zarrflow answers, which is what zarr-python prints.
 *
 *   npx tsx examples/tutorial.ts [directory]
 *
 * Arrays on disk go to `<directory>/data/example.zarr` and `<directory>/data/group.zarr`. Without a
 * directory a fresh temporary one is used and removed at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { arange, array, Blosc, group, load, NDArray, open, save, zeros, ZarrArray, ZarrGroup } from "../src/index.ts";

const given = process.argv[2];
const base = given ? resolve(given) : mkdtempSync(join(tmpdir(), "zarrflow-tutorial-"));
const started = Date.now();

/** Print a tutorial line and, when there is one, zarrflow's answer. */
function show(python: string, answer?: unknown): void {
  console.log(`>>> ${python}`);
  if (answer !== undefined) console.log(String(answer));
}

try {
  console.log("# Creating an array");
  const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "i4" });
  show("z = zarr.zeros((10000, 10000), chunks=(1000, 1000), dtype='i4')");
  show("z", z);

  console.log("\n# Reading and writing data");
  await z.set(null, 42);
  show("z[:] = 42");
  await z.set("0, :", arange(10000, undefined, 1, "i4"));
  show("z[0, :] = np.arange(10000)");
  await z.set(":, 0", arange(10000, undefined, 1, "i4"));
  show("z[:, 0] = np.arange(10000)");
  show("z[0, 0]", await z.get("0, 0"));
  show("z[-1, -1]", await z.get("-1, -1"));
  show("z[0, :]", await z.get("0, :"));
  show("z[:, 0]", await z.get(":, 0"));
  show("z[:]", await z.get());

  console.log("\n# Persistent arrays");
  const examplePath = join(base, "data", "example.zarr");
  const z1 = (await open(examplePath, { mode: "w", shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" })) as ZarrArray;
  show(`z1 = zarr.open('data/example.zarr', mode='w', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')`);
  await z1.set(null, 42);
  await z1.set("0, :", arange(10000, undefined, 1, "i4"));
  await z1.set(":, 0", arange(10000, undefined, 1, "i4"));
  show("z1[:] = 42; z1[0, :] = np.arange(10000); z1[:, 0] = np.arange(10000)");
  const z2 = (await open(examplePath, { mode: "r" })) as ZarrArray;
  show("z2 = zarr.open('data/example.zarr', mode='r')");
  const a1 = (await z1.get()).data as Int32Array;
  const a2 = (await z2.get()).data as Int32Array;
  show("np.all(z1[:] == z2[:])", a1.length === a2.length && a1.every((v, i) => v === a2[i]) ? "True" : "False");
  console.log(`(stored in ${examplePath})`);

  await save(examplePath, arange(10));
  show("zarr.save('data/example.zarr', np.arange(10))");
  show("zarr.load('data/example.zarr')", await load(examplePath));

  console.log("\n# Resizing and appending");
  const zr = await zeros([10000, 10000], { chunks: [1000, 1000] });
  await zr.set(null, 42);
  await zr.resize(20000, 10000);
  show("z = zarr.zeros(shape=(10000, 10000), chunks=(1000, 1000)); z[:] = 42; z.resize(20000, 10000)");
  show("z.shape", tuple(zr.shape));
  const a = arange(10000000, undefined, 1, "i4").reshape(10000, 1000);
  const za = await array(a, { chunks: [1000, 100] });
  show("a = np.arange(10000000, dtype='i4').reshape(10000, 1000); z = zarr.array(a, chunks=(1000, 100))");
  show("z.shape", tuple(za.shape));
  show("z.append(a)", tuple(await za.append(a)));
  const stacked = new NDArray(new Int32Array(20000000), [20000, 1000], "i4");
  (stacked.data as Int32Array).set(a.data as Int32Array, 0);
  (stacked.data as Int32Array).set(a.data as Int32Array, 10000000);
  show("z.append(np.vstack([a, a]), axis=1)", tuple(await za.append(stacked, 1)));
  show("z.shape", tuple(za.shape));

  console.log("\n# Compressors");
  const compressor = new Blosc({ cname: "zstd", clevel: 3, shuffle: Blosc.BITSHUFFLE });
  const data = arange(100000000, undefined, 1, "i4").reshape(10000, 10000);
  const zc = await array(data, { chunks: [1000, 1000], compressor });
  show("compressor = Blosc(cname='zstd', clevel=3, shuffle=Blosc.BITSHUFFLE)");
  show("z = zarr.array(np.arange(100000000, dtype='i4').reshape(10000, 10000), chunks=(1000, 1000), compressor=compressor)");
  show("z.compressor", zc.compressor);
  show("z.info", String(await zc.info()).trimEnd());

  console.log("\n# Groups");
  const root = await group();
  show("root = zarr.group()");
  show("root", root);
  const foo = await root.createGroup("foo");
  const bar = await foo.createGroup("bar");
  show("foo = root.create_group('foo'); bar = foo.create_group('bar')");
  show("z1 = bar.zeros('baz', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')");
  show("z1", await bar.zeros("baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" }));
  show("z = bar.create_dataset('quux', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')");
  show("z", await bar.createDataset("quux", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" }));
  show("root['foo']", await root.get("foo"));
  show("root['foo/bar']", await root.get("foo/bar"));
  show("root['foo/bar/baz']", await root.get("foo/bar/baz"));
  show("root.tree()", await root.tree());
  const groupPath = join(base, "data", "group.zarr");
  const disk = (await open(groupPath, { mode: "w" })) as ZarrGroup;
  show("root = zarr.open('data/group.zarr', mode='w')");
  show("root", disk);
  show("z = root.zeros('foo/bar/baz', shape=(10000, 10000), chunks=(1000, 1000), dtype='i4')");
  show("z", await disk.zeros("foo/bar/baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" }));
  show("root.tree()", await disk.tree());

  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} finally {
  if (!given) rmSync(base, { recursive: true, force: true });
}

/** A Python tuple's repr. */
function tuple(a: readonly number[]): string {
  return `(${a.join(", ")}${a.length === 1 ? "," : ""})`;
}
