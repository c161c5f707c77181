/**
 * Tutorial: "Creating an array" and "Reading and writing data", at the tutorial's full size
 * (10000×10000 int32 in 1000×1000 chunks), with the info table checked against zarr-python.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, zeros, NDArray, ZarrArray } from "../../src/internal.ts";
import { assertInfoClose, runPython, skipNoPython } from "./helpers.ts";

const ROW = "array([   0,    1,    2, ..., 9997, 9998, 9999], dtype=int32)";
const WHOLE = [
  "array([[   0,    1,    2, ..., 9997, 9998, 9999],",
  "       [   1,   42,   42, ...,   42,   42,   42],",
  "       [   2,   42,   42, ...,   42,   42,   42],",
  "       ...,",
  "       [9997,   42,   42, ...,   42,   42,   42],",
  "       [9998,   42,   42, ...,   42,   42,   42],",
  "       [9999,   42,   42, ...,   42,   42,   42]], dtype=int32)",
].join("\n");

let z: ZarrArray;

test("creating an array: zeros((10000, 10000), chunks=(1000, 1000), dtype='i4')", async () => {
  z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "i4" });
  assert.equal(String(z), "<zarr.core.Array (10000, 10000) int32>");
  assert.deepEqual(z.shape, [10000, 10000]);
  assert.deepEqual(z.chunks, [1000, 1000]);
  assert.equal(z.nchunks, 100, "100 chunks in total");
  assert.equal(z.dtype, "<i4");
});

test("reading and writing data: z[:] = 42, z[0, :] = z[:, 0] = arange(10000)", async () => {
  await z.set(null, 42);
  await z.set("0, :", arange(10000, undefined, 1, "i4"));
  await z.set(":, 0", arange(10000, undefined, 1, "i4"));
  assert.equal(await z.get("0, 0"), 0);
  assert.equal(await z.get("-1, -1"), 42);
  assert.equal(await z.get([0, 0]), 0, "array form of the selection");
  assert.equal(await z.get([-1, -1]), 42);
  const row = await z.get("0, :");
  assert.ok(row instanceof NDArray);
  assert.deepEqual(row.shape, [10000]);
  assert.equal(String(row), ROW);
  assert.equal(String(await z.get(":, 0")), ROW);
  const all = await z.get();
  assert.deepEqual(all.shape, [10000, 10000]);
  assert.equal(String(all), WHOLE);
  assert.equal(String(await z.get(":")), WHOLE, "z[:]");
  assert.equal(await z.nchunksInitialized(), 100);
});

test("the info table of the tutorial's first array matches zarr-python's", { skip: skipNoPython }, async () => {
  const expected = runPython<string>(`
z = zarr.zeros((10000, 10000), chunks=(1000, 1000), dtype='i4')
z[:] = 42
z[0, :] = np.arange(10000)
z[:, 0] = np.arange(10000)
out = str(z.info)`);
  assertInfoClose(String(await z.info()), expected);
});
