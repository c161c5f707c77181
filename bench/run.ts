/**
 * zarrflow benchmark (issue 4): zarrflow, zarr-python 2.x, zarrita.js and zarr.js on the same files.
 *
 *   npm run bench                      full run: median of 5, writes bench/RESULTS.md
 *   npm run bench -- --quick           median of 3, also writes bench/RESULTS.md
 *   npm run build && npm run bench -- --dist   children run the compiled JavaScript with plain node
 *   npm run bench -- --only W1,APPEND  some workloads (W1..W4, APPEND, RECHUNK); RESULTS.md untouched
 *   options: --impl zarrflow,zarrita   some implementations (zarr-python, zarrflow, zarrita, zarr.js)
 *            --reps N  --timeout SECONDS (per child process)  --results (write RESULTS.md even when filtered)
 *            --budget SECONDS (stop repeating an op once its timed reps add up to this; default 30, quick 15)
 *            --keep    (keep the data dir, for debugging)
 *            --cpu-prof DIR (zarrflow children write V8 CPU profiles into DIR, one per workload/op)
 *
 * Start a run several minutes after any mass deletion of files on the data dir's disk (a previous
 * run's clean-up, a test run): ext4 without a journal passes over recently freed inodes when it
 * creates files, which makes every implementation's write workloads 3-7x slower meanwhile.
 *
 * zarr-python writes every shared input once (untimed); every implementation's read ops read those
 * files, and each write op writes the implementation's own copy, which zarr-python then checks
 * against the expected data. Every (implementation, workload, op) runs in a fresh child process, so
 * its peak RSS (VmHWM) is its own. One JSON line per measurement goes to stdout; progress to stderr.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { baselineOp, OPS, opBytes, WORKLOADS, type Workload } from "./workloads.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const PYTHON = "/usr/bin/python3";
const PY_MODULE = join(here, "impl", "zarr_python.py");
const CHILD = join(here, "child.ts");
const IMPLS = ["zarr-python", "zarrflow", "zarrita", "zarr.js"] as const;
const MB = 1e6;

// ------------------------------------------------------------------ arguments

const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}
function optList(name: string): string[] | undefined {
  const vals: string[] = [];
  argv.forEach((a, i) => {
    if (a === name && argv[i + 1]) vals.push(...argv[i + 1].split(","));
  });
  return vals.length ? vals.map((s) => s.trim()).filter(Boolean) : undefined;
}
const quick = argv.includes("--quick");
const reps = Number(opt("--reps") ?? (quick ? 3 : 5));
const only = optList("--only")?.map((s) => s.toUpperCase());
const implFilter = optList("--impl");
const timeoutS = Number(opt("--timeout") ?? (quick ? 120 : 240));
const budget = Number(opt("--budget") ?? (quick ? 15 : 30));
const keep = argv.includes("--keep");
const cpuProfDir = opt("--cpu-prof");
// --dist: run the Node children from the compiled build (`npm run build`) with plain node, as an
// application that ships JavaScript would; without it they run the TypeScript sources through tsx.
const useDist = argv.includes("--dist");
/** The compiled benchmark child (bench/tsconfig.json compiles bench/ beside `npm run build`'s dist/src). */
const DIST_CHILD = join(root, "dist", "bench", "child.js");
const filtered = !!only || !!implFilter || opt("--reps") !== undefined || opt("--budget") !== undefined;
const writeResults = !filtered || argv.includes("--results");

const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
if (only) for (const id of only) if (!WORKLOADS.some((w) => w.id === id)) throw new Error(`unknown workload ${id}; known: ${WORKLOADS.map((w) => w.id).join(", ")}`);
const impls = IMPLS.filter((i) => !implFilter || implFilter.includes(i));

// ------------------------------------------------------------------ child processes

interface ChildOut {
  code: number | null;
  json: Record<string, any> | null;
  stderr: string;
  timedOut: boolean;
}

/** The child running now, ended by pid if the benchmark is interrupted. */
let current: ReturnType<typeof spawn> | null = null;

function runChild(cmd: string, args: string[], timeoutSec: number): Promise<ChildOut> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    let out = "";
    let err = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSec * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      current = null;
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      let json: Record<string, any> | null = null;
      try {
        json = line ? JSON.parse(line) : null;
      } catch {
        json = null;
      }
      resolve({ code, json, stderr: err, timedOut });
    });
  });
}

const nodeChild = (args: string[], t: number) => {
  const prof = cpuProfDir && args[0] === "zarrflow" ? ["--cpu-prof", "--cpu-prof-dir", cpuProfDir, "--cpu-prof-name", `${args[1]}-${args[2]}.cpuprofile`] : [];
  const entry = useDist ? [DIST_CHILD] : ["--import", "tsx", CHILD];
  return runChild(process.execPath, ["--expose-gc", ...prof, ...entry, ...args], t);
};
const pyChild = (args: string[], t: number) => runChild(PYTHON, [PY_MODULE, ...args], t);

function failure(c: ChildOut, what: string, timeout = timeoutS): string {
  if (c.timedOut) return `timed out after ${timeout} s`;
  if (c.json?.error) return String(c.json.error);
  const tail = c.stderr.trim().split("\n").slice(-3).join(" | ");
  return `${what} exited ${c.code}${tail ? ": " + tail : ""}`;
}

// ------------------------------------------------------------------ the run

interface Row {
  impl: string;
  workload: string;
  op: string;
  seconds?: number;
  /** Median CPU seconds (user + system, all threads): the fairer comparison on a loaded machine. */
  cpu_seconds?: number;
  /** 1-minute load average when the measurement ended. */
  load1?: number;
  mb_s?: number;
  peak_rss_mb?: number;
  base_rss_mb?: number;
  ratio_vs_zarr_python?: number | null;
  reps?: number;
  times?: number[];
  verified?: boolean | null;
  note?: string;
  na?: string;
  error?: string;
}

const log = (s: string) => process.stderr.write(s + "\n");
const round = (x: number, d = 4) => Number(x.toFixed(d));

const dataDir = mkdtempSync(join(os.tmpdir(), "zarrflow-bench-"));
const shared = join(dataDir, "shared");
let cleaned = false;
function cleanup() {
  if (cleaned || keep) return;
  cleaned = true;
  rmSync(dataDir, { recursive: true, force: true });
  // Write the freed inodes back now: ext4 without a journal skips inodes freed in the last 60 s,
  // 360 s while their inode table block is still dirty (see discard), so a run started right after
  // this one would create its files behind them. Even so, leave a minute or two between runs.
  spawnSync("sync", { stdio: "ignore" });
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    current?.kill("SIGKILL");
    cleanup();
    process.exit(130);
  });
}

/**
 * Disposes of a finished op's directory without deleting a file before the end of the run: its files
 * are truncated (their disk space comes back at once) and the directory is moved aside; the files go
 * when the data dir is removed. On an ext4 without a journal (the benchmark machine) the kernel skips
 * every inode freed in the last 60-360 s one by one when it allocates the next (perf:
 * `find_inode_bit`, `recently_deleted`), so files deleted between ops made every later file
 * creation slower, for whichever implementation came next: W5's 10,000-file write took 5-8 s
 * instead of 0.8-1.6 s. See setAside in child.ts for the repetitions of one op.
 */
function discard(path: string): void {
  if (!existsSync(path)) return;
  const empty = (p: string) => {
    const st = lstatSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) empty(join(p, e));
    else if (st.isFile() && st.size > 0) truncateSync(p, 0);
  };
  empty(path);
  const aside = join(dataDir, "discarded");
  mkdirSync(aside, { recursive: true });
  renameSync(path, join(aside, String(discarded++)));
}
let discarded = 0;

const loadStart = os.loadavg()[0];

/**
 * With --dist, compile bench/ into dist/bench when it is missing or older than a bench source (the
 * package build, `npm run build`, compiles only src/, streams/, sync/ and cli/).
 */
function buildDistBench(): void {
  if (!existsSync(join(root, "dist", "src", "index.js"))) throw new Error("--dist needs the compiled package: run `npm run build` first");
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : e.name.endsWith(".ts") ? statSync(join(dir, e.name)).mtimeMs : 0), 0);
  if (existsSync(DIST_CHILD) && statSync(DIST_CHILD).mtimeMs >= newest(here)) return;
  log("compiling bench/ into dist/bench (tsc -p bench/tsconfig.json)");
  const r = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(here, "tsconfig.json")], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error("compiling bench/ failed");
}

async function main() {
  const started = Date.now();
  if (useDist) buildDistBench();
  const rows: Row[] = [];
  const pyCheck = await pyChild(["versions"], 60);
  const havePython = existsSync(PYTHON) && pyCheck.code === 0 && pyCheck.json !== null;
  const pyVersions = havePython ? pyCheck.json! : null;
  if (!havePython) log(`zarr-python unavailable (${failure(pyCheck, "python3")}); the shared inputs need it, so nothing can run`);
  const jsVersions = (await nodeChild(["--versions"], 120)).json ?? {};
  const plan = ((await nodeChild(["--plan"], 120)).json ?? {}) as Record<string, Record<string, string>>;
  plan["zarr-python"] = {};
  for (const w of workloads) {
    for (const op of OPS[w.kind]) {
      if (baselineOp(op) !== op) plan["zarr-python"][`${w.id} ${op}`] = `zarr-python ${pyVersions?.zarr ?? "2"} has no ${op.startsWith("append") ? "append" : "rechunk"} operator (its plain ${op.startsWith("append") ? "z.append loop" : "copy"} is the baseline)`;
    }
  }
  log(`bench data in ${dataDir}; ${reps} reps; ${workloads.map((w) => w.id).join(", ")}; ${impls.join(", ")}`);

  for (const w of workloads) {
    if (!havePython) break;
    const wjson = JSON.stringify(w);
    const t0 = Date.now();
    const prep = await pyChild(["prepare", shared, wjson], 600);
    if (prep.code !== 0) throw new Error(`preparing ${w.id} with zarr-python failed: ${failure(prep, "prepare")}`);
    log(`[${w.id}] shared input written by zarr-python in ${((Date.now() - t0) / 1000).toFixed(1)} s${prep.json?.nbytes_stored ? ` (${(prep.json.nbytes_stored / MB).toFixed(1)} MB stored)` : ""}`);
    const pySeconds: Record<string, number> = {};
    const childTimeout = Math.max(timeoutS, w.minTimeoutS ?? 0);
    for (const op of OPS[w.kind]) {
      for (const impl of impls) {
        const own = join(dataDir, `${impl}-${w.id}-${op}`.replace(/[^A-Za-z0-9_.-]/g, "_"));
        const na = plan[impl]?.[`${w.id} ${op}`];
        const c = na
          ? { code: 0, json: { na }, stderr: "", timedOut: false }
          : impl === "zarr-python"
          ? await pyChild(["run", op, wjson, shared, own, String(reps), String(budget)], childTimeout)
          : await nodeChild([impl, w.id, op, shared, own, String(reps), String(budget)], childTimeout);
        const row: Row = { impl, workload: w.id, op };
        if (c.json?.na) {
          row.na = c.json.na;
        } else if (c.code !== 0 || !c.json || c.json.median === undefined) {
          row.error = failure(c, impl, childTimeout);
        } else {
          const s: number = c.json.median;
          row.seconds = round(s);
          if (typeof c.json.cpu_median === "number") row.cpu_seconds = round(c.json.cpu_median);
          row.load1 = round(os.loadavg()[0], 2);
          row.mb_s = round(opBytes(w, op) / MB / s, 1);
          row.peak_rss_mb = c.json.peak_rss_kb != null ? round((c.json.peak_rss_kb * 1024) / MB, 1) : undefined;
          row.base_rss_mb = c.json.base_rss_kb != null ? round((c.json.base_rss_kb * 1024) / MB, 1) : undefined;
          if (impl === "zarr-python") pySeconds[op] = s;
          const base = pySeconds[baselineOp(op)];
          row.ratio_vs_zarr_python = base !== undefined ? round(base / s, 3) : null;
          row.reps = c.json.times.length;
          row.times = c.json.times.map((t: number) => round(t));
          row.note = c.json.note || undefined;
          if (["write", "append", "append_op", "copy", "rechunk_op", "rechunk_blocks"].includes(op)) {
            if (havePython) {
              const v = await pyChild(["verify", wjson, op, own, shared], 300);
              row.verified = v.json?.ok === true;
              if (!row.verified) row.note = `${row.note ? row.note + "; " : ""}VERIFY FAILED: ${v.json?.detail ?? failure(v, "verify")}`;
            } else {
              row.verified = null;
            }
          } else {
            row.verified = true; // the child checked sample points of every read
          }
        }
        discard(own);
        rows.push(row);
        process.stdout.write(JSON.stringify(row) + "\n");
        log(`  ${w.id} ${op} ${impl}: ${row.na ? "n/a — " + row.na : row.error ? "ERROR — " + row.error : `${row.seconds} s (cpu ${row.cpu_seconds ?? "?"} s, load ${row.load1}), ${row.mb_s} MB/s, peak RSS ${row.peak_rss_mb} MB, x${row.ratio_vs_zarr_python ?? "?"}`}`);
      }
    }
    // Shared inputs of a workload are no longer needed once every implementation has read them.
    for (const ext of [".zarr", ".raw"]) discard(join(shared, w.id + ext));
  }
  const elapsed = (Date.now() - started) / 1000;
  log(`done in ${elapsed.toFixed(0)} s`);
  if (writeResults) {
    const file = join(here, "RESULTS.md");
    writeFileSync(file, resultsMarkdown(rows, { pyVersions, jsVersions, elapsed, load: [loadStart, os.loadavg()[0]] }));
    log(`wrote ${file}`);
    // The same rows as JSON, for bench/plots.ts (docs/performance.md's charts), which runs next.
    const results = { date: new Date().toISOString().slice(0, 10), meta: { pyVersions, jsVersions, elapsed, load: [loadStart, os.loadavg()[0]], reps }, rows };
    writeFileSync(join(here, "results.json"), JSON.stringify(results, null, 1) + "\n");
    const { renderPlots } = await import("./plots.ts");
    for (const f of await renderPlots({ results })) log(`wrote ${f}`);
  }
}

// ------------------------------------------------------------------ RESULTS.md

function fmtS(r: Row | undefined): string {
  if (!r) return "–";
  if (r.na) return "n/a";
  if (r.error) return "error";
  return r.seconds! < 0.1 ? `${(r.seconds! * 1000).toFixed(1)} ms` : `${r.seconds!.toFixed(3)} s`;
}

function resultsMarkdown(rows: Row[], meta: { pyVersions: Record<string, any> | null; jsVersions: Record<string, any>; elapsed: number; load: number[] }): string {
  const find = (impl: string, w: string, op: string) => rows.find((r) => r.impl === impl && r.workload === w && r.op === op);
  const ok = (r: Row | undefined) => r && r.seconds !== undefined;
  const ratio = (a: Row | undefined, b: Row | undefined) => (ok(a) && ok(b) ? `${(a!.seconds! / b!.seconds!).toFixed(2)}x` : "–");
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const L: string[] = [];
  L.push("# zarrflow benchmark results", "");
  L.push(`Generated by \`npm run bench${quick ? " -- --quick" : ""}\` (bench/run.ts${useDist ? ", --dist: compiled JavaScript, no tsx" : ""}) on ${new Date().toISOString().slice(0, 10)}; the run took ${meta.elapsed.toFixed(0)} s.`, "");
  L.push(`- Machine: ${os.availableParallelism()} cores (os.availableParallelism), ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`);
  L.push(`- 1-minute load average ${meta.load[0].toFixed(1)} at the start, ${meta.load[1].toFixed(1)} at the end${Math.max(...meta.load) > os.availableParallelism() ? " — other work shared the cores, so timings are noisy (every implementation alike)" : ""}`);
  L.push(`- Node ${process.version}`);
  if (meta.pyVersions) L.push(`- zarr-python ${meta.pyVersions.zarr} (numcodecs ${meta.pyVersions.numcodecs}, numpy ${meta.pyVersions.numpy}, Python ${meta.pyVersions.python}, blosc threads ${meta.pyVersions.blosc_nthreads})`);
  for (const [k, v] of Object.entries(meta.jsVersions)) L.push(`- ${k} ${v}`);
  L.push(`- Median of ${reps} repetitions${quick ? " (--quick)" : ""}, fewer (column \`reps\`) where the repetitions of one op passed ${budget} s${filtered ? `; filtered run (${argv.join(" ")})` : ""}`);
  L.push("");
  L.push("## zarrflow against each implementation", "");
  L.push("Seconds are medians. The ratio columns are the other implementation's seconds divided by zarrflow's, so above 1 means zarrflow is faster. For `append_op`, `rechunk_op` and `rechunk_blocks`, zarr-python's column is its plain `z.append` loop and `z2[...] = z1` copy.", "");
  L.push("| workload | op | zarr-python | zarrflow | zarrita | zarr.js | zarrflow vs zarr-python | vs zarrita | vs zarr.js | zarrflow peak RSS |");
  L.push("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const w of workloads) {
    for (const op of OPS[w.kind]) {
      const py = find("zarr-python", w.id, baselineOp(op));
      const zf = find("zarrflow", w.id, op);
      const zt = find("zarrita", w.id, op);
      const zj = find("zarr.js", w.id, op);
      L.push(`| ${w.id} | ${op} | ${fmtS(py)} | ${fmtS(zf)} | ${fmtS(zt)} | ${fmtS(zj)} | ${ratio(py, zf)} | ${ratio(zt, zf)} | ${ratio(zj, zf)} | ${ok(zf) ? zf!.peak_rss_mb + " MB" : "–"} |`);
    }
  }
  L.push("");
  L.push("## Targets (issue 4)", "");
  L.push(...targets(rows, find));
  L.push("");
  L.push("## All measurements", "");
  L.push("MB = 10^6 bytes; MB/s is uncompressed bytes per second; peak RSS is the child process's VmHWM, base RSS its RSS just before the timed repetitions (after set-up such as generating the data to write).", "");
  L.push("| workload | op | implementation | seconds | reps | MB/s | peak RSS MB | base RSS MB | zarr-python s / s | checked | note |");
  L.push("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
  for (const r of rows) {
    if (r.na || r.error) {
      L.push(`| ${r.workload} | ${r.op} | ${r.impl} | ${r.na ? "n/a" : "error"} | | | | | | | ${(r.na ?? r.error ?? "").replace(/\|/g, "/")} |`);
    } else {
      L.push(`| ${r.workload} | ${r.op} | ${r.impl} | ${r.seconds} | ${r.reps} | ${r.mb_s} | ${r.peak_rss_mb} | ${r.base_rss_mb} | ${r.ratio_vs_zarr_python ?? "–"} | ${r.verified === true ? "yes" : r.verified === false ? "FAILED" : "–"} | ${(r.note ?? "").replace(/\|/g, "/")} |`);
    }
  }
  L.push("");
  L.push("## Workloads and method", "");
  for (const w of workloads) L.push(`- **${w.id}**: ${w.title}`);
  L.push(
    "",
    "- Ops on W1–W5: `write` (create + write the whole array from memory into a fresh DirectoryStore), `read` (open + read whole), `read_into` (open + `get(null, { out })` / zarr-python `get_basic_selection(out=)` into a preallocated, pre-faulted array), `read_row` / `read_col` (open + one row / column through the middle).",
    "- zarr-python writes each shared input once, untimed; every implementation reads those same files, so reads compare decoders on identical bytes. Each write goes to the implementation's own directory and is then read back and compared with the expected data by zarr-python (`checked`); reads check sample values. No file is deleted while the run lasts: a repetition's output is moved aside, a finished op's files are truncated and moved aside, and all of them go with the data dir at the end (followed by `sync`). On an ext4 without a journal, as on the benchmark machine, the kernel skips every inode freed in the last 60–360 s when it creates a file, so deletions between ops made the next implementation's W5 write 2–5x slower.",
    "- Each (implementation, workload, op) runs in a fresh child process. `read_row` / `read_col` get one untimed warm-up call (WASM codec set-up, JIT). The data dir lives under os.tmpdir() and is removed at the end.",
    "- zarrita's `create` writes only Zarr v3, so its write writes the same v2 `.zarray` JSON zarr-python would and fills chunks with `zarr.set`. zarr.js ships no filesystem store: a small `AsyncStore` over node:fs is used. zarr.js registers no zstd codec, so W2 is n/a for it.",
    "- zarrflow `append_op` / `rechunk_op` / `rechunk_blocks` use the streams operators when streams/ exports them (n/a otherwise), driven through their WHATWG face (`pipeTo(op.sink)`, with backpressure); `append_op` is fed fresh 1000-row slabs, `rechunk_op` the source array, `rechunk_blocks` the source's `readable()` block stream. `append` and `copy` are the plain `z.append` loop and `z2.set(null, z1)`.",
  );
  L.push("");
  return L.join("\n");
}

function targets(rows: Row[], find: (impl: string, w: string, op: string) => Row | undefined): string[] {
  const out: string[] = [];
  const s = (r: Row | undefined) => (r && r.seconds !== undefined ? r.seconds : undefined);
  const line = (pass: boolean | undefined, text: string) => out.push(`- ${pass === undefined ? "not measured" : pass ? "met" : "**missed**"}: ${text}`);
  for (const w of workloads.filter((x) => x.kind === "array")) {
    for (const op of ["write", "read"]) {
      const py = s(find("zarr-python", w.id, op));
      const zf = s(find("zarrflow", w.id, op));
      const r = py && zf ? py / zf : undefined;
      line(r === undefined ? undefined : r >= 1, `${w.id} ${op} at least as fast as zarr-python: ratio ${r?.toFixed(2) ?? "–"}${r !== undefined && r < 1 ? ` (zarrflow ${(zf! / py!).toFixed(2)}x slower)` : ""}`);
    }
    for (const op of ["read_row", "read_col"]) {
      const py = s(find("zarr-python", w.id, op));
      const zf = s(find("zarrflow", w.id, op));
      const k = py && zf ? zf / py : undefined;
      line(k === undefined ? undefined : k <= 1.5, `${w.id} ${op} within 1.5x of zarr-python: zarrflow takes ${k?.toFixed(2) ?? "–"}x zarr-python's time`);
    }
    const into = find("zarrflow", w.id, "read_into");
    if (into?.peak_rss_mb !== undefined && into.base_rss_mb !== undefined) {
      out.push(`- ${w.id} get(null, { out }): peak RSS rose ${(into.peak_rss_mb - into.base_rss_mb).toFixed(1)} MB above the RSS with the output already allocated (array ${(opBytes(w, "read") / MB).toFixed(0)} MB)`);
    }
  }
  const w1 = workloads.find((w) => w.id === "W1");
  if (w1) {
    const r = find("zarrflow", "W1", "read");
    const limit = (1.25 * opBytes(w1, "read")) / MB;
    line(r?.peak_rss_mb === undefined ? undefined : r.peak_rss_mb <= limit, `peak RSS reading W1 (400 MB) at most 1.25x its size (${limit} MB): ${r?.peak_rss_mb ?? "–"} MB (whole process; ${r?.base_rss_mb ?? "–"} MB of it was there before the read: Node${useDist ? "" : ", tsx"}, zarrflow)`);
  }
  const ap = workloads.find((w) => w.kind === "append");
  if (ap) {
    const py = s(find("zarr-python", ap.id, "append"));
    const op = find("zarrflow", ap.id, "append_op");
    const loop = s(find("zarrflow", ap.id, "append"));
    if (op?.na) out.push(`- not measured: append operator at least 10x zarr-python's z.append loop — ${op.na}; zarrflow's z.append loop: ${loop && py ? (py / loop).toFixed(2) + "x zarr-python" : "–"}`);
    else {
      const r = py && s(op) ? py / s(op)! : undefined;
      line(r === undefined ? undefined : r >= 10, `append operator at least 10x faster than zarr-python's z.append loop: ${r?.toFixed(2) ?? "–"}x (z.append loop: ${loop && py ? (py / loop).toFixed(2) + "x" : "–"})`);
    }
  }
  const rc = workloads.find((w) => w.id === "RECHUNK");
  if (rc && rc.kind === "rechunk") {
    const py = s(find("zarr-python", rc.id, "copy"));
    const limitMB = ((rc.budget + 64 * 2 ** 20) / MB);
    for (const opName of ["rechunk_op", "rechunk_blocks", "copy"]) {
      const r = find("zarrflow", rc.id, opName);
      if (r?.na) {
        out.push(`- not measured: rechunk via ${opName} — ${r.na}`);
        continue;
      }
      const ratio = py && s(r) ? py / s(r)! : undefined;
      line(ratio === undefined || r?.peak_rss_mb === undefined ? undefined : ratio >= 1 && r.peak_rss_mb <= limitMB,
        `rechunk (${opName === "copy" ? "plain z2.set(null, z1) copy" : opName === "rechunk_op" ? "rechunk operator fed the source array" : "rechunk operator fed readable(source) blocks"}) at least as fast as zarr-python's copy with peak RSS under ${limitMB.toFixed(0)} MB (256 MiB + 64 MiB): ratio ${ratio?.toFixed(2) ?? "–"}, peak RSS ${r?.peak_rss_mb ?? "–"} MB`);
    }
    const pyr = find("zarr-python", rc.id, "copy");
    if (pyr?.peak_rss_mb !== undefined) out.push(`- (zarr-python's copy peaked at ${pyr.peak_rss_mb} MB RSS)`);
  }
  return out;
}

main()
  .catch((e) => {
    log(`bench failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exitCode = 1;
  })
  .finally(cleanup);
