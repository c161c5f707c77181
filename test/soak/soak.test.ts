/**
 * Concurrency soak (issue 11): every synchronizer — Thread across worker_threads, Process across
 * child processes, Redis (a real redis-server) across child processes — with partial, whole-chunk,
 * field (structured dtype) and append writes from several writers at once, checked against a model
 * of what must be there. Prints `trials=…, writes=…, lost=0` per synchronizer. Seeded; scale with
 * SOAK_SCALE (default 1; `npm run soak` runs a longer one). Writers are bundled once with esbuild
 * so starting one costs a plain `node` start.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import {
  create, slice, DirectoryStore, ThreadSynchronizer, ProcessSynchronizer, RedisSynchronizer, startWorker, toDescriptor, type Synchronizer, type ZarrArray,
} from "../../src/internal.ts";
import { redisSkip, startRedis } from "../helpers/servers.ts";
import { tempDir, workload, SHAPE, CHUNKS, type Tile } from "../sync/_util.ts";
import { rng } from "../streams/_util.ts";
import type { SoakInput } from "./writer.ts";

const SCALE = Number(process.env.SOAK_SCALE ?? 1);
const WRITERS = 3;
const TILES = Math.min(4000, Math.round(600 * SCALE));
const RECORDS = Math.round(60 * SCALE);
const APPENDS = Math.round(20 * SCALE);
const root = fileURLToPath(new URL("../../", import.meta.url));
const bundle = join(root, "node_modules", ".cache", "zarrflow-soak", "writer.mjs");
const exec = promisify(execFile);

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

/** Writer `id`'s share: every WRITERS-th tile; field a (even ids) or b (odd ids) of its records. */
function inputs(arrays: Arrays, tiles: Tile[], seed: number): SoakInput[] {
  const r = rng(seed);
  const order = Array.from({ length: RECORDS }, (_, i) => i).sort(() => r() - 0.5);
  return Array.from({ length: WRITERS }, (_, id) => ({
    id,
    tiles: { array: toDescriptor(arrays.tiles), list: tiles.filter((_, i) => i % WRITERS === id) },
    // Writers 0 and 1 own fields a and b of the same records (so they share every chunk); writer 2
    // also writes field a of the records writer 0 does, with the same values (idempotent).
    fields: { array: toDescriptor(arrays.fields), name: id % 2 === 0 ? "a" : "b", records: order, mul: id % 2 === 0 ? 3 : 5 },
    appends: { array: toDescriptor(arrays.appends), count: APPENDS },
  }));
}

/** Compare with the model; returns how many writes are missing. */
async function lost(arrays: Arrays, tiles: Tile[], expected: Int32Array): Promise<{ lost: number; detail: string }> {
  const got = (await arrays.tiles.get()).data as Int32Array;
  let lostTiles = 0;
  for (const [r0, r1, c0, c1, v] of tiles) {
    let ok = true;
    for (let a = r0; a < r1 && ok; a++) for (let b = c0; b < c1; b++) if (got[a * SHAPE[1] + b] !== v) ok = false;
    if (!ok) lostTiles++;
  }
  const extra = got.some((v, i) => v !== expected[i]) && lostTiles === 0 ? 1 : 0;
  await arrays.fields.refresh();
  const recs = (await arrays.fields.get()).toList() as { a: number; b: number }[];
  const lostFields = recs.reduce((n, rec, i) => n + (rec.a !== i * 3 ? 1 : 0) + (rec.b !== i * 5 ? 1 : 0), 0);
  await arrays.appends.refresh();
  const flat = (await arrays.appends.get()).data as Int32Array;
  const rows = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
  const seen = new Set(rows.map(([w, s]) => `${w}:${s}`));
  const lostAppends = WRITERS * APPENDS - seen.size + (rows.length - seen.size); // missing + duplicated/overwritten
  return { lost: lostTiles + extra + lostFields + lostAppends, detail: `tiles=${lostTiles} fields=${lostFields} appends=${lostAppends} (rows ${rows.length})` };
}

function subset(seed: number): { tiles: Tile[]; expected: Int32Array } {
  const { tiles: all } = workload(seed);
  const tiles = all.slice(0, TILES);
  const expected = new Int32Array(SHAPE[0] * SHAPE[1]);
  for (const [r0, r1, c0, c1, v] of tiles) for (let a = r0; a < r1; a++) for (let b = c0; b < c1; b++) expected[a * SHAPE[1] + b] = v;
  return { tiles, expected };
}

async function runThreads(ins: SoakInput[]): Promise<number> {
  const reports = await Promise.all(ins.map((inp) => new Promise<{ writes: number }>((resolve, reject) => {
    const w = startWorker(bundle, { workerData: inp });
    w.once("message", resolve);
    w.once("error", reject);
    w.once("exit", (c) => c !== 0 && reject(new Error(`worker exited with ${c}`)));
  })));
  return reports.reduce((n, r) => n + r.writes, 0);
}

async function runProcesses(ins: SoakInput[]): Promise<number> {
  const dir = tempDir("zarrflow-soak-in-");
  const reports = await Promise.all(ins.map(async (inp) => {
    const file = join(dir, `in-${inp.id}.json`);
    writeFileSync(file, JSON.stringify(inp));
    const { stdout } = await exec(process.execPath, [bundle, file]);
    return JSON.parse(stdout.trim().split("\n").pop()!) as { writes: number };
  }));
  return reports.reduce((n, r) => n + r.writes, 0);
}

const cases: [string, () => Promise<Synchronizer>, (ins: SoakInput[]) => Promise<number>][] = [
  ["ThreadSynchronizer × worker_threads", async () => new ThreadSynchronizer(), runThreads],
  ["ProcessSynchronizer × child processes", async () => new ProcessSynchronizer(tempDir("zarrflow-soak-locks-")), runProcesses],
  ["RedisSynchronizer × child processes", async () => {
    redis ??= await startRedis();
    const s = new RedisSynchronizer(redis.url);
    toClose.push(s);
    return s;
  }, runProcesses],
];

cases.forEach(([name, makeSync, run], k) => {
  test(`soak: ${name}: partial, whole-chunk, field and append writes from ${WRITERS} writers lose nothing`, { timeout: 600_000, skip: name.startsWith("Redis") && redisSkip }, async () => {
    await ready;
    const sync = await makeSync();
    const arrays = await makeArrays(sync);
    const seed = 1000 + k;
    const { tiles, expected } = subset(seed);
    // Whole-chunk writes from this thread while the writers run: chunks of the bottom chunk rows,
    // which no tile of the subset touches... so they are checked apart: each must hold its value.
    const ins = inputs(arrays, tiles, seed);
    const wholeRows = Math.floor(SHAPE[0] / CHUNKS[0]) * CHUNKS[0];
    let whole = 0;
    const writers = run(ins);
    const wholeWrites = (async () => {
      for (let r = 0; r < wholeRows; r += CHUNKS[0]) for (let c = 0; c + CHUNKS[1] <= SHAPE[1]; c += CHUNKS[1]) {
        if (tiles.some(([r0, r1, c0, c1]) => r0 < r + CHUNKS[0] && r1 > r && c0 < c + CHUNKS[1] && c1 > c)) continue;
        await arrays.tiles.set([slice(r, r + CHUNKS[0]), slice(c, c + CHUNKS[1])], -(whole + 7));
        for (let a = r; a < r + CHUNKS[0]; a++) for (let b = c; b < c + CHUNKS[1]; b++) expected[a * SHAPE[1] + b] = -(whole + 7);
        whole++;
      }
    })();
    const [writes] = await Promise.all([writers, wholeWrites]);
    const res = await lost(arrays, tiles, expected);
    const got = (await arrays.tiles.get()).data as Int32Array;
    const wholeLost = got.some((v, i) => v !== expected[i]) ? 1 : 0;
    console.log(`soak ${name}: trials=1, writes=${writes + whole} (whole-chunk ${whole}), lost=${res.lost + wholeLost} [${res.detail}]`);
    assert.equal(res.lost + wholeLost, 0, res.detail);
  });
});
