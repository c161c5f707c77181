/**
 * Blosc with snappy: zarrflow's own Blosc has no snappy, so snappy buffers go through numcodecs.js'
 * WASM build on both paths. listCompressors() keeps zarr-python's answer, and each side reads the
 * other's snappy arrays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Blosc, arange, listCompressors, open, type ZarrArray } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

test("snappy is listed and round-trips with zarr-python both ways", { skip: skipWithoutZarrPython }, async () => {
  assert.ok(listCompressors().includes("snappy"));
  const dir = mkdtempSync(join(tmpdir(), "zf-snappy-"));
  try {
    const ours = join(dir, "ours.zarr");
    const z = (await open(ours, { mode: "w", shape: [1000], chunks: [100], dtype: "<i4", compressor: new Blosc({ cname: "snappy", clevel: 5, shuffle: Blosc.SHUFFLE }) })) as ZarrArray;
    await z.set(null, arange(1000, undefined, 1, "<i4"));
    const py = runPython<{ ok: boolean; list: string[] }>(
      `
z = zarr.open(inp['ours'], 'r')
ok = bool((z[:] == np.arange(1000)).all())
t = zarr.open(inp['theirs'], 'w', shape=(1000,), chunks=(100,), dtype='<f8', compressor=z.compressor)
t[:] = np.arange(1000) * 0.5
from numcodecs import blosc
out = {'ok': ok, 'list': blosc.list_compressors()}
`,
      { ours, theirs: join(dir, "theirs.zarr") },
    );
    assert.equal(py.ok, true);
    assert.deepEqual(listCompressors(), py.list);
    const t = (await open(join(dir, "theirs.zarr"), { mode: "r" })) as ZarrArray;
    const v = (await t.get()).data as Float64Array;
    assert.ok(v.every((x, i) => x === i * 0.5));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
