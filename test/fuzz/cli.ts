/**
 * `npm run fuzz`: the long fuzz run. Options: `--seed N` (default: random, printed), `--cases N`
 * (metadata cases; zip cases are a quarter, fallback metadata and chunk cases half as many),
 * `--only metadata|metadata-fallback|zip|chunks-native|chunks-fallback`, `--start I` to reproduce
 * from case I, `--bomb-mb N` (default 384), `--help`. Chunk bombs decode to 384 MiB; a case whose
 * peak RSS grows by more than 256 MiB counts as a huge allocation. Exits non-zero when any case
 * crashed, hung, threw an untyped error or allocated hugely, after listing them; exits 2 on a bad
 * option.
 */
import { describeFailures, prepareBases, runFuzz, type FuzzSummary } from "./runner.ts";

const USAGE = `usage: node --import tsx test/fuzz/cli.ts [options]   (npm run fuzz -- [options])

Seeded fuzzing of metadata, the zip reader and every codec decoder (native and fallback). Each case
runs in a child process; crashes, hangs, untyped errors and huge allocations are counted and listed.

options:
  --seed N        seed of the run (default: random, printed first)
  --cases N       metadata cases (default 20000); metadata-fallback and each chunk run
                  N/2, zip N/4
  --start I       first case index (default 0), to reproduce a failure from its case number
  --only RUN      one run: metadata, metadata-fallback, zip, chunks-native or chunks-fallback
                  (default: all of them)
  --bomb-mb N     size of the decompression bombs in MiB (default 384)
  -h, --help      print this help and exit

A run is fallback when ZARRFLOW_NO_NATIVE=1 is in its environment (the *-fallback runs set it).
Exit status: 0 clean, 1 when any case failed (listed), 2 for a bad option.`;

const RUNS = ["metadata", "metadata-fallback", "zip", "chunks-native", "chunks-fallback"];
const OPTIONS = new Set(["seed", "cases", "start", "only", "bomb-mb"]);

function usageError(msg: string): never {
  console.error(`fuzz: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const opts = new Map<string, string>();
for (let i = 0; i < argv.length; i += 2) {
  const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
  if (!OPTIONS.has(name)) usageError(`unknown argument ${JSON.stringify(argv[i])}`);
  if (i + 1 >= argv.length) usageError(`--${name} needs a value`);
  opts.set(name, argv[i + 1]);
}

/** A non-negative integer option (or its default). */
function intOpt(name: string, dflt: number, min = 0): number {
  const raw = opts.get(name);
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) usageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

const seed = intOpt("seed", Math.floor(Math.random() * 2 ** 31));
const cases = intOpt("cases", 20_000, 1);
const start = intOpt("start", 0);
const bombMB = intOpt("bomb-mb", 384, 1);
const only = opts.get("only");
if (only !== undefined && !RUNS.includes(only)) usageError(`--only must be one of ${RUNS.join(", ")}, got ${JSON.stringify(only)}`);
const wants = (run: string) => only === undefined || only === run;

console.log(`fuzz seed ${seed}`);
const results: FuzzSummary[] = [];
const fallback = { ZARRFLOW_NO_NATIVE: "1" };
if (wants("metadata")) results.push(await runFuzz({ label: "metadata", kind: "metadata", seed, cases, start }));
if (wants("metadata-fallback")) results.push(await runFuzz({ label: "metadata (fallback)", kind: "metadata", seed, cases: Math.ceil(cases / 2), start, env: fallback }));
if (wants("zip")) results.push(await runFuzz({ label: "zip", kind: "zip", seed, cases: Math.ceil(cases / 4), start }));
if (wants("chunks-native") || wants("chunks-fallback")) {
  const bases = await prepareBases(bombMB);
  const chunkCases = Math.ceil(cases / 2);
  if (wants("chunks-native")) results.push(await runFuzz({ label: "chunks (native)", kind: "chunks", seed, cases: chunkCases, start, basesFile: bases }));
  if (wants("chunks-fallback")) results.push(await runFuzz({ label: "chunks (fallback)", kind: "chunks", seed, cases: chunkCases, start, basesFile: bases, env: fallback }));
}
let failed = false;
for (const r of results) {
  if (r.failures.length) {
    failed = true;
    console.log(`${r.label}: ${r.failures.length} failures (seed ${seed})\n${describeFailures(r, 200)}`);
  }
}
process.exit(failed ? 1 : 0);
