/**
 * The JS Blosc container (used without the native addon): round trips with the real typesize,
 * c-blosc (numcodecs) reads what it writes and it reads what c-blosc writes, headers are validated
 * and decoding is bounded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bloscHeaderSize } from "../../src/codecs/blosc.ts";
import { bloscCompressJs, bloscDecompressJs } from "../../src/codecs/blosc-js/container.ts";
import { blosclzCompress, blosclzDecompress } from "../../src/codecs/blosc-js/blosclz.ts";
import { bitshuffle, bitunshuffle, shuffle, unshuffle } from "../../src/codecs/blosc-js/shuffle.ts";
import { noPython, pythonRoundTrip, sample, sameBytes, type PyCase } from "./fallback-helpers.ts";

const CNAMES = ["blosclz", "lz4", "lz4hc", "zlib", "zstd"];
const SHUFFLE_NUM: Record<string, number> = { NOSHUFFLE: 0, SHUFFLE: 1, BITSHUFFLE: 2 };

async function decode(enc: Uint8Array, expected: number): Promise<Uint8Array> {
  const n = bloscHeaderSize(enc);
  assert.ok(n <= expected);
  return bloscDecompressJs(enc, new Uint8Array(expected));
}

test("shuffle and bitshuffle invert, for element counts with and without a multiple of 8", () => {
  for (const [n, ts] of [[64, 4], [1001, 2], [24, 3], [100, 8], [77, 1]]) {
    const d = sample("random", n * ts + (ts > 1 ? 1 : 0), ts);
    assert.ok(sameBytes(unshuffle(shuffle(d, ts), ts), d));
    assert.ok(sameBytes(bitunshuffle(bitshuffle(d, ts), ts), d));
  }
  // bit j*8+b of the rows holds bit b of byte j of each element: element 0 = 0x01 sets row 0, bit 0.
  const one = new Uint8Array(16);
  one[0] = 0x01;
  assert.deepEqual([...bitshuffle(one, 2)], [1, ...new Array(15).fill(0)]);
});

test("blosclz round-trips and never decodes past its bound", () => {
  for (const kind of ["arange", "zeros", "sine", "random"] as const) {
    const d = sample(kind, 100000, 8);
    const c = blosclzCompress(d, d.length);
    if (kind === "random" || kind === "sine") {
      const out = new Uint8Array(d.length);
      if (c) assert.ok(blosclzDecompress(c, out) === d.length && sameBytes(out, d), kind);
      continue;
    }
    assert.ok(c && c.length < d.length, kind);
    const out = new Uint8Array(d.length);
    assert.equal(blosclzDecompress(c!, out), d.length);
    assert.ok(sameBytes(out, d), kind);
    assert.equal(blosclzDecompress(c!, new Uint8Array(d.length), 1000), -1);
    assert.equal(blosclzDecompress(c!.subarray(0, c!.length >> 1), new Uint8Array(d.length)), -1);
  }
});

test("round trips over compressors, shuffles, item sizes and sizes; the header carries the typesize", async () => {
  for (const cname of CNAMES) {
    for (const shuffleMode of [0, 1, 2]) {
      for (const [n, ts] of [[0, 4], [10, 4], [100001, 4], [30000, 8], [1001, 2], [77777, 1], [3000, 24]] as const) {
        const d = sample(n % 2 ? "arange" : "sine", n * ts, ts);
        const enc = await bloscCompressJs(d, { cname, clevel: 5, shuffle: shuffleMode, blocksize: 0, typesize: ts });
        if (d.length >= 128) assert.equal(enc[3], ts, "typesize byte");
        assert.ok(sameBytes(await decode(enc, d.length), d), `${cname} shuffle=${shuffleMode} n=${n} ts=${ts}`);
      }
    }
  }
});

test("c-blosc reads what the JS container writes, and the JS container reads c-blosc", { skip: noPython }, async () => {
  const cases: PyCase[] = [];
  for (const cname of CNAMES) {
    for (const shuffle of ["NOSHUFFLE", "SHUFFLE", "BITSHUFFLE"]) {
      for (const [dtype, n, kind, clevel, blocksize] of [["<i4", 100001, "arange", 5, 0], ["<f8", 30000, "sine", 9, 0], ["|u1", 5000, "random", 1, 0], ["<i2", 1001, "arange", 5, 256], ["|V24", 3000, "arange", 3, 0]] as const) {
        const ts = Number(dtype.slice(2));
        const raw = sample(kind, n * ts, ts);
        const config = { id: "blosc", cname, clevel, shuffle: SHUFFLE_NUM[shuffle], blocksize };
        const ours = await bloscCompressJs(raw, { cname, clevel, shuffle: SHUFFLE_NUM[shuffle], blocksize, typesize: ts });
        cases.push({ config, dtype, raw, ours });
      }
    }
  }
  const theirs = pythonRoundTrip(cases);
  for (let i = 0; i < cases.length; i++) {
    assert.ok(sameBytes(await decode(theirs[i], cases[i].raw.length), cases[i].raw), `c-blosc output of ${JSON.stringify(cases[i].config)} ${cases[i].dtype}`);
  }
});

test("corrupt or hostile buffers fail with CodecError before any large allocation", async () => {
  const d = sample("arange", 40000, 4);
  const enc = await bloscCompressJs(d, { cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0, typesize: 4 });
  const bomb = enc.slice();
  new DataView(bomb.buffer).setUint32(4, 2 ** 31 - 100, true);
  assert.throws(() => bloscHeaderSize(bomb), /corrupt|blosc/);
  await assert.rejects(bloscDecompressJs(enc, new Uint8Array(100)), /too small/);
  const broken = enc.slice();
  const bdv = new DataView(broken.buffer);
  bdv.setUint32(bdv.getUint32(16, true), 0x7fffffff, true); // first split claims 2 GB
  await assert.rejects(bloscDecompressJs(broken), /blosc decode failed: corrupt block/);
  await assert.rejects(bloscCompressJs(d, { cname: "snappy", clevel: 5, shuffle: 1, blocksize: 0, typesize: 4 }), /snappy.*not available/);
});
