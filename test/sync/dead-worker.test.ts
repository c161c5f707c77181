/**
 * Issue 11: a worker_thread that dies holding ThreadSynchronizer locks must not hang the other
 * writers, however it was started. Every dying worker here is a bare `new Worker` that nobody
 * passed to `ThreadSynchronizer.watch` — terminated, killed by an uncaught error, calling
 * `process.exit`, a grandchild (a worker's worker) dying, and a writer terminated in the middle of
 * its writes on the native and on the JavaScript codec path. After each death the other writers
 * (this thread and other workers) finish, and nothing they wrote is lost.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import { build } from "esbuild";
import {
  create, hasNativeCodecs, slice, Blosc, DirectoryStore, SharedMemoryStore, ThreadSynchronizer, toDescriptor, type ZarrArray,
} from "../../src/internal.ts";
import { SHAPE, CHUNKS, tempDir, workload, type Tile } from "./_util.ts";
import type { DierInput } from "./fixtures/dier.ts";

// The dying workers run the dier fixture bundled once into plain JavaScript (as the soak does), so
// each start costs a plain Worker start rather than a tsx one; it is still a bare `new Worker`.
const dier = join(fileURLToPath(new URL("../../", import.meta.url)), "node_modules", ".cache", "zarrflow-dead-worker", "dier.mjs");
const bundled = build({
  entryPoints: [fileURLToPath(new URL("./fixtures/dier.ts", import.meta.url))], outfile: dier, bundle: true, platform: "node", format: "esm",
  packages: "external", target: "node20", logLevel: "error",
});
const TIMEOUT = 120_000; // a lock that is never recovered fails the test here instead of hanging the run

interface Bare {
  w: Worker;
  /** The exit code, once the worker has stopped. */
  exited: Promise<number>;
  errors: Error[];
  /** Every message so far. */
  seen: unknown[];
  /** The first message matching `want` (already received or the next ones); rejects if the worker stops first. */
  until(want: (m: unknown) => boolean): Promise<unknown>;
}

/** A bare Worker running the dier fixture (through the tsx bootstrap, but not via startWorker). */
async function bare(input: DierInput, opts: WorkerOptions = {}): Promise<Bare> {
  await bundled;
  const w = new Worker(dier, { ...opts, workerData: input });
  const errors: Error[] = [], seen: unknown[] = [];
  let wake = () => {};
  let gone = false;
  w.on("error", (e) => errors.push(e));
  w.on("message", (m) => {
    seen.push(m);
    wake();
  });
  // Not events.once: it rejects on the "error" an uncaught exception emits before "exit".
  const exited = new Promise<number>((resolve) => w.once("exit", (code: number) => {
    gone = true;
    wake();
    resolve(code);
  }));
  const until = async (want: (m: unknown) => boolean) => {
    for (;;) {
      const m = seen.find(want);
      if (m !== undefined) return m;
      if (gone) throw new Error(`the worker stopped first (${errors[0]?.message ?? "no error"})`);
      await new Promise<void>((r) => (wake = r));
    }
  };
  return { w, exited, errors, seen, until };
}

async function sharedArray(): Promise<{ sync: ThreadSynchronizer; z: ZarrArray }> {
  const sync = new ThreadSynchronizer();
  const z = await create({ store: new SharedMemoryStore(), shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync });
  return { sync, z };
}

/** Tiles of the seeded workload in the first `rows` rows, and the array they make. */
function band(seed: number, rows: number): { tiles: Tile[]; expected: Int32Array } {
  const tiles = workload(seed).tiles.filter(([r0]) => r0 < rows);
  const expected = new Int32Array(SHAPE[0] * SHAPE[1]);
  for (const [r0, r1, c0, c1, v] of tiles) for (let a = r0; a < r1; a++) for (let b = c0; b < c1; b++) expected[a * SHAPE[1] + b] = v;
  return { tiles, expected };
}

/** Write tiles from this thread, 4 at a time. */
async function writeTiles(z: ZarrArray, tiles: Tile[]): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < tiles.length) {
      const [r0, r1, c0, c1, v] = tiles[next++];
      await z.set([slice(r0, r1), slice(c0, c1)], v);
    }
  };
  await Promise.all([loop(), loop(), loop(), loop()]);
}

/** Other writers after a death: this thread and a second bare worker split the tiles; all must land. */
async function othersLoseNothing(z: ZarrArray, seed: number): Promise<void> {
  const { tiles, expected } = band(seed, 2 * CHUNKS[0]); // the first two chunk rows, chunk 0.0 included
  const mine = tiles.filter((_, i) => i % 2 === 0), theirs = tiles.filter((_, i) => i % 2 === 1);
  const other = await bare({ array: toDescriptor(z), mode: "write", tiles: theirs });
  await Promise.all([writeTiles(z, mine), other.until((m) => m === "all-written")]);
  await other.w.terminate();
  const got = (await z.get()).data as Int32Array;
  const lost = tiles.filter(([r0, , c0, , v]) => got[r0 * SHAPE[1] + c0] !== v).length;
  assert.equal(lost, 0, `${lost} of ${tiles.length} writes after the death were lost`);
  assert.deepEqual(Array.from(got), Array.from(expected));
}

/** While a dead-to-be worker holds chunk 0.0, a write of it waits; returns that pending write (wrapped: a returned promise would be awaited). */
async function blockedWrite(z: ZarrArray): Promise<{ pending: Promise<void> }> {
  let wrote = false;
  const pending = z.set([slice(0, 1), slice(0, 1)], 7).then(() => void (wrote = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(wrote, false, "the lock must hold while its owner lives");
  return { pending };
}

const deaths = [
  ["is terminated", "terminate", 1],
  ["throws an uncaught error", "throw", 1],
  ["calls process.exit", "exit", 3],
] as const;

for (const [what, how, exitCode] of deaths) {
  test(`a bare, unwatched Worker that ${what} holding a chunk lock: the lock is recovered and the other writers lose nothing`, { timeout: TIMEOUT }, async () => {
    const { sync, z } = await sharedArray();
    const d = await bare({ array: toDescriptor(z), mode: "hold", key: "0.0", how });
    assert.equal(await d.until((m) => m === "locked"), "locked");
    const { pending } = await blockedWrite(z);
    if (how === "terminate") await d.w.terminate();
    assert.equal(await d.exited, exitCode);
    if (how === "throw") assert.match(d.errors[0]?.message ?? "", /dying with a lock held/);
    await pending;
    assert.equal(await z.get([0, 0]), 7);
    // The slot is free, not merely skipped: this thread takes and gives back the same key.
    (await sync.lock("0.0"))();
    await othersLoseNothing(z, 20 + exitCode);
  });
}

test("a grandchild worker (a bare worker's bare worker) that dies holding a lock: its parent, which never opened the array, sees the exit and the lock is recovered", { timeout: TIMEOUT }, async () => {
  const { z } = await sharedArray();
  const array = toDescriptor(z);
  const mid = await bare({ array, mode: "nest", nest: { array, mode: "hold", key: "0.0", how: "throw" } });
  assert.equal(await mid.until((m) => m === "locked"), "locked");
  const { pending } = await blockedWrite(z);
  await mid.until((m) => m === "child-exit");
  await pending;
  assert.equal(await z.get([0, 0]), 7);
  await mid.w.terminate();
  await othersLoseNothing(z, 31);
});

test("a grandchild holding a lock is stopped with its parent when the parent is terminated: the lock is recovered", { timeout: TIMEOUT }, async () => {
  const { z } = await sharedArray();
  const array = toDescriptor(z);
  const mid = await bare({ array, mode: "nest", nest: { array, mode: "hold", key: "0.0", how: "terminate" } });
  assert.equal(await mid.until((m) => m === "locked"), "locked");
  const { pending } = await blockedWrite(z);
  await mid.w.terminate();
  await pending;
  assert.equal(await z.get([0, 0]), 7);
  await othersLoseNothing(z, 32);
});

for (const path of ["native", "fallback"] as const) {
  test(`a bare writer terminated in the middle of its writes (${path} codec path, directory store): each chunk is old or new, every write it reported is there, the others lose nothing`, { timeout: TIMEOUT }, async () => {
    const sync = new ThreadSynchronizer();
    const z = await create({ store: new DirectoryStore(tempDir("zarrflow-dead-")), shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: new Blosc({ cname: "lz4", clevel: 5, shuffle: Blosc.SHUFFLE }), synchronizer: sync });
    const { tiles } = band(40 + (path === "native" ? 0 : 1), 5 * CHUNKS[0]);
    // Thirds: the doomed writer, a surviving worker, and this thread, all over the same chunks.
    const doomed = tiles.filter((_, i) => i % 3 === 0), theirs = tiles.filter((_, i) => i % 3 === 1), mine = tiles.filter((_, i) => i % 3 === 2);
    const env = path === "fallback" ? { ...process.env, ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_NATIVE_WARNING: "0" } : process.env;
    const d = await bare({ array: toDescriptor(z), mode: "write", tiles: doomed }, { env });
    const field = (name: string) => (m: unknown) => typeof m === "object" && m !== null && name in m;
    const { native } = (await d.until(field("native"))) as { native: boolean };
    if (path === "fallback") assert.equal(native, false, "the doomed writer must run on the JavaScript codecs");
    else assert.equal(native, hasNativeCodecs(), "the doomed writer must use the addon when this thread does");
    // Kill it a third of the way through, while it has writes (and so locks) in flight.
    const other = await bare({ array: toDescriptor(z), mode: "write", tiles: theirs });
    const survivors = Promise.all([writeTiles(z, mine), other.until((m) => m === "all-written")]);
    const third = Math.floor(doomed.length / 3);
    await d.until(() => d.seen.filter(field("wrote")).length >= third);
    await d.w.terminate();
    const reported = new Set(d.seen.filter(field("wrote")).map((m) => (m as { wrote: number }).wrote));
    await survivors;
    await other.w.terminate();

    const got = (await z.get()).data as Int32Array;
    const at = (a: number, b: number) => got[a * SHAPE[1] + b];
    const piecesOf = ([r0, r1, c0, c1]: Tile) => {
      const pieces: number[][] = [];
      for (let cr = Math.floor(r0 / CHUNKS[0]) * CHUNKS[0]; cr < r1; cr += CHUNKS[0]) {
        for (let cc = Math.floor(c0 / CHUNKS[1]) * CHUNKS[1]; cc < c1; cc += CHUNKS[1]) {
          const piece: number[] = [];
          for (let a = Math.max(r0, cr); a < Math.min(r1, cr + CHUNKS[0]); a++) for (let b = Math.max(c0, cc); b < Math.min(c1, cc + CHUNKS[1]); b++) piece.push(at(a, b));
          pieces.push(piece);
        }
      }
      return pieces;
    };
    const lost = [...theirs, ...mine].filter((t) => piecesOf(t).some((p) => p.some((x) => x !== t[4]))).length;
    assert.equal(lost, 0, `${lost} of ${theirs.length + mine.length} surviving writes were lost`);
    doomed.forEach((t, i) => {
      for (const p of piecesOf(t)) {
        assert.ok(p.every((x) => x === t[4]) || p.every((x) => x === 0), `tile ${i} is torn inside one chunk: ${p} (want all ${t[4]} or all 0)`);
        if (reported.has(i)) assert.ok(p.every((x) => x === t[4]), `tile ${i} was reported written but is not there`);
      }
    });
  });
}
