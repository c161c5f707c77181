/**
 * Seeded, bounded fuzzing (the CI-sized run; `npm run fuzz` is the long one).
 *
 * (a) metadata: valid `.zarray`/`.zgroup`/`.zattrs` mutated (types, huge and negative numbers, NaN,
 *     deep nesting, `__proto__`, unicode, bigint-sized integers, weird dtypes, 100k-field structs,
 *     broken text), then open/get/set on a MemoryStore, with the native codecs and again with the
 *     fallback ones (ZARRFLOW_NO_NATIVE=1);
 * (z) zip: ZipStore archives damaged (bit flips, truncation, header/directory fields at extremes),
 *     then opened, listed and read;
 * (b) chunks: valid compressed chunks of every codec damaged (bit flips, truncation, garbage,
 *     header fields such as sizes set to extremes) or replaced by decompression bombs, then read,
 *     on the native path and on the fallback path (ZARRFLOW_NO_NATIVE=1).
 * Every outcome must be a success or a ZarrError; no crash, no hang, no huge allocation. Each
 * case runs in a child process so a crash is caught and attributed to its case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeFailures, prepareBases, runFuzz, type FuzzSummary } from "./runner.ts";

const SEED = 20260202;
const BOMB_MB = 128;
const CHUNK_GROW_LIMIT_MB = 96;

function assertClean(s: FuzzSummary): void {
  const msg = `${s.line}\n${describeFailures(s)}`;
  assert.ok(s.cases > 0, msg);
  assert.equal(s.crashes, 0, msg);
  assert.equal(s.hangs, 0, msg);
  assert.equal(s.untyped, 0, msg);
}

test("metadata fuzz: every outcome is a success or a typed ZarrError, no crash, hang or huge allocation", { timeout: 600_000 }, async () => {
  const s = await runFuzz({ label: "metadata", kind: "metadata", seed: SEED, cases: 500, opTimeoutMs: 10_000 });
  assertClean(s);
  assert.equal(s.hugeAllocations, 0, describeFailures(s));
  assert.ok(s.typed > 100 && s.ok > 100, `both outcomes are exercised: ${s.line}`);
});

// The same mutations with the JS/WASM codecs (no addon): their encoders write the chunks of every
// `set`, so an encoder whose memory follows its options rather than the data shows up here (the
// LZMA fallback allocated its preset's 8-64 MiB dictionary, 300-690 MB, for a chunk of 20 bytes).
// Fewer cases than the native run: a fallback case costs more CPU.
test("metadata fuzz, fallback codecs (ZARRFLOW_NO_NATIVE=1): every outcome is a success or a typed ZarrError, no crash, hang or huge allocation", { timeout: 600_000 }, async () => {
  const s = await runFuzz({ label: "metadata (fallback)", kind: "metadata", seed: SEED, cases: 300, opTimeoutMs: 10_000, env: { ZARRFLOW_NO_NATIVE: "1" } });
  assertClean(s);
  assert.equal(s.hugeAllocations, 0, describeFailures(s));
  assert.ok(s.typed > 60 && s.ok > 60, `both outcomes are exercised: ${s.line}`);
});

test("zip reader fuzz: damaged archives open, list and read as values or typed ZarrErrors, no crash, hang or huge allocation", { timeout: 600_000 }, async () => {
  const s = await runFuzz({ label: "zip", kind: "zip", seed: SEED, cases: 150, opTimeoutMs: 10_000, growLimitMB: CHUNK_GROW_LIMIT_MB });
  assertClean(s);
  assert.equal(s.hugeAllocations, 0, describeFailures(s));
  assert.ok(s.typed > 20 && s.ok > 20, `both outcomes are exercised: ${s.line}`);
});

let chunkRuns: Promise<{ native: FuzzSummary; fallback: FuzzSummary }> | undefined;
function runChunks() {
  chunkRuns ??= (async () => {
    const basesFile = await prepareBases(BOMB_MB);
    const common = { kind: "chunks" as const, seed: SEED, cases: 14 * 10, basesFile, growLimitMB: CHUNK_GROW_LIMIT_MB, opTimeoutMs: 15_000 };
    const [native, fallback] = await Promise.all([
      runFuzz({ ...common, label: "chunks (native)" }),
      runFuzz({ ...common, label: "chunks (fallback)", env: { ZARRFLOW_NO_NATIVE: "1" } }),
    ]);
    return { native, fallback };
  })();
  return chunkRuns;
}

test("chunk fuzz, native codecs: damaged chunks give values or a CodecError, never a crash, hang or untyped error", { timeout: 900_000 }, async () => {
  assertClean((await runChunks()).native);
});

test("chunk fuzz, fallback codecs (ZARRFLOW_NO_NATIVE=1): damaged chunks give values or a CodecError, never a crash, hang or untyped error", { timeout: 900_000 }, async () => {
  assertClean((await runChunks()).fallback);
});

// Decompression bombs (128 MiB of zeros in a few hundred bytes, every codec) must be refused at
// the chunk's size (array reads) or at maxChunkBytes (a bare codec.decode; the worker sets 16 MiB),
// while decoding, on both paths: no case may grow the worker's peak RSS by more than 96 MiB.
test("decompression bombs are refused without decoding them (native)", { timeout: 900_000 }, async () => {
  const { native } = await runChunks();
  assert.equal(native.hugeAllocations, 0, describeFailures(native));
});

test("decompression bombs are refused without decoding them (fallback)", { timeout: 900_000 }, async () => {
  const { fallback } = await runChunks();
  assert.equal(fallback.hugeAllocations, 0, describeFailures(fallback));
});

// The same, deterministically: every codec's bomb read every way, once per path. Each read must
// fail typed (an array read at the chunk's size, a bare decode at maxChunkBytes), none succeed.
for (const [label, env] of [["native", {}], ["fallback", { ZARRFLOW_NO_NATIVE: "1" }]] as const) {
  test(`every codec's decompression bomb fails typed and within memory (${label})`, { timeout: 900_000 }, async () => {
    const basesFile = await prepareBases(BOMB_MB);
    const s = await runFuzz({ label: `bombs (${label})`, kind: "bombs", seed: SEED, cases: 13, basesFile, growLimitMB: CHUNK_GROW_LIMIT_MB, opTimeoutMs: 15_000, env });
    assertClean(s);
    assert.equal(s.hugeAllocations, 0, describeFailures(s));
    assert.equal(s.cases, 13);
    // 13 codecs x 5 reads, all refused; "create" is the only op that may succeed.
    assert.equal(s.typed, 13 * 5, s.line);
  });
}
