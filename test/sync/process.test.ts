import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, utimesSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, DirectoryStore, ProcessSynchronizer, SharedMemoryStore, type Store } from "../../src/internal.ts";
import { CHUNKS, SHAPE, assertNoneLost, runProcesses, runWorkers, tempDir, workload } from "./_util.ts";
import { toDescriptor } from "../../sync/index.ts";

async function target(sync: ProcessSynchronizer, store: Store = new DirectoryStore(tempDir("zarrflow-proc-"))) {
  return create({ store, shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync });
}

test("ProcessSynchronizer: 4 worker threads × 1000 random unaligned writes lose none", async () => {
  // Threads share memory, so the data lives in a SharedMemoryStore; the locks are files all the same.
  const z = await target(new ProcessSynchronizer(tempDir("zarrflow-locks-")), new SharedMemoryStore());
  const { tiles, expected } = workload(21);
  await runWorkers(toDescriptor(z), tiles, 4);
  await assertNoneLost(z, expected, tiles);
});

test("ProcessSynchronizer: 4 child processes × 1000 random unaligned writes lose none", async () => {
  const z = await target(new ProcessSynchronizer(tempDir("zarrflow-locks-")));
  const { tiles, expected } = workload(22);
  await runProcesses(JSON.parse(JSON.stringify(toDescriptor(z))), tiles, 4);
  await assertNoneLost(z, expected, tiles);
});

test("ProcessSynchronizer: a stale lock (holder gone, not refreshed) is taken over", async () => {
  const dir = tempDir("zarrflow-locks-");
  const sync = new ProcessSynchronizer(dir, { stale: 2000 });
  // What a crashed holder leaves: the lock directory, last refreshed a minute ago.
  const lockDir = join(dir, "k-0%2E0.lock");
  mkdirSync(lockDir);
  const old = new Date(Date.now() - 60_000);
  utimesSync(lockDir, old, old);
  const t = Date.now();
  const release = await sync.lock("0.0");
  assert.ok(Date.now() - t < 1500, "a long-stale lock is recovered at once");
  await release();
  assert.equal(existsSync(lockDir), false);
});

test("ProcessSynchronizer: the lock of a SIGKILLed process is recovered after `stale`", async () => {
  const dir = tempDir("zarrflow-locks-");
  const src = fileURLToPath(new URL("../../sync/process.ts", import.meta.url));
  // A child takes the lock, says so, and is then killed without any chance to release it.
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `
    import { ProcessSynchronizer } from ${JSON.stringify(src)};
    await new ProcessSynchronizer(${JSON.stringify(dir)}, { stale: 2000 }).lock("a/1.2");
    process.stdout.write("held\\n");
    setInterval(() => {}, 1000);
  `], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d) => String(d).includes("held") && resolve());
    child.once("exit", (c) => reject(new Error(`child exited early (${c})`)));
  });
  const sync = new ProcessSynchronizer(dir, { stale: 2000 });
  // While the holder lives (and refreshes), the lock is not available.
  let got = false;
  const pending = sync.lock("a/1.2").then((r) => ((got = true), r));
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(got, false, "the live holder's lock must not be taken, even after `stale`");
  child.kill("SIGKILL");
  const t = Date.now();
  const release = await pending;
  const waited = Date.now() - t;
  assert.ok(waited < 6000, `recovered after ${waited} ms`);
  await release();
});
