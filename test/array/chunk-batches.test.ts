/**
 * Many tiny chunks of a DirectoryStore are read and written in batches (one native job for a few
 * hundred chunks). The batches must store the same bytes and read the same values as the
 * one-job-per-chunk path, zarr-python must read what they wrote, and a failing chunk of a batch must
 * be a typed error naming that chunk's key while the other chunks stay old or new.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Blosc, CodecError, create, DirectoryStore, hasNativeCodecs, ndarray, openArray, slice, StoreIOError, type Store } from "../../src/internal.ts";
import { setChunkBatching } from "../../src/codecs/pipeline-batch.ts";
import { nativeCodecs } from "../../src/codecs/native.ts";
import type { LocalFileCapability } from "../../src/stores/store.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

const skipNative = hasNativeCodecs() ? false : "native addon not loaded";
// Edge chunks on both axes: 21 x 16 chunks of 10 x 10, the last row and column partial.
const N = 203, M = 157;
const lz4 = () => new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE });
const value = (i: number, j: number) => Math.sin(i * 0.37 + j * 1.9) * 1000 + i;

function tempDir(t: { after(fn: () => void): void }, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `zf-batch-${tag}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write the test array with batching on or off; returns the data written. */
async function writeArray(dir: string, dtype: "<f8" | ">f8", order: "C" | "F", compressor: Blosc | null, batching: boolean): Promise<Float64Array> {
  const prev = setChunkBatching(batching);
  try {
    const z = await create({ shape: [N, M], chunks: [10, 10], dtype, order, compressor, store: new DirectoryStore(dir), overwrite: true });
    const data = new Float64Array(N * M).map((_, k) => value(Math.floor(k / M), k % M));
    await z.set(null, ndarray(data, [N, M], { dtype }));
    // A partial write across chunks (whole chunks batched, the edges one by one) and a broadcast scalar.
    await z.set([slice(15, 62), slice(5, 40)], -2.5);
    for (let i = 15; i < 62; i++) for (let j = 5; j < 40; j++) data[i * M + j] = -2.5;
    return data;
  } finally {
    setChunkBatching(prev);
  }
}

function chunkFiles(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).filter((f) => !f.startsWith(".")).map((f) => [f, readFileSync(join(dir, f))]));
}

for (const [dtype, order, comp] of [["<f8", "C", "blosc"], [">f8", "F", "blosc"], ["<f8", "C", "none"]] as const) {
  test(`many-chunk writes and reads in batches match the per-chunk path byte for byte (${dtype}, order ${order}, ${comp})`, { skip: skipNative }, async (t) => {
    const compressor = () => (comp === "blosc" ? lz4() : null);
    // The addon loaded must have the batch entry points, or "batched" would silently mean per chunk.
    assert.equal(typeof (nativeCodecs as unknown as Record<string, unknown>).decodeBatchAsync, "function");
    assert.equal(typeof (nativeCodecs as unknown as Record<string, unknown>).encodeBatchAsync, "function");
    const a = tempDir(t, "on"), b = tempDir(t, "off");
    const data = await writeArray(a, dtype, order, compressor(), true);
    await writeArray(b, dtype, order, compressor(), false);
    const fa = chunkFiles(a), fb = chunkFiles(b);
    assert.equal(fa.size, 21 * 16);
    assert.deepEqual([...fa.keys()].sort(), [...fb.keys()].sort());
    for (const [k, v] of fa) assert.ok(v.equals(fb.get(k)!), `chunk file ${k} differs between the batched and per-chunk writes`);
    for (const batching of [true, false]) {
      const prev = setChunkBatching(batching);
      try {
        const z = await openArray(new DirectoryStore(a), { mode: "r" });
        assert.deepEqual(Array.from((await z.get()).data as Float64Array), Array.from(data));
        assert.deepEqual(Array.from((await z.get("117, :")).data as Float64Array), Array.from({ length: M }, (_, j) => data[117 * M + j]));
        assert.deepEqual(Array.from((await z.get(":, 156")).data as Float64Array), Array.from({ length: N }, (_, i) => data[i * M + 156]));
        const strided = await z.get([slice(200, 3, -7), slice(1, 150, 13)]);
        const exp: number[] = [];
        for (let i = 200; i > 3; i -= 7) for (let j = 1; j < 150; j += 13) exp.push(data[i * M + j]);
        assert.deepEqual(Array.from(strided.data as Float64Array), exp);
      } finally {
        setChunkBatching(prev);
      }
    }
  });
}

test("zarr-python reads what a batched many-chunk write stored, and zarrflow's batched read what it stored", { skip: skipNative || skipWithoutZarrPython }, async (t) => {
  const dir = tempDir(t, "py");
  const data = await writeArray(dir, "<f8", "C", lz4(), true);
  const got = runPython<{ sum: number; row: number[]; corner: number }>(
    String.raw`
z = zarr.open(zarr.DirectoryStore(inp['dir']), mode='r')
a = z[...]
out = {'sum': float(a.sum()), 'row': a[117].tolist(), 'corner': float(a[202, 156])}
`,
    { dir },
  );
  const sum = data.reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(got.sum - sum) < 1e-6 * Math.abs(sum), `python sum ${got.sum} vs ${sum}`);
  assert.deepEqual(got.row, Array.from(data.subarray(117 * M, 118 * M)));
  assert.equal(got.corner, data[202 * M + 156]);
  // And the other way: zarr-python writes many tiny chunks, the batched read gets them back.
  const pyDir = join(dir, "from-python");
  runPython(
    String.raw`
z = zarr.open(zarr.DirectoryStore(inp['dir']), mode='w', shape=(95, 64), chunks=(7, 5), dtype='<i8', compressor=numcodecs.Blosc('zstd', 3, numcodecs.Blosc.BITSHUFFLE))
z[...] = np.arange(95 * 64).reshape(95, 64) * 3 - 11
z[10:20, 0:5] = 0  # stays stored; a never-written chunk reads the fill value below
`,
    { dir: pyDir },
  );
  rmSync(join(pyDir, "13.12"));
  const z = await openArray(new DirectoryStore(pyDir), { mode: "r" });
  const all = (await z.get()).data as BigInt64Array;
  for (let i = 0; i < 95; i++) {
    for (let j = 0; j < 64; j++) {
      const expected = i >= 91 && j >= 60 ? 0n : i >= 10 && i < 20 && j < 5 ? 0n : BigInt(i * 64 + j) * 3n - 11n;
      assert.equal(all[i * 64 + j], expected, `[${i}, ${j}]`);
    }
  }
});

test("a corrupt or non-regular chunk file in a batched read is a typed error naming that chunk's key", { skip: skipNative }, async (t) => {
  const dir = tempDir(t, "bad");
  await writeArray(dir, "<f8", "C", lz4(), true);
  writeFileSync(join(dir, "13.7"), Buffer.from("definitely not a blosc container"));
  const z = await openArray(new DirectoryStore(dir), { mode: "r" });
  await assert.rejects(z.get(), (e: Error) => e instanceof CodecError && /chunk '13\.7'/.test(e.message));
  await assert.rejects(z.get("131, :"), (e: Error) => e instanceof CodecError && /'13\.7'/.test(e.message));
  // Chunks of the batch other than the bad one still read.
  assert.equal((await z.get("5, :")).shape[0], M);
  // A FIFO where a chunk file should be is refused without being opened for reading.
  rmSync(join(dir, "4.9"));
  execFileSync("mkfifo", [join(dir, "4.9")]);
  await assert.rejects(z.get(":, 95"), (e: Error) => e instanceof StoreIOError && /'4\.9'/.test(e.message) && (e as StoreIOError).code === "ERR_NOT_REGULAR_FILE");
});

test("a failed chunk write in a batch is a StoreIOError naming the key; every chunk is old or new", { skip: skipNative }, async (t) => {
  const dir = tempDir(t, "wfail");
  const inner = new DirectoryStore(dir);
  const cap = inner.capabilities!.localFile!;
  // A store whose temporary file for one chunk cannot be created (its directory is a regular file).
  writeFileSync(join(dir, "blocker"), "");
  let broken = false;
  const prepare = async (key: string) => {
    const target = await cap.prepareWrite(key);
    return broken && key === "9.3" ? { file: target.file, temp: join(dir, "blocker", "x.partial") } : target;
  };
  const localFile: LocalFileCapability = { readPath: cap.readPath, prepareWrite: prepare, prepareWrites: (keys) => Promise.all(keys.map(prepare)) };
  const store: Store = { capabilities: { localFile }, get: (k, o) => inner.get(k, o), set: (k, v, o) => inner.set(k, v, o), delete: (k, o) => inner.delete(k, o), list: (p) => inner.list(p) };
  const z = await create({ shape: [200, 150], chunks: [10, 10], dtype: "<f8", compressor: lz4(), store });
  await z.set(null, 1);
  const before = chunkFiles(dir);
  broken = true;
  await assert.rejects(z.set(null, 2), (e: Error) => e instanceof StoreIOError && /chunk '9\.3'/.test(e.message) && (e as StoreIOError).code === "ENOTDIR");
  // The failed chunk kept its old bytes; every chunk decodes whole to the old or the new value.
  assert.ok(chunkFiles(dir).get("9.3")!.equals(before.get("9.3")!));
  const back = await openArray(inner, { mode: "r" });
  for (let ci = 0; ci < 20; ci++) {
    for (let cj = 0; cj < 15; cj++) {
      const block = Array.from((await back.get([slice(ci * 10, ci * 10 + 10), slice(cj * 10, cj * 10 + 10)])).data as Float64Array);
      assert.ok(block.every((x) => x === block[0]) && (block[0] === 1 || block[0] === 2), `chunk ${ci}.${cj} is neither old nor new`);
    }
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".partial")), [], "no temporary files left behind");
});

test("a directory standing where a chunk file goes is replaced by the store's own write", { skip: skipNative }, async (t) => {
  const dir = tempDir(t, "dir");
  const z = await create({ shape: [100, 100], chunks: [10, 10], dtype: "<f8", compressor: lz4(), store: new DirectoryStore(dir) });
  mkdirSync(join(dir, "3.4", "inner"), { recursive: true });
  await z.set(null, 7);
  assert.deepEqual(Array.from((await z.get("30:40, 40:50")).data as Float64Array), new Array(100).fill(7));
  assert.equal(await z.nchunksInitialized(), 100);
});
