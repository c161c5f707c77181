// Run by .ci/package-smoke.sh after `npm run build`: the codec worker pool works from the compiled
// JavaScript in dist/ with plain node (workers load worker-pool-entry.js, no tsx).
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);
const { runInPool, shutdownPool } = await import(new URL("dist/src/codecs/worker-pool.js", root).href);
const data = new Uint8Array(100000).map((_, i) => (i * 13) & 0xff);
for (const config of [{ id: "zstd", level: 1 }, { id: "lz4" }, { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 }, { id: "bz2", level: 1 }, { id: "lzma", preset: 1 }]) {
  const enc = await runInPool(config, "encode", data, { ctx: { dtype: "<u2", itemsize: 2 } });
  const dec = await runInPool(config, "decode", enc, { expectedSize: data.length });
  assert.deepEqual(dec, data, config.id);
}
await shutdownPool();
console.log("dist worker pool: round trips ok");
