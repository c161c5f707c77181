/**
 * `zarrflow verify` on stores written by zarr-python, one of them damaged, and Ctrl-C (SIGINT)
 * during a slow rechunk.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { runCli, tempDir } from "./_cli.ts";

const dir = tempDir("verify");
const good = join(dir, "good.zarr");
const bad = join(dir, "bad.zarr");

describe("zarrflow verify and interruption", { skip: skipWithoutZarrPython, concurrency: 3 }, () => {
  let counts: Record<string, [number, number]>;
  before(() => {
    counts = runPython(String.raw`
import itertools
out = {}
for root in inp:
    g = zarr.open_group(root, mode='w')
    a = g.create_dataset('a/data', shape=(40, 40), chunks=(10, 10), dtype='<i4')
    a[:] = np.arange(1600).reshape(40, 40)
    p = g.create_dataset('partial', shape=(100,), chunks=(10,), dtype='<f8', compressor=numcodecs.Zlib(level=1))
    p[:35] = 1.5   # chunks 0..3 initialized, 4..9 absent (fill value), which is not damage
    n = g.create_dataset('nested', shape=(4, 4), chunks=(2, 2), dtype='u1', dimension_separator='/')
    n[:] = 7
    o = g.create_dataset('obj', shape=(3,), chunks=(2,), dtype=object, object_codec=numcodecs.VLenUTF8())
    o[:] = ['x', 'yy', 'zzz']
    # Stored chunk keys inside the grid (zarr-python's nchunks_initialized miscounts nested keys).
    init = lambda v: sum(1 for c in itertools.product(*map(range, v.cdata_shape)) if v._chunk_key(c) in v.chunk_store)
    out = {k: [init(v), v.nchunks] for k, v in [('a/data', a), ('partial', p), ('nested', n), ('obj', o)]}
`, [good, bad]);
    // Damage: a truncated blosc chunk, a zlib chunk with flipped bytes, garbage in a nested chunk.
    const c1 = join(bad, "a", "data", "1.2");
    writeFileSync(c1, readFileSync(c1).subarray(0, 20));
    const c2 = join(bad, "partial", "2");
    const b2 = readFileSync(c2);
    for (let i = 4; i < b2.length; i += 3) b2[i] ^= 0x5a;
    writeFileSync(c2, b2);
    writeFileSync(join(bad, "nested", "1", "0"), Buffer.from("not a chunk"));
  });

  test("verify on an intact store exits 0 and reports the initialized counts of the keys zarr-python wrote", async () => {
    const r = await runCli(["verify", good]);
    assert.equal(r.code, 0, r.stderr);
    for (const [path, [init, total]] of Object.entries(counts)) {
      assert.match(r.stdout, new RegExp(`^/${path} .*: ${init}/${total} chunks initialized, ${init} ok$`, "m"));
    }
    assert.match(r.stdout, /^verify: ok/m);
    const j = await runCli(["verify", good, "--json"]);
    assert.equal(j.code, 0);
    const rep = JSON.parse(j.stdout);
    assert.equal(rep.ok, true);
    assert.equal(rep.chunksChecked, Object.values(counts).reduce((a, [i]) => a + i, 0));
  });

  test("verify on a damaged store exits 1 and names every damaged key", async () => {
    const r = await runCli(["verify", bad]);
    assert.equal(r.code, 1, r.stderr);
    for (const key of ["a/data/1.2", "partial/2", "nested/1/0"]) assert.match(r.stdout, new RegExp(`^  corrupt ${key}: `, "m"), r.stdout);
    assert.match(r.stdout, /^verify: 3 damaged keys/m);
    assert.doesNotMatch(r.stdout, /corrupt a\/data\/1\.1/);
    const j = JSON.parse((await runCli(["verify", bad, "--json", "--quiet"])).stdout);
    const keys = j.arrays.flatMap((a: { damage: { key: string }[] }) => a.damage.map((d) => d.key)).sort();
    assert.deepEqual(keys, ["a/data/1.2", "nested/1/0", "partial/2"]);
    // One array of the damaged store, named by its path inside the store: only its damage.
    const one = await runCli(["verify", join(bad, "partial")]);
    assert.equal(one.code, 1);
    assert.match(one.stdout, /corrupt partial\/2/);
    assert.doesNotMatch(one.stdout, /a\/data/);
  });

  test("verify reports an unreadable chunk file by key", { skip: process.getuid?.() === 0 ? "root reads any file" : false }, async () => {
    const copy = join(dir, "perm.zarr");
    runPython("import shutil\nshutil.copytree(inp[0], inp[1])", [good, copy]);
    chmodSync(join(copy, "a", "data", "0.0"), 0);
    const r = await runCli(["verify", copy]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /unreadable a\/data\/0\.0/);
  });

  test("Ctrl-C during a slow verify exits 130 without a verdict", async () => {
    let sent = false;
    const r = await runCli(["verify", good, "--concurrency", "1"], {
      env: { ZARRFLOW_CLI_IO_DELAY_MS: "150" },
      onStderr: (text, child) => {
        if (!sent && /verify: \d+\/\d+ chunks/.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    assert.equal(sent, true, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stdout, /verify: ok|chunks initialized/);
  });

  test("Ctrl-C during a slow rechunk exits 130, never says done, and leaves no temporary files", async () => {
    const src = join(dir, "slow.zarr");
    const tmp = join(dir, "tmp");
    mkdirSync(tmp, { recursive: true });
    runPython("z = zarr.open(inp, mode='w', shape=(300, 300), chunks=(10, 300), dtype='<i4', compressor=None)\nz[:] = np.arange(90000).reshape(300, 300)", src);
    let sent = false;
    const r = await runCli(["rechunk", src, join(dir, "slow-out.zarr"), "--chunks", "300,10", "--max-memory", "96KB", "--temp-dir", tmp], {
      env: { ZARRFLOW_CLI_IO_DELAY_MS: "40" },
      onStderr: (text, child) => {
        // Interrupt once the work is under way (a progress line with regions done).
        if (!sent && /rechunk: [1-9]\d*\/\d+ regions/.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    assert.equal(sent, true, `no progress seen: ${r.stderr}`);
    assert.equal(r.code, 130, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /\bdone\b/);
    assert.match(r.stderr, /interrupted/);
    assert.deepEqual(readdirSync(tmp), [], "the intermediate array is removed");
    assert.ok(existsSync(src));
  });
});
