/**
 * The tutorial's HDF5 examples: `tree`, `copy` and `copyAll` with an HDF5 file (written by h5py) as
 * the source, read through HDF5Store (h5wasm). Log lines, tree output and the new arrays' `.zarray`
 * must equal what zarr-python 2.13 prints and writes for the same h5py file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HDF5Store, ZarrArray, ZarrGroup, copy, copyAll, openGroup, tree, ReadOnlyError } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

const hasH5py = (() => {
  if (skipWithoutZarrPython) return false;
  try {
    runPython("import h5py\nout = h5py.__version__");
    return true;
  } catch {
    return false;
  }
})();

const PY = String.raw`
import h5py, io, contextlib
os.chdir(inp['dir'])
source = h5py.File('example.h5', mode='w')
foo = source.create_group('foo')
baz = foo.create_dataset('bar/baz', data=np.arange(100), chunks=(50,))
spam = source.create_dataset('spam', data=np.arange(100, 200), chunks=(30,))
spam.attrs['units'] = 'm'
source.create_dataset('grid', data=np.arange(35, dtype='<f4').reshape(5, 7))
source.close()
source = h5py.File('example.h5', mode='r')
out = {'tree': str(zarr.tree(source))}
def run(f):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        r = f(buf)
    return {'lines': buf.getvalue().splitlines(), 'ret': list(r)}
dest = zarr.open_group('py1.zarr', mode='w')
out['copy'] = run(lambda b: zarr.copy(source['foo'], dest, log=b))
out['dest_tree'] = str(dest.tree())
dest2 = zarr.open_group('py2.zarr', mode='w')
out['copy_all'] = run(lambda b: zarr.copy_all(source, dest2, log=b))
out['dest2_tree'] = str(dest2.tree())
source.close()
`;

test("tutorial: tree, copy and copyAll from an HDF5 file, as zarr-python from h5py", { skip: hasH5py ? false : "h5py (python3-h5py) is not installed" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "zf-h5-"));
  try {
    const py = runPython<{ tree: string; copy: { lines: string[]; ret: number[] }; dest_tree: string; copy_all: { lines: string[]; ret: number[] }; dest2_tree: string }>(PY, { dir });
    const store = await HDF5Store.open(join(dir, "example.h5"));
    const source = await openGroup(store, { mode: "r" });
    assert.equal(String(await tree(source)), py.tree);

    const lines: string[] = [];
    const dest = await openGroup(join(dir, "ts1.zarr"), { mode: "w" });
    const foo = (await source.get("foo")) as ZarrGroup;
    assert.deepEqual(await copy(foo, dest, { log: (l: string) => lines.push(l) }), py.copy.ret);
    assert.deepEqual(lines, py.copy.lines);
    assert.equal(String(await dest.tree()), py.dest_tree);

    const lines2: string[] = [];
    const dest2 = await openGroup(join(dir, "ts2.zarr"), { mode: "w" });
    assert.deepEqual(await copyAll(source, dest2, { log: (l: string) => lines2.push(l) }), py.copy_all.ret);
    assert.deepEqual(lines2, py.copy_all.lines);
    assert.equal(String(await dest2.tree()), py.dest2_tree);

    // The copies are what zarr-python made: same metadata bytes (zarr's default compressor) and values.
    for (const p of ["foo/bar/baz", "spam", "grid"]) {
      assert.deepEqual(readFileSync(join(dir, "ts2.zarr", p, ".zarray"), "utf8"), readFileSync(join(dir, "py2.zarr", p, ".zarray"), "utf8"), p);
      const a = (await dest2.get(p)) as ZarrArray;
      const b = (await (await openGroup(join(dir, "py2.zarr"), { mode: "r" })).get(p)) as ZarrArray;
      assert.equal(String(await a.get()), String(await b.get()), p);
    }
    assert.deepEqual(await ((await dest2.get("spam")) as ZarrArray).attrs.asObject(), { units: "m" });
    assert.throws(() => store.set("x", new Uint8Array(1)), ReadOnlyError);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
