/**
 * Rechunk as one pipeline: read (the source's blocks) → rechunk (under a memory budget, through an
 * intermediate array when needed) → write (the target), with a progress bar. The source is an n×n
 * int32 array stored column-wise, chunks (n, 1); the target is row-wise, chunks (1, n) — the worst
 * case, where every target chunk needs a piece of every source chunk.
 *
 *   npx tsx examples/rechunk-pipeline.ts [--n 2000] [--max-memory-mb 8] [--dir PATH]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { create, DirectoryStore, ndarray, rechunk } from "../src/index.ts";
import { readable, rechunkingPlan, writable, type Progress } from "../streams/index.ts";

const { values: args } = parseArgs({
  options: {
    n: { type: "string", default: "2000" },
    "max-memory-mb": { type: "string", default: "8" },
    dir: { type: "string" },
  },
});
const N = Number(args.n);
const maxMemory = Number(args["max-memory-mb"]) * 2 ** 20;
const dir = args.dir ?? mkdtempSync(join(tmpdir(), "rechunk-pipeline-"));

// The source, written slab by slab through a WritableStream (never whole in memory).
const source = await create({ store: new DirectoryStore(join(dir, "source.zarr")), shape: [N, N], chunks: [N, 1], dtype: "<i4", compressor: { id: "zlib", level: 1 }, overwrite: true });
{
  const w = writable(source).getWriter();
  const slab = Math.max(1, Math.floor(2 ** 20 / (4 * N)));
  for (let c = 0; c < N; c += slab) {
    const k = Math.min(slab, N - c);
    const data = new Int32Array(N * k);
    for (let i = 0; i < N; i++) for (let j = 0; j < k; j++) data[i * k + j] = i * N + c + j;
    await w.ready;
    await w.write({ selection: [[0, N], [c, c + k]], data: ndarray(data, [N, k]) });
  }
  await w.close();
}
const target = await create({ store: new DirectoryStore(join(dir, "target.zarr")), shape: [N, N], chunks: [1, N], dtype: "<i4", compressor: { id: "zlib", level: 1 }, overwrite: true });

const plan = rechunkingPlan(source.shape, source.chunks, target.chunks, 4, maxMemory);
console.log(`plan: read (${plan.readChunks}) → ${plan.intermediateChunks ? `intermediate (${plan.intermediateChunks}) → ` : ""}write (${plan.writeChunks}); peak ${(plan.peakBytes / 2 ** 20).toFixed(1)} MB of ${(maxMemory / 2 ** 20).toFixed(0)} MB`);

/** A text progress bar as the pipeline's sink. */
function progressBar(): WritableStream<Progress> {
  const tty = process.stderr.isTTY;
  let last = -1;
  return new WritableStream({
    write(p) {
      const frac = p.chunksTotal ? p.chunksDone / p.chunksTotal : 0;
      const pct = Math.floor(frac * 100);
      if (pct === last) return;
      last = pct;
      const bar = "#".repeat(Math.round(frac * 30)).padEnd(30, ".");
      const line = `[${bar}] ${String(pct).padStart(3)}% ${p.stage ?? ""} ${p.chunksDone}/${p.chunksTotal} regions, ${(p.bytesDone / 2 ** 20).toFixed(1)} MB`;
      if (tty) process.stderr.write(`\r${line}`);
      else if (pct % 25 === 0) process.stderr.write(line + "\n");
    },
    close() {
      if (tty) process.stderr.write("\n");
    },
  });
}

const started = performance.now();
// read → rechunk → write, as one pipeline.
await readable(source).pipeThrough(rechunk(target, { maxMemory })).pipeTo(progressBar());
const secs = (performance.now() - started) / 1000;

// Spot-check rows of the target against the formula.
let bad = 0;
for (const r of [0, Math.floor(N / 2), N - 1]) {
  const row = (await target.get(`${r}, :`)).data as Int32Array;
  for (let j = 0; j < N; j++) if (row[j] !== r * N + j) bad++;
}
if (!args.dir) rmSync(dir, { recursive: true, force: true });
if (bad) {
  console.error(`FAILED: ${bad} wrong values in the rechunked array`);
  process.exit(1);
}
console.log(`OK rechunked ${N}x${N} int32 (${N},1) → (1,${N}) in ${secs.toFixed(2)} s under ${(maxMemory / 2 ** 20).toFixed(0)} MB`);
