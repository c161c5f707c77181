/**
 * Hostile `.zarray`/`.zgroup`/`.zattrs`: every refusal is a typed MetadataError naming the key and the
 * field, limits are configurable (setLimits, environment), and nothing hostile reaches an allocation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_LIMITS, getLimits, LimitExceededError, MemoryStore, MetadataError, openArray, openGroup, parseJson, resetLimits, setLimits,
  ZarrArray, ZarrError, zeros,
} from "../../src/internal.ts";
import { formatValue } from "../../src/errors.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const enc = (s: string) => new TextEncoder().encode(s);
const BASE = { zarr_format: 2, shape: [10, 10], chunks: [5, 5], dtype: "<i4", compressor: null, fill_value: 0, order: "C", filters: null };

/** A store with `foo/.zarray` = BASE edited by `edit` and serialized by `raw` (default: JSON with bigint support). */
function storeWith(edit: (m: Record<string, unknown>) => void, raw?: (m: Record<string, unknown>) => string): MemoryStore {
  const m: Record<string, unknown> = structuredClone(BASE);
  edit(m);
  const text = raw ? raw(m) : JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? `__BIG${v}__` : v)).replace(/"__BIG(-?\d+)__"/g, "$1");
  const s = new MemoryStore();
  s.set("foo/.zarray", enc(text));
  return s;
}

async function refuses(s: MemoryStore, cls: abstract new (...a: never[]) => MetadataError, re: RegExp): Promise<MetadataError> {
  let err: unknown;
  try {
    await ZarrArray.open(s, { path: "foo" });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${formatValue(err)}`);
  assert.match((err as Error).message, /foo\/\.zarray/, "names the key");
  assert.match((err as Error).message, re);
  return err as MetadataError;
}

test("a chunk larger than maxChunkBytes is refused naming key, field and limit; the total shape is not limited", async () => {
  const e = await refuses(storeWith((m) => ((m.shape = [1e15, 10]), (m.chunks = [1e15, 10]))), LimitExceededError, /'chunks'.*maxChunkBytes \(536870912\)/);
  assert.equal((e as LimitExceededError).limit, "maxChunkBytes");
  await refuses(storeWith((m) => ((m.shape = [1e8, 10]), (m.chunks = [5e7, 10]))), LimitExceededError, /2000000000 bytes/);
  // Huge but sparse arrays are fine: only the chunk is bounded.
  const z = await ZarrArray.open(storeWith((m) => ((m.shape = [1e15, 1e15]), (m.chunks = [1000, 1000]))), { path: "foo" });
  assert.equal(await z.get([123456789012, 999999999999]), 0);
  assert.equal(z.nchunks, 1e24);
});

test("setLimits raises or lowers limits; getLimits reports them; bad values change nothing", async (t) => {
  t.after(resetLimits);
  assert.deepEqual(getLimits(), { ...DEFAULT_LIMITS });
  const prev = setLimits({ maxChunkBytes: 50 });
  assert.equal(prev.maxChunkBytes, DEFAULT_LIMITS.maxChunkBytes);
  await refuses(storeWith(() => {}), LimitExceededError, /100 bytes, more than maxChunkBytes \(50\)/);
  await assert.rejects(zeros([10], { chunks: [20], dtype: "<i4", store: new MemoryStore() }), LimitExceededError);
  setLimits({ maxChunkBytes: 100 });
  await ZarrArray.open(storeWith(() => {}), { path: "foo" });
  for (const bad of [0, -1, 1.5, NaN, "10" as unknown as number]) assert.throws(() => setLimits({ maxChunkBytes: bad }), ZarrError);
  assert.throws(() => setLimits({ maxWhatever: 1 } as never), /unknown limit 'maxWhatever'/);
  assert.equal(getLimits().maxChunkBytes, 100);
});

test("ZARRFLOW_MAX_CHUNK_BYTES sets the default at start-up", () => {
  const script = `import { getLimits, zeros } from "./src/internal.ts";
    console.log(getLimits().maxChunkBytes);
    await zeros([100], { chunks: [100], dtype: "<f8" }).then(() => console.log("ok"), (e) => console.log(e.name));`;
  const run = (v: string) => spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: repo, env: { ...process.env, ZARRFLOW_MAX_CHUNK_BYTES: v }, encoding: "utf8" });
  assert.deepEqual(run("400").stdout.trim().split("\n"), ["400", "LimitExceededError"]);
  assert.deepEqual(run("1e6").stdout.trim().split("\n"), ["1000000", "ok"]);
  const bad = run("lots");
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /ZARRFLOW_MAX_CHUNK_BYTES/);
});

test("itemsize, dimensions and structured fields are bounded before the dtype is parsed", async () => {
  await refuses(storeWith((m) => ((m.dtype = "|S1000000000"), (m.chunks = [1, 1]))), LimitExceededError, /'dtype'.*maxItemsize/);
  await refuses(storeWith((m) => (m.dtype = "<U100000000")), LimitExceededError, /itemsize 400000000/);
  await refuses(storeWith((m) => (m.dtype = [["a", "|V999999999"]])), LimitExceededError, /'dtype\[0\]\[1\]'.*maxItemsize/);
  await refuses(storeWith((m) => ((m.shape = new Array(33).fill(1)), (m.chunks = new Array(33).fill(1)))), LimitExceededError, /'shape'.*33 dimensions.*maxDims \(32\)/);
  const t0 = Date.now();
  await refuses(storeWith((m) => (m.dtype = Array.from({ length: 100_000 }, (_, i) => [`f${i}`, "<i4"]))), LimitExceededError, /maxFields \(10000\)/);
  assert.ok(Date.now() - t0 < 5000, "refused without parsing 100k fields");
  // An object is not a dtype (the parser would have taken it for an already-parsed DType).
  await refuses(storeWith((m) => (m.dtype = { kind: "f", itemsize: 1e15, str: "<f8" })), MetadataError, /'dtype' must be a dtype string/);
  await refuses(storeWith((m) => (m.dtype = [["a", { kind: "V" }]])), MetadataError, /'dtype\[0\]\[1\]'/);
});

test("hostile numbers: bigints, negatives, fractions, NaN are typed errors naming the field and the value", async () => {
  const cases: [(m: Record<string, unknown>) => void, RegExp][] = [
    [(m) => (m.shape = [10, 10n ** 30n]), /'shape'.*shape\[1\] is 1000000000000000000000000000000/],
    [(m) => (m.chunks = [-5, 5]), /'chunks'.*chunks\[0\] is -5/],
    [(m) => (m.chunks = [2.5, 5]), /'chunks'.*2\.5/],
    [(m) => (m.shape = [2 ** 53 + 2, 1]), /'shape'/],
    [(m) => (m.shape = "10"), /'shape' must be a list/],
    [(m) => (m.zarr_format = 2n ** 70n), /zarr_format 1180591620717411303424/],
    [(m) => ((m.dtype = "<c16"), (m.fill_value = [1, 2, 10n ** 40n])), /.fill_value.*10000000000000000000000000000000000000000/],
    [(m) => (m.fill_value = { big: 10n ** 40n }), /'fill_value'/],
    [(m) => (m.order = 10n ** 20n), /'order'.*100000000000000000000/],
    [(m) => (m.compressor = { id: 10n ** 20n }), /'compressor'/],
    [(m) => (m.filters = [null]), /'filters\[0\]'/],
    [(m) => (m.dimension_separator = 10n ** 20n), /'dimension_separator'/],
  ];
  for (const [edit, re] of cases) {
    const e = await refuses(storeWith(edit), MetadataError, re).catch((x) => assert.fail(`${edit}: ${(x as Error).message}`));
    assert.doesNotMatch(e.message, /serialize a BigInt/);
  }
  // NaN (which Python's json writes bare) in a list of integers.
  await refuses(storeWith(() => {}, (m) => JSON.stringify(m).replace('"shape":[10,10]', '"shape":[NaN,10]')), MetadataError, /'shape'.*NaN/);
  // Codec parameters that are bigints: a typed CodecError (not a TypeError) naming the parameter.
  const s = storeWith((m) => (m.compressor = { id: "zlib", level: 10n ** 20n }));
  await assert.rejects(ZarrArray.open(s, { path: "foo" }), (e: Error) => e instanceof ZarrError && /'level'.*100000000000000000000/.test(e.message));
});

test("JSON nesting beyond maxJsonDepth is a typed error, not a stack overflow", async () => {
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  assert.throws(() => parseJson(deep, "foo/.zattrs"), (e: Error) => e instanceof LimitExceededError && /foo\/\.zattrs.*maxJsonDepth \(512\)/.test(e.message));
  const deepObj = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
  assert.throws(() => parseJson(deepObj), LimitExceededError);
  assert.equal((parseJson("[".repeat(500) + "]".repeat(500)) as unknown[]).length, 1);
  await refuses(storeWith(() => {}, (m) => JSON.stringify({ ...m, extra: JSON.parse("[".repeat(1000) + "]".repeat(1000)) })), LimitExceededError, /maxJsonDepth/);
  const g = new MemoryStore();
  g.set(".zgroup", enc('{"zarr_format": 2, "x": ' + "[".repeat(9999) + "]".repeat(9999) + "}"));
  await assert.rejects(openGroup(g, { mode: "r" }), (e: Error) => e instanceof LimitExceededError && /\.zgroup/.test(e.message));
  // Writing a cycle is refused too, rather than recursing until the stack gives out.
  const z = await zeros(3, { store: new MemoryStore() });
  const cyc: Record<string, unknown> = {};
  cyc.self = cyc;
  await assert.rejects(z.attrs.put({ cyc }), (e: Error) => e instanceof MetadataError && /maxJsonDepth/.test(e.message));
});

test("__proto__ and constructor keys are ordinary own properties, never prototypes", async () => {
  const v = parseJson('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"x": 1}}, "a": 1}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ["__proto__", "constructor", "a"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(v, "__proto__")?.value, { polluted: 1 });
  assert.equal((v as { polluted?: unknown }).polluted, undefined);
  assert.equal(({} as { polluted?: unknown }).polluted, undefined);
  // In .zattrs they survive a round trip as data (nothing lost).
  const s = new MemoryStore();
  const z = await zeros(3, { store: s });
  s.set(".zattrs", enc('{"__proto__": {"shape": [1]}, "ok": true}'));
  const attrs = await (await openArray(s, { mode: "r" })).attrs.asObject();
  assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
  assert.deepEqual(Object.keys(attrs).sort(), ["__proto__", "ok"]);
  assert.ok(z);
  // In .zarray a __proto__ key cannot supply the required fields.
  const bad = new MemoryStore();
  bad.set("foo/.zarray", enc(JSON.stringify({ zarr_format: 2, ["__proto__"]: BASE }).replace('"zarr_format":2,', '"zarr_format":2,"__proto__":' + JSON.stringify(BASE) + ",")));
  await refuses(bad, MetadataError, /missing required field/);
});

test("metadata documents larger than maxMetadataBytes are refused before parsing", async (t) => {
  t.after(resetLimits);
  setLimits({ maxMetadataBytes: 1000 });
  await refuses(storeWith((m) => (m.pad = "x".repeat(2000))), LimitExceededError, /maxMetadataBytes \(1000\)/);
});

test("formatValue renders anything safely and briefly", () => {
  assert.equal(formatValue(10n ** 20n), "100000000000000000000");
  assert.equal(formatValue([1, "a", null, 2n]), '[1, "a", null, 2]');
  const cyc: Record<string, unknown> = { a: 1 };
  cyc.cyc = cyc;
  assert.equal(formatValue(cyc), '{"a": 1, "cyc": …}');
  assert.ok(formatValue("x".repeat(10_000)).length <= 200);
  assert.equal(formatValue(Symbol("s")), "<symbol>");
  assert.equal(formatValue(new Uint8Array(3)), "<Uint8Array of 3 bytes>");
});
