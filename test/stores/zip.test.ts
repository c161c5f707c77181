/**
 * ZipStore as untrusted input and as a durable file: lazy opening of zip bombs, bounded inflate,
 * typed errors for corrupt archives, atomic close (a crash mid-close keeps the old archive), and
 * duplicate entries as zarr-python writes them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { ZarrError } from "../../src/errors.ts";
import { ZipStore } from "../../src/stores/zip.ts";
import { centralHeader, crc32, endRecords, localHeader, type ZipEntry } from "../../src/stores/zip-format.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-zipstore-"));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** A one-entry archive holding `data` (already deflated when method is 8) with the given header values. */
function archive(entries: { name: string; data: Uint8Array; method: number; size: number; crc: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let pos = 0;
  for (const x of entries) {
    const name = new TextEncoder().encode(x.name);
    const e: ZipEntry = { name: x.name, method: x.method, flags: 0, crc: x.crc, compressedSize: x.data.byteLength, size: x.size, localHeaderOffset: pos, time: 0, date: 33, externalAttrs: 0 };
    const h = localHeader(e, name);
    parts.push(h, x.data);
    central.push(centralHeader(e, name));
    pos += h.byteLength + x.data.byteLength;
  }
  const cdSize = central.reduce((n, c) => n + c.byteLength, 0);
  return Buffer.concat([...parts, ...central, endRecords(entries.length, pos, cdSize)]);
}

/** About 1.5 MB of deflate data that inflates to about 1.5 GB of zeros (repeated sync-flushed blocks). */
function bombData(): { data: Uint8Array; size: number } {
  const mib = zlib.deflateRawSync(new Uint8Array(1 << 20), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const copies = Math.floor(1.5e6 / mib.byteLength);
  const end = zlib.deflateRawSync(new Uint8Array(0));
  return { data: Buffer.concat([...Array(copies).fill(mib), end]), size: copies * (1 << 20) };
}

test("a 1.5 MB zip bomb opens instantly and is refused, bounded, when read", withDir(async (dir) => {
  const { data, size } = bombData();
  assert.ok(data.byteLength > 1e6 && size > 1e9, `${data.byteLength} bytes inflating to ${size}`);
  const ok = new TextEncoder().encode("fine");
  const path = join(dir, "bomb.zip");
  writeFileSync(path, archive([
    { name: "bomb", data, method: 8, size, crc: 0 },
    { name: "liar", data, method: 8, size: 1000, crc: 0 }, // declares 1000 bytes, inflates to 1.5 GB
    { name: "ok", data: ok, method: 0, size: ok.byteLength, crc: crc32(ok) },
  ]));
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const store = new ZipStore(path, { mode: "r" });
  assert.ok(performance.now() - t0 < 500, "opening reads only the central directory");
  assert.deepEqual(store.list(), ["bomb", "liar", "ok"]);
  assert.equal(store.getSize("bomb"), size, "declared size, without inflating");
  await assert.rejects(store.get("bomb"), (e: unknown) => e instanceof ZarrError && /'bomb'.*declares \d+ bytes, more than/.test(e.message));
  await assert.rejects(store.get("liar"), (e: unknown) => e instanceof ZarrError && /'liar' inflates past its declared size of 1000/.test(e.message));
  assert.equal(new TextDecoder().decode(await store.get("ok")), "fine", "other entries stay readable");
  assert.ok(process.memoryUsage().rss - rssBefore < 200e6, "nothing near the inflated size was allocated");
  const small = new ZipStore(path, { mode: "r", maxEntryBytes: 3 });
  await assert.rejects(small.get("ok"), /declares 4 bytes, more than the 3-byte limit/);
  small.close();
  store.close();
}));

test("a corrupt entry (bad CRC, bad deflate data) fails on read with a ZarrError naming the key; opening is lazy", withDir(async (dir) => {
  const v = new TextEncoder().encode("hello world");
  const path = join(dir, "c.zip");
  writeFileSync(path, archive([
    { name: "a/crc", data: v, method: 0, size: v.byteLength, crc: crc32(v) ^ 1 },
    { name: "a/deflate", data: new Uint8Array([0xff, 0xff, 0xff]), method: 8, size: 5, crc: 0 },
    { name: "a/method", data: v, method: 12, size: v.byteLength, crc: crc32(v) },
    { name: "a/good", data: v, method: 0, size: v.byteLength, crc: crc32(v) },
  ]));
  const s = new ZipStore(path, { mode: "r" });
  await assert.rejects(s.get("a/crc"), (e: unknown) => e instanceof ZarrError && /'a\/crc' fails its CRC-32 check/.test(e.message));
  await assert.rejects(s.get("a/deflate"), (e: unknown) => e instanceof ZarrError && /'a\/deflate' holds corrupt deflate data/.test(e.message));
  await assert.rejects(s.get("a/method"), (e: unknown) => e instanceof ZarrError && /'a\/method' uses compression method 12/.test(e.message));
  assert.deepEqual(await s.get("a/good"), v);
  assert.deepEqual(await s.getRange("a/good", { offset: 6, length: 5 }), new TextEncoder().encode("world"));
  s.close();
}));

test("files that are not ZIP archives open with a ZarrError naming the file", withDir(async (dir) => {
  const good = join(dir, "good.zip");
  const w = new ZipStore(good, { mode: "w" });
  w.set("a", new Uint8Array(100).fill(1));
  w.close();
  const bytes = readFileSync(good);
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["text", new TextEncoder().encode("this is not a zip file at all, just some text to fill the space")],
    ["truncated", bytes.subarray(0, bytes.byteLength - 10)],
    ["cut-central", Buffer.concat([bytes.subarray(0, 130), bytes.subarray(bytes.byteLength - 22)])],
    ["random", Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)],
  ];
  for (const [name, data] of cases) {
    const path = join(dir, `${name}.zip`);
    writeFileSync(path, data);
    assert.throws(() => new ZipStore(path, { mode: "r" }), (e: unknown) => {
      assert.ok(e instanceof ZarrError, `${name}: ${String(e)}`);
      assert.ok(e.message.includes(path), `${name}: names the file: ${e.message}`);
      return true;
    }, name);
  }
  assert.throws(() => new ZipStore(join(dir, "missing.zip"), { mode: "r" }), (e: unknown) => e instanceof ZarrError && /missing\.zip': no such file/.test(e.message));
  const emptyA = new ZipStore(join(dir, "empty.zip"), { mode: "a" });
  assert.deepEqual(emptyA.list(), [], "an empty file opened for appending is an empty archive");
  emptyA.close();
}));

test("a failed close leaves the previous archive byte-for-byte and no temporary file", withDir(async (dir) => {
  const path = join(dir, "s.zip");
  const w = new ZipStore(path, { mode: "w" });
  w.set("a", new TextEncoder().encode("AAAA"));
  w.set("b", new TextEncoder().encode("BBBB"));
  w.close();
  // Damage entry "a"'s local header: the central directory still opens, copying "a" on close fails.
  const damaged = new Uint8Array(readFileSync(path));
  damaged[0] ^= 0xff;
  writeFileSync(path, damaged);
  const s = new ZipStore(path, { mode: "a" });
  s.set("c", new Uint8Array([1]));
  assert.throws(() => s.close(), (e: unknown) => e instanceof ZarrError && /'a' has a bad local header; the archive was not rewritten/.test(e.message));
  assert.deepEqual(new Uint8Array(readFileSync(path)), damaged, "old archive untouched");
  assert.deepEqual(readdirSync(dir), ["s.zip"], "temporary removed");
}));

test("a process killed in the middle of close leaves the previous archive intact", withDir(async (dir) => {
  const path = join(dir, "s.zip");
  const w = new ZipStore(path, { mode: "w" });
  w.set(".zgroup", new TextEncoder().encode('{"zarr_format": 2}'));
  w.set("x/0", new Uint8Array(1000).fill(7));
  w.close();
  const before = readFileSync(path);
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `
    import { ZipStore } from ${JSON.stringify(new URL("../../src/stores/zip.ts", import.meta.url).href)};
    const s = new ZipStore(${JSON.stringify(path)}, { mode: "a" });
    for (let i = 0; i < 64; i++) s.set("big/" + i, new Uint8Array(4 << 20).fill(i));
    s.set("x/0", new Uint8Array([1]));
    process.stdout.write("closing\\n");
    s.close();
    process.stdout.write("closed\\n");
  `], { stdio: ["ignore", "pipe", "inherit"], cwd: new URL("../..", import.meta.url).pathname });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  // Kill the writer as soon as its new archive appears beside the old one.
  let killed = false;
  while (!killed) {
    if (child.exitCode !== null) break;
    if (readdirSync(dir).some((n) => n.endsWith(".partial"))) {
      child.kill("SIGKILL");
      killed = true;
    } else await new Promise((r) => setTimeout(r, 2));
  }
  await exited;
  assert.ok(killed, `the child finished before it could be killed (output: ${out})`);
  assert.ok(!out.includes("closed"), "killed mid-close");
  assert.deepEqual(readFileSync(path), before, "the archive is the old one, byte for byte");
  const r = new ZipStore(path, { mode: "r" });
  assert.deepEqual(r.list(), [".zgroup", "x/0"]);
  assert.deepEqual(await r.get("x/0"), new Uint8Array(1000).fill(7));
  r.close();
  // The dead writer's half-written archive is left beside it; opening for writing removes it once old.
  const leftovers = readdirSync(dir).filter((n) => n.endsWith(".partial"));
  assert.equal(leftovers.length, 1);
  new ZipStore(path, { mode: "a" }).close();
  assert.equal(readdirSync(dir).length, 2, "too fresh to remove: it might be a live writer's on another host");
  const old = new Date(Date.now() - 3600_000);
  utimesSync(join(dir, leftovers[0]), old, old);
  new ZipStore(path, { mode: "a" }).close();
  assert.deepEqual(readdirSync(dir), ["s.zip"], "an old temp of a dead writer is removed");
  assert.deepEqual(readFileSync(path), before, "opening and closing without changes does not rewrite");
}));

test("duplicate entries written by zarr-python read as the last one and are rewritten once", { skip: skipWithoutZarrPython }, withDir(async (dir) => {
  const path = join(dir, "dup.zip");
  runPython(String.raw`
import warnings
warnings.simplefilter('ignore')
s = zarr.ZipStore(inp['path'], mode='w')
s['k'] = b'first'
s['k'] = b'second'
s['j'] = b'j'
s.close()`, { path });
  const a = new ZipStore(path, { mode: "a" });
  assert.deepEqual(a.list(), ["j", "k"]);
  assert.equal(new TextDecoder().decode(await a.get("k")), "second");
  a.set("new", new Uint8Array([1]));
  a.close();
  const py = runPython<{ names: string[]; k: string; testzip: unknown }>(String.raw`
import zipfile
zf = zipfile.ZipFile(inp['path'])
s = zarr.ZipStore(inp['path'], mode='r')
out = {'names': zf.namelist(), 'k': s['k'].decode(), 'testzip': zf.testzip()}
s.close()`, { path });
  assert.deepEqual(py.names.sort(), ["j", "k", "new"], "one entry per key");
  assert.equal(py.k, "second");
  assert.equal(py.testzip, null);
  assert.ok(!existsSync(path + ".partial"));
}));
