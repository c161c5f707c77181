/**
 * Concurrency soak (issue 11): every synchronizer — Thread across worker_threads, Process across
 * child processes, Redis (a real redis-server) across child processes — with partial, whole-chunk,
 * whole-array, field (structured dtype) and append writes from several writers at once. The
 * whole-chunk and whole-array writes race unaligned partial writes of the SAME chunks (from other
 * writers, from the same writer, and from this thread: `Promise.all([z.set(part, a), z.set(null, b)])`),
 * so the final values depend on lock order; they are checked with `staleCheck` (no element may
 * hold a value from a write that ended before another write of it started) and fields and appends
 * against a model. Prints `trials=…, writes=…, lost=0` per synchronizer. Seeded; scale with
 * SOAK_SCALE (default 1; `npm run soak` runs a longer one). Writers are bundled once with esbuild
 * so starting one costs a plain `node` start.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import {
  create, slice, DirectoryStore, ThreadSynchronizer, ProcessSynchronizer, RedisSynchronizer, startWorker, toDescriptor, type Synchronizer, type ZarrArray,
} from "../../src/internal.ts";
import { redisSkip, startRedis } from "../helpers/servers.ts";
import { tempDir, workload, SHAPE, CHUNKS, type Tile } from "../sync/_util.ts";
import { rng } from "../streams/_util.ts";
import { staleCheck, type TimedWrite } from "./check.ts";
import type { SoakInput } from "./writer.ts";

const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const WRITERS = 3;
const TILES = Math.min(4000, Math.round(600 * SCALE));
const RECORDS = Math.round(60 * SCALE);
const APPENDS = Math.round(20 * SCALE);
/** Per writer: whole-chunk writes and overlapping unaligned regions among its tiles (plus one whole-array write). */
const WHOLE = Math.round(12 * SCALE);
const REGIONS = Math.round(8 * SCALE);
/** This thread's whole-chunk writes, racing the writers. */
const MAIN_WHOLE = Math.round(16 * SCALE);
const root = fileURLToPath(new URL("../../", import.meta.url));
const bundle = join(root, "node_modules", ".cache", "zarrflow-soak", "writer.mjs");

let redis: Awaited<ReturnType<typeof startRedis>> | null = null;
const toClose: RedisSynchronizer[] = [];
after(async () => {
  await Promise.all(toClose.map((s) => s.close()));
  await redis?.stop();
});

async function bundleWriter(): Promise<void> {
  mkdirSync(join(bundle, ".."), { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL("./writer.ts", import.meta.url))], outfile: bundle, bundle: true, platform: "node", format: "esm",
    packages: "external", target: "node20", logLevel: "error",
  });
}
const ready = bundleWriter();

interface Arrays { tiles: ZarrArray; fields: ZarrArray; appends: ZarrArray }

async function makeArrays(sync: Synchronizer): Promise<Arrays> {
  const dir = tempDir("zarrflow-soak-");
  const store = new DirectoryStore(dir);
  const tiles = await create({ store, path: "tiles", shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync });
  const fields = await create({ store, path: "fields", shape: [RECORDS], chunks: [7], dtype: [["a", "<i4"], ["b", "<i4"]] as never, synchronizer: sync });
  const appends = await create({ store, path: "appends", shape: [0, 2], chunks: [5, 2], dtype: "<i4", synchronizer: sync });
  return { tiles, fields, appends };
}

/** A whole chunk of the tiles array chosen by `r` (inner chunks only, so the write is chunk-total). */
function wholeChunk(r: () => number, v: number): Tile {
  const cr = Math.floor(r() * Math.floor(SHAPE[0] / CHUNKS[0])) * CHUNKS[0], cc = Math.floor(r() * Math.floor(SHAPE[1] / CHUNKS[1])) * CHUNKS[1];
  return [cr, cr + CHUNKS[0], cc, cc + CHUNKS[1], v];
}

/**
 * Writer `id`'s region writes, shuffled: every WRITERS-th tile, WHOLE whole chunks, REGIONS
 * unaligned regions of 3-20 × 3-25 (overlapping tiles, other regions and whole chunks, several
 * chunks each) and one whole-array write. Values are unique: tiles 1..4000, the rest 10000 + ….
 */
function regionWrites(tiles: Tile[], id: number, r: () => number): Tile[] {
  const list = tiles.filter((_, i) => i % WRITERS === id);
  let v = 10_000 * (id + 1);
  for (let k = 0; k < WHOLE; k++) list.push(wholeChunk(r, v++));
  for (let k = 0; k < REGIONS; k++) {
    const r0 = Math.floor(r() * (SHAPE[0] - 3)), c0 = Math.floor(r() * (SHAPE[1] - 3));
    list.push([r0, Math.min(SHAPE[0], r0 + 3 + Math.floor(r() * 18)), c0, Math.min(SHAPE[1], c0 + 3 + Math.floor(r() * 23)), v++]);
  }
  list.push([0, SHAPE[0], 0, SHAPE[1], v++]);
  for (let i = list.length - 1; i > 0; i--) {
    const k = Math.floor(r() * (i + 1));
    [list[i], list[k]] = [list[k], list[i]];
  }
  return list;
}

/** Writer `id`'s share: its region writes; field a (even ids) or b (odd ids) of its records. */
function inputs(arrays: Arrays, tiles: Tile[], seed: number): SoakInput[] {
  const r = rng(seed);
  const order = Array.from({ length: RECORDS }, (_, i) => i).sort(() => r() - 0.5);
  return Array.from({ length: WRITERS }, (_, id) => ({
    id,
    tiles: { array: toDescriptor(arrays.tiles), list: regionWrites(tiles, id, r) },
    // Writers 0 and 1 own fields a and b of the same records (so they share every chunk); writer 2
    // also writes field a of the records writer 0 does, with the same values (idempotent).
    fields: { array: toDescriptor(arrays.fields), name: id % 2 === 0 ? "a" : "b", records: order, mul: id % 2 === 0 ? 3 : 5 },
    appends: { array: toDescriptor(arrays.appends), count: APPENDS },
  }));
}

/** Check the arrays; returns how many writes are missing (or undone by a stale copy). */
async function lost(arrays: Arrays, writes: TimedWrite[]): Promise<{ lost: number; detail: string }> {
  const got = (await arrays.tiles.get()).data as Int32Array;
  const stale = staleCheck(got, SHAPE[1], writes);
  await arrays.fields.refresh();
  const recs = (await arrays.fields.get()).toList() as { a: number; b: number }[];
  const lostFields = recs.reduce((n, rec, i) => n + (rec.a !== i * 3 ? 1 : 0) + (rec.b !== i * 5 ? 1 : 0), 0);
  await arrays.appends.refresh();
  const flat = (await arrays.appends.get()).data as Int32Array;
  const rows = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
  const seen = new Set(rows.map(([w, s]) => `${w}:${s}`));
  const lostAppends = WRITERS * APPENDS - seen.size + (rows.length - seen.size); // missing + duplicated/overwritten
  return {
    lost: stale.lost + lostFields + lostAppends,
    detail: `regions=${stale.lost} (undone ${stale.undone}, alien ${stale.alien}) fields=${lostFields} appends=${lostAppends} (rows ${rows.length})${stale.examples.length ? "; " + stale.examples.join("; ") : ""}`,
  };
}

function subset(seed: number): Tile[] {
  return workload(seed).tiles.slice(0, TILES);
}

interface Report { writes: number; times: number[] }

/** Run the writers as worker threads; `started` is called when the first begins writing. */
async function runThreads(ins: SoakInput[], started: () => void): Promise<Report[]> {
  return Promise.all(ins.map((inp) => new Promise<Report>((resolve, reject) => {
    const w = startWorker(bundle, { workerData: inp });
    w.on("message", (m: Report | { started: number }) => ("started" in m ? started() : resolve(m)));
    w.once("error", reject);
    w.once("exit", (c) => c !== 0 && reject(new Error(`worker exited with ${c}`)));
  })));
}

/** The same as child processes (input as a JSON file, reports as JSON lines on stdout). */
async function runProcesses(ins: SoakInput[], started: () => void): Promise<Report[]> {
  const dir = tempDir("zarrflow-soak-in-");
  return Promise.all(ins.map((inp) => new Promise<Report>((resolve, reject) => {
    const file = join(dir, `in-${inp.id}.json`);
    writeFileSync(file, JSON.stringify(inp));
    const child = spawn(process.execPath, [bundle, file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "", report: Report | null = null;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const m = JSON.parse(out.slice(0, nl)) as Report | { started: number };
        out = out.slice(nl + 1);
        if ("started" in m) started();
        else report = m;
      }
    });
    child.once("error", reject);
    child.once("close", (code) => (code === 0 && report ? resolve(report) : reject(new Error(`writer ${inp.id} exited with ${code}`))));
  })));
}

const cases: [string, () => Promise<Synchronizer>, (ins: SoakInput[], started: () => void) => Promise<Report[]>][] = [
  ["ThreadSynchronizer × worker_threads", async () => new ThreadSynchronizer(), runThreads],
  ["ProcessSynchronizer × child processes", async () => new ProcessSynchronizer(tempDir("zarrflow-soak-locks-")), runProcesses],
  ["RedisSynchronizer × child processes", async () => {
    redis ??= await startRedis();
    const s = new RedisSynchronizer(redis.url);
    toClose.push(s);
    return s;
  }, runProcesses],
];

/**
 * This thread's writes once the writers have begun: MAIN_WHOLE whole-chunk writes, and halfway
 * the issue's `Promise.all([z.set(part, a), z.set(null, b)])`, all timed. Values are negative.
 */
async function mainWrites(z: ZarrArray, seed: number): Promise<TimedWrite[]> {
  const r = rng(seed ^ 0x5eed);
  const out: TimedWrite[] = [];
  const now = () => Number(process.hrtime.bigint() / 1000n);
  let v = -7;
  const timed = async ([r0, r1, c0, c1, value]: Tile, write: () => Promise<void>) => {
    const start = now();
    await write();
    out.push({ r0, r1, c0, c1, v: value, start, end: now() });
  };
  for (let k = 0; k < MAIN_WHOLE; k++) {
    const t = wholeChunk(r, v--);
    await timed(t, () => z.set([slice(t[0], t[1]), slice(t[2], t[3])], t[4]));
    if (k === MAIN_WHOLE >> 1) {
      const part: Tile = [3, 4, 5, 17, v--], all: Tile = [0, SHAPE[0], 0, SHAPE[1], v--];
      await Promise.all([timed(part, () => z.set([part[0], slice(part[2], part[3])], part[4])), timed(all, () => z.set(null, all[4]))]);
    }
  }
  return out;
}

cases.forEach(([name, makeSync, run], k) => {
  test(`soak: ${name}: whole-chunk and whole-array writes racing partial writes of the same chunks, field and append writes from ${WRITERS} writers lose nothing`, { timeout: 600_000, skip: name.startsWith("Redis") && redisSkip }, async () => {
    await ready;
    const sync = await makeSync();
    const arrays = await makeArrays(sync);
    const seed = 1000 + k;
    const ins = inputs(arrays, subset(seed), seed);
    let go = () => {};
    const begun = new Promise<void>((resolve) => (go = resolve));
    const [reports, mine] = await Promise.all([run(ins, () => go()), begun.then(() => mainWrites(arrays.tiles, seed))]);
    const writes: TimedWrite[] = [...mine];
    ins.forEach((inp, w) => inp.tiles.list.forEach(([r0, r1, c0, c1, v], i) => {
      writes.push({ r0, r1, c0, c1, v, start: reports[w].times[2 * i], end: reports[w].times[2 * i + 1] });
    }));
    const res = await lost(arrays, writes);
    const total = reports.reduce((n, r) => n + r.writes, 0) + mine.length;
    const wholeArray = writes.filter((w) => w.r1 - w.r0 === SHAPE[0] && w.c1 - w.c0 === SHAPE[1]).length;
    const wholeChunk = writes.filter((w) => w.r1 - w.r0 === CHUNKS[0] && w.c1 - w.c0 === CHUNKS[1] && w.r0 % CHUNKS[0] === 0 && w.c0 % CHUNKS[1] === 0).length;
    console.log(`soak ${name}: trials=1, writes=${total} (whole-chunk ${wholeChunk}, whole-array ${wholeArray}), lost=${res.lost} [${res.detail}]`);
    assert.equal(res.lost, 0, res.detail);
  });
});
