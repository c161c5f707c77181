/**
 * Parameter validation, corrupt input, reprs and the numcodecs docstring examples for the filter,
 * checksum and base64 codecs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Adler32,
  AsType,
  Base64,
  BitRound,
  Categorize,
  CRC32,
  Delta,
  FixedScaleOffset,
  PackBits,
  Quantize,
  Shuffle,
  adler32,
  crc32,
} from "../../src/codecs/filters/index.ts";
import { getCodec, listCodecs } from "../../src/codecs/registry.ts";
import { CodecError } from "../../src/errors.ts";
import { doubleToHalfBits, halfBitsToDouble, pyFloatRepr, pyStrRepr } from "../../src/codecs/filters/elements.ts";

const f64 = (xs: number[]) => new Uint8Array(new Float64Array(xs).buffer);
const i16 = (xs: number[]) => new Uint8Array(new Int16Array(xs).buffer);
const asF64 = (u: Uint8Array) => Array.from(new Float64Array(u.slice().buffer));
const asI8 = (u: Uint8Array) => Array.from(new Int8Array(u.slice().buffer));
const asI16 = (u: Uint8Array) => Array.from(new Int16Array(u.slice().buffer));

/** Assert `fn` throws a CodecError whose message matches `re` (typically the parameter name). */
async function rejects(fn: () => unknown, re: RegExp): Promise<void> {
  await assert.rejects(async () => fn(), (e: unknown) => {
    assert.ok(e instanceof CodecError, `expected CodecError, got ${e}`);
    assert.match((e as Error).message, re);
    return true;
  });
}

test("all ids are registered and build from configs", async () => {
  const ids = ["delta", "fixedscaleoffset", "quantize", "packbits", "astype", "shuffle", "bitround", "categorize", "crc32", "adler32", "base64"];
  for (const id of ids) assert.ok(listCodecs().includes(id), id);
  const d = await getCodec({ id: "delta", dtype: "i4" });
  assert.ok(d instanceof Delta);
  assert.deepEqual(d.getConfig(), { id: "delta", dtype: "<i4", astype: "<i4" });
});

test("reprs and configs match numcodecs", () => {
  assert.equal(String(new Delta({ dtype: "i4" })), "Delta(dtype='<i4')");
  assert.equal(String(new Delta({ dtype: "<i4", astype: "<i2" })), "Delta(dtype='<i4', astype='<i2')");
  assert.equal(String(new Delta({ dtype: "<i4", astype: ">i4" })), "Delta(dtype='<i4', astype='>i4')");
  assert.equal(
    String(new FixedScaleOffset({ offset: 1000, scale: 10, dtype: "f8", astype: "u1" })),
    "FixedScaleOffset(scale=10, offset=1000, dtype='<f8', astype='|u1')",
  );
  assert.equal(String(new FixedScaleOffset({ offset: 0.5, scale: 1e-5, dtype: "f4" })), "FixedScaleOffset(scale=1e-05, offset=0.5, dtype='<f4')");
  assert.equal(String(new Quantize({ digits: 1, dtype: "f8" })), "Quantize(digits=1, dtype='<f8')");
  assert.equal(String(new Quantize({ digits: 1, dtype: "f8", astype: "f2" })), "Quantize(digits=1, dtype='<f8', astype='<f2')");
  assert.equal(String(new PackBits()), "PackBits()");
  assert.equal(String(new AsType({ encodeDtype: "f4", decodeDtype: "f8" })), "AsType(encode_dtype='<f4', decode_dtype='<f8')");
  assert.equal(String(new Shuffle()), "Shuffle(elementsize=4)");
  assert.equal(String(new BitRound({ keepbits: 10 })), "BitRound(keepbits=10)");
  assert.equal(String(new CRC32()), "CRC32()");
  assert.equal(String(new Adler32()), "Adler32()");
  assert.equal(String(new Base64()), "Base64()");
  assert.equal(
    String(new Categorize({ labels: ["foo", "it's", 'say "hi"', "x"], dtype: "U4" })),
    `Categorize(dtype='<U4', astype='|u1', labels=['foo', "it's", 'say "hi"', ...])`,
  );
  assert.deepEqual(new AsType({ encodeDtype: "int16", decodeDtype: "float64" }).getConfig(), {
    id: "astype",
    encode_dtype: "<i2",
    decode_dtype: "<f8",
  });
  assert.deepEqual(new Shuffle().getConfig(), { id: "shuffle", elementsize: 4 });
  assert.deepEqual(new Categorize({ labels: ["a"], dtype: ">U2" }).getConfig(), { id: "categorize", labels: ["a"], dtype: ">U2", astype: "|u1" });
});

test("python repr helpers", () => {
  assert.equal(pyFloatRepr(1000), "1000.0");
  assert.equal(pyFloatRepr(0.0001), "0.0001");
  assert.equal(pyFloatRepr(0.00001), "1e-05");
  assert.equal(pyFloatRepr(1e16), "1e+16");
  assert.equal(pyFloatRepr(1234567890123456), "1234567890123456.0");
  assert.equal(pyFloatRepr(-2.5e-7), "-2.5e-07");
  assert.equal(pyFloatRepr(1.5e300), "1.5e+300");
  assert.equal(pyStrRepr("a\tb\\c\u0001\u00e9\u200b"), "'a\\tb\\\\c\\x01\u00e9\\u200b'");
});

test("float16 conversion: ties to even, overflow, subnormals", () => {
  assert.equal(doubleToHalfBits(1), 0x3c00);
  assert.equal(doubleToHalfBits(65504), 0x7bff);
  assert.equal(doubleToHalfBits(65519.99), 0x7bff);
  assert.equal(doubleToHalfBits(65520), 0x7c00);
  assert.equal(doubleToHalfBits(-0), 0x8000);
  assert.equal(doubleToHalfBits(2 ** -24), 0x0001);
  assert.equal(doubleToHalfBits(2 ** -25), 0x0000); // tie to even (zero)
  assert.equal(doubleToHalfBits(3 * 2 ** -25), 0x0002); // tie to even (2)
  assert.equal(doubleToHalfBits(1 + 2 ** -11), 0x3c00); // tie, even stays
  assert.equal(doubleToHalfBits(1 + 3 * 2 ** -11), 0x3c02); // tie, odd rounds up
  assert.equal(doubleToHalfBits(NaN), 0x7e00);
  assert.equal(halfBitsToDouble(0x7bff), 65504);
  assert.equal(halfBitsToDouble(0x0001), 2 ** -24);
  assert.equal(halfBitsToDouble(0xfc00), -Infinity);
});

test("numcodecs docstring examples", async () => {
  // Delta(dtype='i2', astype='i1') on arange(100, 120, 2)
  const x = i16(Array.from({ length: 10 }, (_, i) => 100 + 2 * i));
  const d = new Delta({ dtype: "i2", astype: "i1" });
  const y = await d.encode(x);
  assert.deepEqual(asI8(y), [100, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual(asI16(await d.decode(y)), [100, 102, 104, 106, 108, 110, 112, 114, 116, 118]);
  // FixedScaleOffset(offset=1000, scale=10, dtype='f8', astype='u1') on linspace(1000, 1001, 10)
  const lin = Array.from({ length: 10 }, (_, i) => 1000 + i / 9);
  const fso = new FixedScaleOffset({ offset: 1000, scale: 10, dtype: "f8", astype: "u1" });
  const e = await fso.encode(f64(lin));
  assert.deepEqual(Array.from(e), [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
  assert.deepEqual(asF64(await fso.decode(e)), [1000, 1000.1, 1000.2, 1000.3, 1000.4, 1000.6, 1000.7, 1000.8, 1000.9, 1001]);
  // Quantize(digits=1, dtype='f8') on linspace(0, 1, 10)
  const q = new Quantize({ digits: 1, dtype: "f8" });
  const qe = await q.encode(f64(Array.from({ length: 10 }, (_, i) => i / 9)));
  assert.deepEqual(asF64(qe), [0, 0.125, 0.25, 0.3125, 0.4375, 0.5625, 0.6875, 0.75, 0.875, 1]);
  // PackBits on [True, False, False, True]
  const pb = new PackBits();
  const pe = await pb.encode(new Uint8Array([1, 0, 0, 1]));
  assert.deepEqual(Array.from(pe), [4, 144]);
  assert.deepEqual(Array.from(await pb.decode(pe)), [1, 0, 0, 1]);
  // Categorize(labels=['female', 'male'], dtype='U10')
  const cat = new Categorize({ labels: ["female", "male"], dtype: "U10" });
  const words = ["male", "female", "female", "male", "unexpected"];
  const u = new Uint8Array(words.length * 40);
  const dv = new DataView(u.buffer);
  words.forEach((w, i) => [...w].forEach((ch, k) => dv.setUint32(i * 40 + 4 * k, ch.codePointAt(0)!, true)));
  const ce = await cat.encode(u);
  assert.deepEqual(Array.from(ce), [2, 1, 1, 2, 0]);
  const cd = await cat.decode(ce);
  const expect = u.slice();
  expect.fill(0, 4 * 40); // 'unexpected' decodes to ''
  assert.deepEqual(cd, expect);
});

test("checksums: values and 0.11 framing (little-endian checksum first)", async () => {
  const data = new TextEncoder().encode("hello world");
  assert.equal(crc32(data), 0x0d4a1185);
  assert.equal(adler32(data), 0x1a0b045d);
  const enc = await new CRC32().encode(data);
  assert.deepEqual(Array.from(enc.subarray(0, 4)), [0x85, 0x11, 0x4a, 0x0d]);
  assert.deepEqual(enc.subarray(4), data);
  const a = await new Adler32().encode(data);
  assert.deepEqual(Array.from(a.subarray(0, 4)), [0x5d, 0x04, 0x0b, 0x1a]);
  assert.deepEqual(await new Adler32().decode(a), data);
  assert.equal(adler32(new Uint8Array(100000).fill(255)), 0x149a302c);
});

test("decode honours out", async () => {
  const d = new Delta({ dtype: "<i4" });
  const x = new Uint8Array(new Int32Array([5, 7, 7, 1]).buffer);
  const enc = await d.encode(x);
  const out = new Uint8Array(16);
  assert.equal(await d.decode(enc, out), out);
  assert.deepEqual(out, x);
  // A wrongly sized out is ignored, and the decoded bytes are still returned.
  const wrong = new Uint8Array(3);
  assert.deepEqual(await d.decode(enc, wrong), x);
  const s = new Shuffle({ elementsize: 4 });
  const o2 = new Uint8Array(16);
  assert.equal(await s.decode(await s.encode(x), o2), o2);
  assert.deepEqual(o2, x);
});

test("encodedDtype follows numcodecs' output arrays", () => {
  assert.equal(new Delta({ dtype: "<i4", astype: "<i2" }).encodedDtype("<i4"), "<i2");
  assert.equal(new FixedScaleOffset({ offset: 0, scale: 1, dtype: "<f8", astype: "u1" }).encodedDtype("<f8"), "|u1");
  assert.equal(new Quantize({ digits: 2, dtype: "<f8", astype: "<f4" }).encodedDtype("<f8"), "<f4");
  assert.equal(new PackBits().encodedDtype("|b1"), "|u1");
  assert.equal(new AsType({ encodeDtype: "<f4", decodeDtype: "<f8" }).encodedDtype("<f8"), "<f4");
  assert.equal(new Shuffle().encodedDtype("<f8"), "|u1");
  assert.equal(new BitRound({ keepbits: 3 }).encodedDtype("<f4"), "<i4");
  assert.equal(new BitRound({ keepbits: 23 }).encodedDtype("<f4"), "<f4");
  assert.equal(new Categorize({ labels: ["a"], dtype: "<U1", astype: "<i2" }).encodedDtype("<U1"), "<i2");
  assert.equal(new CRC32().encodedDtype("<f8"), "|u1");
});

test("bad parameters raise CodecError naming the parameter", async () => {
  await rejects(() => new Delta({ dtype: "x9" }), /'dtype'/);
  await rejects(() => new Delta({} as never), /'dtype'/);
  await rejects(() => new Delta({ dtype: "<i4", astype: "|O" }), /'astype'/);
  await rejects(() => new Delta({ dtype: "<U4" }), /'dtype'/);
  await rejects(() => Delta.fromConfig({ id: "delta", dtype: "<i4", typo: 1 }), /'typo'/);
  await rejects(() => new FixedScaleOffset({ offset: 0, dtype: "<f8" } as never), /'scale'/);
  await rejects(() => new FixedScaleOffset({ offset: "1" as never, scale: 1, dtype: "<f8" }), /'offset'/);
  await rejects(() => new FixedScaleOffset({ offset: 0, scale: 1, dtype: "<f8", astype: "<f16" }), /'astype'/);
  await rejects(() => new Quantize({ digits: 1.5, dtype: "<f8" }), /'digits'/);
  await rejects(() => new Quantize({ digits: 1, dtype: "<i4" }), /'dtype'/);
  await rejects(() => new Quantize({ digits: 1, dtype: "<f8", astype: "<i2" }), /'astype'/);
  await rejects(() => new Quantize({ digits: 400, dtype: "<f8" }).encode(f64([1])), /'digits'/);
  await rejects(() => new AsType({ encodeDtype: "<f4" } as never), /'decode_dtype'/);
  await rejects(() => new AsType({ encodeDtype: "<q9", decodeDtype: "<f8" }), /'encode_dtype'/);
  await rejects(() => AsType.fromConfig({ id: "astype", encode_dtype: "<f4", decode_dtype: "<f8", encodeDtype: "<f4" }), /'encodeDtype'/);
  await rejects(() => new Shuffle({ elementsize: 2.5 }), /'elementsize'/);
  await rejects(() => new Shuffle({ elementsize: 4 }).encode(new Uint8Array(6)), /'elementsize'/);
  await rejects(() => new BitRound({ keepbits: -1 }), /'keepbits'/);
  await rejects(() => new BitRound({ keepbits: 2.5 }), /'keepbits'/);
  await rejects(() => new BitRound({ keepbits: 24 }).encode(new Uint8Array(8), { dtype: "<f4", itemsize: 4 }), /'keepbits'/);
  await rejects(() => new BitRound({ keepbits: 3 }).encode(new Uint8Array(8), { dtype: "<i4", itemsize: 4 }), /float/);
  await rejects(() => new BitRound({ keepbits: 3 }).encode(new Uint8Array(8)), /ctx/);
  await rejects(() => new Categorize({ labels: ["a"], dtype: "<i4" }), /'dtype'/);
  // `dtype: "|O"` is numcodecs' object variant (test/objects/categorize-object.test.ts); its labels are still checked.
  await rejects(() => new Categorize({ labels: [1] as never, dtype: "|O" }), /'labels'/);
  await rejects(() => new Categorize({ labels: [1] as never, dtype: "<U2" }), /'labels'/);
  await rejects(() => new Categorize({ labels: ["a"], dtype: "<U2", astype: "|O" }), /'astype'/);
  await rejects(() => CRC32.fromConfig({ id: "crc32", location: "end" }), /'location'/);
  await rejects(() => getCodec({ id: "packbits", foo: 1 }), /'foo'/);
});

test("wrong-sized or corrupt input raises CodecError", async () => {
  await rejects(() => new Delta({ dtype: "<i4" }).encode(new Uint8Array(5)), /dtype/);
  await rejects(() => new Delta({ dtype: "<i4", astype: "<i2" }).decode(new Uint8Array(5)), /astype/);
  await rejects(() => new Delta({ dtype: "<f8", astype: "<i4" }).encode(f64([NaN, 1])), /NaN/);
  await rejects(() => new PackBits().decode(new Uint8Array(0)), /padding/);
  await rejects(() => new PackBits().decode(new Uint8Array([9, 255, 255])), /padding/);
  const enc = await new CRC32().encode(new Uint8Array([1, 2, 3]));
  enc[5] ^= 1;
  await rejects(() => new CRC32().decode(enc), /checksum failed/);
  await rejects(() => new CRC32().decode(new Uint8Array(3)), /4-byte checksum/);
  const a = await new Adler32().encode(new Uint8Array([1, 2, 3]));
  a[0] ^= 1;
  await rejects(() => new Adler32().decode(a), /checksum failed/);
  await rejects(() => new Base64().decode(new TextEncoder().encode("QUJD\nRA")), /padding/);
  await rejects(() => new Base64().decode(new TextEncoder().encode("QUJDR")), /1 more than a multiple of 4/);
  // CPython's non-strict decoder skips junk and stops at a complete pad sequence.
  assert.deepEqual(await new Base64().decode(new TextEncoder().encode("QU\nJD-_RA==trailing")), new TextEncoder().encode("ABCD"));
});
