/**
 * Parallel writers: N worker threads write unaligned regions of one array — regions that never
 * overlap element-wise but share chunks, which is exactly where unsynchronized read-modify-writes
 * lose updates. The array handle travels to each worker as `toDescriptor(z)`. With a synchronizer
 * the final array equals the expected one; with `--sync none` the lost writes are counted.
 *
 *   npx tsx examples/parallel-writers.ts [--workers 4] [--writes 250] [--sync thread|process|none]
 *
 * This file is both the main program and the worker script.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { create, DirectoryStore, ProcessSynchronizer, slice, startWorker, ThreadSynchronizer } from "../src/index.ts";
import { openFromDescriptor, toDescriptor, type ArrayDescriptor, type Synchronizer } from "../sync/index.ts";

type Region = [number, number, number, number, number]; // rows r0..r1, columns c0..c1, value

if (!isMainThread) {
  // ----------------------------------------------------------------- worker
  const { array, regions } = workerData as { array: ArrayDescriptor; regions: Region[] };
  const z = await openFromDescriptor(array);
  // Two writes in flight per worker, so writers interleave within threads as well as across them.
  let next = 0;
  const lane = async () => {
    while (next < regions.length) {
      const [r0, r1, c0, c1, v] = regions[next++];
      await z.set([slice(r0, r1), slice(c0, c1)], v);
    }
  };
  await Promise.all([lane(), lane()]);
  parentPort!.postMessage(regions.length);
} else {
  // ----------------------------------------------------------------- main
  const { values: args } = parseArgs({
    options: {
      workers: { type: "string", default: "4" },
      writes: { type: "string", default: "250" },
      sync: { type: "string", default: "thread" },
    },
  });
  const W = Number(args.workers), PER = Number(args.writes);
  const kind = args.sync!;

  // Cut a grid into W × PER regions of random sizes: cut points are random, not chunk-aligned.
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const cols = 10, rowsOfRegions = Math.ceil((W * PER) / cols);
  const cuts = (parts: number) => {
    const out = [0];
    for (let i = 0; i < parts; i++) out.push(out[i] + 1 + Math.floor(rand() * 3));
    return out;
  };
  const rowCuts = cuts(rowsOfRegions), colCuts = cuts(cols);
  const shape = [rowCuts.at(-1)!, colCuts.at(-1)!];
  const regions: Region[] = [];
  for (let i = 0; i < rowsOfRegions; i++) for (let j = 0; j < cols; j++) regions.push([rowCuts[i], rowCuts[i + 1], colCuts[j], colCuts[j + 1], regions.length + 1]);
  regions.length = W * PER;
  for (let i = regions.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [regions[i], regions[k]] = [regions[k], regions[i]];
  }
  const expected = new Int32Array(shape[0] * shape[1]);
  for (const [r0, r1, c0, c1, v] of regions) for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) expected[r * shape[1] + c] = v;

  const dir = mkdtempSync(join(tmpdir(), "parallel-writers-"));
  const synchronizer: Synchronizer | null =
    kind === "thread" ? new ThreadSynchronizer() : kind === "process" ? new ProcessSynchronizer(join(dir, "locks")) : kind === "none" ? null : null;
  if (!["thread", "process", "none"].includes(kind)) throw new Error(`--sync must be thread, process or none, got ${kind}`);
  const z = await create({ store: new DirectoryStore(join(dir, "data.zarr")), shape, chunks: [8, 8], dtype: "<i4", compressor: null, synchronizer });

  const started = performance.now();
  const descriptor = toDescriptor(z);
  await Promise.all(
    Array.from({ length: W }, (_, w) => {
      const worker = startWorker(new URL(import.meta.url), { workerData: { array: descriptor, regions: regions.slice(w * PER, (w + 1) * PER) } });
      return new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
      });
    }),
  );
  const secs = (performance.now() - started) / 1000;
  const got = (await z.get()).data as Int32Array;
  const lost = regions.filter(([r0, , c0, , v]) => got[r0 * shape[1] + c0] !== v).length;
  const wrong = got.reduce((n, x, i) => n + (x !== expected[i] ? 1 : 0), 0);
  rmSync(dir, { recursive: true, force: true });
  const what = `${W} workers × ${PER} unaligned writes into (${shape.join(", ")}) chunked (8, 8), ${kind} synchronizer, ${secs.toFixed(2)} s`;
  if (kind === "none") {
    console.log(`${what}: ${lost} of ${regions.length} writes lost without a synchronizer`);
  } else if (lost || wrong) {
    console.error(`FAILED ${what}: ${lost} writes lost, ${wrong} elements differ from the expected array`);
    process.exit(1);
  } else {
    console.log(`OK ${what}: the array equals the expected result`);
  }
}
