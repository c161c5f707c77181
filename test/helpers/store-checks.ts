/**
 * One small hierarchy written and read by zarrflow's public API and by zarr-python, shared by the
 * backend store tests (SQLite, LMDB, Redis, LevelDB, HTTP, S3, Azure): groups, attributes, a NaN
 * fill value, several dtypes (little and big endian) and compressors (Blosc, Zlib, none).
 * A summary (metadata, attributes, values) is compared between the two libraries.
 */
import assert from "node:assert/strict";
import { group, NDArray, open, ZarrArray, ZarrGroup, type Store } from "../../src/internal.ts";
import { runPython } from "../interop/python.ts";

/** What one array looks like to a reader. */
export interface ArraySummary {
  dtype: string;
  shape: number[];
  chunks: number[];
  fill_value: unknown;
  compressor: string | null;
  values: (number | boolean | string)[];
}
/** What the whole hierarchy looks like to a reader. */
export interface HierarchySummary {
  attrs: Record<string, Record<string, unknown>>;
  arrays: Record<string, ArraySummary>;
}

/** Paths of the arrays and groups of the hierarchy. */
export const ARRAYS = ["foo/bar", "nan", "foo/u8", "i2be", "foo/deep/f4"] as const;
export const GROUPS = ["", "foo", "foo/deep"] as const;

/** The expected summary (what both writers produce). */
export const EXPECTED: HierarchySummary = {
  attrs: { "": { title: "zarrflow", n: 3 }, foo: { x: [1, 2] }, "foo/deep": {} },
  arrays: {
    "foo/bar": { dtype: "<i4", shape: [10, 10], chunks: [5, 5], fill_value: 0, compressor: "blosc", values: Array.from({ length: 100 }, (_, i) => (i < 10 ? i : 42)) },
    nan: { dtype: "<f8", shape: [7], chunks: [3], fill_value: "NaN", compressor: "zlib", values: [0.5, 1.5, 2.5, 3.5, 4.5, "NaN", "NaN"] },
    "foo/u8": { dtype: "|u1", shape: [4, 3], chunks: [2, 2], fill_value: 0, compressor: null, values: Array.from({ length: 12 }, (_, i) => i * 20) },
    i2be: { dtype: ">i2", shape: [5], chunks: [2], fill_value: -1, compressor: "zlib", values: [0, -3, -6, -1, -1] },
    "foo/deep/f4": { dtype: "<f4", shape: [3, 2], chunks: [2, 2], fill_value: 0.25, compressor: "blosc", values: [1, 2, 3, 4, 0.25, 0.25] },
  },
};

/** Write the hierarchy into `store` with zarrflow's public API. */
export async function writeHierarchy(store: Store): Promise<void> {
  const root = await group(store, { overwrite: true });
  await root.attrs.put({ title: "zarrflow", n: 3 });
  const foo = await root.createGroup("foo");
  await foo.attrs.put({ x: [1, 2] });
  const bar = await foo.zeros("bar", { shape: [10, 10], chunks: [5, 5], dtype: "<i4" });
  await bar.set(null, 42);
  await bar.set("0, :", Int32Array.from({ length: 10 }, (_, i) => i));
  const nan = await root.full("nan", NaN, { shape: [7], chunks: [3], dtype: "<f8", compressor: { id: "zlib", level: 1 } });
  await nan.set("0:5", Float64Array.from([0.5, 1.5, 2.5, 3.5, 4.5]));
  const u8 = await foo.zeros("u8", { shape: [4, 3], chunks: [2, 2], dtype: "|u1", compressor: null });
  await u8.set(null, new NDArray(Uint8Array.from({ length: 12 }, (_, i) => i * 20), [4, 3], "|u1"));
  const be = await root.full("i2be", -1, { shape: [5], chunks: [2], dtype: ">i2", compressor: { id: "zlib", level: 5 } });
  await be.set("0:3", Int16Array.from([0, -3, -6]));
  const deep = await foo.createGroup("deep");
  const f4 = await deep.full("f4", 0.25, { shape: [3, 2], chunks: [2, 2], dtype: "<f4" });
  await f4.set("0:2, :", new NDArray(Float32Array.from([1, 2, 3, 4]), [2, 2], "<f4"));
}

function jsonValue(v: unknown): number | boolean | string {
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  if (typeof v === "bigint") return Number(v);
  return v as number;
}

/** Read the hierarchy from `store` with zarrflow's public API. */
export async function readHierarchy(store: Store): Promise<HierarchySummary> {
  const root = await open(store, { mode: "r" });
  assert.ok(root instanceof ZarrGroup, "the root is a group");
  const out: HierarchySummary = { attrs: {}, arrays: {} };
  for (const g of GROUPS) {
    const node = g === "" ? root : await root.get(g);
    assert.ok(node instanceof ZarrGroup, `${g} is a group`);
    out.attrs[g] = await node.attrs.asObject();
  }
  for (const p of ARRAYS) {
    const a = await root.get(p);
    assert.ok(a instanceof ZarrArray, `${p} is an array`);
    const data = (await a.get()).data as ArrayLike<unknown>;
    const compressor = a.metadata.compressor as { id?: string } | null;
    out.arrays[p] = {
      dtype: a.dtype,
      shape: a.shape,
      chunks: a.chunks,
      fill_value: jsonValue(a.fillValue),
      compressor: compressor ? compressor.id ?? null : null,
      values: Array.from(data, jsonValue),
    };
  }
  return out;
}

/** Python: write the same hierarchy into `store` (a zarr-python store expression's value). */
export const PY_WRITE = String.raw`
def write_hierarchy(store):
    root = zarr.group(store=store, overwrite=True)
    root.attrs.put({'title': 'zarrflow', 'n': 3})
    foo = root.create_group('foo')
    foo.attrs.put({'x': [1, 2]})
    bar = foo.zeros('bar', shape=(10, 10), chunks=(5, 5), dtype='<i4')
    bar[...] = 42
    bar[0, :] = np.arange(10)
    nan = root.full('nan', np.nan, shape=(7,), chunks=(3,), dtype='<f8', compressor=numcodecs.Zlib(level=1))
    nan[0:5] = [0.5, 1.5, 2.5, 3.5, 4.5]
    u8 = foo.zeros('u8', shape=(4, 3), chunks=(2, 2), dtype='|u1', compressor=None)
    u8[...] = (np.arange(12) * 20).reshape(4, 3)
    be = root.full('i2be', -1, shape=(5,), chunks=(2,), dtype='>i2', compressor=numcodecs.Zlib(level=5))
    be[0:3] = [0, -3, -6]
    deep = foo.create_group('deep')
    f4 = deep.full('f4', 0.25, shape=(3, 2), chunks=(2, 2), dtype='<f4')
    f4[0:2, :] = [[1, 2], [3, 4]]
`;

/** Python: read the hierarchy from `store` into the summary form (as `summary(store)`). */
export const PY_READ = String.raw`
def _j(v):
    v = v.item() if hasattr(v, 'item') else v
    if isinstance(v, float) and v != v:
        return 'NaN'
    return v
def summary(store):
    root = zarr.open_group(store=store, mode='r')
    out = {'attrs': {}, 'arrays': {}}
    for g in ['', 'foo', 'foo/deep']:
        node = root if g == '' else root[g]
        assert isinstance(node, zarr.hierarchy.Group), g
        out['attrs'][g] = node.attrs.asdict()
    for p in ['foo/bar', 'nan', 'foo/u8', 'i2be', 'foo/deep/f4']:
        a = root[p]
        out['arrays'][p] = {
            'dtype': a.dtype.str, 'shape': list(a.shape), 'chunks': list(a.chunks),
            'fill_value': _j(a.fill_value),
            'compressor': a.compressor.codec_id if a.compressor is not None else None,
            'values': [_j(x) for x in a[...].ravel()],
        }
    return out
`;

/** Run python that opens a store with `openExpr` (a Python expression using `inp`) and returns its summary. */
export function pythonSummary(openExpr: string, input: unknown, closeStmt = "store.close()"): HierarchySummary {
  return runPython<HierarchySummary>(`${PY_READ}\nstore = ${openExpr}\nout = summary(store)\n${closeStmt}\n`, input);
}

/** Run python that opens a store with `openExpr` and writes the hierarchy into it. */
export function pythonWrite(openExpr: string, input: unknown, closeStmt = "store.close()"): void {
  runPython(`${PY_WRITE}\nstore = ${openExpr}\nwrite_hierarchy(store)\n${closeStmt}\nout = True\n`, input);
}

/** Assert that a summary is the expected one. */
export function assertSummary(actual: HierarchySummary, what: string): void {
  assert.deepEqual(actual, EXPECTED, what);
}
