/**
 * `zarrflow create|copy|copy-store|consolidate|rechunk` as a subprocess; zarr-python reads every
 * result and compares it with the source it wrote.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { runCli, tempDir } from "./_cli.ts";

const dir = tempDir("write");
const src = join(dir, "src.zarr");

describe("zarrflow commands that write", { skip: skipWithoutZarrPython, concurrency: 3 }, () => {
  before(() => {
    runPython(String.raw`
g = zarr.open_group(inp, mode='w')
rng = np.random.default_rng(7)
a = g.create_dataset('grp/data', shape=(120, 90), chunks=(7, 90), dtype='<f4', compressor=numcodecs.Zstd(level=2))
a[:] = rng.standard_normal((120, 90)).astype('<f4')
a.attrs['units'] = 'K'
b = g.create_dataset('ints', shape=(50,), chunks=(8,), dtype='>i2', fill_value=-1)
b[:40] = np.arange(40)
g.attrs['title'] = 'source'
`, src);
  });

  test("create writes an empty array zarr-python opens with the asked metadata", async () => {
    const out = join(dir, "created.zarr");
    const r = await runCli(["create", join(out, "sub", "arr"), "--shape", "30,40", "--chunks", "10,-1", "--dtype", "<i8", "--compressor", "blosc:zstd:3:bitshuffle", "--fill-value", "42"]);
    assert.equal(r.code, 0, r.stderr);
    const z = runPython<{ shape: number[]; chunks: number[]; dtype: string; fill: number; comp: Record<string, unknown>; v: number }>(
      "z = zarr.open_group(inp, mode='r')['sub/arr']\nout = {'shape': list(z.shape), 'chunks': list(z.chunks), 'dtype': z.dtype.str, 'fill': int(z.fill_value), 'comp': z.compressor.get_config(), 'v': int(z[29, 39])}",
      out,
    );
    assert.deepEqual([z.shape, z.chunks, z.dtype, z.fill, z.v], [[30, 40], [10, 40], "<i8", 42, 42]);
    assert.deepEqual(z.comp, { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2, blocksize: 0 });
    const again = await runCli(["create", join(out, "sub", "arr"), "--shape", "3", "--dtype", "<i8"]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already exists at path 'sub\/arr'/);
    const bad = await runCli(["create", join(dir, "x.zarr"), "--shape", "3", "--dtype", "<i8", "--compressor", "snappy:3"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--compressor: unknown compressor 'snappy'/);
  });

  test("copy re-encodes a group (zarr.copy's log lines) and zarr-python reads equal data and attributes", async () => {
    const out = join(dir, "copy.zarr");
    const r = await runCli(["copy", join(src, "grp"), out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^copy \/grp$/m);
    assert.match(r.stdout, /^copy \/grp\/data \(120, 90\) float32$/m);
    assert.match(r.stdout, /^all done: 2 copied, 0 skipped, [\d,]+ bytes copied$/m);
    const same = runPython<boolean>(
      "a = zarr.open_group(inp[0], mode='r')['grp/data']\nb = zarr.open_group(inp[1], mode='r')['grp/data']\nout = bool(np.array_equal(a[:], b[:]) and a.chunks == b.chunks and b.attrs['units'] == 'K')",
      [src, out],
    );
    assert.equal(same, true);
    const json = await runCli(["copy", join(src, "ints"), join(out, "renamed"), "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const j = JSON.parse(json.stdout);
    assert.equal(j.copied, 1);
    assert.deepEqual(j.log.slice(-1), ["all done: 1 copied, 0 skipped, 100 bytes copied"]);
    const again = await runCli(["copy", join(src, "ints"), join(out, "renamed")]);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /existing array/);
  });

  test("copy-store copies raw keys, into a directory and into a .zip python reads", async () => {
    const out = join(dir, "raw.zarr");
    const zip = join(dir, "raw.zip");
    const [a, b] = await Promise.all([runCli(["copy-store", src, out]), runCli(["copy-store", src, zip, "--json"])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.match(a.stdout, /^copy grp\/data\/0\.0$/m);
    const r = runPython<{ keys: boolean; zip: boolean; n: number }>(String.raw`
s = zarr.DirectoryStore(inp[0]); d = zarr.DirectoryStore(inp[1]); z = zarr.ZipStore(inp[2], mode='r')
out = {'keys': sorted(s.keys()) == sorted(d.keys()) and all(s[k] == d[k] for k in s.keys()),
       'zip': sorted(s.keys()) == sorted(z.keys()) and all(s[k] == z[k] for k in s.keys()), 'n': len(list(s.keys()))}
`, [src, out, zip]);
    assert.deepEqual(r, { keys: true, zip: true, n: r.n });
    assert.equal(JSON.parse(b.stdout).copied, r.n);
  });

  test("consolidate writes the .zmetadata zarr-python writes", async () => {
    const out = join(dir, "cons.zarr");
    assert.equal((await runCli(["copy-store", src, out, "--quiet"])).code, 0);
    const r = await runCli(["consolidate", out]);
    assert.equal(r.code, 0, r.stderr);
    const same = runPython<boolean>(String.raw`
import shutil
shutil.copytree(inp, inp + '.py')
zarr.consolidate_metadata(inp + '.py')
out = open(inp + '/.zmetadata', 'rb').read() == open(inp + '.py/.zmetadata', 'rb').read()
`, out);
    assert.equal(same, true);
  });

  test("rechunk through an intermediate under a small memory budget: python reads equal data with the new chunks", async () => {
    const out = join(dir, "rechunked.zarr");
    const r = await runCli(["rechunk", join(src, "grp", "data"), out, "--chunks", "120,5", "--max-memory", "32KiB", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.notEqual(j.intermediateChunks, null, "the budget forces an intermediate");
    const res = runPython<{ equal: boolean; chunks: number[]; comp: string; attrs: unknown }>(
      "a = zarr.open(inp[0], mode='r')\nb = zarr.open(inp[1], mode='r')\nout = {'equal': bool(np.array_equal(a[:], b[:])), 'chunks': list(b.chunks), 'comp': repr(b.compressor), 'attrs': b.attrs.asdict()}",
      [join(src, "grp", "data"), out],
    );
    assert.deepEqual(res, { equal: true, chunks: [120, 5], comp: "Zstd(level=2)", attrs: { units: "K" } });
    const again = await runCli(["rechunk", join(src, "ints"), out, "--chunks", "5"]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists; use --overwrite/);
    const tooSmall = await runCli(["rechunk", join(src, "ints"), join(dir, "r2.zarr"), "--chunks", "5", "--max-memory", "10"]);
    assert.equal(tooSmall.code, 2);
    assert.match(tooSmall.stderr, /--max-memory 10/);
  });
});
