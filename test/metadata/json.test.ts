import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { parseJson, pyFloatRepr, pyJsonDumps, PyFloat } from "../../src/metadata/json.ts";
import { MetadataError } from "../../src/errors.ts";

const hasPython = spawnSync("/usr/bin/python3", ["-c", "import json"]).status === 0;

test("pyFloatRepr matches Python's repr(float)", { skip: !hasPython && "no /usr/bin/python3" }, () => {
  const values = [0.1, 1, 100, 123.456, 1e-4, 1.5e-5, 1e15, 1e16, 12345678901234567, 2.5e-300, -3, 4.2, 12.6, 1 / 3, 5e-324, 1.7976931348623157e308, -0.0];
  const r = spawnSync("/usr/bin/python3", ["-c", "import json,sys; print(json.dumps([repr(float(v)) for v in json.load(sys.stdin)]))"], { input: JSON.stringify(values) });
  const expected = JSON.parse(r.stdout.toString());
  // -0.0 is lost by JSON.stringify; compare it separately.
  expected[expected.length - 1] = "-0.0";
  assert.deepEqual(values.map(pyFloatRepr), expected);
});

test("pyJsonDumps writes what zarr-python's json_dumps writes", { skip: !hasPython && "no /usr/bin/python3" }, () => {
  const value = { b: [1, 2, [], {}], a: "é ✓ 🚀", z: { y: null, x: true }, big: 9007199254740993n, f: new PyFloat(0), n: -42 };
  const r = spawnSync("/usr/bin/python3", ["-c",
    "import json; v={'b':[1,2,[],{}],'a':'\\u00e9 \\u2713 \\U0001F680','z':{'y':None,'x':True},'big':9007199254740993,'f':0.0,'n':-42};" +
    "print(json.dumps(v, indent=4, sort_keys=True, ensure_ascii=True, separators=(',', ': ')), end='')"]);
  assert.equal(pyJsonDumps(value), r.stdout.toString());
});

test("parseJson is lenient where old writers were and exact for big integers", () => {
  assert.deepEqual(parseJson('{"a": NaN, "b": [Infinity, -Infinity]}'), { a: NaN, b: [Infinity, -Infinity] });
  assert.equal(parseJson("9007199254740993"), 9007199254740993n);
  assert.equal(parseJson("-9223372036854775808"), -9223372036854775808n);
  assert.equal(parseJson("42"), 42);
  assert.equal(parseJson('"\\u305f"'), "た");
  assert.throws(() => parseJson('{"a": }', ".zarray"), (e: Error) => e instanceof MetadataError && /\.zarray/.test(e.message));
  assert.throws(() => parseJson("[1, 2", "x"), MetadataError);
});

test("strict JSON: non-finite numbers are refused on write", () => {
  assert.throws(() => pyJsonDumps({ a: NaN }), MetadataError);
  assert.throws(() => pyJsonDumps({ a: new PyFloat(Infinity) }), /a/);
});
