/** examples/parallel-writers.ts runs with both synchronizers and finds the expected array. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../examples/parallel-writers.ts", import.meta.url));

for (const sync of ["thread", "process"]) {
  test(`examples/parallel-writers.ts --sync ${sync}`, async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, "--workers", "3", "--writes", "100", "--sync", sync]);
    assert.match(stdout, new RegExp(`^OK 3 workers × 100 unaligned writes .* ${sync} synchronizer`, "m"));
  });
}
