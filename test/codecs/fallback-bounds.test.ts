/**
 * Every compressor refuses to decode past the caller's output buffer (native and fallback alike;
 * CI runs test/codecs with and without the addon).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Blosc, BZ2, GZip, LZ4, LZMA, Zlib, Zstd } from "../../src/codecs/compressors.ts";
import { CodecError } from "../../src/errors.ts";

test("decoding into a too-small buffer fails with CodecError instead of growing", async () => {
  const data = new Uint8Array(1 << 20);
  const codecs = [new Blosc({ cname: "zstd" }), new Blosc({ cname: "blosclz", shuffle: 2 }), new Zstd(), new LZ4(), new Zlib(), new GZip(), new BZ2(), new LZMA({ preset: 0 })];
  for (const codec of codecs) {
    const enc = await codec.encode(data, { dtype: "<f8", itemsize: 8 });
    await assert.rejects(codec.decode(enc, new Uint8Array(1000)), (e) => e instanceof CodecError && e.message.includes(codec.codecId), String(codec));
    const ok = await codec.decode(enc, new Uint8Array(data.length), { dtype: "<f8", itemsize: 8 });
    assert.equal(ok.length, data.length, String(codec));
  }
});
