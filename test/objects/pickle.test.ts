/**
 * The safe, read-only Pickle codec: object arrays that zarr-python writes with numcodecs' Pickle
 * (strings, mixed numbers and None, lists, tuples, dicts, sets, bytes, big ints, numpy scalars and
 * small numpy arrays; protocols 2, 4 and 5; C and F order) read equal in zarrflow, and pickles that
 * would run code are refused without running it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CodecError, NDArray, Pickle, create, getCodec, openArray, unpickle } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

/** Python side: a tagged form of values, comparable with {@link jsTag} of what zarrflow decodes. */
const PY_TAG = String.raw`
import pickle
def num(x):
    x = float(x)
    if x != x: return {'num': 'NaN'}
    if x in (float('inf'), float('-inf')): return {'num': 'Infinity' if x > 0 else '-Infinity'}
    return {'num': x}
def key(t): return json.dumps(t, sort_keys=True)
def tag(v):
    if v is None: return None
    if isinstance(v, (bool, np.bool_)): return bool(v)
    if isinstance(v, (str, np.str_)): return str(v)
    if isinstance(v, (bytes, bytearray, np.bytes_)): return {'bytes': bytes(v).hex()}
    if isinstance(v, (int, np.integer)):
        v = int(v)
        return num(v) if abs(v) <= 2**53 - 1 else {'bigint': str(v)}
    if isinstance(v, (float, np.floating)): return num(v)
    if isinstance(v, (complex, np.complexfloating)): return [num(v.real), num(v.imag)]
    if isinstance(v, np.ndarray):
        return {'ndarray': {'dtype': v.dtype.str, 'shape': list(v.shape), 'values': [tag(x) for x in v.ravel(order='C')]}}
    if isinstance(v, (list, tuple)): return [tag(x) for x in v]
    if isinstance(v, dict): return {'dict': sorted([[tag(k), tag(x)] for k, x in v.items()], key=key)}
    if isinstance(v, (set, frozenset)): return {'set': sorted([tag(x) for x in v], key=key)}
    raise TypeError(repr(v))
`;

function num(x: number): unknown {
  return { num: Number.isNaN(x) ? "NaN" : x === Infinity ? "Infinity" : x === -Infinity ? "-Infinity" : x };
}
const key = (t: unknown) => JSON.stringify(t, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)).replace(/,/g, ", ").replace(/:/g, ": ");

/** The tagged form of a value zarrflow decoded (see PY_TAG). */
function jsTag(v: unknown): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return num(v);
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? num(Number(v)) : { bigint: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString("hex") };
  if (v instanceof NDArray) return { ndarray: { dtype: v.dtype, shape: v.shape, values: v.toList().map(jsTag) } };
  if (Array.isArray(v)) return v.map(jsTag);
  if (v instanceof Set) return { set: [...v].map(jsTag).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return { dict: entries.map(([k, x]) => [jsTag(k), jsTag(x)]).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
}

/** Python expressions of the element values of each case (evaluated in Python, never in JS). */
const CASES: { name: string; shape: number[]; chunks: number[]; order: "C" | "F"; protocol: number; compressor: string; values: string }[] = [
  { name: "strings", shape: [7], chunks: [3], order: "C", protocol: 5, compressor: "None", values: "['', 'a', 'héllo', '日本語', '🚀', 'nul\\x00', 'x' * 300]" },
  { name: "mixed_f", shape: [3, 4], chunks: [2, 3], order: "F", protocol: 5, compressor: "numcodecs.Zlib(level=1)", values: "[1, -2, 3.5, None, float('nan'), float('inf'), 0.1, True, False, 2**53 - 1, -7, 1e300]" },
  { name: "containers_p2", shape: [8], chunks: [5], order: "C", protocol: 2, compressor: "None", values: "[[1, 'a', None], (2, 3.5), {'k': 'v', 'n': [1, 2]}, {1: 'one', (2, 3): 'tuple key'}, {1, 2, 3}, frozenset(['x']), b'\\x00\\xffbytes', bytearray(b'ba')]" },
  { name: "containers_p4", shape: [8], chunks: [5], order: "C", protocol: 4, compressor: "numcodecs.Zstd(level=1)", values: "[[1, 'a', None], (2, 3.5), {'k': 'v', 'n': [1, 2]}, {1: 'one', (2, 3): 'tuple key'}, {1, 2, 3}, frozenset(['x']), b'\\x00\\xffbytes', bytearray(b'ba')]" },
  { name: "big_ints", shape: [5], chunks: [5], order: "C", protocol: 5, compressor: "None", values: "[2**53, -2**53 - 1, 2**70, -2**64, 12345678901234567890123]" },
  { name: "numpy_scalars", shape: [9], chunks: [4], order: "C", protocol: 5, compressor: "None", values: "[np.float32(1.5), np.int64(2**60), np.uint8(200), np.bool_(True), np.str_('héllo'), np.bytes_(b'ab'), np.complex128(1+2j), np.float16(0.5), np.int16(-3)]" },
  { name: "numpy_arrays", shape: [6], chunks: [4], order: "C", protocol: 5, compressor: "None", values: "[np.arange(5, dtype='<i4'), np.array([[1, 2], [3, 4]], dtype='>i2'), np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array([True, False]), np.array(['ab', 'c'], dtype='<U2'), np.array([1, 'x', None], dtype=object)]" },
  { name: "numpy_arrays_p2", shape: [4], chunks: [4], order: "C", protocol: 2, compressor: "None", values: "[np.arange(5, dtype='<i4'), np.array([[1, 2], [3, 4]], dtype='>i2'), np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.array([1, 'x', None], dtype=object)]" },
];

describe("Pickle codec (safe, read-only)", () => {
  test("interop: object arrays zarr-python wrote with Pickle read equal", { skip: skipWithoutZarrPython }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-pickle-"));
    const expected = runPython<Record<string, unknown[]>>(PY_TAG + String.raw`
out = {}
for c in inp['cases']:
    vals = eval(c['values'])
    a = np.empty(len(vals), dtype=object)
    for i, v in enumerate(vals): a[i] = v
    a = a.reshape(c['shape'], order='C')
    z = zarr.open(inp['dir'], mode='a', path=c['name'], shape=c['shape'], chunks=c['chunks'], dtype=object, order=c['order'],
                  object_codec=numcodecs.Pickle(protocol=c['protocol']), compressor=eval(c['compressor']))
    z[...] = a
    assert [tag(x) for x in z[...].ravel(order='C')] is not None
    out[c['name']] = [tag(x) for x in a.ravel(order='C')]   # what was stored
`, { dir, cases: CASES });
    for (const c of CASES) {
      const z = await openArray(dir, { mode: "r", path: c.name });
      assert.equal(z.filters?.[0]?.codecId, "pickle", c.name);
      const got = (await z.get()) as NDArray;
      assert.deepEqual(got.shape, c.shape, c.name);
      assert.deepEqual(got.toList().map(jsTag), expected[c.name], c.name);
    }
  });

  test("unpickle: top-level values of every supported kind, protocols 2 to 5", { skip: skipWithoutZarrPython }, () => {
    const values = "[None, True, -1, 255, 65535, 2**31, -2**31 - 1, 2**64, 1.25, 'str', b'by', bytearray(b'ba'), [1, [2]], (), (1,), {'a': {}}, {3, 4}, frozenset(), np.float64(2.5), np.arange(3, dtype='<u8'), np.zeros((2, 0)), np.array(5, dtype='<i2')]";
    const r = runPython<{ protocol: number; b64: string; tag: unknown }[]>(PY_TAG + `
vals = ${values}
out = [{'protocol': p, 'b64': base64.b64encode(pickle.dumps(v, protocol=p)).decode(), 'tag': tag(v)} for p in (2, 3, 4, 5) for v in vals]
`);
    for (const { protocol, b64, tag } of r) {
      const v = unpickle(new Uint8Array(Buffer.from(b64, "base64")));
      assert.deepEqual(jsTag(v), tag, `protocol ${protocol}: ${JSON.stringify(tag)}`);
    }
  });

  test("a pickle that calls os.system is refused naming the global, and nothing runs", { skip: skipWithoutZarrPython }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-pickle-evil-"));
    const marker = join(dir, "pwned");
    const cmd = Buffer.from(`touch ${marker}`);
    // PROTO 2, GLOBAL 'os\nsystem\n', BINUNICODE cmd, TUPLE1, REDUCE, STOP.
    const len = Buffer.alloc(4);
    len.writeUInt32LE(cmd.length);
    const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from("cos\nsystem\n"), Buffer.from([0x58]), len, cmd, Buffer.from([0x85, 0x52, 0x2e])]);
    assert.throws(() => unpickle(evil), (e: unknown) => e instanceof CodecError && /'os\.system'/.test((e as Error).message));
    // The same through a zarr array: python writes a Pickle object array, then a chunk is swapped for the evil pickle.
    runPython("z = zarr.open(inp, mode='w', shape=(4,), chunks=(2,), dtype=object, object_codec=numcodecs.Pickle(), compressor=None)\nz[:] = ['a', 'b', 'c', 'd']", join(dir, "a.zarr"));
    writeFileSync(join(dir, "a.zarr", "1"), evil);
    const z = await openArray(join(dir, "a.zarr"), { mode: "r" });
    assert.deepEqual(await z.get("0:2").then((a: NDArray) => a.toList()), ["a", "b"]);
    await assert.rejects(z.get(), (e: unknown) => e instanceof CodecError && /os\.system/.test((e as Error).message));
    // What Python itself emits for os.system at protocol 4 (STACK_GLOBAL posix.system) is refused too.
    const py = runPython<string>("import pickle\nclass E:\n    def __reduce__(self): return (os.system, ('true',))\nout = base64.b64encode(pickle.dumps(E(), protocol=4)).decode()");
    assert.throws(() => unpickle(new Uint8Array(Buffer.from(py, "base64"))), /refusing to load global '(posix|os)\.system'/);
    assert.equal(existsSync(marker), false, "the command never ran");
  });

  test("other refusals name the opcode or global", () => {
    // Protocol 0 text opcodes: MARK, LIST, PUT ...
    assert.throws(() => unpickle(new TextEncoder().encode("(lp0\nI1\na.")), /opcode PUT at offset 2/);
    // A builtin that is not allowed, by STACK_GLOBAL.
    const sg = Buffer.concat([Buffer.from([0x80, 0x04, 0x8c, 8]), Buffer.from("builtins"), Buffer.from([0x8c, 4]), Buffer.from("eval"), Buffer.from([0x93, 0x2e])]);
    assert.throws(() => unpickle(sg), /refusing to load global 'builtins\.eval'.*STACK_GLOBAL/);
    assert.throws(() => unpickle(Buffer.from([0x80, 0x05, 0x4b])), /truncated pickle/);
    assert.throws(() => unpickle(Buffer.from([0x80, 0x05, 0x81, 0x2e])), /opcode NEWOBJ/);
  });

  test("with allowWrite, zarrflow writes Pickle object arrays (C and F order) that zarr-python reads equal", { skip: skipWithoutZarrPython }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-pickle-write-"));
    const values: unknown[] = [
      "a", "héllo", 1, -2.5, null, true, false, [1, "x", [null]], { k: "v", n: [1, 2] }, new Map<unknown, unknown>([[1, "one"], ["s", 2]]),
      new Set([1, 2]), new Uint8Array([0, 255]), 2n ** 70n, -(2n ** 64n), 2 ** 40, NaN,
      new NDArray(new Int32Array([1, 2, 3]), [3], "<i4"), new NDArray(new Float64Array([1, 2, 3, 4]), [2, 2], ">f8"),
    ];
    Pickle.enableWrites();
    try {
      for (const order of ["C", "F"] as const) {
        const z = await create({ store: dir, path: order, shape: [6, 3], chunks: [4, 2], dtype: "|O", order, objectCodec: new Pickle({ allowWrite: true }), compressor: null });
        await z.set(null, new NDArray(values, [6, 3], "|O"));
      }
    } finally {
      Pickle.enableWrites(false);
    }
    const got = runPython<Record<string, unknown[]>>(PY_TAG + "out = {o: [tag(x) for x in zarr.open(inp, mode='r', path=o)[...].ravel(order='C')] for o in ('C', 'F')}", dir);
    // zarr-python hands back inner numpy arrays in native byte order; compare values, not byte order.
    const native = (t: unknown) => JSON.parse(JSON.stringify(t).replace(/"dtype":">/g, '"dtype":"<'));
    assert.deepEqual(native(got.C), native(values.map(jsTag)));
    assert.deepEqual(native(got.F), native(values.map(jsTag)));
  });

  test("writing is refused unless enabled; the config round-trips", async () => {
    const codec = await getCodec({ id: "pickle", protocol: 5 });
    assert.ok(codec instanceof Pickle);
    assert.deepEqual(codec.getConfig(), { id: "pickle", protocol: 5 });
    assert.equal(String(codec), "Pickle(protocol=5)");
    await assert.rejects((codec as Pickle).encodeObjects(["a"]), /writing pickles is disabled.*allowWrite/);
    const z = await create({ shape: [2], chunks: [2], dtype: "|O", objectCodec: codec });
    await assert.rejects(z.set(null, ["a", "b"]), /writing pickles is disabled/);
  });
});
