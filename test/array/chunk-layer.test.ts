/**
 * The chunk layer: key encodings (v2 "." and "/", N5's reversed "/"), the store-declared default
 * separator, and the one native job description the codec backend builds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chunkKeyPattern, defaultSeparatorOf, n5KeyEncoding, v2KeyEncoding } from "../../src/chunk/key-encoding.ts";
import { rawV2Format } from "../../src/chunk/format.ts";
import { buildNativeJob } from "../../src/codecs/native-job.ts";
import { create, MemoryStore, ZarrArray, type Store } from "../../src/internal.ts";

test("v2 and N5 key encodings round-trip coordinates", () => {
  const dot = v2KeyEncoding("."), slash = v2KeyEncoding("/"), n5 = n5KeyEncoding();
  assert.equal(dot.encode([1, 2, 3]), "1.2.3");
  assert.equal(slash.encode([1, 2, 3]), "1/2/3");
  assert.equal(n5.encode([1, 2, 3]), "3/2/1");
  assert.equal(dot.encode([]), "0");
  assert.deepEqual(dot.decode("1.2.3", 3), [1, 2, 3]);
  assert.deepEqual(n5.decode("3/2/1", 3), [1, 2, 3]);
  assert.equal(dot.decode("1.2", 3), null);
  assert.equal(dot.decode(".zarray", 1), null);
  assert.deepEqual(dot.decode("0", 0), []);
  assert.ok(chunkKeyPattern(slash, 2).test("4/5") && !chunkKeyPattern(slash, 2).test("4.5"));
  assert.equal(rawV2Format.unwrap(new Uint8Array([1, 2]), "k").length, 2);
});

test("the default separator comes from the store's declared capabilities, then the legacy property", async () => {
  assert.equal(defaultSeparatorOf(new MemoryStore()), ".");
  const inner = new MemoryStore();
  const declared: Store = { capabilities: { dimensionSeparator: "/" }, get: (k) => inner.get(k), set: (k, v) => inner.set(k, v), delete: (k) => inner.delete(k), list: (p) => inner.list(p) };
  assert.equal(defaultSeparatorOf(declared), "/");
  assert.equal(defaultSeparatorOf(Object.assign(new MemoryStore(), { dimensionSeparator: "/" as const })), "/");
  // An array whose .zarray has no dimension_separator reads and writes with the store's default.
  const z = await create({ store: inner, shape: [4, 4], chunks: [2, 2], dtype: "<i4" });
  const meta = JSON.parse(new TextDecoder().decode(inner.get(".zarray")!));
  delete meta.dimension_separator;
  inner.set(".zarray", new TextEncoder().encode(JSON.stringify(meta)));
  const viaDeclared = await ZarrArray.open(declared);
  assert.equal(viaDeclared.dimensionSeparator, "/");
  await viaDeclared.set([1, 3], 7);
  assert.ok(inner.get("0/1") !== undefined, `keys: ${inner.list().join(", ")}`);
  assert.equal(await viaDeclared.get([1, 3]), 7);
  void z;
});

test("one native job description carries decode and encode jobs", () => {
  const copy = { elemBytes: 4, swapWidth: 0, chunkBytes: 16, chunkOffset: 0, chunkStrides: [4], arrayOffset: 0, arrayStrides: [4], shape: [4] };
  const arr = new Uint8Array(16);
  const dec = buildNativeJob({ codec: "zstd", opts: {}, array: arr, copy, source: { file: "/x/0" }, partial: { start: 0, count: 4 } });
  assert.equal(dec.path, "/x/0");
  assert.equal(dec.stored, null);
  assert.deepEqual(dec.partial, { start: 0, count: 4 });
  const enc = buildNativeJob({ codec: null, opts: {}, array: arr, copy, target: { file: "/x/0", temp: "/x/.0.tmp" } });
  assert.equal(enc.file, "/x/0");
  assert.equal(enc.temp, "/x/.0.tmp");
  assert.equal(enc.path, null);
});
