/**
 * Issue 11: a stored chunk larger than a chunk of its array may be stored (decoded size + 1/16 +
 * 64 KiB, `maxStoredChunkBytes`) is refused before it is read, as a StoreIOError naming the key and
 * both sizes, on the native path (the addon's fstat on its pool thread) and on the fallback path
 * (the store's stat / zip directory / SQLite length()): a sparse 1 TiB or 1 GiB chunk file costs no
 * memory. Both paths run in child processes (stored-size-child.ts), the fallback one with
 * ZARRFLOW_NO_NATIVE=1. Also: `zarrflow verify` on such a chunk, and HTTPStore (Content-Length, endless body).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { create, hasNativeCodecs, HTTPStore, MemoryStore, ndarray, openArray, StoreIOError, Zlib } from "../../src/internal.ts";
import { getStoredChunk, maxStoredChunkBytes, storedChunkLimit } from "../../src/chunk/stored-size.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { runCli } from "../cli/_cli.ts";
import type { Outcome } from "./stored-size-child.ts";

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, "stored-size-child.ts");
/** Peak RSS a refused read may add: far below the 1 GiB a whole read of the smaller sparse file costs. */
const GROW_LIMIT_MB = 48;
const DECODED = 256;
const BOUND = maxStoredChunkBytes(DECODED);

function runChild(env: NodeJS.ProcessEnv): Outcome[] {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-stored-size-"));
  try {
    const r = spawnSync(process.execPath, ["--import", "tsx", CHILD, dir], {
      env: { ...process.env, ZARRFLOW_NATIVE_WARNING: "0", ZARRFLOW_REQUIRE_NATIVE: "", ...env },
      encoding: "utf8",
      timeout: 300_000,
    });
    assert.ok(r.stdout.includes("DONE"), `child failed (exit ${r.status ?? r.signal}): ${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`);
    return r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Outcome);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkPath(outcomes: Outcome[], expected: "native" | "fallback"): void {
  const refusals = outcomes.filter((o) => !o.name.startsWith("legitimate"));
  assert.equal(refusals.length, 3 * 2 * 3 + 1 + 3 - (refusals.some((o) => o.name.startsWith("SQLiteStore")) ? 0 : 1));
  for (const o of refusals) {
    const what = `${o.path}: ${o.name}: ${o.result} ${o.message ?? ""}`;
    assert.equal(o.path, expected, what);
    assert.equal(o.typed, true, what);
    if (o.name.includes("sparse chunk") && o.name.includes(" none,") && o.path === "native") {
      // Uncompressed local chunks: the addon reads only the region it needs after checking the
      // file is exactly one chunk long, so a wrong size is a CodecError naming both sizes.
      assert.match(o.message!, /decoded to \d+ bytes, expected 256|more than the/, what);
    } else {
      assert.equal(o.result, "StoreIOError", what);
      assert.equal(o.code, "ERR_VALUE_TOO_LARGE", what);
      assert.match(o.message!, o.name.includes("chunk 17") ? /chunk 'c\/17'/ : /chunk 'c\/0'/, what);
      assert.match(o.message!, new RegExp(`more than the ${BOUND} bytes a chunk of ${DECODED} decoded bytes`), what);
    }
    const stored = o.name.includes("1 TiB") ? 2 ** 40 : o.name.includes("1 GiB") ? 2 ** 30 : 300_000;
    assert.ok(o.message!.includes(String(stored)), `names the stored size ${stored}: ${what}`);
    assert.ok(o.peakGrowMB < GROW_LIMIT_MB, `peak RSS grew ${o.peakGrowMB} MB: ${what}`);
  }
  const legit = outcomes.filter((o) => o.name.startsWith("legitimate"));
  assert.equal(legit.length, 10);
  for (const o of legit) assert.ok(o.result === "ok" && (o.equal ?? true), `${o.path}: ${o.name}: ${o.result} ${o.message ?? ""}`);
}

test("native path: an oversized or sparse 1 TiB chunk file is refused on its fstat, typed, without memory growth", { skip: hasNativeCodecs() ? false : "the native addon is not built here" }, () => {
  checkPath(runChild({ ZARRFLOW_NO_NATIVE: "" }), "native");
});

test("fallback path (ZARRFLOW_NO_NATIVE=1): the same chunks are refused by the store before reading, typed, without memory growth", () => {
  checkPath(runChild({ ZARRFLOW_NO_NATIVE: "1" }), "fallback");
});

test("the stored-size bound: a compressor-only chain gets decoded + 1/16 + 64 KiB, filter and object chains maxChunkBytes", () => {
  assert.equal(maxStoredChunkBytes(0), 65536);
  assert.equal(maxStoredChunkBytes(4096), 4096 + 256 + 65536);
  assert.equal(storedChunkLimit(4096, false), maxStoredChunkBytes(4096));
  assert.equal(storedChunkLimit(4096, true), 512 * 2 ** 20);
  assert.equal(storedChunkLimit(2 ** 30, true), maxStoredChunkBytes(2 ** 30));
});

test("getStoredChunk: a store that cannot tell sizes ahead is checked on what it returns; one that can refuses with both sizes", async () => {
  const m = new MemoryStore();
  m.set("k", new Uint8Array(100));
  assert.equal((await getStoredChunk(m, "k", 100, 50))?.byteLength, 100);
  await assert.rejects(getStoredChunk(m, "k", 99, 50), (e) => e instanceof StoreIOError && e.code === "ERR_VALUE_TOO_LARGE" && /chunk 'k': 100 bytes stored, more than the 99 bytes a chunk of 50/.test(e.message));
  assert.equal(await getStoredChunk(m, "absent", 10, 10), undefined);
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-stored-size-"));
  try {
    const d = new DirectoryStore(dir);
    await d.set("k", new Uint8Array(100));
    // Without maxBytes a store reads whole, as before; with it, the file's size refuses it unread.
    assert.equal((await d.get("k"))?.byteLength, 100);
    await assert.rejects(async () => d.get("k", { maxBytes: 99 }), (e) => e instanceof StoreIOError && e.code === "ERR_VALUE_TOO_LARGE" && /"k": 100 bytes stored, more than the 99/.test(e.message));
    await assert.rejects(getStoredChunk(d, "k", 99, 50), /chunk 'k': 100 bytes stored, more than the 99 bytes a chunk of 50 decoded bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("zarrflow verify reports a 1 GiB sparse chunk file as unreadable, naming the key and both sizes, without reading it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-stored-size-"));
  try {
    const root = join(dir, "v.zarr");
    const z = await create({ store: new DirectoryStore(root), shape: [128], chunks: [64], dtype: "<i4", compressor: new Zlib() });
    await z.set(null, ndarray(Int32Array.from({ length: 128 }, (_, i) => i), [128]));
    await truncate(join(root, "1"), 2 ** 30);
    const r = await runCli(["verify", root]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`unreadable 1: chunk '1': ${2 ** 30} bytes stored, more than the ${maxStoredChunkBytes(256)} bytes`), r.stdout);
    assert.doesNotMatch(r.stdout, /\b0: /, "chunk 0 is intact");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("HTTPStore: a chunk whose Content-Length or streamed body exceeds the bound is refused, and the download stops there", { timeout: 60_000 }, async () => {
  const meta = JSON.stringify({ zarr_format: 2, shape: [64], chunks: [64], dtype: "<i4", compressor: { id: "zlib", level: 1 }, fill_value: 0, order: "C", filters: null });
  let streamed = 0;
  const server = createServer((req, res) => {
    if (req.url!.endsWith("/.zarray")) return res.end(meta);
    if (req.url === "/declared/0") {
      // Claims 1 TiB: refused on the header, before the body is read.
      res.writeHead(200, { "content-length": String(2 ** 40) });
      res.write(Buffer.alloc(1024));
      return;
    }
    if (req.url === "/endless/0") {
      // No length, a body that never ends: cut off once past the bound.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const piece = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!res.destroyed && streamed < 2 ** 30 && res.write(piece)) streamed += piece.length;
        if (!res.destroyed && streamed < 2 ** 30) res.once("drain", pump);
      };
      res.on("close", () => res.removeAllListeners("drain"));
      return pump();
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const [name, stored] of [["declared", String(2 ** 40)], ["endless", "\\d+"]] as const) {
      const z = await openArray(new HTTPStore(`${base}/${name}`), { mode: "r" });
      await assert.rejects(z.get(), (e) => {
        assert.ok(e instanceof StoreIOError && e.code === "ERR_VALUE_TOO_LARGE", String(e));
        assert.match(e.message, new RegExp(`chunk '0': ${stored} bytes stored, more than the ${BOUND} bytes a chunk of ${DECODED} decoded bytes`));
        return true;
      });
    }
    // The client stopped reading near the bound; the server got no further than its socket buffers.
    assert.ok(streamed < 64 * 2 ** 20, `the server streamed ${streamed} bytes before the client stopped`);
  } finally {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
});
