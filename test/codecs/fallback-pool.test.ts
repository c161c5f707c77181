/**
 * The codec worker pool: round trips through workers for every JS/WASM compressor, bounded decode,
 * typed errors, abort, and concurrency beyond the pool size.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { CodecError } from "../../src/errors.ts";
import "../../src/codecs/compressors.ts";
import { getCodec } from "../../src/codecs/registry.ts";
import { getPoolSize, poolWorkerCount, runInPool, setPoolSize, shutdownPool } from "../../src/codecs/worker-pool.ts";

after(() => shutdownPool());

function sample(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 31 + (i >> 7)) & 0xff;
  return a;
}

const configs = [
  { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 },
  { id: "zstd", level: 1 },
  { id: "lz4", acceleration: 1 },
  { id: "zlib", level: 1 },
  { id: "gzip", level: 1 },
  { id: "bz2", level: 1 },
];

test("encode and decode in workers round-trip, and match the in-thread codec", async () => {
  const data = sample(20000);
  for (const config of configs) {
    const enc = await runInPool(config, "encode", data, { ctx: { dtype: "<i4", itemsize: 4 } });
    const dec = await runInPool(config, "decode", enc, { expectedSize: data.byteLength });
    assert.deepEqual(dec, data, `${config.id} round trip`);
    const local = await (await getCodec(config)).decode(enc);
    assert.deepEqual(new Uint8Array(local), data, `${config.id}: in-thread decode of pool output`);
  }
  assert.ok(poolWorkerCount() >= 1 && poolWorkerCount() <= getPoolSize());
});

test("a decode never produces more than expectedSize", async () => {
  const data = sample(10000);
  for (const config of configs) {
    const enc = await runInPool(config, "encode", data);
    await assert.rejects(runInPool(config, "decode", enc, { expectedSize: 100 }), (e) => e instanceof CodecError && e.message.includes(config.id));
  }
});

test("corrupt input and unknown codecs reject with CodecError naming the codec", async () => {
  await assert.rejects(runInPool({ id: "zstd" }, "decode", new Uint8Array([1, 2, 3, 4, 5, 6, 7])), (e) => e instanceof CodecError && /zstd/.test(e.message));
  await assert.rejects(runInPool({ id: "nope" }, "decode", new Uint8Array(4)), (e) => e instanceof CodecError && /nope/.test(e.message));
  await assert.rejects(runInPool({ id: "zlib" }, "frob" as "encode", new Uint8Array(4)), CodecError);
  await assert.rejects(runInPool({ id: "zlib" }, "decode", new Uint8Array(4), { expectedSize: -1 }), /expectedSize/);
});

test("many concurrent jobs complete with a pool of 2; transfer detaches the input", async () => {
  setPoolSize(2);
  const jobs = Array.from({ length: 24 }, (_, i) => sample(5000 + i));
  const encoded = await Promise.all(jobs.map((d) => runInPool({ id: "zlib", level: 1 }, "encode", d)));
  const decoded = await Promise.all(encoded.map((e, i) => runInPool({ id: "zlib" }, "decode", e, { expectedSize: jobs[i].byteLength, transfer: true })));
  decoded.forEach((d, i) => assert.deepEqual(d, jobs[i]));
  assert.equal(encoded[0].byteLength, 0, "transferred input is detached");
  assert.ok(poolWorkerCount() <= 2);
  assert.throws(() => setPoolSize(0), CodecError);
});

test("an aborted job rejects with the signal's reason", async () => {
  const ac = new AbortController();
  const p = runInPool({ id: "bz2", level: 9 }, "encode", sample(200000), { signal: ac.signal });
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  const pre = AbortSignal.abort(new Error("already"));
  await assert.rejects(runInPool({ id: "zlib" }, "encode", sample(10), { signal: pre }), /already/);
});
