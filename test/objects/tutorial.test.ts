/**
 * The tutorial's string and object array examples ("String arrays", "Object arrays"): VLenUTF8 via
 * `objectCodec` and `dtype: "str"`, VLenBytes via `dtype: "bytes"`, object Categorize, the JSON
 * example and VLenArray. The reprs are checked against the tutorial text (whitespace-normalized) and,
 * when available, against zarr-python 2.13's exact output.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { array, empty, JSONCodec, NDArray, ObjectCategorize, VLenArray, VLenUTF8, type ZarrArray } from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

const greetings = ["¡Hola mundo!", "Hej Världen!", "Servus Woid!", "Hei maailma!", "Xin chào thế giới", "Njatjeta Botë!", "Γεια σου κόσμε!", "こんにちは世界", "世界,你好!", "Helló, világ!", "Zdravo svete!", "เฮลโลเวิลด์"];
const textData: string[] = [];
for (let i = 0; i < 10000; i++) textData.push(...greetings);
const ws = (s: string) => s.replace(/\s+/g, " ");
const TEXT_OUT = "array(['¡Hola mundo!', 'Hej Världen!', 'Servus Woid!', ..., 'Helló, világ!', 'Zdravo svete!', 'เฮลโลเวิลด์'], dtype=object)";

async function reprs(z: ZarrArray): Promise<[string, string, string]> {
  return [String(z), `[${(z.filters ?? []).map(String).join(", ")}]`, String(await z.get(null))];
}

/** zarr-python's [repr(z), repr(z.filters), repr(z[:])] for a script that defines `z`. */
function py(script: string): [string, string, string] {
  return runPython<[string, string, string]>(`greetings = ${JSON.stringify(greetings)}\ntext_data = greetings * 10000\n${script}\nout = [repr(z), repr(z.filters), repr(z[:])]`);
}

test("tutorial: VLenUTF8 object array and dtype='str'", async () => {
  const a = await array(textData, { dtype: "|O", objectCodec: new VLenUTF8() });
  const b = await array(textData, { dtype: "str" });
  for (const z of [a, b]) {
    const [r, f, v] = await reprs(z);
    assert.equal(r, "<zarr.core.Array (120000,) object>");
    assert.equal(f, "[VLenUTF8()]");
    assert.equal(ws(v), TEXT_OUT);
    assert.equal(await z.get(4), "Xin chào thế giới");
  }
  if (!skipWithoutZarrPython) {
    assert.deepEqual(await reprs(a), py("z = zarr.array(text_data, dtype=object, object_codec=numcodecs.VLenUTF8())"));
    assert.deepEqual(await reprs(b), py("z = zarr.array(text_data, dtype=str)"));
  }
});

test("tutorial: dtype='bytes' (VLenBytes)", async () => {
  const enc = new TextEncoder();
  const bytesData: Uint8Array[] = [];
  for (let i = 0; i < 10000; i++) bytesData.push(...greetings.map((g) => enc.encode(g)));
  const z = await array(new NDArray(bytesData, [bytesData.length], "|O"), { dtype: "bytes" });
  const [r, f, v] = await reprs(z);
  assert.equal(r, "<zarr.core.Array (120000,) object>");
  assert.equal(f, "[VLenBytes()]");
  assert.equal(
    ws(v),
    String.raw`array([b'\xc2\xa1Hola mundo!', b'Hej V\xc3\xa4rlden!', b'Servus Woid!', ..., b'Hell\xc3\xb3, vil\xc3\xa1g!', b'Zdravo svete!', b'\xe0\xb9\x80\xe0\xb8\xae\xe0\xb8\xa5\xe0\xb9\x82\xe0\xb8\xa5\xe0\xb9\x80\xe0\xb8\xa7\xe0\xb8\xb4\xe0\xb8\xa5\xe0\xb8\x94\xe0\xb9\x8c'], dtype=object)`,
  );
  if (!skipWithoutZarrPython) {
    assert.deepEqual(await reprs(z), py("bytes_data = [g.encode('utf-8') for g in greetings] * 10000\nz = zarr.array(bytes_data, dtype=bytes)"));
  }
});

test("tutorial: Categorize(greetings, dtype=object)", async () => {
  const z = await array(textData, { dtype: "|O", objectCodec: new ObjectCategorize({ labels: greetings, dtype: "|O" }) });
  const [r, f, v] = await reprs(z);
  assert.equal(r, "<zarr.core.Array (120000,) object>");
  assert.equal(f, "[Categorize(dtype='|O', astype='|u1', labels=['¡Hola mundo!', 'Hej Världen!', 'Servus Woid!', ...])]");
  assert.equal(ws(v), TEXT_OUT);
  if (!skipWithoutZarrPython) {
    assert.deepEqual(await reprs(z), py("z = zarr.array(text_data, dtype=object, object_codec=numcodecs.Categorize(greetings, dtype=object))"));
  }
});

test("tutorial: JSON object array", async () => {
  const z = await empty(5, { dtype: "|O", objectCodec: new JSONCodec() });
  await z.set(0, 42);
  await z.set(1, "foo");
  await z.set(2, ["bar", "baz", "qux"]);
  await z.set(3, { a: 1, b: 2.2 });
  const all = await z.get(null);
  assert.equal(ws(String(all)), "array([42, 'foo', list(['bar', 'baz', 'qux']), {'a': 1, 'b': 2.2}, None], dtype=object)");
  assert.deepEqual(await z.get(2), ["bar", "baz", "qux"]);
  if (!skipWithoutZarrPython) {
    const [, , v] = py("z = zarr.empty(5, dtype=object, object_codec=numcodecs.JSON())\nz[0] = 42\nz[1] = 'foo'\nz[2] = ['bar', 'baz', 'qux']\nz[3] = {'a': 1, 'b': 2.2}");
    assert.equal(String(all), v);
  }
});

test("tutorial: VLenArray(int) and dtype='array:i8'", async () => {
  const a = await empty(4, { dtype: "|O", objectCodec: new VLenArray({ dtype: "int64" }) });
  const b = await empty(4, { dtype: "array:i8" });
  for (const z of [a, b]) {
    assert.equal(String(z), "<zarr.core.Array (4,) object>");
    assert.equal(String(z.filters), "VLenArray(dtype='<i8')");
    await z.set(0, new NDArray(new BigInt64Array([1n, 3n, 5n]), [3], "<i8"));
    await z.set(1, [4]);
    await z.set(2, new NDArray(new BigInt64Array([7n, 9n, 14n]), [3], "<i8"));
    const all = await z.get(null);
    assert.equal(ws(String(all)), "array([array([1, 3, 5]), array([4]), array([ 7, 9, 14]), array([], dtype=int64)], dtype=object)");
    if (!skipWithoutZarrPython) {
      const [r, f, v] = py("z = zarr.empty(4, dtype=object, object_codec=numcodecs.VLenArray(int))\nz[0] = np.array([1, 3, 5])\nz[1] = np.array([4])\nz[2] = np.array([7, 9, 14])");
      assert.deepEqual([String(z), `[${String(z.filters)}]`, String(all)], [r, f, v]);
    }
  }
});
