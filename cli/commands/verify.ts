/**
 * `verify PATH`: decode every stored chunk of every array below PATH and report damage by key.
 * @module
 */
import { chunkAccess } from "../../src/array/chunk-access.ts";
import { ZarrArray, type Store } from "../../src/internal.ts";
import { shapeRepr, type CliContext } from "../context.ts";
import { isAbortError, UsageError } from "../errors.ts";
import { newMeter } from "../guard.ts";
import { keyPrefix, listStoreKeys } from "../keys.ts";

/** One damaged key. */
export interface Damage {
  key: string;
  /** `corrupt` (stored bytes do not decode), `missing` (listed but gone when read), `unreadable` (the store failed to read it, or metadata is invalid). */
  problem: "corrupt" | "missing" | "unreadable";
  message: string;
}

/** What `verify` found for one array. */
export interface ArrayReport {
  path: string;
  shape?: number[];
  chunks?: number[];
  /** Chunks in the grid. */
  nchunks: number;
  /** Chunk keys present in the grid (zarr-python's `nchunks_initialized`); absent chunks read as the fill value. */
  initialized: number;
  /** Chunks that decoded correctly. */
  ok: number;
  /** Keys that look like chunk keys but lie outside the grid (after a shrinking resize); not read. */
  outsideGrid: number;
  damage: Damage[];
}

const META_NAMES = new Set([".zarray", ".zgroup", ".zattrs", ".zmetadata"]);

function base(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** Grid coordinates of a chunk key relative to its array, or null when it is not a chunk key. */
function chunkCoords(rel: string, ndim: number, sep: string): number[] | null {
  const parts = ndim === 0 ? [rel] : rel.split(sep);
  if (parts.length !== Math.max(1, ndim) || parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

/** Check JSON metadata keys (groups and attributes) parse. */
async function checkJsonKey(store: Store, key: string): Promise<Damage | null> {
  try {
    const raw = await store.get(key);
    if (raw === undefined) return { key, problem: "missing", message: "listed but absent when read" };
    JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
    return null;
  } catch (e) {
    if (isAbortError(e)) throw e;
    return { key, problem: e instanceof SyntaxError || e instanceof TypeError ? "corrupt" : "unreadable", message: (e as Error).message };
  }
}

/** Run `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  const worker = async () => {
    while (i < items.length) await fn(items[i++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * `zarrflow verify PATH`: every stored chunk of every array at or below PATH is read and decoded.
 * Damage is reported by key (corrupt, missing or unreadable chunks; invalid metadata), and the exit
 * code is 1 when there is any. Chunks absent from the grid are not damage (they read as the fill
 * value): each array's initialized count is reported instead.
 */
export async function verifyCommand(ctx: CliContext, target: string, o: { path?: string; concurrency?: string }): Promise<number> {
  const concurrency = o.concurrency === undefined ? 8 : Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got '${o.concurrency}'`);
  const resolved = await ctx.openStore(target, { mode: "r", path: o.path });
  const meter = newMeter();
  const store = ctx.guard(resolved.store, meter);
  const keys = await listStoreKeys(resolved.store, keyPrefix(resolved.path));
  const arrayPaths = keys.filter((k) => base(k) === ".zarray").map((k) => k.slice(0, -".zarray".length).replace(/\/$/, ""));
  if (!arrayPaths.length && !keys.some((k) => base(k) === ".zgroup")) throw new UsageError(`${target}: no zarr array or group here`);
  const arraySet = new Set(arrayPaths);
  const generalDamage: Damage[] = [];
  for (const k of keys.filter((k) => base(k) === ".zgroup" || base(k) === ".zattrs" || base(k) === ".zmetadata")) {
    const d = await checkJsonKey(store, k);
    if (d) generalDamage.push(d);
  }
  // Chunk keys by array: the nearest enclosing array directory.
  const byArray = new Map<string, string[]>(arrayPaths.map((p) => [p, []]));
  for (const k of keys) {
    if (META_NAMES.has(base(k))) continue;
    for (let dir = k.includes("/") ? k.slice(0, k.lastIndexOf("/")) : ""; ; dir = dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "") {
      if (arraySet.has(dir)) {
        byArray.get(dir)!.push(k);
        break;
      }
      if (dir === "") break;
    }
  }
  const reports: ArrayReport[] = [];
  const jobs: { z: ZarrArray; key: string; report: ArrayReport }[] = [];
  for (const path of arrayPaths) {
    const report: ArrayReport = { path, nchunks: 0, initialized: 0, ok: 0, outsideGrid: 0, damage: [] };
    reports.push(report);
    let z: ZarrArray;
    try {
      z = await ZarrArray.open(store, { path, readOnly: true });
    } catch (e) {
      if (isAbortError(e)) throw e;
      report.damage.push({ key: keyPrefix(path) + ".zarray", problem: "unreadable", message: (e as Error).message });
      continue;
    }
    report.shape = z.shape;
    report.chunks = z.chunks;
    report.nchunks = z.shape.every((n) => n > 0) ? z.nchunks : 0;
    const grid = z.cdataShape;
    const prefix = keyPrefix(path);
    for (const key of byArray.get(path)!) {
      const c = chunkCoords(key.slice(prefix.length), z.ndim, z.dimensionSeparator);
      if (!c) continue;
      if (c.some((x, d) => x >= (grid[d] ?? 1)) || (z.ndim === 0 && c[0] !== 0)) {
        report.outsideGrid++;
        continue;
      }
      report.initialized++;
      jobs.push({ z, key, report });
    }
  }
  const progress = ctx.progress("verify");
  let done = 0;
  let completed = false;
  progress.update({ done, total: jobs.length, bytes: 0 });
  try {
    await pool(jobs, concurrency, async ({ z, key, report }) => {
      let raw: Uint8Array | undefined;
      try {
        raw = await chunkAccess(z).getStored(key); // a chunk over its stored-size bound is refused unread
      } catch (e) {
        if (isAbortError(e)) throw e;
        report.damage.push({ key, problem: "unreadable", message: (e as Error).message });
      }
      if (raw === undefined && !report.damage.some((d) => d.key === key)) {
        report.damage.push({ key, problem: "missing", message: "listed by the store but absent when read" });
      } else if (raw !== undefined) {
        try {
          await chunkAccess(z).decodeChunkBytes(raw, key);
          report.ok++;
        } catch (e) {
          if (isAbortError(e)) throw e;
          report.damage.push({ key, problem: "corrupt", message: (e as Error).message });
        }
      }
      done++;
      progress.update({ done, total: jobs.length, bytes: meter.bytesRead });
    });
    completed = true;
  } finally {
    progress.stop(completed && !ctx.signal.aborted);
  }
  for (const r of reports) r.damage.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const damaged = generalDamage.length + reports.reduce((a, r) => a + r.damage.length, 0);
  if (ctx.json) {
    ctx.outJson({ ok: damaged === 0, damaged, chunksChecked: jobs.length, bytesRead: meter.bytesRead, metadata: generalDamage, arrays: reports });
  } else {
    for (const d of generalDamage) ctx.out(`${d.problem} ${d.key}: ${d.message}`);
    for (const r of reports) {
      const name = "/" + r.path;
      const head = r.shape ? `${name} ${shapeRepr(r.shape)} chunks=${shapeRepr(r.chunks!)}` : name;
      const extra = r.outsideGrid ? `, ${r.outsideGrid} keys outside the grid ignored` : "";
      ctx.out(`${head}: ${r.initialized}/${r.nchunks} chunks initialized, ${r.ok} ok${r.damage.length ? `, ${r.damage.length} damaged` : ""}${extra}`);
      for (const d of r.damage) ctx.out(`  ${d.problem} ${d.key}: ${d.message}`);
    }
    ctx.out(damaged
      ? `verify: ${damaged} damaged key${damaged === 1 ? "" : "s"} in ${reports.length} array${reports.length === 1 ? "" : "s"} (${jobs.length} chunks checked)`
      : `verify: ok, ${reports.length} array${reports.length === 1 ? "" : "s"}, ${jobs.length} chunks checked`);
  }
  return damaged ? 1 : 0;
}
