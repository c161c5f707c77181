/**
 * Bad input gets a typed error whose message names the thing at fault: the dtype, the codec id,
 * the shape, the index and axis, the chunk key, the path or key, the metadata key.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  ArrayNotFoundError, BoundsCheckError, CodecError, ContainsArrayError, ContainsGroupError, create, DirectoryStore, DtypeError,
  group, IndexError, InvalidKeyError, LimitExceededError, MemoryStore, MetadataError, open, openArray, openGroup, ReadOnlyError, ShapeError, slice,
  ZarrArray, ZarrError, zeros, arange, GroupNotFoundError,
} from "../src/internal.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const enc = (s: string) => new TextEncoder().encode(s);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-errors-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Assert that `p` rejects with an error of class `cls` (a ZarrError) whose message matches `re`. */
async function rejects(p: Promise<unknown> | (() => unknown), cls: new (...a: never[]) => Error, re: RegExp): Promise<void> {
  await assert.rejects(
    async () => (typeof p === "function" ? p() : p),
    (e: unknown) => {
      assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      assert.ok(e instanceof ZarrError, "every deliberate error is a ZarrError");
      assert.equal((e as Error).name, cls.name, "the error's name is its class");
      assert.match((e as Error).message, re);
      return true;
    },
  );
}

/** A MemoryStore holding an array at `foo` whose `.zarray` is edited by `edit`, or replaced by text. */
async function storeWithMeta(edit: ((m: Record<string, unknown>) => unknown) | string): Promise<MemoryStore> {
  const s = new MemoryStore();
  await zeros([10, 10], { chunks: [5, 5], dtype: "i4", store: s, path: "foo" });
  const m = JSON.parse(new TextDecoder().decode(s.get("foo/.zarray")));
  if (typeof edit === "function") edit(m);
  s.set("foo/.zarray", enc(typeof edit === "string" ? edit : JSON.stringify(m)));
  return s;
}

test("unknown dtype → DtypeError naming the dtype", async () => {
  await rejects(zeros(10, { dtype: "i3" }), DtypeError, /'i3'/);
  await rejects(zeros(10, { dtype: "float128x" }), DtypeError, /'float128x'/);
  await rejects(zeros(10, { dtype: "M8" }), DtypeError, /'M8'.*unit/);
  await rejects(zeros(10, { dtype: "M8[fortnight]" }), DtypeError, /fortnight/);
  // In stored metadata the same problem is a MetadataError naming the key and the dtype.
  const s = await storeWithMeta((m) => (m.dtype = "<q7"));
  await rejects(ZarrArray.open(s, { path: "foo" }), MetadataError, /foo\/\.zarray.*'<q7'/);
});

test("unknown codec id → CodecError naming the id", async () => {
  await rejects(zeros(10, { compressor: { id: "snappy-ish" } }), CodecError, /unknown codec id 'snappy-ish'/);
  await rejects(zeros(10, { filters: [{ id: "nofilter" }] }), CodecError, /'nofilter'/);
  const s = await storeWithMeta((m) => (m.compressor = { id: "zzzip", level: 3 }));
  await rejects(ZarrArray.open(s, { path: "foo" }), CodecError, /'zzzip'/);
  const s2 = await storeWithMeta((m) => (m.filters = [{ id: "mystery" }]));
  await rejects(openArray(s2, { path: "foo", mode: "r" }), CodecError, /'mystery'/);
  // Nothing was written when creation failed on the codec.
  const s3 = new MemoryStore();
  await rejects(create({ store: s3, shape: 10, compressor: { id: "nope" } }), CodecError, /'nope'/);
  assert.deepEqual(s3.list(), []);
});

test("shape and chunk mismatches, bad chunks, bad shapes → ShapeError naming them", async () => {
  await rejects(zeros([10, 10], { chunks: [5, 5, 5] }), ShapeError, /chunks \(5, 5, 5\).*shape \(10, 10\)/);
  await rejects(zeros([10, 10], { chunks: [0, 5] }), ShapeError, /chunks \(0, 5\)/);
  await rejects(zeros([10, 10], { chunks: [-3, 5] }), ShapeError, /chunks \(-3, 5\)/);
  await rejects(zeros([10, 10], { chunks: [2.5, 5] }), ShapeError, /chunks \(2\.5, 5\)/);
  await rejects(zeros([10, -1]), ShapeError, /shape \(10, -1\)/);
  await rejects(zeros([10, 1.5]), ShapeError, /shape \(10, 1\.5\)/);
  await rejects(create({}), ShapeError, /shape is required/);
  const z = await zeros([10, 10], { chunks: [3, 3], dtype: "i4" });
  await rejects(z.set("0, :", [1, 2, 3]), ShapeError, /shape \(3\).*shape \(10\)/);
  await rejects(z.set(null, arange(20, undefined, 1, "i4").reshape(4, 5)), ShapeError, /\(4, 5\).*\(10, 10\)/);
  await rejects(z.resize(10), ShapeError, /2 dimensions/);
  await rejects(z.append(arange(7, undefined, 1, "i4").reshape(1, 7)), ShapeError, /\(1, 7\).*\(10, 10\)/);
  // Stored metadata with a shape/chunks mismatch is malformed metadata.
  const s = await storeWithMeta((m) => (m.chunks = [5]));
  await rejects(ZarrArray.open(s, { path: "foo" }), MetadataError, /foo\/\.zarray.*shape.*chunks/);
});

test("out-of-bounds index → BoundsCheckError naming index, axis and size", async () => {
  const z = await zeros([10, 20], { chunks: [3, 7], dtype: "i4" });
  await rejects(z.get("10, 0"), BoundsCheckError, /index 10 .*axis 0 .*size 10/);
  await rejects(z.get([0, -21]), BoundsCheckError, /index -21 .*axis 1 .*size 20/);
  await rejects(z.get([0, 20]), BoundsCheckError, /axis 1/);
  await rejects(z.set([10, 0], 1), BoundsCheckError, /index 10/);
  const z0 = await zeros([0], { dtype: "i4" });
  await rejects(z0.get(0), BoundsCheckError, /index 0 .*size 0/);
});

test("too many indices, bad selections → IndexError", async () => {
  const z = await zeros([10, 20], { chunks: [3, 7], dtype: "i4" });
  await rejects(z.get("1, 2, 3"), IndexError, /too many indices.*2-dimensional.*3/);
  await rejects(z.get([1, 2, 3]), IndexError, /too many indices/);
  await rejects(z.set("1, 2, 3", 0), IndexError, /too many indices/);
  await rejects(z.get("..., 1, ..."), IndexError, /single ellipsis/);
  await rejects(z.get("1, x"), IndexError, /'x'/);
  await rejects(z.get("::0"), IndexError, /step/);
  await rejects(async () => z.get([slice(0, 5, 0)]), IndexError, /step cannot be zero/);
  await rejects(z.get([1.5]), IndexError, /1\.5/);
  const z0 = await zeros([], { dtype: "i4" });
  await rejects(z0.get(0), IndexError, /0-dimensional/);
  await rejects(z.append([[1]], 2), IndexError, /axis 2/);
});

test("corrupt chunk bytes in a blosc-compressed array → CodecError naming the chunk key", async () => {
  const s = new MemoryStore();
  const z = await zeros([10, 10], { chunks: [5, 5], dtype: "i4", store: s, path: "foo/bar" });
  assert.equal(z.compressor?.codecId, "blosc");
  await z.set(null, 7);
  s.set("foo/bar/0.1", enc("this is not a blosc frame at all, just garbage bytes"));
  await rejects(z.get(), CodecError, /chunk 'foo\/bar\/0\.1'/);
  await rejects(z.get("0:5, 5:10"), CodecError, /'foo\/bar\/0\.1'/);
  // The other chunks are fine, and a partial write into the bad chunk fails the same way.
  assert.equal(await z.get("9, 9"), 7);
  await rejects(z.set("0, 6", 1), CodecError, /'foo\/bar\/0\.1'/);
  // Truncated, empty, and a valid header with bad content.
  const good = s.get("foo/bar/1.1")!;
  s.set("foo/bar/1.0", good.subarray(0, good.length - 3));
  await rejects(z.get("5:10, 0:5"), CodecError, /'foo\/bar\/1\.0'/);
  s.set("foo/bar/0.0", new Uint8Array(0));
  await rejects(z.get("0, 0"), CodecError, /'foo\/bar\/0\.0'/);
});

test("garbage in a chunk file on disk → CodecError naming the chunk key", async (t) => {
  const dir = join(tempDir(t), "corrupt.zarr");
  const z = await zeros([10, 10], { chunks: [5, 5], dtype: "i4", store: new DirectoryStore(dir) });
  await z.set(null, 1);
  writeFileSync(join(dir, "1.0"), "garbage garbage garbage garbage");
  const again = (await open(dir, { mode: "r" })) as ZarrArray;
  await rejects(again.get(), CodecError, /chunk '1\.0'/);
  assert.equal(await again.get("0, 9"), 1);
});

test("a chunk of the wrong size with compressor null → CodecError naming the key and sizes", async () => {
  const s = new MemoryStore();
  const z = await zeros([10], { chunks: [5], dtype: "i4", store: s, compressor: null });
  await z.set(null, 3);
  s.set("1", new Uint8Array(7));
  await rejects(z.get(), CodecError, /chunk '1'.*\b7 bytes, expected 20/);
  s.set("1", new Uint8Array(24));
  await rejects(z.get("5:"), CodecError, /chunk '1'.*24 bytes.*20/);
  assert.deepEqual((await z.get("0:5")).toList(), [3, 3, 3, 3, 3]);
});

test("a key or path with '..' → InvalidKeyError naming it", async (t) => {
  const mem = new MemoryStore();
  await rejects(async () => mem.get("../secret"), InvalidKeyError, /"\.\.\/secret".*'\.\.'/);
  await rejects(async () => mem.set("a/../../b", new Uint8Array(1)), InvalidKeyError, /"a\/\.\.\/\.\.\/b"/);
  const dir = tempDir(t);
  const disk = new DirectoryStore(join(dir, "store"));
  await rejects(disk.get("../outside"), InvalidKeyError, /\.\./);
  await rejects(disk.set("foo/../../outside", new Uint8Array([1])), InvalidKeyError, /\.\./);
  assert.deepEqual(readdirSync(dir), [], "nothing was written anywhere");
  await rejects(zeros(10, { store: disk, path: "../x" }), InvalidKeyError, /path "\.\.\/x"/);
  await rejects(openArray(disk, { path: "a/../../x", mode: "r" }), InvalidKeyError, /\.\./);
  const root = await group(disk);
  await rejects(root.createGroup("../up"), InvalidKeyError, /"\.\.\/up"/);
  await rejects(root.get("foo/../../bar"), InvalidKeyError, /\.\./);
  await rejects(root.zeros("../z", { shape: 3 }), InvalidKeyError, /\.\./);
});

test("malformed .zarray → MetadataError naming the key and the problem", async () => {
  const cases: [((m: Record<string, unknown>) => unknown) | string, RegExp][] = [
    ["{not json", /foo\/\.zarray/],
    ["[1, 2, 3]", /foo\/\.zarray.*JSON object/],
    ["", /foo\/\.zarray/],
    [(m) => delete m.compressor, /foo\/\.zarray.*missing required field 'compressor'/],
    [(m) => delete m.shape, /missing required field 'shape'/],
    [(m) => (m.zarr_format = 3), /foo\/\.zarray.*zarr_format 3/],
    [(m) => (m.shape = [10, "ten"]), /'shape'/],
    [(m) => (m.chunks = [0, 5]), /chunk lengths/],
    [(m) => (m.order = "K"), /order.*"K"/],
    [(m) => (m.compressor = "blosc"), /compressor/],
    [(m) => (m.filters = {}), /filters/],
    [(m) => (m.dimension_separator = ":"), /dimension_separator/],
    [(m) => (m.fill_value = "forty-two"), /foo\/\.zarray/],
    ['{"zarr_format": 2, "shape": [12345678901234567890], "chunks": [1], "dtype": "<i4", "compressor": null, "fill_value": 0, "order": "C", "filters": null}', /foo\/\.zarray: field 'shape'.*12345678901234567890/],
  ];
  for (const [edit, re] of cases) {
    const s = await storeWithMeta(edit);
    await rejects(ZarrArray.open(s, { path: "foo" }), MetadataError, re);
  }
  // Hostile sizes: a LimitExceededError (a MetadataError) naming the key, the field and the limit, before any allocation.
  const limitCases: [((m: Record<string, unknown>) => unknown) | string, RegExp][] = [
    [(m) => ((m.shape = [1e15, 10]), (m.chunks = [1e15, 10])), /foo\/\.zarray: field 'chunks'.*maxChunkBytes/],
    [(m) => (m.dtype = "|S1000000000"), /foo\/\.zarray: field 'dtype'.*maxItemsize/],
    [(m) => ((m.shape = new Array(40).fill(1)), (m.chunks = new Array(40).fill(1))), /foo\/\.zarray: field 'shape'.*maxDims/],
    ["[".repeat(10_000) + "]".repeat(10_000), /foo\/\.zarray.*maxJsonDepth/],
  ];
  for (const [edit, re] of limitCases) {
    const s = await storeWithMeta(edit);
    await rejects(ZarrArray.open(s, { path: "foo" }), LimitExceededError, re);
  }
  const s = new MemoryStore();
  s.set(".zgroup", enc('{"zarr_format": 7}'));
  await rejects(openGroup(s, { mode: "r" }), MetadataError, /\.zgroup/);
  const a = new MemoryStore();
  await zeros(3, { store: a });
  a.set(".zattrs", enc("[1]"));
  const z = await openArray(a, { mode: "r" });
  await rejects(z.attrs.asObject(), MetadataError, /\.zattrs/);
});

test("writes through read-only arrays, attributes and groups → ReadOnlyError", async (t) => {
  const s = new MemoryStore();
  const root = await group(s);
  await root.zeros("foo/arr", { shape: [10], chunks: [5], dtype: "i4" });
  const z = await openArray(s, { path: "foo/arr", mode: "r" });
  assert.equal(z.readOnly, true);
  await rejects(z.set(null, 1), ReadOnlyError, /'foo\/arr'.*read-only/);
  await rejects(z.set("0", 1), ReadOnlyError, /read-only/);
  await rejects(z.resize(20), ReadOnlyError, /read-only/);
  await rejects(z.append([1, 2]), ReadOnlyError, /read-only/);
  await rejects(z.attrs.set("a", 1), ReadOnlyError, /foo\/arr\/\.zattrs/);
  const g = await openGroup(s, { mode: "r" });
  await rejects(g.createGroup("bar"), ReadOnlyError, /group '\/'.*read-only/);
  await rejects(g.zeros("baz", { shape: 3 }), ReadOnlyError, /read-only/);
  await rejects(g.attrs.set("x", 1), ReadOnlyError, /read-only/);
  const member = (await g.get("foo/arr")) as ZarrArray;
  await rejects(member.set(null, 1), ReadOnlyError, /read-only/);
  assert.equal(s.get("foo/arr/0"), undefined, "nothing was written");
  // And on disk, opened with mode 'r'.
  const dir = join(tempDir(t), "ro.zarr");
  await open(dir, { mode: "w", shape: [4], dtype: "i4" });
  const zr = (await open(dir, { mode: "r" })) as ZarrArray;
  await rejects(zr.set(null, 5), ReadOnlyError, /read-only/);
});

test("opening a missing array with mode 'r' → ArrayNotFoundError naming the path", async (t) => {
  await rejects(openArray(new MemoryStore(), { mode: "r" }), ArrayNotFoundError, /no array at path ''/);
  await rejects(openArray(new MemoryStore(), { path: "foo/bar", mode: "r" }), ArrayNotFoundError, /'foo\/bar'/);
  await rejects(openArray(new MemoryStore(), { path: "foo", mode: "r+" }), ArrayNotFoundError, /'foo'/);
  await rejects(ZarrArray.open(new MemoryStore(), { path: "x/y" }), ArrayNotFoundError, /'x\/y'.*x\/y\/\.zarray/);
  const dir = join(tempDir(t), "missing.zarr");
  await rejects(openArray(dir, { mode: "r" }), ArrayNotFoundError, /no array/);
  await rejects(open(dir, { mode: "r" }), GroupNotFoundError, /nothing found/);
  // A group where an array is asked for says so.
  const s = new MemoryStore();
  await group(s);
  await rejects(openArray(s, { mode: "r" }), ContainsGroupError, /contains a group/);
});

test("creating over an existing array without overwrite → ContainsArrayError naming the path", async () => {
  const s = new MemoryStore();
  const first = await zeros([4], { store: s, path: "a/b", dtype: "i4" });
  await first.set(null, 9);
  await rejects(create({ store: s, path: "a/b", shape: 4 }), ContainsArrayError, /'a\/b'/);
  await rejects(openArray(s, { path: "a/b", mode: "w-", shape: 4 }), ContainsArrayError, /'a\/b'/);
  await rejects(openArray(s, { path: "a/b", mode: "x", shape: 4 }), ContainsArrayError, /'a\/b'/);
  const root = await group(s);
  await rejects(root.zeros("a/b", { shape: 4 }), ContainsArrayError, /'a\/b'/);
  await rejects(root.createGroup("a/b"), ContainsArrayError, /'a\/b'/);
  await rejects(root.zeros("a/b/c", { shape: 4 }), ContainsArrayError, /'a\/b'/);
  assert.deepEqual((await first.get()).toList(), [9, 9, 9, 9], "the existing array is untouched");
  // With overwrite the old array is replaced.
  const again = await create({ store: s, path: "a/b", shape: 4, dtype: "i4", overwrite: true });
  assert.deepEqual((await again.get()).toList(), [0, 0, 0, 0]);
});

test("an interrupted DirectoryStore write leaves the previous chunk intact", { timeout: 60_000 }, async (t) => {
  const dir = join(tempDir(t), "interrupted.zarr");
  const n = 16 * 1024 * 1024; // one 64 MiB chunk: its write takes many event-loop turns
  const z = await zeros([n], { chunks: [n], dtype: "i4", compressor: null, store: new DirectoryStore(dir) });
  await z.set(null, 1);
  const child = join(dirname(dir), "writer.mts");
  writeFileSync(child, `
import { readdirSync } from "node:fs";
import { DirectoryStore, openArray } from ${JSON.stringify(pathToFileURL(join(repo, "src", "index.ts")).href)};
const dir = process.argv[2];
const z = await openArray(new DirectoryStore(dir), { mode: "r+" });
// Die the moment the temporary file of the new chunk exists, i.e. in the middle of the write.
setInterval(() => { if (readdirSync(dir).some((f) => f.endsWith(".partial"))) process.kill(process.pid, "SIGKILL"); }, 0);
await z.set(null, 2);
console.log("write completed");
process.exit(0);
`);
  const result = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, dir], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code, signal) => resolve({ code, signal, out }));
  });
  assert.equal(result.signal, "SIGKILL", `the writer was to be killed mid-write: ${result.out}`);
  // The half-written temporary is there, but it is not a key and the chunk is the old one, whole.
  assert.ok(readdirSync(dir).some((f) => f.endsWith(".partial")), "the abandoned temporary file is left behind");
  const store = new DirectoryStore(dir);
  assert.deepEqual(await store.list(), [".zarray", "0"]);
  assert.equal(readFileSync(join(dir, "0")).byteLength, n * 4);
  const again = await openArray(store, { mode: "r" });
  const data = (await again.get()).data as Int32Array;
  assert.equal(data.length, n);
  assert.ok(data.every((v) => v === 1), "every element still has the previous value");
  assert.equal(await again.nchunksInitialized(), 1);
  // A later write succeeds normally.
  const w = await openArray(store, { mode: "r+" });
  await w.set("0:3", 5);
  assert.deepEqual((await w.get("0:4")).toList(), [5, 5, 5, 1]);
});
