/**
 * Runs one (JavaScript implementation, workload, op) in a fresh process so its peak RSS is its own:
 *
 *   node --expose-gc --import tsx bench/child.ts <impl> <workload> <op> <shared> <own> <reps> [budget-seconds]
 *
 * Prints one JSON object: { times, median, cpu_times, cpu_median, base_rss_kb, peak_rss_kb, note } or
 * { na } or { error }. CPU times are the process's user + system seconds over all its threads.
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { expectedAt, NotAvailable, vm, type Getter, type Impl } from "./lib.ts";
import { checkPoints, findWorkload } from "./workloads.ts";

const MODULES: Record<string, string> = { zarrflow: "./impl/zarrflow.ts", zarrita: "./impl/zarrita.ts", "zarr.js": "./impl/zarrjs.ts" };

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/**
 * The previous repetition's output, moved aside instead of deleted (bench/run.ts disposes of it
 * after the run): on an ext4 without a journal (this project's benchmark machine) the kernel skips
 * every inode freed in the last 60-360 s one by one when it allocates one, so deleting 10,000 chunk
 * files right before a timed write made each of its file creations scan past them (perf:
 * `find_inode_bit`, `recently_deleted`), for every implementation. zarr_python.py does the same.
 */
function setAside(outDir: string, rep: number): void {
  if (existsSync(outDir)) renameSync(outDir, `${outDir}.rep${rep}`);
}

async function main(): Promise<unknown> {
  if (process.argv[2] === "--versions") {
    const out: Record<string, string> = {};
    for (const [name, file] of Object.entries(MODULES)) {
      try {
        out[name] = await ((await import(file)) as { impl: Impl }).impl.version();
      } catch (e) {
        out[name] = `unavailable: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    return out;
  }
  if (process.argv[2] === "--plan") {
    // Which (implementation, workload, op) cannot run, and why: spares a child process for each.
    const { WORKLOADS, OPS } = await import("./workloads.ts");
    const out: Record<string, Record<string, string>> = {};
    for (const [name, file] of Object.entries(MODULES)) {
      const impl = ((await import(file)) as { impl: Impl }).impl;
      out[name] = {};
      for (const w of WORKLOADS) for (const op of OPS[w.kind]) {
        const why = impl.unavailable(op, w);
        if (why) out[name][`${w.id} ${op}`] = why;
      }
    }
    return out;
  }
  const [implName, wid, op, shared, own, repsArg, budgetArg] = process.argv.slice(2);
  const reps = Number(repsArg);
  // Stop repeating once the timed repetitions add up to this many seconds (slow ops get fewer reps).
  const budget = Number(budgetArg ?? Infinity);
  const w = findWorkload(wid);
  mkdirSync(own, { recursive: true });
  const mod = (await import(MODULES[implName])) as { impl: Impl };
  const ctx = { shared, own, outDir: join(own, "out.zarr"), sharedArray: (x: { id: string }) => join(shared, x.id + ".zarr") };
  let task;
  try {
    task = await mod.impl.task(op, w, ctx);
  } catch (e) {
    if (e instanceof NotAvailable) return { na: e.message };
    throw e;
  }
  const check = (g: Getter | void) => {
    if (w.kind !== "array" || !g) return;
    for (const [i, j] of checkPoints(w, op)) {
      const got = g(i, j);
      const want = expectedAt(w, shared, i, j);
      if (got !== want) throw new Error(`${w.id} ${op}: value at (${i}, ${j}) is ${got}, expected ${want}`);
    }
  };
  // Row and column reads take milliseconds: one untimed call first, so lazy codec (WASM) set-up and
  // JIT warm-up are not in the median. zarr-python gets the same warm-up.
  const warmup = op === "read_row" || op === "read_col";
  if (warmup) {
    await task.before?.();
    check(await task.run());
  }
  gc();
  const base = vm("VmRSS");
  const times: number[] = [];
  // CPU seconds of the whole process (every thread) per repetition: comparable on a loaded machine.
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    setAside(ctx.outDir, r);
    await task.before?.();
    gc();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let res: Getter | void;
    try {
      res = await task.run();
    } catch (e) {
      if (e instanceof NotAvailable) return { na: e.message };
      throw e;
    }
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    check(res);
    res = undefined;
    if (times.reduce((a, b) => a + b, 0) > budget) break;
  }
  return { times, median: median(times), cpu_times: cpu, cpu_median: median(cpu), base_rss_kb: base, peak_rss_kb: vm("VmHWM"), warmup, note: task.note ?? "" };
}

main().then(
  (out) => {
    process.stdout.write(JSON.stringify(out) + "\n");
    process.exit(0);
  },
  (e) => {
    process.stdout.write(JSON.stringify({ error: e instanceof Error ? (e.stack ?? e.message).split("\n").slice(0, 4).join(" | ") : String(e) }) + "\n");
    process.exit(1);
  },
);
