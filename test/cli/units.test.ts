/**
 * The CLI's pieces in-process: option parsing, store resolution (walking up to the store root,
 * --path, .zip, file:// and unknown schemes), the cancellable store guard, and `run()` itself.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { describe, test } from "node:test";
import { MemoryStore, ZipStore, group } from "../../src/internal.ts";
import { UsageError, exitCodeFor } from "../../cli/errors.ts";
import { guardStore, newMeter } from "../../cli/guard.ts";
import { parseCompressor, parseFillValue, parseIntList, parseSize } from "../../cli/parse.ts";
import { registerStoreScheme, resolveStore } from "../../cli/resolve.ts";
import { run } from "../../cli/program.ts";
import { tempDir } from "./_cli.ts";

describe("option parsing", () => {
  test("integer lists, sizes, compressors and fill values", () => {
    assert.deepEqual(parseIntList("--shape", "100, 20"), [100, 20]);
    assert.deepEqual(parseIntList("--chunks", "10,-1", true), [10, -1]);
    assert.throws(() => parseIntList("--shape", "10,-1"), (e: unknown) => e instanceof UsageError && /--shape/.test((e as Error).message));
    assert.equal(parseSize("--max-memory", "256MB"), 256e6);
    assert.equal(parseSize("--max-memory", "1GiB"), 2 ** 30);
    assert.equal(parseSize("--max-memory", "64k"), 64 * 1024);
    assert.throws(() => parseSize("--max-memory", "lots"), /--max-memory must be a size/);
    assert.equal(parseCompressor("--compressor", "none"), null);
    assert.deepEqual(parseCompressor("--compressor", "zstd:3"), { id: "zstd", level: 3 });
    assert.deepEqual(parseCompressor("--compressor", "blosc:lz4:5:shuffle"), { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 });
    assert.deepEqual(parseCompressor("--compressor", '{"id":"gzip","level":4}'), { id: "gzip", level: 4 });
    assert.throws(() => parseCompressor("--compressor", "blosc:lz4:5:sideways"), /unknown shuffle 'sideways'/);
    assert.ok(Number.isNaN(parseFillValue("nan", "<f8") as number));
    assert.equal(parseFillValue("-3", "<i4"), -3);
    assert.equal(parseFillValue("none", "<f8"), null);
    assert.equal(parseFillValue("9007199254740993", "<i8"), 9007199254740993n);
  });
});

describe("resolveStore", () => {
  const dir = tempDir("resolve");
  const root = join(dir, "s.zarr");
  mkdirSync(join(root, "g", "arr"), { recursive: true });
  writeFileSync(join(root, ".zgroup"), '{"zarr_format": 2}');
  writeFileSync(join(root, "g", ".zgroup"), '{"zarr_format": 2}');
  writeFileSync(join(root, "g", "arr", ".zarray"), "{}");

  test("a path inside a directory store finds the store root by walking up", async () => {
    for (const target of [join(root, "g", "arr"), pathToFileURL(join(root, "g", "arr")).href]) {
      const r = await resolveStore(target);
      assert.equal(r.location, root);
      assert.equal(r.path, "g/arr");
    }
    const top = await resolveStore(root);
    assert.deepEqual([top.location, top.path], [root, ""]);
    const explicit = await resolveStore(root, { path: "g/arr" });
    assert.deepEqual([explicit.location, explicit.path], [root, "g/arr"]);
  });

  test("a new node inside an existing store, a new store, and a missing path when reading", async () => {
    const inside = await resolveStore(join(root, "g", "new"), { mode: "w" });
    assert.deepEqual([inside.location, inside.path], [root, "g/new"]);
    const fresh = await resolveStore(join(dir, "fresh.zarr", "a"), { mode: "w" });
    assert.deepEqual([fresh.location, fresh.path], [join(dir, "fresh.zarr"), "a"]);
    await assert.rejects(resolveStore(join(root, "g", "missing")), (e: unknown) => e instanceof UsageError && /missing: no such file/.test((e as Error).message));
  });

  test("ZIP files, with a path inside; a plain file is refused", async () => {
    const file = join(dir, "a.zip");
    const zs = new ZipStore(file, { mode: "w" });
    await group(zs, { path: "inner" });
    zs.close();
    const r = await resolveStore(join(file, "inner"));
    assert.ok(r.store instanceof ZipStore);
    assert.equal(r.path, "inner");
    writeFileSync(join(dir, "plain.txt"), "hello");
    await assert.rejects(resolveStore(join(dir, "plain.txt")), /not a ZIP archive/);
  });

  test("unknown schemes are usage errors; registered schemes plug in", async () => {
    await assert.rejects(resolveStore("nosuch://bucket/x.zarr"), (e: unknown) => e instanceof UsageError && exitCodeFor(e) === 2 && /'nosuch:'/.test((e as Error).message));
    const mem = new MemoryStore();
    registerStoreScheme("memtest", async (url) => ({ store: mem, path: url.pathname.replace(/^\//, ""), location: url.href, close: async () => {} }));
    const r = await resolveStore("memtest://host/a/b");
    assert.equal(r.store, mem);
    assert.equal(r.path, "a/b");
  });
});

describe("guardStore", () => {
  test("reads and writes stop once the signal is aborted; deletes still go through; counts", async () => {
    const ac = new AbortController();
    const meter = newMeter();
    const inner = new MemoryStore();
    const s = guardStore(inner, ac.signal, meter);
    await s.set("a/0", new Uint8Array(10));
    await s.set("a/.zarray", new Uint8Array(3));
    assert.equal((await s.get("a/0"))?.byteLength, 10);
    assert.deepEqual([meter.writes, meter.chunkWrites, meter.bytesWritten, meter.reads, meter.bytesRead], [2, 1, 13, 1, 10]);
    ac.abort();
    await assert.rejects(async () => s.get("a/0"), { name: "AbortError" });
    await assert.rejects(async () => s.set("a/1", new Uint8Array(1)), { name: "AbortError" });
    await s.delete("a/0");
    assert.equal(await inner.get("a/0"), undefined);
  });
});

describe("run()", () => {
  const capture = () => {
    const s = new PassThrough();
    let text = "";
    s.on("data", (d) => (text += d));
    return { s, text: () => text };
  };

  test("returns exit codes without exiting: 0 for help, 2 for usage errors", async () => {
    const out = capture(), err = capture();
    const env = { stdout: out.s, stderr: err.s, tty: false, onInterrupt: () => () => {} };
    assert.equal(await run(["node", "zarrflow", "--help"], env), 0);
    assert.equal(await run(["node", "zarrflow", "create", "x.zarr"], env), 2);
    assert.match(err.text(), /required option '--shape/);
    assert.equal(await run(["node", "zarrflow"], env), 2, "no command is a usage error");
  });

  test("--json failures put the error and exit code on stdout as JSON", async () => {
    const out = capture(), err = capture();
    const env = { stdout: out.s, stderr: err.s, tty: false, onInterrupt: () => () => {} };
    const missing = join(tempDir("json"), "missing.zarr");
    assert.equal(await run(["node", "zarrflow", "info", missing, "--json"], env), 2);
    assert.deepEqual(JSON.parse(out.text()), { error: `${missing}: no such file or directory`, exitCode: 2 });
  });

  test("an interruption before the work ends gives 130 and no result", async () => {
    const dir = tempDir("run");
    const out = capture(), err = capture();
    let fire: () => void = () => {};
    const env = { stdout: out.s, stderr: err.s, tty: false, onInterrupt: (h: () => void) => ((fire = h), () => {}) };
    const p = run(["node", "zarrflow", "create", join(dir, "a.zarr"), "--shape", "4", "--dtype", "<i4"], env);
    fire();
    assert.equal(await p, 130);
    assert.doesNotMatch(out.text(), /created/);
    assert.match(err.text(), /interrupted/);
  });
});
