/**
 * Basic selections (integers, negative indices, slices with any step, ellipsis, empty selections)
 * read and written through zarr arrays of many shapes, chunkings and orders, checked element by
 * element against a plain reference array.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { array, ellipsis, NDArray, Slice, zeros, full, ZarrArray, type BasicSelection, type DimSelection } from "../../src/internal.ts";
import { RefArray, rng, selText, type RefDim, type RefSel } from "./reference.ts";

type Rand = ReturnType<typeof rng>;

/** The same selection in zarrflow's array form. */
function toZarr(sel: RefSel): (DimSelection | typeof ellipsis)[] {
  return sel.map((d) => (d === "..." ? ellipsis : d === null || typeof d === "number" ? d : new Slice(d.start, d.stop, d.step)));
}

/** The same selection as a numpy-style string. */
function toText(sel: RefSel): string {
  return selText(sel).slice(1, -1);
}

/** A random basic selection for `shape`. */
function randomSel(r: Rand, shape: readonly number[], allowInts = true): RefSel {
  const dims: RefDim[] = shape.map((n) => {
    const k = r.int(0, 9);
    if (k === 0) return null;
    if (k <= 2 && n > 0 && allowInts) return r.int(-n, n - 1);
    const bound = () => (r.chance(0.25) ? null : r.int(-n - 2, n + 2));
    const step = r.pick([null, 1, 1, 2, 3, 5, -1, -1, -2, -3]);
    return { start: bound(), stop: bound(), step };
  });
  // Sometimes leave trailing axes out, or fold some into an ellipsis.
  if (dims.length && r.chance(0.15)) return dims.slice(0, r.int(0, dims.length - 1));
  if (r.chance(0.2)) {
    const at = r.int(0, dims.length);
    const len = r.int(0, dims.length - at);
    return [...dims.slice(0, at), "...", ...dims.slice(at + len)];
  }
  return dims;
}

function randomValue(r: Rand, dtype: string): number {
  if (dtype === "<f8") return r.int(-5000, 5000) / 4;
  if (dtype === "|u1") return r.int(0, 255);
  if (dtype === "<i2") return r.int(-30000, 30000);
  return r.int(-1e6, 1e6);
}

const CTORS: Record<string, { new (n: number): Int32Array | Float64Array | Uint8Array | Int16Array }> = {
  "<i4": Int32Array, "<f8": Float64Array, "|u1": Uint8Array, "<i2": Int16Array,
};

/** Compare a zarr read with the reference. */
function check(got: unknown, exp: { shape: number[]; values: number[] }, scalar: boolean, what: string): void {
  if (scalar) {
    assert.ok(!(got instanceof NDArray), `${what}: expected a scalar`);
    assert.equal(got, exp.values[0], what);
    return;
  }
  assert.ok(got instanceof NDArray, `${what}: expected an NDArray`);
  assert.deepEqual(got.shape, exp.shape, `${what}: shape`);
  assert.deepEqual(got.toList(), exp.values, `${what}: values`);
}

test("random reads and writes of basic selections agree with a plain reference", async () => {
  const r = rng(Number(process.env.ZARRFLOW_TEST_SEED ?? 20240611));
  for (let round = 0; round < 60; round++) {
    const ndim = r.int(1, 3);
    const shape = Array.from({ length: ndim }, () => (r.chance(0.07) ? 0 : r.int(1, ndim === 3 ? 7 : 13)));
    const chunks = shape.map((n) => r.int(1, Math.max(1, n + 2)));
    const order = r.pick(["C", "F"] as const);
    const dtype = r.pick(["<i4", "<f8", "|u1", "<i2"]);
    const fill = r.pick([0, 7, null]);
    const writeEmptyChunks = r.chance(0.5);
    const compressor = r.chance(0.5) ? null : undefined;
    const cfg = `round ${round}: shape (${shape}) chunks (${chunks}) ${order} ${dtype} fill ${fill} writeEmpty ${writeEmptyChunks} ${compressor === null ? "raw" : "blosc"}`;
    const z = await full(shape, fill, { chunks, order, dtype, writeEmptyChunks, compressor });
    const ref = new RefArray(shape, fill ?? 0);
    for (let op = 0; op < 25; op++) {
      const sel = randomSel(r, shape);
      const exp = ref.get(sel);
      const what = `${cfg}, op ${op} ${selText(sel)}`;
      const kind = r.int(0, 4);
      const zsel: BasicSelection = r.chance(0.3) ? toText(sel) : toZarr(sel);
      if (kind === 0) {
        const v = randomValue(r, dtype);
        await z.set(zsel, v);
        ref.set(sel, v);
      } else if (kind === 1 || kind === 2) {
        // A value of the selection's shape, or one that broadcasts (length-1 axes, fewer axes).
        let vshape = exp.shape.map((n) => (kind === 2 && r.chance(0.5) ? 1 : n));
        if (kind === 2 && vshape.length && r.chance(0.4)) vshape = vshape.slice(r.int(1, vshape.length));
        if (kind === 2 && r.chance(0.2)) vshape = [1, ...vshape];
        const size = vshape.reduce((a, b) => a * b, 1);
        const vals = Array.from({ length: size }, () => randomValue(r, dtype));
        const data = new CTORS[dtype](size);
        vals.forEach((x, i) => (data[i] = x));
        await z.set(zsel, new NDArray(data, vshape, dtype));
        // Broadcast for the reference.
        const vs = vshape.length > exp.shape.length ? vshape.slice(vshape.length - exp.shape.length) : vshape;
        const lead = exp.shape.length - vs.length;
        const n = exp.values.length;
        const flat: number[] = new Array(n);
        for (let k = 0; k < n; k++) {
          let rem = k, src = 0, mul = 1;
          for (let d = exp.shape.length - 1; d >= 0; d--) {
            const i = rem % exp.shape[d];
            rem = Math.floor(rem / exp.shape[d]);
            if (d >= lead) {
              const vd = vs[d - lead];
              src += (vd === 1 ? 0 : i) * mul;
              mul *= vd;
            }
          }
          flat[k] = vals[src];
        }
        ref.set(sel, flat);
      } else {
        const got = await z.get(zsel);
        check(got, exp, exp.shape.length === 0, what);
      }
    }
    check(await z.get(), ref.get([]), false, `${cfg}: whole array at the end`);
    // And read back through a fresh handle on the same store (nothing cached in the object).
    const again = await ZarrArray.open(z.store);
    check(await again.get(), ref.get([]), false, `${cfg}: reopened`);
  }
});

test("negative indices and negative steps", async () => {
  const z = await array(Int32Array.from({ length: 23 }, (_, i) => i), { chunks: [5] });
  assert.equal(await z.get(-1), 22);
  assert.equal(await z.get(-23), 0);
  assert.deepEqual((await z.get("::-1")).toList(), Array.from({ length: 23 }, (_, i) => 22 - i));
  assert.deepEqual((await z.get("::-5")).toList(), [22, 17, 12, 7, 2]);
  assert.deepEqual((await z.get("-2:-9:-3")).toList(), [21, 18, 15]);
  assert.deepEqual((await z.get("17:3:-4")).toList(), [17, 13, 9, 5]);
  assert.deepEqual((await z.get("-3:")).toList(), [20, 21, 22]);
  assert.deepEqual((await z.get(":-20")).toList(), [0, 1, 2]);
  assert.deepEqual((await z.get([new Slice(100, -100, -7)])).toList(), [22, 15, 8, 1]);
  await z.set("::-2", -1);
  assert.deepEqual((await z.get("0:6")).toList(), [-1, 1, -1, 3, -1, 5]);
  await z.set("4::-1", [10, 11, 12, 13, 14]);
  assert.deepEqual((await z.get("0:6")).toList(), [14, 13, 12, 11, 10, 5]);
  const m = await array(new NDArray(Int32Array.from({ length: 30 }, (_, i) => i), [5, 6], "i4"), { chunks: [2, 4] });
  assert.equal(String(await m.get("::-2, -1::-5")), "array([[29, 24],\n       [17, 12],\n       [ 5,  0]], dtype=int32)");
  assert.equal(await m.get("-1, -1"), 29);
});

test("ellipsis selections", async () => {
  const z = await array(new NDArray(Int32Array.from({ length: 60 }, (_, i) => i), [3, 4, 5], "i4"), { chunks: [2, 3, 2] });
  assert.deepEqual((await z.get("...")).shape, [3, 4, 5]);
  assert.deepEqual((await z.get("..., 0")).toList(), [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
  assert.deepEqual((await z.get([1, ellipsis])).shape, [4, 5]);
  assert.deepEqual((await z.get([1, ellipsis, 2])).toList(), [22, 27, 32, 37]);
  assert.equal(await z.get([1, 2, 3, ellipsis]), 33, "an ellipsis standing for no axes");
  assert.equal(await z.get("2, ..., 1, 4"), 49);
  await z.set("..., -1", 0);
  assert.deepEqual((await z.get("0, 0")).toList(), [0, 1, 2, 3, 0]);
});

test("empty selections read as empty arrays and write nothing", async () => {
  const z = await zeros([10, 7], { chunks: [3, 3], dtype: "i4" });
  await z.set(null, 1);
  for (const s of ["5:5", "8:2", "::-1, 3:3", "20:", "-1:-5", "3:1:1"]) {
    const a = await z.get(s);
    assert.ok(a instanceof NDArray);
    assert.ok(a.size === 0, `${s} selects nothing`);
  }
  assert.deepEqual((await z.get("5:5")).shape, [0, 7]);
  assert.deepEqual((await z.get("2, 4:4")).shape, [0]);
  assert.equal(String(await z.get("5:5, 1:3")), "array([], shape=(0, 2), dtype=int32)");
  await z.set("4:4", 9);
  await z.set("4:4, :", new NDArray(new Int32Array(0), [0, 7], "i4"));
  assert.ok(((await z.get()).data as Int32Array).every((v) => v === 1));
  // Arrays with a zero-length axis.
  const e = await zeros([0, 5], { dtype: "i4" });
  assert.deepEqual((await e.get()).shape, [0, 5]);
  await e.set(null, 3);
  assert.equal(await e.nchunksInitialized(), 0);
  assert.equal(e.nchunks, 0);
});

test("0-d arrays: z[...] is a 0-d array, z[()] the value", async () => {
  const z = await zeros([], { dtype: "i4" });
  assert.deepEqual(z.shape, []);
  assert.deepEqual(z.chunks, []);
  assert.equal(String(z), "<zarr.core.Array () int32>");
  assert.equal(z.nchunks, 1);
  const a = await z.get();
  assert.ok(a instanceof NDArray);
  assert.deepEqual(a.shape, []);
  assert.equal(String(a), "array(0, dtype=int32)");
  await z.set(null, 5);
  assert.equal(String(await z.get("...")), "array(5, dtype=int32)");
  assert.equal(await z.get([]), 5, "z[()]");
  assert.equal(await z.get(""), 5);
  assert.deepEqual([...(z.store as unknown as { keys(): Iterable<string> }).keys()].sort(), [".zarray", "0"], "the single chunk's key is '0'");
  await z.set([], -3);
  assert.equal(await z.get([]), -3);
  const f = await full([], 2.5, { dtype: "f8" });
  assert.equal(await f.get([]), 2.5, "an unwritten 0-d array reads its fill value");
  const b = await array(new NDArray(new Float64Array([1.25]), [], "f8"));
  assert.equal(await b.get([]), 1.25);
});

test("edge chunks: shapes that chunks do not divide", async () => {
  const data = Int32Array.from({ length: 11 * 7 }, (_, i) => i);
  const z = await array(new NDArray(data, [11, 7], "i4"), { chunks: [4, 3] });
  assert.deepEqual(z.cdataShape, [3, 3]);
  assert.deepEqual((await z.get("8:, 6")).toList(), [62, 69, 76]);
  assert.deepEqual((await z.get("-1, :")).toList(), [70, 71, 72, 73, 74, 75, 76]);
  await z.set("10, 6", -1);
  assert.equal(await z.get("-1, -1"), -1);
  // Edge chunks are stored whole (padded), as zarr-python stores them.
  const raw = await zeros([5], { chunks: [4], dtype: "i4", compressor: null });
  await raw.set(null, 3);
  const store = raw.store as unknown as { get(k: string): Uint8Array };
  assert.equal(store.get("1").byteLength, 16);
  assert.deepEqual([...new Int32Array(store.get("1").slice().buffer)], [3, 0, 0, 0], "the padding holds the fill value");
  // Chunks bigger than the array.
  const big = await array(Int32Array.from([1, 2, 3]), { chunks: [100] });
  assert.deepEqual((await big.get("::-1")).toList(), [3, 2, 1]);
});

test("F order: chunk bytes are column-major, reads and writes are the same as C", async () => {
  const vals = Int32Array.from({ length: 6 }, (_, i) => i);
  const c = await array(new NDArray(vals, [2, 3], "i4"), { chunks: [2, 3], compressor: null });
  const f = await array(new NDArray(vals, [2, 3], "i4"), { chunks: [2, 3], compressor: null, order: "F" });
  const bytesOf = (z: typeof c) => [...new Int32Array((z.store as unknown as { get(k: string): Uint8Array }).get("0.0").slice().buffer)];
  assert.deepEqual(bytesOf(c), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(bytesOf(f), [0, 3, 1, 4, 2, 5]);
  assert.equal(String(await f.get()), String(await c.get()));
  assert.deepEqual((await f.get(":, 1")).toList(), [1, 4]);
  await f.set("1, ::-1", [7, 8, 9]);
  assert.deepEqual((await f.get()).toList(), [0, 1, 2, 9, 8, 7]);
  assert.deepEqual(bytesOf(f), [0, 9, 1, 8, 2, 7]);
});

test("values broadcast like numpy; incompatible shapes are refused", async () => {
  const z = await zeros([4, 3], { chunks: [3, 2], dtype: "i4" });
  await z.set(null, [1, 2, 3]);
  assert.deepEqual((await z.get()).toList(), [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  await z.set(null, [[10], [20], [30], [40]]);
  assert.deepEqual((await z.get(":, 0")).toList(), [10, 20, 30, 40]);
  assert.deepEqual((await z.get("3")).toList(), [40, 40, 40]);
  await z.set("1:3, 1:", [[5, 6]]);
  assert.deepEqual((await z.get("1:3")).toList(), [20, 5, 6, 30, 5, 6]);
  await z.set("0", [[[7, 8, 9]]]);
  assert.deepEqual((await z.get("0")).toList(), [7, 8, 9], "leading length-1 axes of the value are dropped");
  await z.set("2, 1", [99]);
  assert.equal(await z.get("2, 1"), 99);
  await assert.rejects(z.set(null, [1, 2]), /broadcast/);
  await assert.rejects(z.set("0:2", [[1], [2], [3]]), /broadcast/);
});

test("reads convert nothing: f8, u1, i8 and bool round-trip exactly", async () => {
  const f = await array(new NDArray(new Float64Array([0.1, -0, NaN, Infinity, 1e-300]), [5], "f8"), { chunks: [2] });
  const got = (await f.get()).toList() as number[];
  assert.ok(Object.is(got[1], -0));
  assert.ok(Number.isNaN(got[2]));
  assert.deepEqual([got[0], got[3], got[4]], [0.1, Infinity, 1e-300]);
  const i8 = await zeros([3], { dtype: "i8", chunks: [2] });
  await i8.set(null, [2n ** 62n, -5n, 0n]);
  assert.deepEqual((await i8.get("::-1")).toList(), [0n, -5n, 2n ** 62n]);
  const b = await zeros([5], { dtype: "bool", chunks: [2] });
  await b.set("1::2", true);
  assert.deepEqual((await b.get()).toList(), [false, true, false, true, false]);
});
