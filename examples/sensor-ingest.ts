/**
 * Sensor ingestion: a simulated sensor emits samples at a fixed rate; the `append` operator buffers
 * them to chunk boundaries and writes each chunk once, while a separate reader opens the array over
 * and over and reads back what has landed — it never sees rows that are not written yet.
 *
 *   npx tsx examples/sensor-ingest.ts [--samples 20000] [--rate 5000] [--channels 4] [--chunk 1000] [--dir PATH]
 *
 * Prints one progress line per flushed chunk row and a final `OK …` line (exit code 1 on a mismatch).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { create, DirectoryStore, ndarray, ZarrArray } from "../src/index.ts";
import { append, type AppendEvent } from "../streams/index.ts";

const { values: args } = parseArgs({
  options: {
    samples: { type: "string", default: "20000" },
    rate: { type: "string", default: "5000" },
    channels: { type: "string", default: "4" },
    chunk: { type: "string", default: "1000" },
    dir: { type: "string" },
  },
});
const SAMPLES = Number(args.samples), RATE = Number(args.rate), CH = Number(args.channels), CHUNK = Number(args.chunk);
const TICK_MS = 10;

/** The sensor's reading of channel `c` at sample `t` (deterministic, so the result can be checked). */
const reading = (t: number, c: number) => Math.fround(Math.sin(t * 0.001 * (c + 1)) * 100 + c);

/**
 * The sensor as a pull stream: each pull waits for the next tick and returns the samples of that
 * tick, so the source runs at the sensor's rate and never gets ahead of the writer.
 */
function sensor(): ReadableStream<ReturnType<typeof ndarray>> {
  const perTick = Math.max(1, Math.round((RATE * TICK_MS) / 1000));
  let t = 0;
  let next = performance.now();
  return new ReadableStream(
    {
      async pull(controller) {
        if (t >= SAMPLES) return controller.close();
        next += TICK_MS;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const n = Math.min(perTick, SAMPLES - t);
        const data = new Float32Array(n * CH);
        for (let i = 0; i < n; i++) for (let c = 0; c < CH; c++) data[i * CH + c] = reading(t + i, c);
        t += n;
        controller.enqueue(ndarray(data, [n, CH]));
      },
    },
    { highWaterMark: 1 },
  );
}

const dir = args.dir ?? mkdtempSync(join(tmpdir(), "sensor-ingest-"));
const store = new DirectoryStore(dir);
const z = await create({ store, shape: [0, CH], chunks: [CHUNK, CH], dtype: "<f4", compressor: { id: "zlib", level: 1 }, overwrite: true });

// A reader in the same process, opening its own handle each time as another process would.
let ingesting = true, reads = 0, lastSeen = 0, problems = 0;
const reader = (async () => {
  while (ingesting) {
    await new Promise((r) => setTimeout(r, 20));
    const view = await ZarrArray.open(store, { readOnly: true });
    const n = view.shape[0];
    if (n < lastSeen) problems++; // the shape must only grow
    lastSeen = n;
    if (n === 0) continue;
    const tail = await view.get(`${Math.max(0, n - 5)}:${n}, :`);
    for (let i = 0; i < tail.shape[0]; i++) {
      const t = n - tail.shape[0] + i;
      for (let c = 0; c < CH; c++) if (tail.get(i, c) !== reading(t, c)) problems++;
    }
    reads++;
  }
})();

let maxRss = process.memoryUsage.rss();
const started = performance.now();
await sensor()
  .pipeThrough(append(z, { axis: 0 }))
  .pipeTo(
    new WritableStream<AppendEvent>({
      write(e) {
        maxRss = Math.max(maxRss, process.memoryUsage.rss());
        console.log(`rows ${e.rows[0]}..${e.rows[1]} flushed (${e.chunksWritten} chunk${e.chunksWritten === 1 ? "" : "s"}${e.final ? ", final tail" : ""}); shape (${e.shape.join(", ")})`);
      },
    }),
  );
ingesting = false;
await reader;

// Check everything that was ingested.
const all = (await (await ZarrArray.open(store)).get()).data as Float32Array;
let bad = all.length === SAMPLES * CH ? 0 : 1;
for (let t = 0; t < SAMPLES && !bad; t++) for (let c = 0; c < CH; c++) if (all[t * CH + c] !== reading(t, c)) bad++;
const secs = (performance.now() - started) / 1000;
if (!args.dir) rmSync(dir, { recursive: true, force: true });
if (bad || problems) {
  console.error(`FAILED: ${bad} wrong values, ${problems} problems seen by the concurrent reader`);
  process.exit(1);
}
console.log(`OK ${SAMPLES} samples × ${CH} channels in ${secs.toFixed(2)} s (${Math.round(SAMPLES / secs)} samples/s); ${reads} reads while writing; max RSS ${(maxRss / 2 ** 20).toFixed(0)} MB`);
