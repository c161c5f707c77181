/**
 * `npm run fuzz`: the long fuzz run. Options: `--seed N` (default: random, printed), `--cases N`
 * (metadata cases; chunk cases are half as many per path), `--only metadata|zip|chunks-native|chunks-fallback`,
 * `--start I` to reproduce from case I, `--bomb-mb N` (default 384). Chunk bombs decode to 384 MiB; a case whose peak RSS grows by
 * more than 256 MiB counts as a huge allocation. Exits non-zero when any case crashed, hung, threw an untyped
 * error or allocated hugely, after listing them.
 */
import { describeFailures, prepareBases, runFuzz, type FuzzSummary } from "./runner.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(arg("seed") ?? Math.floor(Math.random() * 2 ** 31));
const cases = Number(arg("cases") ?? 20_000);
const start = Number(arg("start") ?? 0);
const only = arg("only");
console.log(`fuzz seed ${seed}`);
const results: FuzzSummary[] = [];
{
  if (!only || only === "metadata") results.push(await runFuzz({ label: "metadata", kind: "metadata", seed, cases, start }));
  if (!only || only === "zip") results.push(await runFuzz({ label: "zip", kind: "zip", seed, cases: Math.ceil(cases / 4), start }));
  if (!only || only.startsWith("chunks")) {
    const bases = await prepareBases(Number(arg("bomb-mb") ?? 384));
    const chunkCases = Math.ceil(cases / 2);
    if (!only || only === "chunks-native") results.push(await runFuzz({ label: "chunks (native)", kind: "chunks", seed, cases: chunkCases, start, basesFile: bases }));
    if (!only || only === "chunks-fallback") {
      results.push(await runFuzz({ label: "chunks (fallback)", kind: "chunks", seed, cases: chunkCases, start, basesFile: bases, env: { ZARRFLOW_NO_NATIVE: "1" } }));
    }
  }
}
let failed = false;
for (const r of results) {
  if (r.failures.length) {
    failed = true;
    console.log(`${r.label}: ${r.failures.length} failures (seed ${seed})\n${describeFailures(r, 200)}`);
  }
}
process.exit(failed ? 1 : 0);
