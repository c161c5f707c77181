/**
 * Chunks written by zarr-python 2.13 / numcodecs 0.11 through filter chains (shared/fixtures
 * zarr-python-2.13 `filters/`): decoding each stored chunk through our filters must give the
 * expected values, and for lossless chains re-encoding must give the stored bytes back. Only arrays
 * without a compressor or with zlib (inflated here with node:zlib) are covered; the compressors
 * belong to another module.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import "../../src/codecs/filters/index.ts";
import { getCodec } from "../../src/codecs/registry.ts";
import type { ChunkContext, Codec } from "../../src/codecs/codec.ts";
import { parseFilterDtype } from "../../src/codecs/filters/elements.ts";
import { readNpy } from "../helpers/npy.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const ROOT = SHARED_FIXTURES + "/zarr-python-2.13";

interface ManifestArray {
  path: string;
  dtype: string;
  shape: number[];
  chunks: number[];
  order: string;
  compressor: { id: string } | null;
  filters: { id: string }[] | null;
  dimension_separator: string;
  expected: string;
  lossy: boolean;
  stored_chunk_keys: string[];
}

const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as { arrays: ManifestArray[] };
const arrays = manifest.arrays.filter(
  (a) => a.path.startsWith("filters/") && a.filters && (a.compressor === null || a.compressor.id === "zlib") && a.order === "C",
);

function ctxFor(dtype: string): ChunkContext {
  const dt = parseFilterDtype(dtype, "test", "dtype");
  return { dtype: dt.str, itemsize: dt.itemsize };
}

/** Compare the valid region of a decoded C-order chunk with the same region of the C-order array. */
function compareRegion(chunk: Uint8Array, full: Uint8Array, shape: number[], chunks: number[], cidx: number[], itemsize: number): string | null {
  const nd = shape.length;
  const start = cidx.map((c, d) => c * chunks[d]);
  const extent = start.map((s, d) => Math.min(chunks[d], shape[d] - s));
  const idx = new Array(nd).fill(0);
  const total = extent.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    let co = 0;
    let ao = 0;
    for (let d = 0; d < nd; d++) {
      co = co * chunks[d] + idx[d];
      ao = ao * shape[d] + start[d] + idx[d];
    }
    for (let b = 0; b < itemsize; b++) {
      if (chunk[co * itemsize + b] !== full[ao * itemsize + b]) return `element ${idx.join(",")} of the chunk differs`;
    }
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < extent[d]) break;
      idx[d] = 0;
    }
  }
  return null;
}

test("zarr-python 2.13 filter fixtures are present", () => {
  assert.ok(arrays.length >= 10, `only ${arrays.length} filter arrays found`);
});

for (const a of arrays) {
  test(`zarr-python 2.13 store: ${a.path} (${a.filters!.map((f) => f.id).join(" -> ")})`, async () => {
    const filters: Codec[] = await Promise.all(a.filters!.map((f) => getCodec(f)));
    // The dtype each filter sees, as the pipeline tracks it.
    const ctxs: ChunkContext[] = [];
    let cur = a.dtype;
    for (const f of filters) {
      ctxs.push(ctxFor(cur));
      cur = f.encodedDtype ? f.encodedDtype(cur) : cur;
    }
    const expected = readNpy(join(ROOT, a.expected));
    const itemsize = parseFilterDtype(a.dtype, "test", "dtype").itemsize;
    const sep = a.dimension_separator ?? ".";
    let checked = 0;
    for (const key of a.stored_chunk_keys) {
      const file = join(ROOT, "store.zarr", a.path, key);
      assert.ok(existsSync(file), file);
      let stored: Uint8Array = new Uint8Array(readFileSync(file));
      if (a.compressor?.id === "zlib") stored = new Uint8Array(inflateSync(stored));
      let b: Uint8Array = stored;
      for (let i = filters.length - 1; i >= 0; i--) b = await filters[i].decode(b, undefined, ctxs[i]);
      const chunkBytes = a.chunks.reduce((x, y) => x * y, 1) * itemsize;
      assert.equal(b.byteLength, chunkBytes, `${key}: decoded chunk size`);
      const cidx = key.split(sep).map(Number);
      const diff = compareRegion(b, expected.data, a.shape, a.chunks, cidx, itemsize);
      assert.equal(diff, null, `${a.path}/${key}: ${diff}`);
      if (!a.lossy) {
        let e: Uint8Array = b;
        for (let i = 0; i < filters.length; i++) e = await filters[i].encode(e, ctxs[i]);
        assert.ok(Buffer.from(e).equals(Buffer.from(stored)), `${a.path}/${key}: re-encoding differs from the stored chunk`);
      }
      checked++;
    }
    assert.ok(checked > 0);
  });
}
