/** The streams examples run, with small sizes, and report success. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

test("examples/sensor-ingest.ts: appends at a fixed rate, reads back while writing", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", example("sensor-ingest.ts"), "--samples", "4000", "--rate", "20000", "--chunk", "500", "--channels", "3"]);
  assert.match(stdout, /rows 3500\.\.4000 flushed/);
  assert.match(stdout, /^OK 4000 samples × 3 channels/m);
});

test("examples/rechunk-pipeline.ts: read → rechunk → write with a progress bar", async () => {
  const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", example("rechunk-pipeline.ts"), "--n", "600", "--max-memory-mb", "1"]);
  assert.match(stdout, /plan: read \(600,\d+\) → intermediate/);
  assert.match(stderr, /100% write/);
  assert.match(stdout, /^OK rechunked 600x600/m);
});
