/**
 * LZMA and BZ2 without the native addon (pure JS): round trips, Python reads what we write and we
 * read what Python writes (xz with every check, .lzma, raw LZMA1/LZMA2 with delta), bounded decode.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CodecError } from "../../src/errors.ts";
import { bz2Compress, bz2Decompress } from "../../src/codecs/fallback/bz2-js.ts";
import { xzCompress, type XzParams } from "../../src/codecs/fallback/xz.ts";
import { xzDecompress } from "../../src/codecs/fallback/xz-decode.ts";
import { noPython, pythonRoundTrip, sample, sameBytes, type PyCase } from "./fallback-helpers.ts";

const LZMA1 = 2 ** 62;
const LZMA_CONFIGS: XzParams[] = [
  { format: 1, check: -1, preset: null, filters: null },
  { format: 1, check: 10, preset: 3, filters: null },
  { format: 1, check: 1, preset: 1, filters: null },
  { format: 1, check: 0, preset: null, filters: [{ id: 3, dist: 4 }, { id: 33, preset: 1 }] },
  { format: 2, check: -1, preset: 2, filters: null },
  { format: 3, check: -1, preset: null, filters: [{ id: 3, dist: 4 }, { id: 33, preset: 1 }] },
  { format: 3, check: -1, preset: null, filters: [{ id: LZMA1, preset: 1, lc: 0, lp: 2, pb: 0 }] },
];

test("LZMA fallback round-trips every container, including empty input", async () => {
  for (const p of LZMA_CONFIGS) {
    for (const d of [sample("arange", 100000, 4), sample("random", 3000), new Uint8Array(0)]) {
      const enc = await xzCompress(d, p);
      assert.ok(sameBytes(xzDecompress(enc, p, d.length), d), JSON.stringify(p));
    }
  }
});

test("numcodecs reads our LZMA and we read numcodecs' (liblzma) LZMA", { skip: noPython }, async () => {
  const cases: PyCase[] = [];
  for (const p of LZMA_CONFIGS) {
    if (p.format === 1 && p.filters) continue; // numcodecs cannot decode xz with a filter chain given
    for (const [dtype, raw] of [["<i4", sample("arange", 400000, 4)], ["<f8", sample("sine", 80000, 8)]] as const) {
      cases.push({ config: { id: "lzma", ...p }, dtype, raw, ours: await xzCompress(raw, p) });
    }
  }
  const theirs = pythonRoundTrip(cases);
  cases.forEach((c, i) => {
    const p = c.config as unknown as XzParams;
    assert.ok(sameBytes(xzDecompress(theirs[i], p, c.raw.length), c.raw), `liblzma output of ${JSON.stringify(c.config)}`);
  });
});

test("LZMA decoding is bounded and rejects corrupt input and unsupported filters", async () => {
  const p = LZMA_CONFIGS[0];
  const d = sample("zeros", 1 << 20);
  const enc = await xzCompress(d, p);
  assert.throws(() => xzDecompress(enc, p, 1000), (e) => e instanceof CodecError && /exceeds the expected 1000/.test(e.message));
  const bad = enc.slice();
  bad[bad.length >> 1] ^= 0x55;
  assert.throws(() => xzDecompress(bad, p, d.length), CodecError);
  assert.throws(() => xzDecompress(enc.subarray(0, 40), p, d.length), CodecError);
  await assert.rejects(xzCompress(d, { format: 1, check: -1, preset: null, filters: [{ id: 4 }, { id: 33 }] }), /BCJ.*native/);
  await assert.rejects(xzCompress(d, { format: 1, check: -1, preset: 1, filters: [{ id: 33 }] }), /both 'preset' and 'filters'/);
  await assert.rejects(xzCompress(d, { format: 3, check: -1, preset: null, filters: null }), /must specify filters for FORMAT_RAW/);
});

test("the WASM bzip2 encoder leaves the process's failure handling alone", async () => {
  const proc = process as unknown as NodeJS.EventEmitter;
  const before = ["uncaughtException", "unhandledRejection"].map((e) => proc.listenerCount(e));
  await bz2Compress(sample("arange", 1000, 4), 1);
  assert.deepEqual(["uncaughtException", "unhandledRejection"].map((e) => proc.listenerCount(e)), before);
});

test("BZ2 fallback round-trips, joins concatenated streams and is bounded", async () => {
  const d = sample("arange", 20000, 2);
  for (const level of [1, 9]) {
    const enc = await bz2Compress(d, level);
    assert.ok(sameBytes(await bz2Decompress(enc, d.length), d));
    const two = new Uint8Array([...enc, ...enc]);
    assert.equal((await bz2Decompress(two, 2 * d.length)).length, 2 * d.length);
    await assert.rejects(bz2Decompress(enc, 100), /exceeds the expected 100/);
    await assert.rejects(bz2Decompress(enc.subarray(0, 30), d.length), CodecError);
  }
  assert.equal((await bz2Decompress(await bz2Compress(new Uint8Array(0), 1), 0)).length, 0);
});

test("numcodecs reads our BZ2 and we read numcodecs' BZ2", { skip: noPython }, async () => {
  const cases: PyCase[] = [];
  for (const level of [1, 9]) {
    for (const [dtype, raw] of [["<i4", sample("arange", 200000, 4)], ["|u1", sample("random", 5000, 1)]] as const) {
      cases.push({ config: { id: "bz2", level }, dtype, raw, ours: await bz2Compress(raw, level) });
    }
  }
  const theirs = pythonRoundTrip(cases);
  for (let i = 0; i < cases.length; i++) {
    assert.ok(sameBytes(await bz2Decompress(theirs[i], cases[i].raw.length), cases[i].raw));
    // The fallback encoder is libbzip2 itself (WASM): the very bytes numcodecs writes.
    assert.ok(sameBytes(cases[i].ours, theirs[i]), `bz2 level ${(cases[i].config as { level: number }).level} ${cases[i].dtype}: same bytes as numcodecs`);
  }
});
