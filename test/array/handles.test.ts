/**
 * Array handles: `equals` (zarr-python's == on arrays) and `refresh` (re-read metadata another
 * handle changed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, arange, type ZarrArray } from "../../src/internal.ts";

test("equals: the same array in the same store, as zarr-python's == (not equal contents)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-eq-"));
  try {
    const a = (await open(join(dir, "x.zarr"), { mode: "w", shape: [4], chunks: [2], dtype: "<i4" })) as ZarrArray;
    const b = (await open(join(dir, "x.zarr"), { mode: "r+" })) as ZarrArray;
    const r = (await open(join(dir, "x.zarr"), { mode: "r" })) as ZarrArray;
    const other = (await open(join(dir, "y.zarr"), { mode: "w", shape: [4], chunks: [2], dtype: "<i4" })) as ZarrArray;
    assert.equal(a.equals(b), true);
    assert.equal(a.equals(r), false, "a read-only handle differs, as in zarr-python");
    assert.equal(a.equals(other), false, "same contents elsewhere are not the same array");
    assert.equal(a.equals("x"), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("refresh: a reader sees an array another handle grew", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-refresh-"));
  try {
    const w = (await open(join(dir, "x.zarr"), { mode: "w", shape: [0, 3], chunks: [2, 3], dtype: "<i4" })) as ZarrArray;
    const r = (await open(join(dir, "x.zarr"), { mode: "r" })) as ZarrArray;
    await w.append(arange(6, undefined, 1, "<i4").reshape(2, 3));
    assert.deepEqual(r.shape, [0, 3], "a handle keeps the metadata it read");
    await r.refresh();
    assert.deepEqual(r.shape, [2, 3]);
    assert.equal(String(await r.get("1, :")), "array([3, 4, 5], dtype=int32)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
