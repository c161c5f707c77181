import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDtype, dtypeName } from "../../src/dtype/dtype.ts";
import { floatToHalf, halfToFloat, toDatetime, decodeRawElement, encodeRawElement } from "../../src/dtype/elements.ts";
import { decodeFillValue, encodeFillValue, normalizeFillValue } from "../../src/metadata/fill-value.ts";
import { DtypeError } from "../../src/errors.ts";

test("dtype strings normalize as numpy's", () => {
  const cases: [string, string, number, string][] = [
    ["i4", "<i4", 4, "int32"], ["int64", "<i8", 8, "int64"], [">f8", ">f8", 8, "float64"], ["bool", "|b1", 1, "bool"],
    ["u1", "|u1", 1, "uint8"], ["S6", "|S6", 6, "|S6"], ["U20", "<U20", 80, "<U20"], ["M8[D]", "<M8[D]", 8, "datetime64[D]"],
    ["timedelta64[s]", "<m8[s]", 8, "timedelta64[s]"], ["c8", "<c8", 8, "complex64"], ["f2", "<f2", 2, "float16"],
  ];
  for (const [spec, str, size, name] of cases) {
    const d = parseDtype(spec);
    assert.equal(d.str, str, spec);
    assert.equal(d.itemsize, size, spec);
    assert.equal(dtypeName(d), name, spec);
  }
  const s = parseDtype([["foo", "|S3"], ["bar", "<i4"], ["baz", "<f8"]]);
  assert.equal(s.itemsize, 15);
  assert.deepEqual(s.fields!.map((f) => f.offset), [0, 3, 7]);
});

test("unknown or malformed dtypes raise DtypeError naming the dtype", () => {
  for (const bad of ["i3", "q7", "M8", "f16", "M8[fortnight]", ""]) {
    assert.throws(() => parseDtype(bad), (e: Error) => e instanceof DtypeError && e.message.includes(`'${bad}'`), bad);
  }
  assert.throws(() => parseDtype("[[1]]"), (e: Error) => e instanceof DtypeError && e.message.includes("[1]"));
});

test("float16 conversion rounds to nearest even and keeps specials", () => {
  for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8, Infinity, -Infinity]) assert.equal(halfToFloat(floatToHalf(v)), v);
  assert.ok(Number.isNaN(halfToFloat(floatToHalf(NaN))));
  assert.equal(halfToFloat(floatToHalf(1 + 2 ** -11)), 1); // tie rounds to even
  assert.equal(halfToFloat(floatToHalf(1 + 3 * 2 ** -11)), 1 + 2 ** -9);
  assert.equal(halfToFloat(floatToHalf(70000)), Infinity);
});

test("datetimes convert from ISO strings to the unit's count", () => {
  assert.equal(toDatetime("2007-07-13", parseDtype("M8[D]")), 13707n);
  assert.equal(toDatetime("1969-12-31", parseDtype("M8[D]")), -1n);
  assert.equal(toDatetime("1970-01-01T00:00:01.5", parseDtype("M8[ms]")), 1500n);
  assert.equal(toDatetime("NaT", parseDtype("M8[ns]")), -(2n ** 63n));
});

test("raw elements round-trip in both byte orders", () => {
  const buf = new Uint8Array(16);
  for (const [dt, v] of [[">i4", -5], ["<u2", 65535], [">f8", 4.2], [">c8", [1.5, -2]], ["<U3", "héé"], ["|S3", new Uint8Array([97, 98])], [">i8", -(2n ** 62n)]] as [string, unknown][]) {
    const d = parseDtype(dt);
    encodeRawElement(d, buf, 0, v);
    assert.deepEqual(decodeRawElement(d, buf, 0), v, dt);
  }
});

test("fill values encode as zarr-python writes them and decode back", () => {
  const f8 = parseDtype("<f8");
  assert.equal(encodeFillValue(NaN, f8), "NaN");
  assert.equal(encodeFillValue(-Infinity, f8), "-Infinity");
  assert.ok(Number.isNaN(decodeFillValue("NaN", f8) as number));
  const s6 = parseDtype("|S6");
  assert.equal(encodeFillValue(new TextEncoder().encode("zz"), s6), "eno=");
  assert.deepEqual(decodeFillValue("eno=", s6), new TextEncoder().encode("zz"));
  const u8 = parseDtype("<u8");
  assert.equal(encodeFillValue(normalizeFillValue(18446744073709551615n, u8), u8), 18446744073709551615n);
  assert.throws(() => normalizeFillValue(256, parseDtype("u1")), DtypeError);
  assert.throws(() => normalizeFillValue(5, parseDtype("U3")), DtypeError);
  const st = parseDtype([["a", "<i2"], ["b", "|b1"]]);
  const enc = encodeFillValue({ a: 258, b: true }, st);
  assert.equal(enc, Buffer.from([2, 1, 1]).toString("base64"));
  assert.deepEqual(decodeFillValue(enc, st), { a: 258, b: true });
});
