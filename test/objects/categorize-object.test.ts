/**
 * `new Categorize({ labels, dtype: "|O" })` works as numcodecs' `Categorize(labels, dtype=object)`:
 * codes checked against numcodecs 0.11 and arrays read back by zarr-python 2.13.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Categorize, CodecError, DirectoryStore, getCodec, isObjectCodec, openArray, zeros } from "../../src/internal.ts";
import { skipWithoutZarrPython } from "../interop/python.ts";

const PY = "/usr/bin/python3";
const labels = ["ñandú", "b", "日本"];
const values = ["b", "ñandú", "x", "日本", "", "b"];

function python(code: string, input: unknown): unknown {
  const r = spawnSync(PY, ["-c", code], { input: JSON.stringify(input), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("Categorize with dtype '|O' encodes strings to the codes numcodecs gives, and back", { skip: skipWithoutZarrPython }, async () => {
  const c = new Categorize({ labels, dtype: "|O", astype: "<u2" });
  assert.equal(isObjectCodec(c), true);
  assert.deepEqual(c.getConfig(), { id: "categorize", labels, dtype: "|O", astype: "<u2" });
  const codes = await c.encodeObjects(values);
  const py = python(`
import json, sys, numpy as np
from numcodecs import Categorize
d = json.load(sys.stdin)
c = Categorize(labels=d["labels"], dtype=object, astype="<u2")
enc = c.encode(np.array(d["values"], dtype=object))
print(json.dumps({"codes": enc.tolist(), "dec": c.decode(enc).tolist(), "config": c.get_config(), "repr": repr(c)}))
`, { labels, values }) as { codes: number[]; dec: string[]; config: unknown; repr: string };
  assert.deepEqual([...new Uint16Array(codes.buffer, codes.byteOffset, codes.length / 2)], py.codes);
  assert.deepEqual(await c.decodeObjects(codes, values.length), py.dec);
  assert.deepEqual(c.getConfig(), py.config);
  assert.equal(String(c), py.repr);
  // As an object codec it takes element values, not bytes.
  await assert.rejects(() => c.encode(new Uint8Array(4)), CodecError);
  // The unicode variant is not an object codec and says so when asked for element values.
  const u = new Categorize({ labels, dtype: "<U5" });
  assert.equal(isObjectCodec(u), false);
  await assert.rejects(() => u.encodeObjects(values), /dtype '\|O'/);
});

test("an object array filtered by Categorize('|O') round-trips and zarr-python reads it", { skip: skipWithoutZarrPython }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-cat-"));
  try {
    const z = await zeros(6, { store: new DirectoryStore(dir), dtype: "|O", chunks: 4, filters: [new Categorize({ labels, dtype: "|O" })] });
    await z.set(null, values);
    const back = await openArray(dir, { mode: "r" });
    assert.deepEqual((await back.get()).toList(), values.map((v) => (labels.includes(v) ? v : "")));
    assert.equal(String(back.filters), String([await getCodec({ id: "categorize", labels, dtype: "|O", astype: "|u1" })]));
    const py = python(`
import json, sys, zarr
z = zarr.open(json.load(sys.stdin), mode="r")
print(json.dumps({"values": z[:].tolist(), "filters": repr(z.filters)}))
`, dir) as { values: string[]; filters: string };
    assert.deepEqual(py.values, ["b", "ñandú", "", "日本", "", "b"]);
    assert.equal(py.filters, `[${String(back.filters)}]`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
