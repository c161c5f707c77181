/**
 * Strided reads of big uncompressed chunk files (a column, a strided row of an F-order chunk) go
 * through a read-only mapping of the file on the native path (native/src/mapped_file.cc). They must
 * give the index's values for every layout, and a file cut short while mapped must fail the read
 * with a StoreIOError naming the chunk, not kill the process with SIGBUS.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasNativeCodecs, ndarray, slice, zeros, DirectoryStore } from "../../src/internal.ts";

const N = 1100, M = 600;
const CHUNKS = [512, 256]; // 512 KiB of int32 per chunk: over the mapped path's 256 KiB threshold
const value = (i: number, j: number) => i * M + j;

async function writeIndex(dir: string, dtype: "<i4" | ">i4", order: "C" | "F") {
  const z = await zeros([N, M], { chunks: CHUNKS, dtype, compressor: null, order, store: new DirectoryStore(dir) });
  const data = new Int32Array(N * M).map((_, k) => value(Math.floor(k / M), k % M));
  await z.set(null, ndarray(data, [N, M], { dtype }));
  return z;
}

for (const [dtype, order] of [["<i4", "C"], [">i4", "C"], ["<i4", "F"]] as const) {
  test(`columns, strided columns and strided rows of big uncompressed chunks read the index's values (${dtype}, order ${order})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-mapped-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const z = await writeIndex(dir, dtype, order);
    assert.equal(statSync(join(dir, "0.0")).size, CHUNKS[0] * CHUNKS[1] * 4);
    const col = await z.get(":, 300");
    assert.deepEqual(Array.from(col.data as Int32Array), Array.from({ length: N }, (_, i) => value(i, 300)));
    const cols = await z.get([slice(3, 1090, 7), slice(250, 262, 5)]);
    const expCols: number[] = [];
    for (let i = 3; i < 1090; i += 7) for (let j = 250; j < 262; j += 5) expCols.push(value(i, j));
    assert.deepEqual(Array.from(cols.data as Int32Array), expCols);
    const row = await z.get([700, slice(0, M, 3)]);
    assert.deepEqual(Array.from(row.data as Int32Array), Array.from({ length: M / 3 }, (_, k) => value(700, 3 * k)));
  });
}

test("a chunk file cut short while it is mapped fails the read with a StoreIOError naming the chunk; the process lives", { skip: hasNativeCodecs() ? false : "needs the native addon (the mapped path is native)" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-mapped-cut-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await writeIndex(dir, "<i4", "C");
  const child = join(dirname(fileURLToPath(import.meta.url)), "mapped-read-child.ts");
  const r = spawnSync(process.execPath, ["--import", "tsx", child, dir], { encoding: "utf8", env: { ...process.env, ZARRFLOW_FAILPOINT_TRUNCATE_MAPPED: "1" } });
  assert.equal(r.signal, null, `the child died of ${r.signal}: ${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  assert.equal(out.result, "StoreIOError", JSON.stringify(out));
  assert.equal(out.code, "EIO");
  assert.match(out.key, /^[01]\.1$/);
  assert.match(out.message, /cut short while it was read/);
  // The failpoint really cut the file: the read failed because of it, not for another reason.
  assert.equal(statSync(join(dir, out.key)).size, 0);
});
