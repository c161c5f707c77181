/**
 * Unit tests of the object codecs: registry lookup, configs and reprs as numcodecs 0.11 writes
 * them, framing and error handling.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Categorize, CodecError, getCodec, isObjectCodec, JSON as JSONAlias, JSONCodec, MsgPack, NDArray, ObjectCategorize, VLenArray, VLenBytes, VLenUTF8, listCodecs } from "../../src/internal.ts";

test("object codecs are registered and built from their configs", async () => {
  for (const id of ["vlen-utf8", "vlen-bytes", "vlen-array", "json2", "msgpack2"]) assert.ok(listCodecs().includes(id), id);
  assert.ok((await getCodec({ id: "vlen-utf8" })) instanceof VLenUTF8);
  assert.ok((await getCodec({ id: "vlen-bytes" })) instanceof VLenBytes);
  assert.ok((await getCodec({ id: "vlen-array", dtype: "<i8" })) instanceof VLenArray);
  assert.ok((await getCodec({ id: "json2" })) instanceof JSONCodec);
  assert.ok((await getCodec({ id: "msgpack2" })) instanceof MsgPack);
  assert.ok((await getCodec({ id: "categorize", labels: ["a"], dtype: "|O" })) instanceof ObjectCategorize);
  assert.ok((await getCodec({ id: "categorize", labels: ["a"], dtype: "<U1" })) instanceof Categorize);
  assert.ok(isObjectCodec(await getCodec({ id: "json2" })));
  assert.ok(!isObjectCodec(await getCodec({ id: "categorize", labels: ["a"], dtype: "<U1" })));
  assert.strictEqual(JSONAlias, JSONCodec);
  await assert.rejects(getCodec({ id: "vlen-utf8", foo: 1 }), CodecError);
});

test("reprs and configs match numcodecs 0.11", () => {
  assert.equal(String(new VLenUTF8()), "VLenUTF8()");
  assert.equal(String(new VLenBytes()), "VLenBytes()");
  assert.equal(String(new VLenArray({ dtype: "int64" })), "VLenArray(dtype='<i8')");
  assert.deepEqual(new VLenArray("i2").getConfig(), { id: "vlen-array", dtype: "<i2" });
  assert.equal(
    String(new JSONCodec()),
    "JSON(encoding='utf-8', allow_nan=True, check_circular=True, ensure_ascii=True,\n     indent=None, separators=(',', ':'), skipkeys=False, sort_keys=True,\n     strict=True)",
  );
  assert.deepEqual(new JSONCodec().getConfig(), {
    id: "json2", encoding: "utf-8", skipkeys: false, ensure_ascii: true, check_circular: true, allow_nan: true, indent: null, separators: [",", ":"], sort_keys: true, strict: true,
  });
  assert.deepEqual(new JSONCodec({ indent: 2 }).separators, [", ", ": "]);
  assert.equal(String(new MsgPack()), "MsgPack(raw=False, use_bin_type=True, use_single_float=False)");
  assert.deepEqual(new MsgPack().getConfig(), { id: "msgpack2", raw: false, use_single_float: false, use_bin_type: true });
  assert.equal(String(new ObjectCategorize({ labels: ["a", "b"], dtype: "|O" })), "Categorize(dtype='|O', astype='|u1', labels=['a', 'b'])");
});

test("vlen framing: None and 0 as numcodecs", async () => {
  const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
  // numcodecs: VLenUTF8().encode(['a', None, 0, '']), VLenArray('<i8').encode([[1], None, 0, [2, 3]])
  assert.equal(hex(await new VLenUTF8().encodeObjects(["a", null, 0, ""])), "040000000100000061000000000000000000000000");
  assert.equal(
    hex(await new VLenArray("<i8").encodeObjects([[1], null, 0, [2, 3]])),
    "04000000080000000100000000000000000000000800000000000000000000001000000002000000000000000300000000000000",
  );
  const dec = await new VLenArray("<i8").decodeObjects(await new VLenArray("<i8").encodeObjects([[1], [], [2, 3]]), 3);
  assert.ok(dec.every((x) => x instanceof NDArray));
  assert.deepEqual(dec.map((x) => (x as NDArray).toList().map(Number)), [[1], [], [2, 3]]);
});

test("object codec errors", async () => {
  await assert.rejects(new VLenUTF8().encodeObjects([1]), /expected unicode string/);
  await assert.rejects(new VLenBytes().encodeObjects(["x"]), /expected byte string/);
  await assert.rejects(new VLenUTF8().decodeObjects(new Uint8Array([1, 0])), /truncated header/);
  await assert.rejects(new VLenUTF8().decodeObjects(new Uint8Array([1, 0, 0, 0, 5, 0, 0, 0, 97])), /truncated/);
  await assert.rejects(new VLenUTF8().decodeObjects(await new VLenUTF8().encodeObjects(["a"]), 2), /decoded 1 items, expected 2/);
  await assert.rejects(new VLenUTF8().decode(new Uint8Array(4)), /object codec/);
  await assert.rejects(new JSONCodec().encodeObjects([new Uint8Array(1)]), /bytes is not JSON serializable/);
  await assert.rejects(new JSONCodec({ allow_nan: false }).encodeObjects([NaN]), /not JSON compliant/);
  await assert.rejects(new JSONCodec().decodeObjects(new TextEncoder().encode("[1,")), /invalid JSON/);
  assert.throws(() => new VLenArray("|O"), CodecError);
});

test("JSON encodes like Python's json module", async () => {
  const t = async (c: JSONCodec, v: unknown[], shape?: number[]) => new TextDecoder().decode(await c.encodeObjects(v, shape ? { shape, order: "C" } : undefined));
  // numcodecs: JSON().encode(np.array([42,'foo',['a','b','c'],{'a':'b','c':2},2.5,nan], dtype=object))
  assert.equal(await t(new JSONCodec(), [42, "foo", ["a", "b", "c"], { c: 2, a: "b" }, 2.5, NaN]), '[42,"foo",["a","b","c"],{"a":"b","c":2},2.5,NaN,"|O",[6]]');
  assert.equal(await t(new JSONCodec(), [1, "a", 2, "b"], [2, 2]), '[[1,"a"],[2,"b"],"|O",[2,2]]');
  assert.equal(await t(new JSONCodec(), ["é\u{1F680}", 1e-7, 1.5e-5, -0.5]), '["\\u00e9\\ud83d\\ude80",1e-07,1.5e-05,-0.5,"|O",[4]]');
  assert.equal(await t(new JSONCodec({ indent: 1 }), [[1]]), '[\n [\n  1\n ], \n "|O", \n [\n  1\n ]\n]');
  const back = await new JSONCodec().decodeObjects(new TextEncoder().encode('[[1,"a"],[2,"b"],"|O",[2,2]]'), 4, { shape: [2, 2], order: "F" });
  assert.deepEqual(back, [1, 2, "a", "b"]);
  const big = await new JSONCodec().decodeObjects(new TextEncoder().encode('[9007199254740993,-Infinity,"|O",[2]]'));
  assert.deepEqual(big, [9007199254740993n, -Infinity]);
});
