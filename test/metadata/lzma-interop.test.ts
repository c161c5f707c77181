/**
 * LZMA arrays zarr-python wrote with an LZMA1 filter (id 2^62 + 1, beyond a JS number) open and read
 * equal, and zarrflow writes the same `.zarray` bytes numcodecs does.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, DirectoryStore, hasNativeCodecs, LZMA, openArray, parseArrayMetadata } from "../../src/internal.ts";
import { FILTER_LZMA1, FILTER_LZMA1_EXACT, FORMAT_ALONE, FORMAT_RAW } from "../../src/codecs/lzma.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

const skip = skipWithoutZarrPython || (!hasNativeCodecs() && "lzma needs the native addon");

test("zarr-python LZMA arrays with LZMA1 filters (FORMAT_RAW, FORMAT_ALONE) read equal", { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-lzma1-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const variants = runPython<string[]>(String.raw`
import lzma
specs = {
  'raw6': dict(format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA1, 'preset': 6}]),
  'raw_opts': dict(format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_DELTA, 'dist': 4}, {'id': lzma.FILTER_LZMA1, 'preset': 1, 'dict_size': 65536, 'lc': 3, 'lp': 0, 'pb': 2}]),
  'alone6': dict(format=lzma.FORMAT_ALONE, filters=[{'id': lzma.FILTER_LZMA1, 'preset': 6}]),
  'alone_plain': dict(format=lzma.FORMAT_ALONE),
  'xz_lzma2': dict(format=lzma.FORMAT_XZ, filters=[{'id': lzma.FILTER_LZMA2, 'preset': 2}]),
}
for name, kw in specs.items():
    z = zarr.open(os.path.join(inp, name), mode='w', shape=(50, 7), chunks=(16, 5), dtype='<i4', compressor=numcodecs.LZMA(**kw), fill_value=-1)
    z[:45] = np.arange(45 * 7, dtype='<i4').reshape(45, 7) * 3
out = list(specs)
`, dir);
  for (const name of variants) {
    const z = await openArray(new DirectoryStore(join(dir, name)), { mode: "r" });
    const a = await z.get();
    for (let i = 0; i < 50; i++) for (let j = 0; j < 7; j++) assert.equal(a.get(i, j), i < 45 ? (i * 7 + j) * 3 : -1, `${name}[${i}, ${j}]`);
    // The repr and config are numcodecs' own.
    const py = runPython<string>(`out = repr(zarr.open(inp, mode='r').compressor)`, join(dir, name));
    assert.equal(String(z.compressor), py, name);
  }
});

test("zarrflow writes LZMA1 filter chains as numcodecs does, and zarr-python reads them", { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-lzma1w-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, format] of [["raw", FORMAT_RAW], ["alone", FORMAT_ALONE]] as const) {
    const compressor = new LZMA({ format, filters: [{ id: FILTER_LZMA1, preset: 6 }] });
    assert.deepEqual(compressor.getConfig().filters, [{ id: FILTER_LZMA1_EXACT, preset: 6 }]);
    const z = await create({ store: new DirectoryStore(join(dir, name)), shape: [100], chunks: [30], dtype: "<i4", compressor });
    await z.set(null, Int32Array.from({ length: 100 }, (_, i) => i * i));
    const meta = readFileSync(join(dir, name, ".zarray"), "utf8");
    assert.match(meta, /"id": 4611686018427387905,/);
    const parsed = parseArrayMetadata(meta);
    assert.equal((parsed.compressor!.filters as { id: unknown }[])[0].id, FILTER_LZMA1_EXACT);
    const py = runPython<{ data: number[]; zarray: string }>(
      String.raw`
import lzma
kw = dict(format=inp['format'], filters=[{'id': lzma.FILTER_LZMA1, 'preset': 6}])
ref = zarr.create(shape=(100,), chunks=(30,), dtype='<i4', compressor=numcodecs.LZMA(**kw), store=zarr.MemoryStore())
if inp['format'] == lzma.FORMAT_RAW:
    data = zarr.open(inp['path'], mode='r')[:].tolist()
else:
    # numcodecs cannot decode FORMAT_ALONE with a filter list (CPython refuses filters there): read the chunks directly.
    data = []
    for k in range(4):
        with open(os.path.join(inp['path'], str(k)), 'rb') as f:
            data += np.frombuffer(lzma.decompress(f.read(), format=lzma.FORMAT_ALONE), '<i4').tolist()
    data = data[:100]
out = {'data': data, 'zarray': ref.store['.zarray'].decode()}
`,
      { path: join(dir, name), format },
    );
    assert.deepEqual(py.data, Array.from({ length: 100 }, (_, i) => i * i));
    assert.equal(meta, py.zarray, `${name}: .zarray bytes`);
  }
});
