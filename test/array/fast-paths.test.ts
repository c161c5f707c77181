/**
 * The native fast paths (decode-and-scatter, blosc partial decode, gather-and-encode) must give the
 * same values as the plain path for every selection shape. Each case is checked against values
 * computed directly from the index.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { zeros, ndarray, slice, Blosc, Zstd } from "../../src/internal.ts";

const N = 300, M = 200;
const value = (i: number, j: number) => i * M + j;

for (const [name, compressor] of [["blosc lz4", new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE })], ["zstd", new Zstd({ level: 1 })], ["none", null]] as const) {
  for (const order of ["C", "F"] as const) {
    test(`reads and writes through the fast paths agree with the index (${name}, order ${order})`, async () => {
      const z = await zeros([N, M], { chunks: [64, 48], dtype: ">i4", compressor, order });
      const data = new Int32Array(N * M).map((_, k) => value(Math.floor(k / M), k % M));
      await z.set(null, ndarray(data, [N, M]));
      const all = await z.get();
      assert.deepEqual(Array.from(all.data as Int32Array), Array.from(data));
      const row = await z.get("150, :");
      assert.deepEqual(Array.from(row.data as Int32Array), Array.from({ length: M }, (_, j) => value(150, j)));
      const col = await z.get(":, 77");
      assert.deepEqual(Array.from(col.data as Int32Array), Array.from({ length: N }, (_, i) => value(i, 77)));
      assert.equal(await z.get("299, 199"), value(299, 199));
      const rev = await z.get([slice(290, 10, -37), slice(5, 199, 41)]);
      const exp: number[] = [];
      for (let i = 290; i > 10; i -= 37) for (let j = 5; j < 199; j += 41) exp.push(value(i, j));
      assert.deepEqual(Array.from(rev.data as Int32Array), exp);
      // Whole-chunk writes of a broadcast scalar go through gather-and-encode too.
      await z.set([slice(64, 128), null], -7);
      assert.deepEqual(Array.from((await z.get("100, 190:")).data as Int32Array), new Array(10).fill(-7));
      assert.equal(await z.get("128, 0"), value(128, 0));
    });
  }
}

test("chunks that land contiguously in the result (1-d, whole rows) decode straight into place", async () => {
  const n = 100_003; // an edge chunk too
  const z = await zeros([n], { chunks: [10_000], dtype: "<i4", compressor: new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE }) });
  const data = new Int32Array(n).map((_, i) => i * 7 - 3);
  await z.set(null, ndarray(data, [n]));
  assert.deepEqual(Array.from((await z.get()).data as Int32Array), Array.from(data));
  assert.deepEqual(Array.from((await z.get("25000:75000")).data as Int32Array), Array.from(data.subarray(25000, 75000)));
  const m = await zeros([40, 50], { chunks: [10, 50], dtype: "<f8", compressor: new Zstd({ level: 1 }) });
  const md = new Float64Array(2000).map((_, i) => i / 3);
  await m.set(null, ndarray(md, [40, 50]));
  assert.deepEqual(Array.from((await m.get()).data as Float64Array), Array.from(md));
  assert.deepEqual((await m.get("35:, 49")).toList(), [35, 36, 37, 38, 39].map((i) => md[i * 50 + 49]));
});
