/**
 * `zarrflow info|tree|ls|cat|attrs` run as a subprocess on stores written by zarr-python, compared
 * with what zarr-python itself prints for the same store; PATH forms (inside a store, --path, .zip,
 * file:// URLs) and usage errors.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { before, describe, test } from "node:test";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { runCli, tempDir } from "./_cli.ts";

const dir = tempDir("inspect");
const store = join(dir, "ex.zarr");
const zip = join(dir, "ex.zip");
const n5 = join(dir, "ex.n5");
let py: { n5Repr: string; info: string; tree: string; subtree: string; repr: string; scalar: string; zipRepr: string; attrs: unknown; members: [string, string, number[] | null][]; nestedRepr: string };

describe("zarrflow read-only commands", { skip: skipWithoutZarrPython, concurrency: 4 }, () => {
  before(() => {
    py = runPython(String.raw`
root = inp['store']
g = zarr.open_group(root, mode='w')
a = g.create_dataset('foo/bar', shape=(100, 100), chunks=(10, 10), dtype='<i4')
a[:] = np.arange(10000, dtype='<i4').reshape(100, 100) * 3 - 5000
a.attrs['units'] = 'm'
g.attrs.update({'title': 'hello', 'n': [1, 2.5, None], 'nested': {'k': True}})
b = g.create_dataset('baz', shape=(20,), chunks=(5,), dtype='<f8', compressor=None)
b[:] = np.linspace(0, 1, 20)
n = g.create_dataset('nested', shape=(6, 4), chunks=(2, 2), dtype='<u2', dimension_separator='/')
n[:] = np.arange(24).reshape(6, 4)
zs = zarr.ZipStore(inp['zip'], mode='w')
zg = zarr.group(store=zs)
zg.create_dataset('foo/bar', data=np.arange(12, dtype='>i8').reshape(3, 4), chunks=(2, 2))
zs.close()
n5 = zarr.group(store=zarr.N5Store(inp['n5']))
n5.create_dataset('g/a', data=np.arange(12, dtype='<i8').reshape(3, 4), chunks=(2, 2), compressor=None)
ro = zarr.open_group(root, mode='r')
out = {
  'info': str(ro['foo/bar'].info), 'tree': str(ro.tree()), 'subtree': str(ro['foo'].tree()),
  'repr': repr(ro['foo/bar'][0:5, ::30]), 'scalar': str(ro['foo/bar'][3, 7]),
  'nestedRepr': repr(ro['nested'][1:5, 1:]),
  'zipRepr': repr(np.arange(12, dtype='>i8').reshape(3, 4)[0:2]),
  'n5Repr': repr(zarr.open_group(zarr.N5Store(inp['n5']), mode='r')['g/a'][1:3]),
  'attrs': ro.attrs.asdict(),
  'members': [[k, type(v).__name__, list(v.shape) if hasattr(v, 'shape') else None] for k, v in ro.items()],
}
`, { store, zip, n5 });
  });

  test("info prints zarr-python's table for an array named by a path inside the store", async () => {
    const r = await runCli(["info", join(store, "foo", "bar")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trimEnd(), py.info.trimEnd());
  });

  test("info --json gives the same rows as an object", async () => {
    const r = await runCli(["info", store, "--path", "foo/bar", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = Object.fromEntries(py.info.trimEnd().split("\n").map((l) => l.split(" : ").map((s) => s.trim()) as [string, string]));
    assert.deepEqual(JSON.parse(r.stdout), rows);
  });

  test("tree draws the hierarchy as zarr-python does, from the root and from a subgroup", async () => {
    const [a, b] = await Promise.all([runCli(["tree", store]), runCli(["tree", join(store, "foo")])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout.trimEnd(), py.tree.trimEnd());
    assert.equal(b.stdout.trimEnd(), py.subtree.trimEnd());
    const j = await runCli(["tree", store, "--json"]);
    const t = JSON.parse(j.stdout);
    assert.deepEqual(t.children.map((c: { name: string }) => c.name), py.members.map((m) => m[0]));
  });

  test("ls lists every member with its kind and shape", async () => {
    const r = await runCli(["ls", store, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { name: string; type: string; shape?: number[] }[];
    assert.deepEqual(rows.map((x) => [x.name, x.type === "array" ? "Array" : "Group", x.shape ?? null]), py.members);
    const text = await runCli(["ls", store]);
    for (const [name, kind] of py.members) assert.match(text.stdout, new RegExp(`^${name}${kind === "Group" ? "/" : ""}\\s`, "m"));
  });

  test("cat prints a selection as numpy's repr, and a single element as numpy prints it", async () => {
    const [sel, one, nested] = await Promise.all([
      runCli(["cat", join(store, "foo/bar"), "0:5, ::30"]),
      runCli(["cat", join(store, "foo/bar"), "3, 7"]),
      runCli(["cat", join(store, "nested"), "1:5, 1:"]),
    ]);
    assert.equal(sel.code, 0, sel.stderr);
    assert.equal(sel.stdout.trimEnd(), py.repr);
    assert.equal(one.stdout.trim(), py.scalar);
    assert.equal(nested.stdout.trimEnd(), py.nestedRepr);
  });

  test("cat --json gives shape, dtype and nested values", async () => {
    const r = await runCli(["cat", join(store, "foo/bar"), "0:2, 0:3", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.shape, [2, 3]);
    assert.equal(j.dtype, "<i4");
    const want = runPython<number[][]>("out = zarr.open(inp, mode='r')[0:2, 0:3].tolist()", join(store, "foo/bar"));
    assert.deepEqual(j.data, want);
  });

  test("attrs prints the group's attributes as JSON", async () => {
    const r = await runCli(["attrs", store]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), py.attrs);
  });

  test("an N5 container and a path inside it", async () => {
    const r = await runCli(["cat", join(n5, "g", "a"), "1:3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trimEnd(), py.n5Repr);
  });

  test("a .zip store and a path inside it; a file:// URL", async () => {
    const z = await runCli(["cat", join(zip, "foo", "bar"), "0:2"]);
    assert.equal(z.code, 0, z.stderr);
    assert.equal(z.stdout.trimEnd(), py.zipRepr);
    const u = await runCli(["info", pathToFileURL(join(store, "foo", "bar")).href]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout.trimEnd(), py.info.trimEnd());
  });

  test("usage errors exit 2 with a message naming the problem and no stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [["info", "nosuch://bucket/data.zarr"], /unsupported URL scheme 'nosuch:'/],
      [["info", "simplecache::gopher://h/x.zarr"], /cannot open 'simplecache::gopher:\/\/h\/x.zarr': .*gopher/],
      [["info", join(store, "nope")], /nope: no such file or directory/],
      [["cat", store], /is a group/],
      [["cat", join(store, "foo/bar"), "0:5, 200"], /./],
      [["frobnicate"], /unknown command/],
      [["cat"], /missing required argument/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      assert.equal(r.code, 2, `${cases[i][0].join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, cases[i][1]);
      assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace without --debug");
      assert.equal(r.stdout, "");
    });
  });
});
