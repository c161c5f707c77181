/**
 * Without the native addon, arrays run each chunk's codec chain in the worker pool: results match
 * the in-thread chain byte for byte, decodes are bounded by the chunk size, aborts reject, the
 * missing addon is still reported (one warning, or an error with ZARRFLOW_REQUIRE_NATIVE=1).
 *
 * With the addon loaded, this file runs itself again in a child process with ZARRFLOW_NO_NATIVE=1.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { zeros } from "../../src/creation.ts";
import { CodecError } from "../../src/errors.ts";
import { hasNativeCodecs } from "../../src/codecs/native.ts";
import { setPoolMinBytes } from "../../src/codecs/pipeline.ts";
import { poolWorkerCount, shutdownPool } from "../../src/codecs/worker-pool.ts";
import { getCodec } from "../../src/codecs/registry.ts";
import { arange } from "../../src/ndarray/ndarray.ts";

const self = fileURLToPath(import.meta.url);
const srcIndex = new URL("../../src/index.ts", import.meta.url).href;

/** Runs `code` (an ES module body) in a fresh node with tsx and the given environment. */
function runNode(code: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (hasNativeCodecs()) {
  test("the fallback pipeline tests pass in a process without the native addon", () => {
    // Without NODE_TEST_CONTEXT the child reports in plain TAP instead of to a parent runner.
    const env: Record<string, string | undefined> = { ...process.env, ZARRFLOW_NO_NATIVE: "1" };
    delete env.NODE_TEST_CONTEXT;
    // The child is the fallback run: a REQUIRE_NATIVE inherited from the parent (CI's native codec
    // pass sets it) would turn every codec call into the error its own subtest checks separately.
    delete env.ZARRFLOW_REQUIRE_NATIVE;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", self], {
      env,
      encoding: "utf8",
      timeout: 300_000,
    });
    assert.equal(r.status, 0, `child test run failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /# fail 0/);
    assert.doesNotMatch(r.stdout, /# pass 0\b/);
  });
} else {
  after(() => shutdownPool());

  const chains = [
    { name: "blosc lz4", compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }, filters: null },
    { name: "zstd", compressor: { id: "zstd", level: 1 }, filters: null },
    { name: "delta + blosc zstd bitshuffle", compressor: { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2, blocksize: 0 }, filters: [{ id: "delta", dtype: "<i4" }] },
    { name: "bz2", compressor: { id: "bz2", level: 1 }, filters: null },
  ];

  /** 256×256 i4 chunks (256 KiB, above the pool threshold), values that compress but not trivially. */
  async function filled(c: (typeof chains)[number]) {
    const z = await zeros([512, 512], { chunks: [256, 256], dtype: "<i4", compressor: c.compressor, filters: c.filters });
    const v = arange(0, 512 * 512, 1, "<i4").reshape(512, 512);
    const d = v.data as Int32Array;
    for (let i = 0; i < d.length; i++) d[i] = (i * 7919) % 100003;
    await z.set(null, v);
    return { z, expected: d };
  }

  test("chunks encode and decode in the pool, as the in-thread chain does, byte for byte", async () => {
    for (const c of chains) {
      const { z, expected } = await filled(c);
      assert.ok(poolWorkerCount() >= 1, `${c.name}: the pool ran`);
      const back = await z.get();
      assert.deepEqual(back.data, expected, `${c.name}: round trip`);
      // The same chunk encoded in this thread: identical stored bytes.
      const stored = await z.store.get("0.0");
      const prev = setPoolMinBytes(Number.MAX_SAFE_INTEGER);
      try {
        const { z: inline } = await filled(c);
        assert.deepEqual(await inline.store.get("0.0"), stored, `${c.name}: pool and in-thread bytes`);
      } finally {
        setPoolMinBytes(prev);
      }
    }
  });

  test("a stored chunk that decodes past the chunk size is refused with a CodecError naming it", async () => {
    const z = await zeros([64, 64], { chunks: [64, 64], dtype: "<i4", compressor: { id: "zstd", level: 1 } });
    const codec = await getCodec({ id: "zstd", level: 1 });
    const tooBig = await codec.encode(new Uint8Array(64 * 64 * 4 * 2));
    await z.store.set("0.0", tooBig);
    const prev = setPoolMinBytes(0);
    try {
      await assert.rejects(z.get(), (e) => e instanceof CodecError && e.message.includes("'0.0'"));
    } finally {
      setPoolMinBytes(prev);
    }
  });

  test("an aborted read or write rejects with the signal's reason; an aborted write leaves the old chunk", async () => {
    const c = chains[3];
    const { z, expected } = await filled(c);
    const before = await z.store.get("0.0");
    const ac = new AbortController();
    const v = arange(0, 512 * 512, 1, "<i4").reshape(512, 512);
    const writing = z.set(null, v, { signal: ac.signal });
    queueMicrotask(() => ac.abort(new Error("stop writing")));
    await assert.rejects(writing, /stop writing/);
    assert.deepEqual(await z.store.get("0.0"), before, "chunk 0.0 is the old one");
    const ac2 = new AbortController();
    const reading = z.get(null, { signal: ac2.signal });
    queueMicrotask(() => ac2.abort(new Error("stop reading")));
    await assert.rejects(reading, /stop reading/);
    // The pool is still usable afterwards.
    assert.deepEqual((await z.get()).data, expected);
  });

  test("small chunks stay in this thread (no worker started)", () => {
    const r = runNode(
      `const zf = await import(${JSON.stringify(srcIndex)});
       const { poolWorkerCount } = await import(${JSON.stringify(new URL("../../src/codecs/worker-pool.ts", import.meta.url).href)});
       const z = await zf.zeros([100], { chunks: [10], dtype: "<i4", compressor: { id: "zstd", level: 1 } });
       await z.set(null, zf.arange(0, 100, 1, "<i4"));
       const back = await z.get();
       console.log(JSON.stringify({ workers: poolWorkerCount(), last: back.data[99] }));`,
      { ZARRFLOW_NO_NATIVE: "1" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { workers: 0, last: 99 });
  });

  test("a missing addon still warns once, or fails with ZARRFLOW_REQUIRE_NATIVE=1, when the pool does the work", () => {
    const code = `const zf = await import(${JSON.stringify(srcIndex)});
      const z = await zf.zeros([512, 512], { chunks: [256, 256], dtype: "<i4", compressor: { id: "zstd", level: 1 } });
      try { await z.set(null, 7); console.log((await z.get([0, 0]))); }
      catch (e) { console.log(e.constructor.name + ": " + e.message); }`;
    const warned = runNode(code, { ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_NATIVE_WARNING: "1" });
    assert.equal(warned.status, 0, warned.stderr);
    assert.equal(warned.stdout.trim(), "7");
    assert.equal(warned.stderr.match(/zarrflow: warning: native codec addon unavailable/g)?.length, 1, warned.stderr);
    const required = runNode(code, { ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_REQUIRE_NATIVE: "1" });
    assert.equal(required.status, 0, required.stderr);
    assert.match(required.stdout, /^NativeCodecsRequiredError: zstd: the native codec addon is required/);
  });
}
