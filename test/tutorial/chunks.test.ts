/**
 * Tutorial: "Chunk optimizations" (chunk shapes with None/-1, True, False) and "Chunk memory
 * layout" (C vs F order info tables).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, array, zeros, ShapeError } from "../../src/internal.ts";
import { assertInfoClose, infoNumber, runPython, skipNoPython } from "./helpers.ts";

test("chunks with None or -1 span a whole axis", async () => {
  const z1 = await zeros([10000, 10000], { chunks: [100, null], dtype: "i4" });
  assert.deepEqual(z1.chunks, [100, 10000]);
  const z2 = await zeros([10000, 10000], { chunks: [null, 100], dtype: "i4" });
  assert.deepEqual(z2.chunks, [10000, 100]);
  assert.deepEqual((await zeros([10000, 10000], { chunks: [100, -1], dtype: "i4" })).chunks, [100, 10000]);
  assert.deepEqual((await zeros([10000, 10000], { chunks: [-1, 100], dtype: "i4" })).chunks, [10000, 100]);
  const z3 = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "i4" });
  assert.deepEqual(z3.chunks, [1000, 1000]);
  // One length for every axis, and trailing axes left out span the whole axis.
  assert.deepEqual((await zeros([10000, 10000], { chunks: 1000, dtype: "i4" })).chunks, [1000, 1000]);
  assert.deepEqual((await zeros([10000, 10000], { chunks: [100], dtype: "i4" })).chunks, [100, 10000]);
});

test("chunks=True guesses (625, 625); chunks=False is one chunk", async () => {
  const z4 = await zeros([10000, 10000], { chunks: true, dtype: "i4" });
  assert.deepEqual(z4.chunks, [625, 625]);
  const z5 = await zeros([10000, 10000], { chunks: false, dtype: "i4" });
  assert.deepEqual(z5.chunks, [10000, 10000]);
  assert.equal(z5.nchunks, 1);
  // Leaving chunks out guesses too.
  assert.deepEqual((await zeros([10000, 10000], { dtype: "i4" })).chunks, [625, 625]);
  if (!skipNoPython) {
    const shapes = [[10000, 10000], [100000000], [1000, 1000, 1000], [7, 3000001], [0, 10]];
    const types = [1, 4, 8];
    const py = runPython<number[][]>(`
out = [list(zarr.zeros(s, dtype='u%d' % t).chunks) for s in ${JSON.stringify(shapes)} for t in ${JSON.stringify(types)}]`);
    const ours: number[][] = [];
    for (const s of shapes) for (const t of types) ours.push((await zeros(s, { dtype: `u${t}` })).chunks);
    assert.deepEqual(ours, py, "guessed chunks match zarr-python's");
  }
});

test("bad chunks are refused with a ShapeError", async () => {
  await assert.rejects(zeros([100, 100], { chunks: [10, 10, 10] }), ShapeError);
  await assert.rejects(zeros([100, 100], { chunks: [0, 10] }), ShapeError);
  await assert.rejects(zeros([100, 100], { chunks: [-5, 10] }), ShapeError);
});

test("chunk memory layout: order='F' compresses the transposed arange better than 'C'", async () => {
  const a = arange(100000000, undefined, 1, "i4").reshape(10000, 10000).transpose();
  const c = await array(a, { chunks: [1000, 1000] });
  const cInfo = String(await c.info());
  const f = await array(a, { chunks: [1000, 1000], order: "F" });
  const fInfo = String(await f.info());
  assert.equal(c.order, "C");
  assert.equal(f.order, "F");
  assert.ok(cInfo.includes("Order              : C\n"));
  assert.ok(fInfo.includes("Order              : F\n"));
  assert.ok(infoNumber(fInfo, "No. bytes stored") < infoNumber(cInfo, "No. bytes stored"), "Fortran order gives the better ratio");
  // Same values either way.
  assert.equal(await c.get("3, 7"), 70003);
  assert.equal(await f.get("3, 7"), 70003);
  assert.deepEqual((await f.get("9999, 0:3")).toList(), [9999, 19999, 29999]);
  if (!skipNoPython) {
    const py = runPython<string[]>(`
a = np.arange(100000000, dtype='i4').reshape(10000, 10000).T
c = zarr.array(a, chunks=(1000, 1000))
f = zarr.array(a, chunks=(1000, 1000), order='F')
out = [str(c.info), str(f.info)]`);
    assertInfoClose(cInfo, py[0]);
    assertInfoClose(fInfo, py[1]);
  }
});
