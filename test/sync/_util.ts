/**
 * Shared by the synchronizer tests: the parallel-writers workload (disjoint, chunk-unaligned tiles
 * whose sequential result is known), and runners for worker threads and child processes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startWorker, type ArrayDescriptor, type ZarrArray } from "../../src/internal.ts";
import { rng } from "../streams/_util.ts";

export type Tile = [number, number, number, number, number];

/** Array shape and chunks of the workload: tiles of 1-2 × 1-3 elements on 8×8 chunks. */
export const SHAPE = [120, 100];
export const CHUNKS = [8, 8];

/** Cut `n` into `parts` random non-empty segments; returns the boundaries. */
function cuts(n: number, parts: number, r: () => number): number[] {
  const set = new Set<number>();
  while (set.size < parts - 1) set.add(1 + Math.floor(r() * (n - 1)));
  return [0, ...[...set].sort((a, b) => a - b), n];
}

/**
 * 4000 disjoint tiles (80 × 50) covering the array, shuffled, values 1..4000. They are unaligned
 * with the chunks, so every chunk is shared by ~20 tiles; since no element is written twice, the
 * result does not depend on the order of writes — only on none being lost.
 */
export function workload(seed = 1): { tiles: Tile[]; expected: Int32Array } {
  const r = rng(seed);
  const rows = cuts(SHAPE[0], 80, r), cols = cuts(SHAPE[1], 50, r);
  const tiles: Tile[] = [];
  for (let i = 0; i < 80; i++) for (let j = 0; j < 50; j++) tiles.push([rows[i], rows[i + 1], cols[j], cols[j + 1], tiles.length + 1]);
  for (let i = tiles.length - 1; i > 0; i--) {
    const k = Math.floor(r() * (i + 1));
    [tiles[i], tiles[k]] = [tiles[k], tiles[i]];
  }
  const expected = new Int32Array(SHAPE[0] * SHAPE[1]);
  for (const [r0, r1, c0, c1, v] of tiles) for (let a = r0; a < r1; a++) for (let b = c0; b < c1; b++) expected[a * SHAPE[1] + b] = v;
  return { tiles, expected };
}

const writer = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));

/** Split the tiles among `n` writers and run them as worker threads; resolves when all are done. */
export async function runWorkers(array: ArrayDescriptor, tiles: Tile[], n = 4): Promise<void> {
  const per = Math.ceil(tiles.length / n);
  await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const w = startWorker(writer, { workerData: { array, tiles: tiles.slice(i * per, (i + 1) * per) } });
      return new Promise<void>((resolve, reject) => {
        w.once("message", (m: { wrote: number }) => {
          assert.equal(m.wrote, tiles.slice(i * per, (i + 1) * per).length);
          resolve();
        });
        w.once("error", reject);
        w.once("exit", (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
      });
    }),
  );
}

const exec = promisify(execFile);

/** The same as child processes (`node --import tsx`); the descriptor must be JSON. */
export async function runProcesses(array: ArrayDescriptor, tiles: Tile[], n = 4): Promise<void> {
  const dir = tempDir("zarrflow-writers-");
  const per = Math.ceil(tiles.length / n);
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const file = join(dir, `in-${i}.json`);
      writeFileSync(file, JSON.stringify({ array, tiles: tiles.slice(i * per, (i + 1) * per) }));
      const { stdout } = await exec(process.execPath, ["--import", "tsx", writer, file]);
      assert.equal(JSON.parse(stdout.trim().split("\n").pop()!).wrote, tiles.slice(i * per, (i + 1) * per).length);
    }),
  );
}

/** Compare the array with the sequential reference; reports how many tiles were lost. */
export async function assertNoneLost(z: ZarrArray, expected: Int32Array, tiles: Tile[]): Promise<void> {
  const got = (await z.get()).data as Int32Array;
  const lost = tiles.filter(([r0, , c0, , v]) => got[r0 * SHAPE[1] + c0] !== v).length;
  assert.equal(lost, 0, `${lost} of ${tiles.length} writes were lost`);
  assert.deepEqual(Array.from(got), Array.from(expected));
}

const made: string[] = [];
process.on("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

