/**
 * Fuzz worker, run as a child process by the runner so that a crash or a synchronous hang loses
 * one case, not the run. Usage:
 *   worker.ts prepare <basesFile> <bombMB>
 *   worker.ts metadata <seed> <start> <end> <timeoutMs>
 *   worker.ts chunks <seed> <start> <end> <timeoutMs> <basesFile>
 *   worker.ts zip <seed> <start> <end> <timeoutMs>
 *   worker.ts bombs <seed> <start> <end> <timeoutMs> <basesFile>   (case i: the bomb of the i-th codec)
 * Prints `S <i>` before, `I <i> <input>` once the input is built, and `R <i> <json>` after each case (synchronously, so the runner knows
 * which case was running when the process died). Not a test file itself.
 */
import { writeSync } from "node:fs";
import { setLimits } from "../../src/limits.ts";
import { runZipCase, zipBases } from "./zip-cases.ts";
import { loadChunkBases, metadataBases, prepareChunkBases, runBombCase, runChunkCase, runMetadataCase, type OpOutcome } from "./cases.ts";
import { peakMB, resetPeak } from "../helpers/peak-rss.ts";

/**
 * `maxChunkBytes` while fuzzing chunks: array reads are bounded by the chunk's own size (6,400
 * bytes here), a bare `codec.decode(bytes)` by this limit, which must sit below the bombs' size so
 * that refusing them, not decoding them, is what keeps memory flat.
 */
export const FUZZ_MAX_CHUNK_BYTES = 16 * 2 ** 20;

const line = (s: string) => writeSync(1, s + "\n");

async function main(): Promise<void> {
  const [kind, ...args] = process.argv.slice(2);
  if (kind === "prepare") {
    await prepareChunkBases(args[0], Number(args[1]) * 2 ** 20);
    line("PREPARED");
    return;
  }
  const [seed, start, end, timeoutMs] = args.slice(0, 4).map(Number);
  if (kind !== "metadata") setLimits({ maxChunkBytes: FUZZ_MAX_CHUNK_BYTES });
  const bases = kind === "metadata" ? await metadataBases() : kind === "zip" ? await zipBases() : loadChunkBases(args[4]);
  const run = kind === "metadata" ? runMetadataCase : kind === "zip" ? runZipCase : kind === "bombs" ? runBombCase : runChunkCase;
  line(`READY ${peakMB().toFixed(0)}`);
  for (let i = start; i < end; i++) {
    line(`S ${i}`);
    resetPeak();
    const base = peakMB();
    const { outcomes, input } = await run(bases as never, seed, i, timeoutMs, (inp: string) => line(`I ${i} ${JSON.stringify(inp)}`));
    const peak = peakMB();
    const bad = outcomes.filter((o: OpOutcome) => o.result === "untyped" || o.result === "timeout");
    const counts = { ok: 0, typed: 0 };
    for (const o of outcomes) if (o.result === "ok" || o.result === "typed") counts[o.result]++;
    line(`R ${i} ${JSON.stringify({ ...counts, bad, peak: Math.round(peak), grow: Math.round(peak - base), input: bad.length || peak - base > 256 ? input : undefined })}`);
  }
  line("DONE");
}

main().then(
  () => process.exit(0),
  (e) => {
    line(`FATAL ${JSON.stringify(String(e?.stack ?? e))}`);
    process.exit(3);
  },
);
