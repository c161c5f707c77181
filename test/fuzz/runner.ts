/**
 * Fuzz runner: drives worker.ts child processes over a range of seeded cases, watching each for
 * crashes (abnormal exit), hangs (no progress), untyped errors and memory (peak RSS per case, and
 * a hard RSS ceiling enforced by polling /proc). A dead or killed worker is restarted after the
 * case that killed it. Not a test file itself.
 */
import { spawn } from "node:child_process";
import { readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const WORKER = join(here, "worker.ts");

/** One failing case, with what it takes to reproduce it. */
export interface FuzzFailure {
  case: number;
  kind: "crash" | "hang" | "untyped" | "timeout" | "huge allocation" | "rss ceiling";
  input: string;
  detail: string;
}

/** Totals of one fuzz run. */
export interface FuzzSummary {
  label: string;
  cases: number;
  ok: number;
  typed: number;
  crashes: number;
  hangs: number;
  untyped: number;
  hugeAllocations: number;
  maxRssMB: number;
  failures: FuzzFailure[];
  line: string;
}

/** Options of one run. */
export interface FuzzOptions {
  label: string;
  kind: "metadata" | "chunks" | "bombs" | "zip";
  seed: number;
  cases: number;
  /** First case (default 0). */
  start?: number;
  /** Per-operation timeout inside the worker. */
  opTimeoutMs?: number;
  /** A worker silent this long is hung and killed. */
  hangMs?: number;
  /** A case whose peak RSS grows more than this over its start is a huge allocation. */
  growLimitMB?: number;
  /** A worker above this RSS is killed (the case counts as a failure). */
  rssCeilingMB?: number;
  basesFile?: string;
  env?: NodeJS.ProcessEnv;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Spawn a worker for `args`; resolves with its exit and stdout lines as they come. */
function runWorker(args: string[], env: NodeJS.ProcessEnv, onLine: (l: string) => void, hangMs: number, rssCeilingMB: number, onRss: (mb: number) => void) {
  return new Promise<{ code: number | null; signal: string | null; stderr: string; killed?: "hang" | "rss" }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...args], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
    let buf = "";
    let stderr = "";
    let last = Date.now();
    let killed: "hang" | "rss" | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      last = Date.now();
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setInterval(() => {
      const rss = rssOf(child.pid!);
      onRss(rss);
      if (rss > rssCeilingMB && !killed) {
        killed = "rss";
        child.kill("SIGKILL");
      } else if (Date.now() - last > hangMs && !killed) {
        killed = "hang";
        child.kill("SIGKILL");
      }
    }, 100);
    child.on("close", (code, signal) => {
      clearInterval(timer);
      if (buf) onLine(buf);
      resolve({ code, signal, stderr, killed });
    });
  });
}

/** Run cases [start, start + cases) and summarize; prints the `fuzz: …` line. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const opTimeoutMs = o.opTimeoutMs ?? 10_000;
  const hangMs = o.hangMs ?? 4 * opTimeoutMs + 20_000;
  const growLimitMB = o.growLimitMB ?? 256;
  const rssCeilingMB = o.rssCeilingMB ?? 2048;
  const end = (o.start ?? 0) + o.cases;
  const env = { ...process.env, ...o.env };
  // A run meant for the addon that inherits ZARRFLOW_NO_NATIVE=1 runs on the fallback: say so.
  const label = env.ZARRFLOW_NO_NATIVE === "1" && !/fallback/.test(o.label) ? `${o.label} [fallback: ZARRFLOW_NO_NATIVE=1]` : o.label;
  const s: FuzzSummary = { label, cases: 0, ok: 0, typed: 0, crashes: 0, hangs: 0, untyped: 0, hugeAllocations: 0, maxRssMB: 0, failures: [], line: "" };
  let next = o.start ?? 0;
  while (next < end) {
    let current = -1;
    let input = "";
    let started = false;
    const res = await runWorker(
      [o.kind, String(o.seed), String(next), String(end), String(opTimeoutMs), ...(o.basesFile ? [o.basesFile] : [])],
      env,
      (l) => {
        if (l.startsWith("READY")) started = true;
        else if (l.startsWith("S ")) {
          current = Number(l.slice(2));
          input = "";
        } else if (l.startsWith("I ")) input = JSON.parse(l.slice(l.indexOf(" ", 2) + 1));
        else if (l.startsWith("R ")) {
          const rest = l.slice(2);
          const i = Number(rest.slice(0, rest.indexOf(" ")));
          const r = JSON.parse(rest.slice(rest.indexOf(" ") + 1)) as { ok: number; typed: number; bad: { op: string; result: string; detail?: string }[]; peak: number; grow: number };
          s.cases++;
          s.ok += r.ok;
          s.typed += r.typed;
          s.maxRssMB = Math.max(s.maxRssMB, r.peak);
          for (const b of r.bad) {
            if (b.result === "timeout") s.hangs++;
            else s.untyped++;
            s.failures.push({ case: i, kind: b.result === "timeout" ? "timeout" : "untyped", input, detail: `${b.op}: ${b.detail ?? "no result within the op timeout"}` });
          }
          if (r.grow > growLimitMB) {
            s.hugeAllocations++;
            s.failures.push({ case: i, kind: "huge allocation", input, detail: `peak RSS grew by ${r.grow} MB during the case (peak ${r.peak} MB)` });
          }
          current = -1;
          next = i + 1;
        }
      },
      hangMs,
      rssCeilingMB,
      (mb) => (s.maxRssMB = Math.max(s.maxRssMB, Math.round(mb))),
    );
    if (current >= 0) {
      // The worker died (or was killed) inside case `current`.
      s.cases++;
      const kind = res.killed === "hang" ? "hang" : res.killed === "rss" ? "rss ceiling" : "crash";
      if (kind === "hang") s.hangs++;
      else if (kind === "rss ceiling") s.hugeAllocations++;
      else s.crashes++;
      const why = res.killed ? `killed (${kind})` : `exit ${res.code ?? res.signal}: ${res.stderr.trim().split("\n").slice(-3).join(" | ")}`;
      s.failures.push({ case: current, kind, input, detail: why });
      next = current + 1;
    } else if (next < end) {
      // Died between cases (start-up failure): do not loop forever.
      throw new Error(`fuzz worker failed ${started ? "between cases" : "to start"} (exit ${res.code ?? res.signal}): ${res.stderr.slice(-2000)}`);
    }
  }
  s.line = `fuzz: ${s.label}: ${s.cases} cases, ${s.crashes} crashes, ${s.hangs} hangs, ${s.untyped} untyped errors, ${s.hugeAllocations} huge allocations, max RSS ${s.maxRssMB} MB (ops: ${s.ok} ok, ${s.typed} typed errors)`;
  console.log(s.line);
  return s;
}

/**
 * The chunk bases file (built with the native addon, which every codec can encode with), with
 * decompression bombs of `bombMB` MiB. Cached in the temp directory: building bombs is slow.
 */
export async function prepareBases(bombMB: number): Promise<string> {
  const file = join(tmpdir(), `zarrflow-fuzz-bases-v1-${bombMB}.json`);
  try {
    if (JSON.parse(readFileSync(file, "utf8")).length > 0) return file;
  } catch {
    // absent or partial: build it
  }
  const tmp = `${file}.${process.pid}.tmp`;
  let out = "";
  const res = await runWorker(["prepare", tmp, String(bombMB)], { ...process.env, ZARRFLOW_NO_NATIVE: "" }, (l) => (out += l), 600_000, 8192, () => {});
  if (!out.includes("PREPARED")) throw new Error(`preparing fuzz chunk bases failed (exit ${res.code ?? res.signal}): ${out.slice(-1000)} ${res.stderr.slice(-2000)}`);
  renameSync(tmp, file);
  return file;
}

/** Human-readable list of failures, for assertion messages and reports. */
export function describeFailures(s: FuzzSummary, max = 20): string {
  return s.failures
    .slice(0, max)
    .map((f) => `  [${s.label} case ${f.case}] ${f.kind}: ${f.detail}\n      input: ${f.input}`)
    .join("\n");
}
