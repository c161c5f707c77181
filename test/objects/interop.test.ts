/**
 * Interop with zarr-python 2.13 (/usr/bin/python3): object arrays written by zarrflow with each
 * object codec read identically in zarr-python, arrays written by zarr-python read identically in
 * zarrflow, and (uncompressed) the two write byte-identical chunks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, getCodec, NDArray, openArray, type CodecConfig } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { assertTagged, fromTagged } from "./tagged.ts";

interface Case {
  name: string;
  /** zarrflow `dtype` (e.g. "str") and zarr-python dtype spelling. */
  dtype: string;
  pyDtype: string;
  codec: CodecConfig | null;
  compressor: CodecConfig | null;
  shape: number[];
  chunks: number[];
  order: "C" | "F";
  fill: unknown;
  /** Tagged values, flat in C order. */
  values: unknown[];
}

const f = (x: number | string) => ({ float: x });
const b64 = (s: string) => ({ bytes_b64: Buffer.from(s, "utf8").toString("base64") });
const nd = (dtype: string, values: number[]) => ({ ndarray: { dtype, shape: [values.length], values } });

const CASES: Case[] = [
  {
    name: "vlen_utf8_f", dtype: "|O", pyDtype: "object", codec: { id: "vlen-utf8" }, compressor: null, shape: [5, 4], chunks: [2, 3], order: "F", fill: 0,
    values: ["", "a", "héllo", "日本語", "🚀", "tab\t", "nl\n", "x".repeat(50), "Ω", "q\"", "nul\u0000", "z", "1", "2", "3", "4", "5", "6", "7", "8"],
  },
  {
    name: "str_shorthand_blosc", dtype: "str", pyDtype: "str", codec: null, compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }, shape: [7], chunks: [3], order: "C", fill: 0,
    values: ["¡Hola mundo!", "Hej Världen!", "Servus Woid!", "Hei maailma!", "Xin chào thế giới", "こんにちは世界", "เฮลโลเวิลด์"],
  },
  { name: "vlen_bytes", dtype: "bytes", pyDtype: "bytes", codec: null, compressor: null, shape: [7], chunks: [3], order: "C", fill: 0, values: ["", "a", "abc", "\u00ff", "xyz", "q", "w"].map(b64) },
  {
    name: "vlen_array_i4", dtype: "array:i4", pyDtype: "array:i4", codec: null, compressor: null, shape: [5], chunks: [2], order: "C", fill: 0,
    values: [nd("<i4", []), nd("<i4", [1, 3, 5]), nd("<i4", [-4]), nd("<i4", [7, 9, 14, 2147483647]), nd("<i4", [-2147483648])],
  },
  {
    name: "json_2d", dtype: "|O", pyDtype: "object", codec: { id: "json2" }, compressor: null, shape: [3, 2], chunks: [2, 2], order: "C", fill: 0,
    values: [42, "foo", ["bar", "baz", "qux"], { dict: { b: f(2.2), a: 1 } }, f("NaN"), null, ],
  },
  {
    name: "json_misc", dtype: "|O", pyDtype: "object", codec: { id: "json2" }, compressor: null, shape: [6], chunks: [4], order: "C", fill: 0,
    values: [true, false, f(1.0), f(1e-7), f(1e16), "ü\u007f\u2028"],
  },
  {
    name: "msgpack", dtype: "|O", pyDtype: "object", codec: { id: "msgpack2" }, compressor: null, shape: [8], chunks: [3], order: "C", fill: 0,
    values: ["foo", 1, f(2.5), null, [1, "a"], { dict: { k: "v", n: -3 } }, b64("\u0001\u0002"), -1099511627776],
  },
  {
    name: "categorize", dtype: "|O", pyDtype: "object", codec: { id: "categorize", labels: ["ä", "b", "ccc"], dtype: "|O", astype: "|u1" }, compressor: null, shape: [9], chunks: [4], order: "C", fill: 0,
    values: ["ä", "b", "ccc", "b", "ä", "ccc", "b", "ä", "b"],
  },
];

const PY_HELPERS = String.raw`
def tag(v):
    if v is None or isinstance(v, (bool, np.bool_)): return None if v is None else bool(v)
    if isinstance(v, str): return v
    if isinstance(v, bytes): return {'bytes_b64': base64.b64encode(v).decode()}
    if isinstance(v, (int, np.integer)):
        v = int(v); return v if abs(v) <= 2**53 else {'bigint': str(v)}
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v != v: return {'float': 'NaN'}
        if v in (float('inf'), float('-inf')): return {'float': 'Infinity' if v > 0 else '-Infinity'}
        return {'float': v}
    if isinstance(v, np.ndarray):
        return {'ndarray': {'dtype': v.dtype.str, 'shape': list(v.shape), 'values': [tag(x) for x in v.ravel().tolist()]}}
    if isinstance(v, (list, tuple)): return [tag(x) for x in v]
    if isinstance(v, dict): return {'dict': {k: tag(x) for k, x in v.items()}}
    raise TypeError(repr(v))

def untag(t):
    if isinstance(t, list): return [untag(x) for x in t]
    if isinstance(t, dict):
        k, v = next(iter(t.items()))
        if k == 'float': return float(v)
        if k == 'bytes_b64': return base64.b64decode(v)
        if k == 'bigint': return int(v)
        if k == 'dict': return {a: untag(b) for a, b in v.items()}
        if k == 'ndarray': return np.array([untag(x) for x in v['values']], dtype=v['dtype'])
    return t
`;

const skip = skipWithoutZarrPython;

test("object arrays: zarrflow ⇄ zarr-python 2.13", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-objects-"));
  try {
    // 1. zarrflow writes.
    for (const c of CASES) {
      const z = await create({
        store: join(dir, "ts"), path: c.name, shape: c.shape, chunks: c.chunks, dtype: c.dtype, order: c.order, fillValue: c.fill,
        compressor: c.compressor, objectCodec: c.codec ? await getCodec(c.codec) : undefined,
      });
      const values = c.values.map((t) => fromTagged(t, true));
      await z.set(null, new NDArray(values, c.shape, "|O"));
    }
    // 2. zarr-python reads zarrflow's arrays and writes its own.
    const res = runPython<Record<string, { read: unknown[]; filters: string[] }>>(
      PY_HELPERS +
        String.raw`
out = {}
for c in inp['cases']:
    z = zarr.open(os.path.join(inp['dir'], 'ts'), mode='r', path=c['name'])
    out[c['name']] = {'read': [tag(x) for x in z[...].ravel(order='C').tolist()] if z.dtype == object else None,
                      'filters': [repr(f) for f in (z.filters or [])]}
    a = np.empty(len(c['values']), dtype=object)
    for i, t in enumerate(c['values']): a[i] = untag(t)
    a = a.reshape(c['shape'])
    kw = {}
    if c['codec'] is not None: kw['object_codec'] = numcodecs.get_codec(dict(c['codec']))
    comp = numcodecs.get_codec(dict(c['compressor'])) if c['compressor'] else None
    dt = {'object': object}.get(c['pyDtype'], c['pyDtype'])  # 'str', 'bytes', 'array:i4': zarr's shorthands
    w = zarr.create(store=zarr.DirectoryStore(os.path.join(inp['dir'], 'py')), path=c['name'], shape=c['shape'], chunks=c['chunks'], dtype=dt,
                    order=c['order'], fill_value=c['fill'], compressor=comp, **kw)
    w[...] = a
`,
      { dir, cases: CASES },
    );
    for (const c of CASES) {
      const r = res[c.name];
      const zt = await openArray(join(dir, "ts"), { mode: "r", path: c.name });
      assert.deepStrictEqual(r.filters, zt.filters?.map(String), `${c.name}: reprs agree`);
      c.values.forEach((t, i) => assert.deepStrictEqual(r.read[i], t, `${c.name}[${i}] as read by zarr-python`));
      // 3. zarrflow reads zarr-python's array.
      const zp = await openArray(join(dir, "py"), { mode: "r", path: c.name });
      assert.deepStrictEqual(JSON.parse(readFileSync(join(dir, "py", c.name, ".zarray"), "utf8")), JSON.parse(readFileSync(join(dir, "ts", c.name, ".zarray"), "utf8")), `${c.name}: .zarray`);
      const got = (await zp.get(null)) as NDArray;
      c.values.forEach((t, i) => assertTagged(got.getFlat(i), t, `${c.name}[${i}] written by zarr-python`));
      // 4. Uncompressed chunks are byte-identical.
      if (c.compressor === null) {
        const keys = readdirSync(join(dir, "py", c.name)).filter((k) => !k.startsWith("."));
        assert.deepStrictEqual(readdirSync(join(dir, "ts", c.name)).filter((k) => !k.startsWith(".")).sort(), keys.sort(), `${c.name}: chunk keys`);
        for (const k of keys) {
          assert.ok(readFileSync(join(dir, "py", c.name, k)).equals(readFileSync(join(dir, "ts", c.name, k))), `${c.name}/${k}: chunk bytes`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
