/**
 * Crash matrix (issue 11): child processes are SIGKILLed at seeded random moments during every kind
 * of write — whole-chunk set, partial set, resize shrink and grow, append, ZipStore close,
 * consolidateMetadata — and after each kill the store is checked as a user reopening it would:
 * metadata parses and opens, every chunk decodes and is old or new (never torn), metadata never
 * points past written data, growing again shows the fill value (no stale data), and orphan
 * temporaries are hidden from listings and recognized as abandoned by the sweep (which the stores
 * run on open, after a 60 s grace for dead-pid files). Prints `trials=N inconsistent=0`.
 * Scale with CRASH_TRIALS (per kind, default 30); the child is bundled once with esbuild so each
 * trial costs a plain `node` start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { create, openArray, openConsolidated, DirectoryStore, ZipStore, type ZarrArray } from "../../src/internal.ts";
import { removeStaleTemps, removeStaleTempsOfSync, isTempName } from "../../src/stores/temp-files.ts";
import { rng } from "../streams/_util.ts";
import { tempDir } from "../sync/_util.ts";

const TRIALS = Number(process.env.CRASH_TRIALS ?? 30);
const root = fileURLToPath(new URL("../../", import.meta.url));
// Inside node_modules so the bundle resolves packages and the native addon (../../../native) as the sources do.
const bundle = join(root, "node_modules", ".cache", "zarrflow-crash", "child.mjs");

async function bundleChild(): Promise<void> {
  mkdirSync(join(bundle, ".."), { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL("./child.ts", import.meta.url))], outfile: bundle, bundle: true, platform: "node", format: "esm",
    packages: "external", target: "node20", logLevel: "error",
  });
}

/** Start the writer, let it run `ms` after it is ready, SIGKILL it; resolves when it is gone. */
function runAndKill(kind: string, dir: string, seed: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [bundle, kind, dir, String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let ready = false;
    p.stderr.on("data", (d) => (err += d));
    p.stdout.on("data", (d) => {
      if (ready || !String(d).includes("ready")) return;
      ready = true;
      setTimeout(() => p.kill("SIGKILL"), ms);
    });
    p.once("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve();
      else reject(new Error(`writer ${kind} exited by itself (${code}): ${err}`));
    });
  });
}

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** Orphan temporaries: hidden from the store's listing, and removed by a sweep (the writer is dead). */
async function checkTemps(dir: string, problems: string[]): Promise<number> {
  const temps = [...walk(dir)].filter((f) => isTempName(f.slice(f.lastIndexOf("/") + 1)) || f.endsWith(".tmp"));
  if (!temps.length) return 0;
  const listed = await new DirectoryStore(dir).list();
  if (listed.some((k) => isTempName(k.slice(k.lastIndexOf("/") + 1)))) problems.push("a temporary file is listed as a key");
  for (const d of new Set(temps.map((f) => f.slice(0, f.lastIndexOf("/"))))) await removeStaleTemps(d, { deadWriterAgeMs: 0, foreignAgeMs: 0 });
  const left = temps.filter((f) => existsSync(f));
  if (left.length) problems.push(`orphan temporaries not swept: ${left.join(", ")}`);
  return temps.length;
}

const FILL = -1;

/** Per chunk of 8 columns, each row's values agree (a chunk is old or new, never torn). */
function rowsUniformPerChunk(data: Int32Array, rows: number, problems: string[]): void {
  for (let r = 0; r < rows; r++) for (let c0 = 0; c0 < 40; c0 += 8) {
    const seg = data.subarray(r * 40 + c0, r * 40 + c0 + 8);
    if (seg.some((v) => v !== seg[0])) problems.push(`row ${r} columns ${c0}..${c0 + 8} are torn`);
  }
}

/** Grow by 30 rows as the next user would and check the regrown rows read the fill value; then undo. */
async function checkRegrowth(z: ZarrArray, problems: string[]): Promise<void> {
  const n = z.shape[0];
  await z.resize([n + 30, 40]);
  const grown = (await z.get(`${n}:`)).data as Int32Array;
  if (grown.some((v) => v !== FILL)) problems.push(`stale data in the regrown rows ${n}..${n + 30}`);
  await z.resize([n, 40]);
}

async function check(kind: string, dir: string): Promise<string[]> {
  const problems: string[] = [];
  try {
    if (kind === "zip") {
      const file = join(dir, "data.zip");
      if (existsSync(file)) {
        const store = new ZipStore(file, { mode: "r" });
        const z = await openArray(store, { mode: "r" });
        const d = (await z.get()).data as Int32Array;
        if (d.some((v) => v !== d[0])) problems.push("the zip holds a mix of two closes");
        await store.close();
      }
      // The writer's temporary is recognized as abandoned (dead pid) by the sweep a writing
      // ZipStore runs on open; the project's sweep waits 60 s for dead-pid temporaries (network
      // file systems), so age 0 here stands for "after that grace".
      removeStaleTempsOfSync(file, { deadWriterAgeMs: 0 });
      const stray = readdirSync(dir).filter((f) => f !== "data.zip");
      for (const f of stray) problems.push(`leftover file ${f} (${statSync(join(dir, f)).size} bytes)`);
    } else if (kind === "consolidate") {
      const store = new DirectoryStore(dir);
      if (await store.get(".zmetadata")) {
        const g = await openConsolidated(store, { mode: "r" });
        for (const name of await g.arrayKeys()) await ((await g.get(name)) as ZarrArray).get();
      }
    } else {
      const z = await openArray(new DirectoryStore(dir), { mode: "r+" });
      const d = (await z.get()).data as Int32Array; // every chunk decodes
      const rows = z.shape[0];
      if (kind === "whole") {
        for (let r = 0; r < rows; r += 8) for (let c0 = 0; c0 < 40; c0 += 8) {
          const v = d[r * 40 + c0];
          for (let i = r; i < Math.min(r + 8, rows); i++) for (let j = c0; j < c0 + 8; j++) if (d[i * 40 + j] !== v) problems.push(`chunk ${r / 8}.${c0 / 8} is torn`);
        }
      } else rowsUniformPerChunk(d, rows, problems);
      if (kind === "append" || kind === "whole" || kind === "partial") {
        // Every row inside the shape was written: metadata never points past written data.
        for (let r = 0; r < rows; r++) if (d[r * 40] === FILL) {
          problems.push(`row ${r} is inside the shape but was never written`);
          break;
        }
      }
      await checkRegrowth(z, problems);
    }
    await checkTemps(dir, problems);
  } catch (e) {
    problems.push(`reopening failed: ${(e as Error).message}`);
  }
  return problems;
}

async function setup(kind: string): Promise<string> {
  const dir = tempDir(`zarrflow-crash-${kind}-`);
  if (kind !== "zip" && kind !== "consolidate") {
    const z = await create({ store: new DirectoryStore(dir), shape: [40, 40], chunks: [8, 8], dtype: "<i4", fillValue: FILL, compressor: { id: "zlib", level: 1 } });
    await z.set(null, 0);
  }
  return dir;
}

/** Every kind of write; CRASH_KINDS (comma-separated) narrows it when investigating one. */
const KINDS = process.env.CRASH_KINDS ? process.env.CRASH_KINDS.split(",") : ["whole", "partial", "shrink", "grow", "append", "zip", "consolidate"];

test(`crash matrix: SIGKILL during every kind of write (${TRIALS} trials per kind) leaves nothing inconsistent`, { timeout: 600_000 }, async () => {
  await bundleChild();
  const r = rng(20261202);
  const results = new Map<string, { trials: number; inconsistent: number; examples: string[] }>();
  const queue = KINDS.map((k) => ({ kind: k, seeds: Array.from({ length: TRIALS }, () => [Math.floor(r() * 2 ** 31), Math.floor(r() * 40)] as const) }));
  const runKind = async ({ kind, seeds }: (typeof queue)[number]) => {
    const dir = await setup(kind);
    const res = { trials: 0, inconsistent: 0, examples: [] as string[] };
    for (const [seed, ms] of seeds) {
      await runAndKill(kind, dir, seed, ms);
      const problems = await check(kind, dir);
      res.trials++;
      if (problems.length) {
        res.inconsistent++;
        if (res.examples.length < 3) res.examples.push(problems[0]);
      }
    }
    results.set(kind, res);
  };
  // Two kinds at a time (the machine has two cores).
  const work = [...queue];
  await Promise.all([0, 1].map(async () => {
    while (work.length) await runKind(work.shift()!);
  }));
  let trials = 0, inconsistent = 0;
  for (const k of KINDS) {
    const v = results.get(k)!;
    trials += v.trials;
    inconsistent += v.inconsistent;
    console.log(`crash ${k}: trials=${v.trials} inconsistent=${v.inconsistent}${v.examples.length ? " e.g. " + v.examples.join("; ") : ""}`);
  }
  console.log(`crash matrix: trials=${trials} inconsistent=${inconsistent}`);
  assert.equal(inconsistent, 0);
});
