/**
 * The 11 object-dtype arrays of the zarr-python 2.13 fixture store (`objects/*`) read exactly as
 * zarr-python reads them (`expected/objects/*.json`, tagged values), and rewriting the same values
 * with zarrflow under the same metadata reproduces the stored chunks byte for byte (uncompressed
 * arrays).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { create, getCodec, MemoryStore, NDArray, openArray } from "../../src/internal.ts";
import { assertTagged, fromTagged, type TaggedFile } from "./tagged.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const ROOT = SHARED_FIXTURES + "/zarr-python-2.13";
const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as {
  arrays: {
    path: string; dtype: string; shape: number[]; chunks: number[]; order: "C" | "F"; fill_value: unknown;
    compressor: Record<string, unknown> | null; filters: ({ id: string } & Record<string, unknown>)[] | null;
    expected: string; stored_chunk_keys: string[]; written_region: number[][] | null;
  }[];
};
const objects = manifest.arrays.filter((a) => a.dtype === "|O");
let rewritten = 0;

test("the fixture store has 11 object arrays", () => {
  assert.strictEqual(objects.length, 11);
});

for (const a of objects) {
  test(`zarr-python 2.13 object array ${a.path}`, async () => {
    const z = await openArray(join(ROOT, "store.zarr"), { mode: "r", path: a.path });
    assert.strictEqual(z.dtype, "|O");
    const expected = JSON.parse(readFileSync(join(ROOT, a.expected), "utf8")) as TaggedFile;
    const got = (await z.get(null)) as NDArray;
    assert.deepStrictEqual(got.shape, expected.shape);
    // Element by element: values are flat in C order, as getFlat indexes.
    expected.values.forEach((t, i) => assertTagged(got.getFlat(i), t, `${a.path}[${i}]`));
    // The filters' reprs and configs match the metadata.
    assert.deepStrictEqual(z.filters?.map((f) => f.getConfig()), a.filters);

    if (a.compressor !== null || a.written_region !== null) return;
    rewritten++;
    // Rewrite with zarrflow and compare every stored chunk's bytes.
    const store = new MemoryStore();
    const w = await create({
      store, shape: a.shape, chunks: a.chunks, dtype: "|O", order: a.order, fillValue: a.fill_value,
      compressor: null, filters: await Promise.all(a.filters!.map((f) => getCodec(f))),
    });
    const values = expected.values.map((t) => fromTagged(t, true));
    const src = new NDArray(values, expected.shape, "|O");
    await w.set(null, src);
    for (const key of a.stored_chunk_keys) {
      const want = new Uint8Array(readFileSync(join(ROOT, "store.zarr", a.path, key)));
      const have = await store.get(key);
      assert.ok(have && Buffer.from(have).equals(Buffer.from(want)), `${a.path}/${key} byte-exact`);
    }
  });
}

test("object arrays rewritten byte-exactly", () => {
  console.log(`object store arrays: ${objects.length} read, ${rewritten} rewritten byte-exactly`);
  assert.ok(rewritten >= 6, `rewritten ${rewritten}`);
});
