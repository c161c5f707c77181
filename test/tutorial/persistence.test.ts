/**
 * Tutorial: "Persistent arrays" (open on a directory, save/load) and "Resizing and appending".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { arange, array, load, NDArray, open, save, zeros, ZarrArray, ZarrGroup } from "../../src/internal.ts";
import { assertInfoClose, runPython, skipNoPython, tempDir } from "./helpers.ts";

/** True when two NDArrays hold the same shape and elements (numpy's `np.all(a == b)`). */
function allEqual(a: NDArray, b: NDArray): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((n, i) => n !== b.shape[i])) return false;
  const x = a.toContiguous().data as Int32Array, y = b.toContiguous().data as Int32Array;
  for (let i = 0; i < a.size; i++) if (x[i] !== y[i]) return false;
  return true;
}

test("persistent arrays: open('data/example.zarr', mode='w', ...) writes, mode='r' reads the same", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "data/example.zarr");
  const z1 = await open(path, { mode: "w", shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" });
  assert.ok(z1 instanceof ZarrArray);
  assert.equal(String(z1), "<zarr.core.Array (10000, 10000) int32>");
  assert.ok(existsSync(join(path, ".zarray")), "metadata is in data/example.zarr");
  await z1.set(null, 42);
  await z1.set("0, :", arange(10000, undefined, 1, "i4"));
  await z1.set(":, 0", arange(10000, undefined, 1, "i4"));
  assert.ok(existsSync(join(path, "9.9")), "chunk files are flushed without closing anything");

  const z2 = await open(path, { mode: "r" });
  assert.ok(z2 instanceof ZarrArray);
  assert.equal(z2.readOnly, true);
  assert.equal(allEqual(await z1.get(), await z2.get()), true, "np.all(z1[:] == z2[:])");
  assert.equal(await z2.get("0, 9999"), 9999);
  assert.equal(await z2.get("9999, 1"), 42);
  const meta = JSON.parse(readFileSync(join(path, ".zarray"), "utf8"));
  assert.deepEqual(meta.shape, [10000, 10000]);
  assert.equal(meta.dtype, "<i4");

  if (!skipNoPython) {
    // zarr-python opens the same directory and sees the same data and the same info table.
    const py = runPython<{ ok: boolean; info: string }>(`
z1 = zarr.open(${JSON.stringify(path)}, mode='r')
a = np.full((10000, 10000), 42, dtype='i4'); a[0, :] = np.arange(10000); a[:, 0] = np.arange(10000)
out = {'ok': bool(np.all(z1[:] == a)), 'info': str(z1.info)}`);
    assert.equal(py.ok, true, "zarr-python reads what we wrote");
    assertInfoClose(String(await z2.info()), py.info);
  }
});

test("save and load: zarr.save('data/example.zarr', np.arange(10)); zarr.load(...)", async (t) => {
  const path = join(tempDir(t), "data/example.zarr");
  // Something already there is replaced, as in the tutorial (the directory held the 2-d array).
  await open(path, { mode: "w", shape: [100, 100], chunks: [10, 10], dtype: "i4" });
  await save(path, arange(10));
  const a = await load(path);
  assert.ok(a instanceof NDArray);
  assert.equal(String(a), "array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])");
  assert.equal(a.dtype, "<i8", "numpy's default integer");
  if (!skipNoPython) {
    assert.equal(runPython<string>(`out = repr(zarr.load(${JSON.stringify(path)}))`), "array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])");
  }
});

test("open with mode 'w' and no shape makes a group (data/group.zarr)", async (t) => {
  const path = join(tempDir(t), "data/group.zarr");
  const root = await open(path, { mode: "w" });
  assert.ok(root instanceof ZarrGroup);
  assert.equal(String(root), "<zarr.hierarchy.Group '/'>");
  const z = await root.zeros("foo/bar/baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "i4" });
  assert.equal(String(z), "<zarr.core.Array '/foo/bar/baz' (10000, 10000) int32>");
  assert.ok(existsSync(join(path, "foo/bar/baz/.zarray")), "sub-groups are sub-directories");
  assert.ok(existsSync(join(path, "foo/bar/.zgroup")));
});

test("resizing: zeros((10000, 10000), chunks=(1000, 1000)); z[:] = 42; z.resize(20000, 10000)", async () => {
  const z = await zeros([10000, 10000], { chunks: [1000, 1000] });
  await z.set(null, 42);
  await z.resize(20000, 10000);
  assert.deepEqual(z.shape, [20000, 10000]);
  assert.equal(await z.get("9999, 9999"), 42, "data are not rearranged");
  assert.equal(await z.get("10000, 0"), 0, "the new region reads the fill value");
  assert.equal(await z.nchunksInitialized(), 100);
  assert.equal(z.nchunks, 200);
  // Shrinking deletes chunks outside the new shape.
  await z.resize(5000, 10000);
  assert.deepEqual(z.shape, [5000, 10000]);
  assert.equal(await z.nchunksInitialized(), 50);
});

test("appending: z.append(a) → (20000, 1000); z.append(np.vstack([a, a]), axis=1) → (20000, 2000)", async () => {
  const a = arange(10000000, undefined, 1, "i4").reshape(10000, 1000);
  const z = await array(a, { chunks: [1000, 100] });
  assert.deepEqual(z.shape, [10000, 1000]);
  assert.equal(z.dtype, "<i4");
  assert.deepEqual(await z.append(a), [20000, 1000]);
  const vstack = new NDArray(new Int32Array(20000000), [20000, 1000], "i4");
  (vstack.data as Int32Array).set(a.data as Int32Array, 0);
  (vstack.data as Int32Array).set(a.data as Int32Array, 10000000);
  assert.deepEqual(await z.append(vstack, 1), [20000, 2000]);
  assert.deepEqual(z.shape, [20000, 2000]);
  // The appended data are where they belong.
  assert.equal(await z.get("10000, 0"), 0);
  assert.equal(await z.get("19999, 999"), 9999999);
  assert.equal(await z.get("0, 1000"), 0);
  assert.equal(await z.get("19999, 1999"), 9999999);
  assert.equal(await z.get("12345, 1678"), 2345 * 1000 + 678);
  assert.deepEqual((await z.get("-1, 995:1005")).toList(), [9999995, 9999996, 9999997, 9999998, 9999999, 9999000, 9999001, 9999002, 9999003, 9999004]);
});
