/**
 * Chunk storage behaviour: write_empty_chunks=False, missing chunks reading the fill value,
 * shrinking then growing, and reads into a caller's array (`out`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { array, DirectoryStore, empty, emptyNDArray, full, MemoryStore, NDArray, openArray, ShapeError, zeros, ZarrArray } from "../../src/internal.ts";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefArray, rng } from "./reference.ts";

const chunkKeys = (s: MemoryStore) => s.list().filter((k) => !k.endsWith(".zarray") && !k.endsWith(".zattrs"));

test("writeEmptyChunks false: all-fill chunks are not stored, and become absent when overwritten with fill", async () => {
  const s = new MemoryStore();
  const z = await full([10, 10], 5, { chunks: [5, 5], dtype: "i4", store: s, writeEmptyChunks: false });
  await z.set(null, 5);
  assert.deepEqual(chunkKeys(s), [], "writing the fill value everywhere stores nothing");
  await z.set("0, 0", 1);
  await z.set("9, 9", 2);
  assert.deepEqual(chunkKeys(s), ["0.0", "1.1"]);
  assert.equal(await z.nchunksInitialized(), 2);
  await z.set("0, 0", 5);
  assert.deepEqual(chunkKeys(s), ["1.1"], "a chunk that became all fill is deleted");
  await z.set("5:, 5:", 5);
  assert.deepEqual(chunkKeys(s), []);
  assert.ok(((await z.get()).data as Int32Array).every((v) => v === 5));
  // The default (true) stores them, as zarr-python.
  const s2 = new MemoryStore();
  const w = await full([10, 10], 5, { chunks: [5, 5], dtype: "i4", store: s2 });
  await w.set(null, 5);
  assert.equal(chunkKeys(s2).length, 4);
  // A NaN fill value equals NaN here (zarr-python compares with equal_nan), and -0.0 equals 0.0.
  const s4 = new MemoryStore();
  const zz = await zeros([4], { chunks: [2], dtype: "f8", store: s4, writeEmptyChunks: false });
  await zz.set(null, -0);
  assert.deepEqual(chunkKeys(s4), []);
  const s3 = new MemoryStore();
  const f = await full([6], NaN, { chunks: [3], dtype: "f8", store: s3, writeEmptyChunks: false });
  await f.set(null, NaN);
  assert.deepEqual(chunkKeys(s3), []);
  await f.set("4", 1.5);
  assert.deepEqual(chunkKeys(s3), ["1"]);
  // Opened again with the option.
  const reopened = await openArray(s, { mode: "r+", writeEmptyChunks: false });
  await reopened.set("2:4, 2:4", 5);
  assert.deepEqual(chunkKeys(s), []);
});

test("missing chunks read as the fill value", async () => {
  for (const [fill, dtype, expect] of [[7, "i4", 7], [-1.5, "f8", -1.5], [NaN, "f4", NaN], [0, "u1", 0], [true, "bool", true], [null, "i2", 0]] as const) {
    const z = fill === null ? await empty([7, 5], { chunks: [3, 2], dtype }) : await full([7, 5], fill, { chunks: [3, 2], dtype });
    await z.set("0, 0", dtype === "bool" ? false : 1);
    const all = (await z.get()).toList();
    assert.equal(all[0], dtype === "bool" ? false : 1);
    for (const v of all.slice(1)) assert.ok(Object.is(v, expect), `fill ${fill} (${dtype}) reads ${String(v)}`);
    assert.ok(Object.is(await z.get("-1, -1"), expect));
    assert.equal(await z.nchunksInitialized(), 1);
  }
  // A chunk deleted behind the array's back reads as fill too.
  const s = new MemoryStore();
  const z = await full([4], 9, { chunks: [2], dtype: "i4", store: s });
  await z.set(null, [1, 2, 3, 4]);
  s.delete("1");
  assert.deepEqual((await z.get()).toList(), [1, 2, 9, 9]);
});

test("shrink then grow: the regrown region reads the fill value, not stale data", async () => {
  const s = new MemoryStore();
  const z = await full([10, 10], -1, { chunks: [4, 4], dtype: "i4", store: s });
  await z.set(null, 3);
  await z.resize(5, 6);
  assert.deepEqual(chunkKeys(s), ["0.0", "0.1", "1.0", "1.1"], "chunks wholly outside are deleted");
  await z.resize(10, 10);
  const ref = new RefArray([10, 10], -1);
  ref.set([{ start: 0, stop: 5, step: 1 }, { start: 0, stop: 6, step: 1 }], 3);
  assert.deepEqual((await z.get()).toList(), ref.get([]).values);
  // Same on disk, and through a fresh handle.
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-resize-"));
  try {
    const d = await zeros([9], { chunks: [4], dtype: "i4", store: new DirectoryStore(dir) });
    await d.set(null, 8);
    await d.resize(3);
    assert.deepEqual(readdirSync(dir).sort(), [".zarray", "0"]);
    await d.resize(9);
    const again = await openArray(new DirectoryStore(dir), { mode: "r" });
    assert.deepEqual((await again.get()).toList(), [8, 8, 8, 0, 0, 0, 0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("random resizes agree with a reference", async () => {
  const r = rng(77);
  for (let round = 0; round < 20; round++) {
    const shape = [r.int(1, 12), r.int(1, 12)];
    const chunks = [r.int(1, 5), r.int(1, 5)];
    const fill = r.pick([0, 4]);
    const z = await full(shape, fill, { chunks, dtype: "i4", writeEmptyChunks: r.chance(0.5) });
    let ref = new RefArray(shape, fill);
    for (let op = 0; op < 8; op++) {
      if (r.chance(0.5)) {
        const ns = [r.int(0, 14), r.int(0, 14)];
        await z.resize(ns);
        ref = ref.resized(ns, fill);
      } else {
        const v = r.int(-100, 100);
        const sel = ref.shape.map((n) => ({ start: r.int(0, n), stop: r.int(0, n), step: 1 }));
        await z.set(sel.map((s) => ({ start: s.start, stop: s.stop, step: 1 })) as never, v);
        ref.set(sel, v);
      }
      assert.deepEqual(z.shape, ref.shape);
      assert.deepEqual((await z.get()).toList(), ref.get([]).values, `round ${round} op ${op}`);
    }
  }
});

test("get(selection, { out }) reads into the caller's array", async () => {
  const z = await array(new NDArray(Int32Array.from({ length: 48 }, (_, i) => i), [6, 8], "i4"), { chunks: [4, 3] });
  const out = emptyNDArray([2, 3], "i4");
  const got = await z.get("1:3, 5:", { out });
  assert.equal(got, out, "the same array comes back");
  assert.deepEqual(out.toList(), [13, 14, 15, 21, 22, 23]);
  // Integer axes drop out of the expected shape; out is filled, not returned as a scalar.
  const row = emptyNDArray([8], "i4");
  await z.get([-1, null], { out: row });
  assert.deepEqual(row.toList(), [40, 41, 42, 43, 44, 45, 46, 47]);
  const one = emptyNDArray([], "i4");
  const r = await z.get("2, 2", { out: one });
  assert.equal(r, one);
  assert.equal(one.get(), 18);
  // A view into a bigger buffer, at an offset.
  const buf = new Int32Array(20).fill(-9);
  const view = new NDArray(buf, [2, 2], "i4", [2, 1], 10);
  await z.get("::-5, ::7", { out: view });
  assert.deepEqual([...buf.slice(8, 16)], [-9, -9, 40, 47, 0, 7, -9, -9]);
  // Missing chunks fill `out` with the fill value, overwriting what was there.
  const f = await full([4], 6, { chunks: [2], dtype: "i4" });
  const o = new NDArray(new Int32Array([1, 1, 1, 1]), [4], "i4");
  await f.get(null, { out: o });
  assert.deepEqual(o.toList(), [6, 6, 6, 6]);
  // Wrong shape or dtype is refused.
  await assert.rejects(z.get("1:3, 5:", { out: emptyNDArray([3, 2], "i4") }), ShapeError);
  await assert.rejects(z.get("1:3, 5:", { out: emptyNDArray([2, 3], "f8") }), /dtype/);
});

test("copying from another ZarrArray into a selection", async () => {
  const src = await array(new NDArray(Int32Array.from({ length: 20 }, (_, i) => i), [4, 5], "i4"), { chunks: [3, 2] });
  const dst = await zeros([10, 10], { chunks: [4, 4], dtype: "i4" });
  await dst.set("2:6, 3:8", src);
  assert.deepEqual((await dst.get("2:6, 3:8")).toList(), (await src.get()).toList());
  assert.equal(await dst.get("1, 3"), 0);
  await dst.set("9:5:-1, 0:5", src);
  assert.deepEqual((await dst.get("6:10, 0:5")).toList(), (await src.get("::-1")).toList());
  await assert.rejects(dst.set("0:3, 0:5", src), ShapeError);
  assert.ok(src instanceof ZarrArray);
});

test("uncompressed partial writes do not modify bytes the store handed out", async () => {
  const s = new MemoryStore();
  const z = await zeros([4], { chunks: [4], dtype: "i4", store: s, compressor: null });
  await z.set(null, 1);
  const before = s.get("0")!;
  const copy = before.slice();
  await z.set("1", 2);
  assert.deepEqual(before, copy, "the old value object is untouched");
  assert.deepEqual((await z.get()).toList(), [1, 2, 1, 1]);
});
