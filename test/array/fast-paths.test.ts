/**
 * The native fast paths (decode-and-scatter, blosc partial decode, gather-and-encode) must give the
 * same values as the plain path for every selection shape. Each case is checked against values
 * computed directly from the index.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { nativeCodecs } from "../../src/codecs/native.ts";
import { astype, NDArray, full, zeros, ndarray, slice, Blosc, CodecError, DirectoryStore, Zstd } from "../../src/internal.ts";

const N = 300, M = 200;
const value = (i: number, j: number) => i * M + j;

for (const [name, compressor, onDisk] of [["blosc lz4", new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE }), false], ["zstd", new Zstd({ level: 1 }), false], ["none", null, false], ["none, DirectoryStore", null, true], ["blosc lz4, DirectoryStore", new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE }), true]] as const) {
  for (const [order, dtype] of [["C", ">i4"], ["F", ">i4"], ["C", "<i4"]] as const) {
    test(`reads and writes through the fast paths agree with the index (${name}, order ${order}, ${dtype})`, async (t) => {
      // On disk, uncompressed chunks are read by the pool thread straight from the file (only the bytes needed).
      const dir = onDisk ? mkdtempSync(join(tmpdir(), "zarrflow-fast-")) : null;
      if (dir) t.after(() => rmSync(dir, { recursive: true, force: true }));
      const z = await zeros([N, M], { chunks: [64, 48], dtype, compressor, order, ...(dir ? { store: new DirectoryStore(dir) } : {}) });
      const data = new Int32Array(N * M).map((_, k) => value(Math.floor(k / M), k % M));
      await z.set(null, ndarray(data, [N, M], { dtype }));
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

test("uncompressed chunk files: a missing chunk reads the fill value, a wrongly sized one is a CodecError naming the key", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-raw-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const z = await full([20, 20], 9, { chunks: [10, 10], dtype: "<i4", compressor: null, store: new DirectoryStore(dir) });
  await z.set("0:10, 0:10", 1);
  assert.deepEqual((await z.get("5, 8:12")).toList(), [1, 1, 9, 9]);
  assert.deepEqual((await z.get("8:12, 5")).toList(), [1, 1, 9, 9]);
  truncateSync(join(dir, "0.0"), 399);
  await assert.rejects(z.get("5, :"), (e: Error) => e instanceof CodecError && /'0\.0'/.test(e.message) && /399 bytes/.test(e.message));
  await assert.rejects(z.get(":, 5"), CodecError);
});

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

test("uncompressed chunk files: sparse selections (columns, steps, small boxes) read only their runs, with long gaps between stretches", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-sparse-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [A, B, C] = [40, 300, 300];
  const v = (i: number, j: number, k: number) => (i * 7 + j * 13 + k * 3) % 32749;
  for (const order of ["C", "F"] as const) {
    const z = await zeros([A, B, C], { chunks: [20, 300, 300], dtype: "<i2", compressor: null, order, store: new DirectoryStore(join(dir, order)) });
    const data = new Int16Array(A * B * C).map((_, x) => v(Math.floor(x / (B * C)), Math.floor(x / C) % B, x % C));
    await z.set(null, ndarray(data, [A, B, C], { dtype: "<i2" }));
    const cases: Array<[string, number[], number[], number[]]> = [
      // [selection, start, stop, step] per axis
      [":, 5, ::2", [0, 5, 0], [A, 6, C], [1, 1, 2]],
      ["::3, :, 7", [0, 0, 7], [A, B, 8], [3, 1, 1]],
      [":, 10:20, 100:110", [0, 10, 100], [A, 20, 110], [1, 1, 1]],
      ["17:23, 299, 1::97", [17, 299, 1], [23, 300, C], [1, 1, 97]],
    ];
    for (const [sel, lo, hi, st] of cases) {
      const exp: number[] = [];
      for (let i = lo[0]; i < hi[0]; i += st[0]) for (let j = lo[1]; j < hi[1]; j += st[1]) for (let k = lo[2]; k < hi[2]; k += st[2]) exp.push(v(i, j, k));
      const got = (await z.get(sel)) as NDArray;
      assert.deepEqual(Array.from(got.data as Int16Array), exp, `order ${order}, ${sel}`);
    }
  }
});

test("blosc chunks decode straight into the selection's runs: every shuffle, item size and leftover block agree with the index", async () => {
  const [R, C] = [60, 700];
  const val = (i: number, j: number) => (i * 31 + j * 7) % 251;
  const sels: Array<[string, (i: number, j: number) => boolean, number[]]> = [
    ["", () => true, [R, C]],
    [":, 123", (_i, j) => j === 123, [R]],
    ["5:25, 100:300", (i, j) => i >= 5 && i < 25 && j >= 100 && j < 300, [20, 200]],
    ["::7, 1::3", (i, j) => i % 7 === 0 && j % 3 === 1, [9, 233]],
    ["29:31, 349:352", (i, j) => i >= 29 && i < 31 && j >= 349 && j < 352, [2, 3]],
  ];
  for (const dtype of ["|u1", "<u2", "<i4", "<f8"] as const) {
    for (const shuffle of [Blosc.NOSHUFFLE, Blosc.SHUFFLE, Blosc.BITSHUFFLE]) {
      // A forced 4 KiB block size: many blocks per chunk, and a leftover block at the end.
      const z = await zeros([R, C], { chunks: [30, 350], dtype, compressor: new Blosc({ cname: "lz4", clevel: 5, shuffle, blocksize: 4096 }) });
      const data = new Float64Array(R * C).map((_, k) => val(Math.floor(k / C), k % C));
      await z.set(null, astype(ndarray(data, [R, C]), dtype));
      for (const [sel, keep, shape] of sels) {
        const got = (await z.get(sel || null)) as NDArray;
        const exp: number[] = [];
        for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) if (keep(i, j)) exp.push(val(i, j));
        assert.deepEqual(got.shape, shape, `${dtype} shuffle ${shuffle} [${sel}] shape`);
        assert.deepEqual(Array.from(got.data as ArrayLike<number>, Number), exp, `${dtype} shuffle ${shuffle} [${sel}]`);
      }
    }
  }
});

test("a large result (32 MiB and up) is an ordinary array: values, its own whole buffer, cloneable", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-large-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const n = 3000;
  const z = await zeros([n, n], { chunks: [1000, 1000], dtype: "<f8", compressor: null, store: new DirectoryStore(dir) });
  const data = new Float64Array(n * n).map((_, k) => k * 0.5);
  await z.set(null, ndarray(data, [n, n], { dtype: "<f8" }));
  const got = (await z.get()) as NDArray;
  const arr = got.data as Float64Array;
  assert.equal(arr.byteOffset, 0);
  assert.equal(arr.buffer.byteLength, n * n * 8, "the result owns exactly its buffer");
  for (const k of [0, 1, n, n * n - 1, 4_500_123]) assert.equal(arr[k], k * 0.5, `element ${k}`);
  assert.deepEqual(structuredClone(arr).subarray(0, 4), new Float64Array([0, 0.5, 1, 1.5]));
  const sub = (await z.get("1000:2500, 17:2999")) as NDArray;
  assert.equal((sub.data as Float64Array)[0], (1000 * n + 17) * 0.5);
});

test("a collected large result is kept for reuse only while no other result of its size is alive (memory does not double in a read loop)", async (t) => {
  const state = nativeCodecs?.alignedBuffers;
  const alloc = nativeCodecs?.allocAligned;
  if (!state || !alloc) return t.skip("no native addon: results are plain ArrayBuffers");
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const size = 48 * 1024 * 1024 + 4096 * 7; // a size no other test uses
  const count = () => state.call(nativeCodecs, size);
  /** Collects until `live` buffers of the size are left (finalizers run on later turns). */
  const collectUntil = async (live: number) => {
    for (let turn = 0; turn < 1000 && count()[0] > live; turn++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(count()[0], live);
  };
  let a: ArrayBuffer | undefined = alloc.call(nativeCodecs, size);
  let b: ArrayBuffer | undefined = alloc.call(nativeCodecs, size);
  assert.deepEqual(count(), [2, 0]);
  a = undefined;
  await collectUntil(1);
  // b is alive: the next read of this size will get b back when b dies; a is not kept beside it.
  assert.deepEqual(count(), [1, 0]);
  assert.ok(b!.byteLength === size);
  b = undefined;
  await collectUntil(0);
  assert.deepEqual(count(), [0, 1]);
  // The next one of this size takes it.
  let c: ArrayBuffer | undefined = alloc.call(nativeCodecs, size);
  assert.deepEqual(count(), [1, 0]);
  c = undefined;
  await collectUntil(0);
  void c;
});

test("a large result reuses a collected one's memory without showing its values: missing chunks still read as the fill value", async (t) => {
  const recycled = nativeCodecs?.recycledBytes;
  if (!recycled) return t.skip("no native addon: results are plain ArrayBuffers");
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-reuse-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The addon keeps a collected result buffer a moment for the next one of the same size
  // (native/src/populate.cc, Recycler): a result must be written whole, never trusted to be zero.
  v8.setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const n = 2500;
  const full1 = await zeros([n, n], { chunks: [500, 500], dtype: "<f8", compressor: null, store: new DirectoryStore(join(dir, "a")) });
  await full1.set(null, 7.5);
  const sparse = await zeros([n, n], { chunks: [500, 500], dtype: "<f8", compressor: null, store: new DirectoryStore(join(dir, "b")) });
  await sparse.set("0:500, 0:500", 1);
  for (let round = 0; round < 3; round++) {
    let first: NDArray | undefined = (await full1.get()) as NDArray;
    assert.equal((first.data as Float64Array)[n * n - 1], 7.5);
    first = undefined;
    // The buffer is handed back by a finalizer that runs after the collection, on a later turn.
    for (let turn = 0; turn < 1000 && recycled.call(nativeCodecs) < n * n * 8; turn++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(recycled.call(nativeCodecs) >= n * n * 8, "the collected result is kept for reuse");
    const got = (await sparse.get()) as NDArray;
    const arr = got.data as Float64Array;
    assert.equal(arr[0], 1);
    for (const k of [500, n * 500, n * n - 1, n * 1234 + 1777]) assert.equal(arr[k], 0, `round ${round}, element ${k}`);
    assert.equal(arr.filter((x) => x !== 0).length, 500 * 500);
  }
});
