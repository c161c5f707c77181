/**
 * Hostile input at the chunk layer (issue 11): special files where chunk files should be, write
 * errors from a full disk, decompression bombs and corrupt Blosc headers. Runs on whichever path is
 * in use; CI runs test/codecs twice, with the addon and with ZARRFLOW_NO_NATIVE=1, so both the
 * native pool-thread file reads and DirectoryStore's own reads are covered.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Blosc, BZ2, create, DirectoryStore, GZip, hasNativeCodecs, LZ4, LZMA, MemoryStore, ndarray, Zlib, Zstd, type Codec,
} from "../../src/index.ts";
import { CodecError, StoreIOError } from "../../src/errors.ts";
import { getLimits, setLimits } from "../../src/limits.ts";
import { sample } from "./fallback-helpers.ts";

const path = hasNativeCodecs() ? "native" : "fallback";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zf-hostile-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A raw (no compressor) <i4 array of 4 chunks of 5 on a DirectoryStore, all chunks written. */
async function smallArray(dir: string, compressor: Codec | null = null) {
  const store = new DirectoryStore(dir);
  const z = await create({ store, shape: [20], chunks: [5], dtype: "<i4", compressor, fillValue: -1 });
  await z.set(null, 7);
  return { store, z };
}

/** Asserts `p` rejects with a StoreIOError for `key` with `code`. */
async function rejectsIO(p: Promise<unknown>, key: string, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StoreIOError, `expected a StoreIOError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.equal(e.key, key);
    assert.equal(e.code, code);
    assert.match(e.message, new RegExp(`'${key}'|"${key}"`));
    return true;
  });
}

test(`a FIFO at a chunk key is refused with a StoreIOError naming the key, without blocking (${path})`, async (t) => {
  const dir = tempDir(t);
  const { store, z } = await smallArray(dir);
  rmSync(join(dir, "1"));
  execFileSync("mkfifo", [join(dir, "1")]);
  await rejectsIO(z.get(), "1", "ERR_NOT_REGULAR_FILE");
  await rejectsIO(z.get("5:10"), "1", "ERR_NOT_REGULAR_FILE");
  await rejectsIO(store.get("1"), "1", "ERR_NOT_REGULAR_FILE");
  await rejectsIO(store.getRange("1", { offset: 0, length: 4 }), "1", "ERR_NOT_REGULAR_FILE");
  // Chunks next to it still read.
  assert.deepEqual(Array.from((await z.get("0:5")).data as Int32Array), [7, 7, 7, 7, 7]);
});

test(`four FIFOs as chunks leave the libuv pool free for other file reads (${path})`, async (t) => {
  const dir = tempDir(t);
  const { z } = await smallArray(dir);
  for (const k of ["0", "1", "2", "3"]) {
    rmSync(join(dir, k));
    execFileSync("mkfifo", [join(dir, k)]);
  }
  const reads = Promise.allSettled([z.get("0:5"), z.get("5:10"), z.get("10:15"), z.get("15:20")]);
  // With a blocked pool (4 threads by default) this plain read would never finish.
  writeFileSync(join(dir, "plain.txt"), "still here");
  assert.equal(readFileSync(join(dir, "plain.txt"), "utf8"), "still here");
  const { readFile } = await import("node:fs/promises");
  assert.equal(await readFile(join(dir, "plain.txt"), "utf8"), "still here");
  const results = await reads;
  assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected", "rejected", "rejected"]);
  for (const r of results) assert.ok((r as PromiseRejectedResult).reason instanceof StoreIOError);
});

test(`a symlink to /dev/zero as a chunk is refused, memory stays flat (${path})`, async (t) => {
  const dir = tempDir(t);
  const { store, z } = await smallArray(dir, new Zlib());
  rmSync(join(dir, "2"));
  symlinkSync("/dev/zero", join(dir, "2"));
  await rejectsIO(z.get(), "2", "ERR_NOT_REGULAR_FILE");
  await rejectsIO(store.get("2"), "2", "ERR_NOT_REGULAR_FILE");
  await rejectsIO(z.get([12]), "2", "ERR_NOT_REGULAR_FILE");
});

test(`a directory at a chunk key reads as a chunk that is not stored (fill value), as in zarr-python (${path})`, async (t) => {
  const dir = tempDir(t);
  const { store, z } = await smallArray(dir);
  rmSync(join(dir, "3"));
  mkdirSync(join(dir, "3"));
  writeFileSync(join(dir, "3", "x"), "not a chunk");
  assert.equal(await store.get("3"), undefined);
  assert.deepEqual(Array.from((await z.get("14:17")).data as Int32Array), [7, -1, -1]);
});

test(`a full disk (1 MiB tmpfs) fails the write with StoreIOError ENOSPC; every chunk stays old or new (${path})`, { skip: process.getuid?.() !== 0 ? "needs root to mount a tmpfs" : false }, async (t) => {
  const dir = tempDir(t);
  const mnt = join(dir, "mnt");
  mkdirSync(mnt);
  const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]);
  if (m.status !== 0) {
    t.skip(`mount -t tmpfs failed: ${m.stderr}`);
    return;
  }
  try {
    await fillTheDisk(mnt);
  } finally {
    spawnSync("umount", [mnt]);
  }
});

async function fillTheDisk(mnt: string): Promise<void> {
  const store = new DirectoryStore(mnt);
  // Random <u1 data does not compress: 4 chunks of 384 KiB cannot all fit in 1 MiB.
  const n = 4 * 384 * 1024;
  const z = await create({ store, shape: [n], chunks: [384 * 1024], dtype: "|u1", compressor: new Zlib({ level: 1 }) });
  const data = sample("random", n, 1);
  await assert.rejects(z.set(null, ndarray(data, [n])), (e: unknown) => {
    assert.ok(e instanceof StoreIOError, `expected StoreIOError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.equal(e.code, "ENOSPC");
    assert.match(e.key, /^[0-3]$/);
    return true;
  });
  // No temporary file is left behind, and every stored chunk decodes to the new data (none is torn).
  const names = readdirSync(mnt).filter((f) => f !== ".zarray");
  assert.ok(names.every((f) => /^[0-3]$/.test(f)), `left behind: ${names.join(", ")}`);
  for (const f of names) {
    const i = Number(f);
    const got = (await z.get(`${i * 384 * 1024}:${(i + 1) * 384 * 1024}`)).data as Uint8Array;
    assert.deepEqual(Buffer.from(got), Buffer.from(data.subarray(i * 384 * 1024, (i + 1) * 384 * 1024)));
  }
}

test(`a Blosc chunk whose header claims another size fails typed on small and whole reads (${path})`, async () => {
  const store = new MemoryStore();
  const big = await create({ store, path: "big", shape: [64, 50], chunks: [64, 50], dtype: "<i4", compressor: new Blosc() });
  await big.set(null, 3);
  const z = await create({ store, path: "z", shape: [64, 50], chunks: [32, 50], dtype: "<i4", compressor: new Blosc() });
  store.set("z/0.0", store.get("big/0.0")!);
  await assert.rejects(z.get([1, 1]), CodecError);
  await assert.rejects(z.get("0:2, 0:2"), CodecError);
  await assert.rejects(z.get(), CodecError);
});

const CODECS: [string, () => Codec][] = [
  ["blosc", () => new Blosc()],
  ["zstd", () => new Zstd()],
  ["lz4", () => new LZ4()],
  ["zlib", () => new Zlib()],
  ["gzip", () => new GZip()],
  ["bz2", () => new BZ2()],
  ["lzma", () => new LZMA({ preset: 0 })],
];

for (const [name, make] of CODECS) {
  test(`${name}: a bomb is refused at the chunk's size and at maxChunkBytes, while decoding (${path})`, async (t) => {
    const codec = make();
    const bomb = await codec.encode(new Uint8Array(8 * 2 ** 20), { dtype: "|u1", itemsize: 1 });
    assert.ok(bomb.byteLength < 64 * 1024, `${name} bomb is ${bomb.byteLength} bytes`);
    await assert.rejects(codec.decode(bomb, undefined, { dtype: "|u1", itemsize: 1, maxBytes: 4096 }), /exceeds the (limit of|expected) 4096 bytes/);
    const prev = setLimits({ maxChunkBytes: 2 ** 20 });
    t.after(() => setLimits(prev));
    await assert.rejects(codec.decode(bomb), (e: unknown) => e instanceof CodecError && /exceeds the (limit of|expected) 1048576 bytes/.test(e.message));
    // A chunk of exactly the bound still decodes.
    const real = sample("arange", 4096, 4);
    assert.deepEqual(Buffer.from(await codec.decode(await codec.encode(real, { dtype: "<i4", itemsize: 4 }), undefined, { dtype: "<i4", itemsize: 4, maxBytes: 4096 })), Buffer.from(real));
    // Through an array: the bomb stored as a chunk of a small array fails typed, naming the key.
    const store = new MemoryStore();
    const z = await create({ store, shape: [4096], chunks: [4096], dtype: "|u1", compressor: codec });
    store.set("0", bomb);
    await assert.rejects(z.get(), (e: unknown) => e instanceof CodecError && /'0'/.test(e.message));
    assert.ok(getLimits().maxChunkBytes === 2 ** 20);
  });
}

test("zstd: a streamed frame (no content size) decodes within its bound and is refused past it", async () => {
  // zstd-codec's streaming compressor writes frames without a content size.
  const mod = await import("node:module");
  const require = mod.createRequire(import.meta.url);
  const run = require("zstd-codec/lib/module.js").run as (f: (b: never) => void) => void;
  // The Emscripten module has its own `then`, so it must not be the value a promise resolves to.
  const { binding } = await new Promise<{ binding: { ZstdCompressStreamBinding: new () => { begin(l: number): boolean; transform(d: Uint8Array, cb: (o: Uint8Array) => void): boolean; end(cb: (o: Uint8Array) => void): boolean; delete(): void } } }>((r) => run(((b: never) => r({ binding: b })) as never));
  const frame = (data: Uint8Array) => {
    const cs = new binding.ZstdCompressStreamBinding();
    const parts: Uint8Array[] = [];
    cs.begin(3);
    cs.transform(data, (d) => parts.push(d.slice()));
    cs.end((d) => parts.push(d.slice()));
    cs.delete();
    return new Uint8Array(Buffer.concat(parts));
  };
  const real = sample("arange", 6400, 4);
  const z = new Zstd();
  assert.deepEqual(Buffer.from(await z.decode(frame(real), undefined, { dtype: "<i4", itemsize: 4, maxBytes: 6400 })), Buffer.from(real));
  await assert.rejects(z.decode(frame(new Uint8Array(2 ** 20)), undefined, { dtype: "<i4", itemsize: 4, maxBytes: 6400 }), /exceeds the limit of 6400 bytes/);
  assert.ok(existsSync(require.resolve("zstd-codec/lib/module.js")));
});
