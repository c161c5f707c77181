/**
 * Resume checks its source (issue 11): an interrupted rechunk is resumed only with the source its
 * `.zarrflow-incomplete` marker records. With the same source the resume finishes the job and
 * skips what was stored; with another one — other shape, dtype, chunks, codecs, store or path, or a
 * marker that records no source — it throws a RechunkSourceMismatchError naming the destination and
 * leaves every file of the destination as it was. Real directory stores in temp directories.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  create, ndarray, openArray, DirectoryStore, MemoryStore, rechunk, rechunkArray, rechunkStatus, readableFrom, RechunkSourceMismatchError,
  type ZarrArray, type Progress,
} from "../../src/internal.ts";
import { readable } from "../../streams/index.ts";
import { CountingStore, iota } from "./_util.ts";

const SHAPE = [40, 40];
const MAX_MEMORY = 2000; // (40, 1) → (1, 40) through an intermediate: 14 read and 14 write regions

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zarrflow-resume-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A source array holding 0, 1, 2, … (or `values`), chunked (40, 1) unless said otherwise. */
async function source(store: DirectoryStore | MemoryStore, path = "src", o: { shape?: number[]; chunks?: number[]; dtype?: string; compressor?: null } = {}): Promise<ZarrArray> {
  const shape = o.shape ?? SHAPE;
  const n = shape[0] * shape[1];
  const z = await create({ store, path, shape, chunks: o.chunks ?? [shape[0], 1], dtype: o.dtype ?? "<i4", ...(o.compressor === null ? { compressor: null } : {}) });
  await z.set(null, ndarray(o.dtype === "<f4" ? Float32Array.from(iota(n)) : iota(n), shape));
  return z;
}

function isAbort(e: unknown): boolean {
  return (e as Error)?.name === "AbortError";
}

/** Start rechunking `src` into `out` of `dstDir` and abort once 20 regions are done (mid write pass). */
async function interrupted(src: ZarrArray, dstDir: string): Promise<ZarrArray> {
  const ac = new AbortController();
  const onProgress = (p: Progress) => void (p.chunksDone === 20 && ac.abort());
  const target = { store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] };
  await assert.rejects(rechunkArray(src, target, { signal: ac.signal, maxMemory: MAX_MEMORY, onProgress }), isAbort);
  const dst = await openArray(new DirectoryStore(dstDir), { path: "out", mode: "r+" });
  const stored = await dst.nchunksInitialized();
  assert.ok(stored > 0 && stored < 40, `the abort lands mid-way: ${stored}/40 target chunks stored`);
  assert.ok(await rechunkStatus(dst), "the interrupted rechunk is marked");
  return dst;
}

/** Every file under `dir` with its bytes (chunks, metadata and the marker). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out.set(p, (await readFile(p)).toString("base64"));
  }
  return out;
}

test("resume with the same source finishes the rechunk, skipping what was stored; the marker records the source", async (t) => {
  const dir = await tempDir(t);
  const src = await source(new DirectoryStore(join(dir, "src.zarr")));
  const dst = await interrupted(src, join(dir, "dst.zarr"));
  const marker = (await rechunkStatus(dst))!;
  assert.deepEqual(marker.source, {
    kind: "array", shape: SHAPE, dtype: "<i4", chunks: [40, 1], order: "C", fillValue: "0", compressor: src.metadata.compressor, filters: null,
    store: `DirectoryStore:${join(dir, "src.zarr")}`, path: "src",
  });
  const before = await dst.nchunksInitialized();

  // A new store object on the same directory is the same source (the location is the directory).
  const again = await openArray(new DirectoryStore(join(dir, "src.zarr")), { path: "src", mode: "r" });
  const counting = new CountingStore(new DirectoryStore(join(dir, "dst.zarr")));
  const r = await rechunkArray(again, { store: counting, path: "out", chunks: [1, 40] }, { resume: true, maxMemory: MAX_MEMORY });
  assert.equal(await rechunkStatus(r.target), null, "the marker is gone once the rechunk is complete");
  assert.deepEqual(Array.from((await r.target.get()).data as Int32Array), Array.from(iota(1600)));
  const rewritten = counting.chunkSets().size;
  assert.ok(rewritten <= 40 - before + 2, `resume rewrote ${rewritten} chunks with ${before} of 40 already stored`);
  t.diagnostic(`resume: ${before}/40 target chunks stored before, ${rewritten} written by the resume`);
});

test("resume with a different source rejects with RechunkSourceMismatchError naming the destination and leaves it untouched", async (t) => {
  const dir = await tempDir(t);
  const srcStore = new DirectoryStore(join(dir, "src.zarr"));
  const src = await source(srcStore);
  const dstDir = join(dir, "dst.zarr");
  await interrupted(src, dstDir);
  const files = await snapshot(dstDir);

  const copyDir = join(dir, "copy.zarr");
  const others: [string, ZarrArray, string][] = [
    ["the same data at another path", await source(srcStore, "twin"), "path"],
    ["the same data in another directory", await source(new DirectoryStore(copyDir)), "store"],
    ["the same data in memory", await source(new MemoryStore()), "store"],
    ["another dtype", await source(new DirectoryStore(join(dir, "f4.zarr")), "src", { dtype: "<f4" }), "dtype"],
    ["other chunks", await source(new DirectoryStore(join(dir, "c2.zarr")), "src", { chunks: [40, 2] }), "chunks"],
    ["another shape", await source(new DirectoryStore(join(dir, "s.zarr")), "src", { shape: [40, 41] }), "shape"],
    ["another compressor", await source(new DirectoryStore(join(dir, "raw.zarr")), "src", { compressor: null }), "compressor"],
  ];
  for (const [what, other, field] of others) {
    const target = { store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] };
    await assert.rejects(rechunkArray(other, target, { resume: true, maxMemory: MAX_MEMORY }), (e: unknown) => {
      assert.ok(e instanceof RechunkSourceMismatchError, `${what}: ${String(e)}`);
      assert.match(e.message, new RegExp(`${dstDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} at path 'out'`), `${what}: the message names the destination`);
      assert.equal(e.destination, `DirectoryStore:${dstDir} at path 'out'`);
      assert.ok(e.differences.some((d) => d.startsWith(field + ":")), `${what}: ${e.differences.join("; ")}`);
      return true;
    }, what);
    assert.deepEqual(await snapshot(dstDir), files, `${what}: the destination's files are untouched`);
  }
  // The operator form with a source array checks the same way.
  const op = rechunk({ store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] }, { resume: true, maxMemory: MAX_MEMORY });
  await assert.rejects(readableFrom([others[0][1]]).pipeThrough(op).pipeTo(new WritableStream()), RechunkSourceMismatchError);
  assert.deepEqual(await snapshot(dstDir), files, "operator form: the destination's files are untouched");
  // The source array itself still resumes it.
  const r = await rechunkArray(src, { store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] }, { resume: true, maxMemory: MAX_MEMORY });
  assert.deepEqual(Array.from((await r.target.get()).data as Int32Array), Array.from(iota(1600)));
});

test("a marker that records no source (an older zarrflow's) is not resumed", async (t) => {
  const dir = await tempDir(t);
  const src = await source(new DirectoryStore(join(dir, "src.zarr")));
  const dstDir = join(dir, "dst.zarr");
  const dst = await interrupted(src, dstDir);
  const { source: _, ...old } = (await rechunkStatus(dst))!;
  await writeFile(join(dstDir, "out", ".zarrflow-incomplete"), JSON.stringify(old));
  const files = await snapshot(dstDir);
  await assert.rejects(
    rechunkArray(src, { store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] }, { resume: true, maxMemory: MAX_MEMORY }),
    (e: unknown) => e instanceof RechunkSourceMismatchError && /does not record its source/.test(e.message) && e.message.includes(dstDir),
  );
  await writeFile(join(dstDir, "out", ".zarrflow-incomplete"), "{not json");
  const garbled = await snapshot(dstDir);
  await assert.rejects(rechunkArray(src, { store: new DirectoryStore(dstDir), path: "out", chunks: [1, 40] }, { resume: true, maxMemory: MAX_MEMORY }), RechunkSourceMismatchError);
  assert.deepEqual(await snapshot(dstDir), garbled);
  assert.equal(files.size, garbled.size);
  // Without resume the rechunk starts over and finishes.
  const r = await rechunkArray(src, await openArray(new DirectoryStore(dstDir), { path: "out", mode: "r+" }), { maxMemory: MAX_MEMORY });
  assert.equal(await rechunkStatus(r.target), null);
  assert.deepEqual(Array.from((await r.target.get()).data as Int32Array), Array.from(iota(1600)));
});

test("rechunk operator over blocks: resumes a run fed the same blocks, refuses one an array run marked", async (t) => {
  const dir = await tempDir(t);
  const src = await source(new DirectoryStore(join(dir, "src.zarr")));
  // An array run's marker is not resumed from a block stream (it cannot show its store or path).
  const dst = await interrupted(src, join(dir, "dst.zarr"));
  const files = await snapshot(join(dir, "dst.zarr"));
  await assert.rejects(readable(src).pipeTo(rechunk(dst, { resume: true, maxMemory: MAX_MEMORY }).sink), (e: unknown) => e instanceof RechunkSourceMismatchError && e.differences.some((d) => d.startsWith("kind:")));
  assert.deepEqual(await snapshot(join(dir, "dst.zarr")), files);

  // A block run interrupted, then resumed by the same blocks.
  const dst2 = await create({ store: new DirectoryStore(join(dir, "dst2.zarr")), shape: SHAPE, chunks: [1, 40], dtype: "<i4" });
  const ac = new AbortController();
  let seen = 0;
  const counted = readable(src).pipeThrough(new TransformStream({ transform(b, c) { c.enqueue(b); if (++seen === 25) ac.abort(); } }));
  await assert.rejects(counted.pipeTo(rechunk(dst2, { signal: ac.signal, maxMemory: MAX_MEMORY }).sink), isAbort);
  assert.equal((await rechunkStatus(dst2))?.source?.kind, "blocks");
  // Blocks of other chunks are another source.
  const other = await source(new DirectoryStore(join(dir, "c2.zarr")), "src", { chunks: [40, 2] });
  await assert.rejects(readable(other).pipeTo(rechunk(dst2, { resume: true, maxMemory: MAX_MEMORY }).sink), RechunkSourceMismatchError);
  const ok = rechunk(dst2, { resume: true, maxMemory: MAX_MEMORY });
  await readable(src).pipeTo(ok.sink);
  await ok.done;
  assert.equal(await rechunkStatus(dst2), null);
  assert.deepEqual(Array.from((await dst2.get()).data as Int32Array), Array.from(iota(1600)));
});

test("resume without a marker skips nothing: chunks of another source in the target are overwritten", async (t) => {
  const dir = await tempDir(t);
  const src = await source(new DirectoryStore(join(dir, "src.zarr")));
  const dst = await create({ store: new DirectoryStore(join(dir, "dst.zarr")), path: "out", shape: SHAPE, chunks: [1, 40], dtype: "<i4" });
  await dst.set("0:10, :", -7); // ten target chunks stored by someone else, no marker
  const r = await rechunkArray(src, dst, { resume: true, maxMemory: MAX_MEMORY });
  assert.deepEqual(Array.from((await r.target.get()).data as Int32Array), Array.from(iota(1600)));
  assert.equal(await rechunkStatus(dst), null);
});
