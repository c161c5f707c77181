/**
 * zarrflow's own Blosc 1.x implementation (native/src/blosc) against Python numcodecs 0.11, which
 * links Debian's c-blosc 1.21: compressed bytes must be identical for every cname, clevel, shuffle,
 * typesize and blocksize tried here, on random and structured data; buffers made by numcodecs must
 * decode; partial (block-range) decoding must agree with full decoding; corrupt headers must be
 * rejected before anything is allocated or decoded.
 */
import { buildNativeJob } from "../../src/codecs/native-job.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nativeCodecs, nativeUnavailableReason } from "../../src/codecs/native.ts";

const native = nativeCodecs;
const noNative = native ? false : `native addon unavailable: ${nativeUnavailableReason}`;
const PYTHON = "/usr/bin/python3";
// numcodecs.blosc links the system libblosc.so.1, which a machine without c-blosc lacks.
const hasNumcodecs = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numcodecs.blosc, numpy"]).status === 0;
const skip = noNative || (hasNumcodecs ? false : "/usr/bin/python3 cannot import numcodecs.blosc");

/** Deterministic PRNG (xorshift32) so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

interface Dataset {
  name: string;
  typesize: number;
  data: Uint8Array;
}

function datasets(): Dataset[] {
  const r = rng(12345);
  const out: Dataset[] = [];
  const ramp = new Int32Array(70000);
  for (let i = 0; i < ramp.length; i++) ramp[i] = i * 3 - 5000;
  out.push({ name: "int32 ramp", typesize: 4, data: new Uint8Array(ramp.buffer) });
  const noise = new Float64Array(9000);
  for (let i = 0; i < noise.length; i++) noise[i] = r();
  out.push({ name: "float64 noise", typesize: 8, data: new Uint8Array(noise.buffer) });
  const walk = new Int16Array(50001);
  for (let i = 1; i < walk.length; i++) walk[i] = walk[i - 1] + Math.floor(r() * 7) - 3;
  out.push({ name: "int16 random walk (odd length)", typesize: 2, data: new Uint8Array(walk.buffer) });
  const text = Buffer.from("the quick brown fox jumps over the lazy dog; ".repeat(2000));
  out.push({ name: "text bytes", typesize: 1, data: new Uint8Array(text) });
  const random = new Uint8Array(40000);
  for (let i = 0; i < random.length; i++) random[i] = Math.floor(r() * 256);
  out.push({ name: "random bytes", typesize: 1, data: random });
  const low = new Uint8Array(3 * 20011);
  for (let i = 0; i < low.length; i++) low[i] = Math.floor(r() * 3);
  out.push({ name: "3-byte items, low entropy", typesize: 3, data: low });
  const runs = new Float32Array(30000);
  for (let i = 0; i < runs.length; i++) runs[i] = Math.floor(i / 777) + (i % 5000 === 0 ? r() : 0);
  out.push({ name: "float32 long runs", typesize: 4, data: new Uint8Array(runs.buffer) });
  const wide = new Uint8Array(300 * 40);
  for (let i = 0; i < wide.length; i++) wide[i] = (i % 300) < 10 ? Math.floor(r() * 256) : i % 7;
  out.push({ name: "300-byte items (typesize > 255)", typesize: 300, data: wide });
  const tiny = new Uint8Array(100).map((_, i) => i);
  out.push({ name: "tiny (memcpyed)", typesize: 4, data: tiny });
  out.push({ name: "empty", typesize: 8, data: new Uint8Array(0) });
  return out;
}

const CNAMES = ["blosclz", "lz4", "lz4hc", "zlib", "zstd"];
const CLEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const SHUFFLES = [0, 1, 2, -1];
const BLOCKSIZES = [0, 1000, 65536];

interface Case {
  ds: number;
  cname: string;
  clevel: number;
  shuffle: number;
  blocksize: number;
}

test("blosc: compressed bytes identical to numcodecs 0.11 / c-blosc 1.21", { skip, timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-native-blosc-"));
  try {
    const ds = datasets();
    ds.forEach((d, i) => writeFileSync(join(dir, `${i}.raw`), d.data));
    const cases: Case[] = [];
    for (let i = 0; i < ds.length; i++) {
      for (const cname of CNAMES) {
        for (const clevel of CLEVELS) {
          for (const shuffle of SHUFFLES) {
            for (const blocksize of BLOCKSIZES) {
              // Keep the slowest combinations (zstd/zlib/lz4hc at high levels) to the default blocksize.
              if (clevel >= 7 && blocksize !== 0 && cname !== "blosclz" && cname !== "lz4") continue;
              cases.push({ ds: i, cname, clevel, shuffle, blocksize });
            }
          }
        }
      }
    }
    writeFileSync(
      join(dir, "cases.json"),
      JSON.stringify({ datasets: ds.map((d, i) => ({ file: join(dir, `${i}.raw`), typesize: d.typesize })), cases }),
    );
    const script = [
      "import json, sys, numpy as np, numcodecs",
      "numcodecs.blosc.set_nthreads(1)",
      "spec = json.load(open(sys.argv[1]))",
      "raws = [(np.frombuffer(open(d['file'], 'rb').read(), dtype='V%d' % d['typesize'])) for d in spec['datasets']]",
      "out = open(sys.argv[2], 'wb')",
      "for c in spec['cases']:",
      "    codec = numcodecs.Blosc(cname=c['cname'], clevel=c['clevel'], shuffle=c['shuffle'], blocksize=c['blocksize'])",
      "    enc = bytes(codec.encode(raws[c['ds']]))",
      "    out.write(len(enc).to_bytes(4, 'little')); out.write(enc)",
      "out.close()",
    ].join("\n");
    const py = spawnSync(PYTHON, ["-c", script, join(dir, "cases.json"), join(dir, "py.bin")], { encoding: "utf8" });
    assert.equal(py.status, 0, py.stderr);
    const all = readFileSync(join(dir, "py.bin"));
    let pos = 0;
    let identical = 0;
    const mismatches: string[] = [];
    const perCname = new Map<string, number>();
    for (const c of cases) {
      const len = all.readUInt32LE(pos);
      const theirs = all.subarray(pos + 4, pos + 4 + len);
      pos += 4 + len;
      const d = ds[c.ds];
      const opts = { cname: c.cname, clevel: c.clevel, shuffle: c.shuffle, blocksize: c.blocksize, typesize: d.typesize };
      const ours = native!.compress("blosc", d.data, opts);
      const label = `${d.name} ${JSON.stringify(opts)}`;
      if (Buffer.compare(Buffer.from(ours), theirs) === 0) {
        identical++;
        perCname.set(c.cname, (perCname.get(c.cname) ?? 0) + 1);
      } else {
        mismatches.push(`${label}: ${ours.byteLength} vs numcodecs ${theirs.byteLength} bytes`);
      }
      // numcodecs' buffer decodes with our decoder to the original bytes.
      const back = native!.decompress("blosc", theirs, {});
      assert.ok(Buffer.compare(Buffer.from(back), Buffer.from(d.data)) === 0, `decoding numcodecs' ${label}`);
    }
    console.log(
      `native blosc vs numcodecs: ${identical}/${cases.length} byte-identical (` +
        [...perCname].map(([k, v]) => `${k} ${v}`).join(", ") +
        ")",
    );
    assert.deepEqual(mismatches.slice(0, 20), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("blosc: partial decode of byte ranges agrees with full decode", { skip: noNative }, async () => {
  const r = rng(99);
  const data = new Uint8Array(200_003);
  for (let i = 0; i < data.length; i++) data[i] = (i >> 5) % 251 ^ (r() < 0.05 ? 0xff : 0);
  let checked = 0;
  for (const cname of CNAMES) {
    for (const [typesize, shuffle, blocksize] of [
      [4, 1, 4096],
      [8, 2, 10000],
      [1, 0, 1000],
      [3, 1, 0],
    ] as const) {
      const enc = native!.compress("blosc", data, { cname, clevel: 5, shuffle, blocksize, typesize });
      for (const [start, count] of [
        [0, 1],
        [4095, 2],
        [12345, 30000],
        [data.length - 7, 7],
        [0, data.length],
        [77777, 0],
      ]) {
        const dst = new Uint8Array(data.length);
        const job = buildNativeJob({
          codec: "blosc", opts: {}, array: dst, source: { bytes: enc }, partial: { start, count },
          copy: { elemBytes: 1, swapWidth: 0, chunkBytes: data.length, chunkOffset: start, chunkStrides: [1], arrayOffset: 0, arrayStrides: [1], shape: [count] },
        });
        const ok = await native!.decodeIntoAsync!(job);
        assert.equal(ok, true);
        assert.ok(
          Buffer.compare(Buffer.from(dst.subarray(0, count)), Buffer.from(data.subarray(start, start + count))) === 0,
          `${cname} typesize ${typesize} bytes [${start}, ${start + count})`,
        );
        checked++;
      }
    }
  }
  assert.equal(checked, CNAMES.length * 4 * 6);
});

test("blosc: corrupt or lying headers are rejected, never decoded past the buffer", { skip: noNative }, () => {
  const data = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
  const good = native!.compress("blosc", data, { cname: "lz4", clevel: 5, shuffle: 1, blocksize: 8192, typesize: 4 });
  const bad = (mutate: (b: Buffer) => Buffer, why: RegExp) => {
    const b = mutate(Buffer.from(good));
    assert.throws(() => native!.decompress("blosc", b, {}), why);
    assert.throws(() => native!.decompress("blosc", b, {}, new Uint8Array(data.length)), why);
  };
  bad((b) => b.subarray(0, 10), /too short/);
  bad((b) => b.subarray(0, b.length - 1), /truncated/);
  bad((b) => { b[0] = 3; return b; }, /format version/);
  bad((b) => { b.writeUInt32LE(0x7fff0000, 4); return b; }, /corrupt|blocksize|too small|blocks/);
  bad((b) => { b.writeUInt32LE(0, 8); return b; }, /blocksize/);
  bad((b) => { b.writeUInt32LE(b.length + 100, 12); return b; }, /truncated/);
  bad((b) => { b.writeUInt32LE(5, 16); return b; }, /offset table/);
  bad((b) => { b.writeUInt32LE(b.length + 5, 20); return b; }, /offset table/);
  bad((b) => { b[2] |= 0x08; return b; }, /flag/);
  bad((b) => { b[2] = (b[2] & 0x1f) | (2 << 5); return b; }, /snappy/);
  bad((b) => { const o = b.readUInt32LE(16); b.writeUInt32LE(0x7fffffff, o); return b; }, /corrupt/);
  bad((b) => { const o = b.readUInt32LE(24); b.fill(0xaa, o + 4, o + 40); return b; }, /corrupt/);
  // A declared size larger than the caller's buffer fails before any allocation.
  assert.throws(() => native!.decompress("blosc", good, {}, new Uint8Array(10)), /too small/);
  // memcpyed buffers must be exactly nbytes + 16.
  const stored = Buffer.from(native!.compress("blosc", data, { cname: "lz4", clevel: 0, shuffle: 0, typesize: 1 }));
  assert.equal(stored.length, data.length + 16);
  assert.throws(() => native!.decompress("blosc", Buffer.concat([stored.subarray(0, 12), Buffer.from([0, 0, 0, 0]), stored.subarray(16)]), {}), /corrupt|truncated/);
});

test("blosc: every inner codec round-trips at every clevel and shuffle", { skip: noNative }, () => {
  const data = new Uint8Array(new Float64Array(20000).map((_, i) => Math.sin(i / 100)).buffer);
  let n = 0;
  for (const cname of CNAMES) {
    for (const clevel of CLEVELS) {
      for (const shuffle of SHUFFLES) {
        const enc = native!.compress("blosc", data, { cname, clevel, shuffle, blocksize: 0, typesize: 8 });
        const dec = native!.decompress("blosc", enc, {});
        assert.ok(Buffer.compare(Buffer.from(dec), Buffer.from(data)) === 0, `${cname} ${clevel} ${shuffle}`);
        n++;
      }
    }
  }
  assert.equal(n, 200);
  assert.deepEqual(native!.bloscListCompressors().split(","), ["blosclz", "lz4", "lz4hc", "zlib", "zstd"]);
});
