/**
 * HTTPStore against a real node:http server on 127.0.0.1 serving directory stores (written by
 * zarr-python and by zarrflow) with Range support, and injecting transient failures (503, dropped
 * connections) to check the bounded retries.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DirectoryStore, ReadOnlyError, ZarrError, open, ZarrArray } from "../../src/internal.ts";
import { HTTPStore } from "../../src/stores/http.ts";
import { storeFromUrl } from "../../src/stores/index.ts";
import { runStoreConformance } from "./conformance.ts";
import { assertSummary, pythonWrite, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { skipWithoutZarrPython } from "../interop/python.ts";
import { startFileServer, type FileServer } from "../helpers/servers.ts";

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-http-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A served directory and an HTTPStore on it; cleaned up after the test. */
async function served(t: { after(fn: () => unknown): void }, fill?: (dir: string) => Promise<void> | void): Promise<{ dir: string; server: FileServer; url: string }> {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await fill?.(dir);
  const server = await startFileServer(dir);
  t.after(() => server.stop());
  return { dir, server, url: server.url + "/" };
}

runStoreConformance(
  "HTTPStore",
  async (seed) => {
    const { dir, cleanup } = tempDir();
    for (const [k, v] of seed!) {
      mkdirSync(dirname(join(dir, "data", k)), { recursive: true });
      writeFileSync(join(dir, "data", k), v);
    }
    const server = await startFileServer(dir);
    return {
      store: new HTTPStore(`${server.url}/data`, { retryDelay: 1 }),
      cleanup: async () => {
        await server.stop();
        cleanup();
      },
    };
  },
  { readOnly: true, supportsList: false, supportsListDir: false, supportsDeletePrefix: false },
);

test("HTTPStore: a hierarchy written with the public API to a directory reads back over HTTP", async (t) => {
  const { server } = await served(t, (dir) => writeHierarchy(new DirectoryStore(join(dir, "h.zarr"))));
  const store = new HTTPStore(`${server.url}/h.zarr`);
  assertSummary(await readHierarchy(store), "over HTTP");
  assertSummary(await readHierarchy(storeFromUrl(`${server.url}/h.zarr`)), "through an http:// URL and storeFromUrl");
  assert.ok(server.log.every((r) => r.method === "GET" || r.method === "HEAD"));
  await assert.rejects(Promise.resolve().then(() => store.set("x", new Uint8Array(1))), ReadOnlyError);
  await assert.rejects(Promise.resolve().then(() => store.delete("x")), ReadOnlyError);
});

test("HTTPStore interop: a hierarchy zarr-python wrote, served over HTTP", { skip: skipWithoutZarrPython }, async (t) => {
  const { server } = await served(t, (dir) => pythonWrite("zarr.DirectoryStore(inp['path'])", { path: join(dir, "py.zarr") }, ""));
  const store = new HTTPStore(`${server.url}/py.zarr/`);
  assertSummary(await readHierarchy(store), "zarr-python's directory over HTTP");
  // A partial read of an uncompressed chunk asks the server for that byte range only.
  server.log.length = 0;
  const part = await store.getRange("foo/u8/1.1", { offset: 1, length: 2 });
  // chunk (1, 1) of the 4x3 u1 array in 2x2 chunks: [160, pad, 220, pad]
  assert.deepEqual([...part!], [0, 220]);
  assert.deepEqual(server.log.map((r) => [r.status, r.range]), [[206, "bytes=1-2"]]);
});

test("HTTPStore: ranges work against a server that ignores Range headers", async (t) => {
  const { server } = await served(t, (dir) => writeFileSync(join(dir, "blob"), Uint8Array.from({ length: 50 }, (_, i) => i)));
  server.ranges = false;
  const store = new HTTPStore(server.url);
  assert.deepEqual([...(await store.getRange("blob", { offset: 45, length: 10 }))!], [45, 46, 47, 48, 49]);
  assert.deepEqual([...(await store.getRange("blob", { suffixLength: 3 }))!], [47, 48, 49]);
  assert.equal((await store.getRange("blob", { offset: 60, length: 3 }))!.byteLength, 0);
  assert.equal(await store.getRange("nope", { offset: 0, length: 3 }), undefined);
});

test("HTTPStore: transient 503s and dropped connections are retried with backoff, a bounded number of times", async (t) => {
  const { server } = await served(t, (dir) => writeFileSync(join(dir, "k"), new Uint8Array([1, 2, 3])));
  const store = new HTTPStore(server.url, { retries: 3, retryDelay: 5 });

  server.faults.set("/k", { times: 2, status: 503 });
  assert.deepEqual([...(await store.get("k"))!], [1, 2, 3]);
  assert.deepEqual(server.log.map((r) => r.status), [503, 503, 200]);

  server.log.length = 0;
  server.faults.set("/k", { times: 1, reset: true });
  assert.deepEqual([...(await store.getRange("k", { offset: 1, length: 1 }))!], [2]);
  assert.deepEqual(server.log.map((r) => r.status), [0, 206]);

  server.log.length = 0;
  server.faults.set("/k", { times: 1, status: 429, retryAfter: 0 });
  assert.equal(await store.has("k"), true);

  server.log.length = 0;
  server.faults.set("/k", { times: 100, status: 503 });
  await assert.rejects(store.get("k"), (e: unknown) => e instanceof ZarrError && /503/.test(e.message) && /4 attempts/.test(e.message));
  assert.equal(server.log.length, 4, "1 try + 3 retries, then give up");
  server.faults.clear();

  // 404 is a missing key, not retried; 403 is an error, not retried.
  server.log.length = 0;
  assert.equal(await store.get("nope"), undefined);
  assert.equal(await store.has("nope"), false);
  assert.equal(server.log.length, 2);
  server.faults.set("/k", { times: 1, status: 403 });
  await assert.rejects(store.get("k"), /403/);
});

test("HTTPStore: an abort during a retry's backoff rejects at once with an AbortError", async (t) => {
  const { server } = await served(t, (dir) => writeFileSync(join(dir, "k"), new Uint8Array([1])));
  server.faults.set("/k", { times: 100, status: 503 });
  const store = new HTTPStore(server.url, { retries: 5, retryDelay: 2000 });
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(store.get("k", { signal: ac.signal }), (e: unknown) => (e as Error).name === "AbortError");
  assert.ok(Date.now() - started < 1500, "did not wait out the backoff");
});

test("HTTPStore: keys are percent-encoded per segment under the base URL; bad URLs are refused", async (t) => {
  const { server } = await served(t, (dir) => {
    mkdirSync(join(dir, "a b"), { recursive: true });
    writeFileSync(join(dir, "a b", "c#d?"), new Uint8Array([5]));
  });
  const store = new HTTPStore(server.url + "?ignored=1");
  assert.equal(store.keyUrl("a b/c#d?"), `${server.url}/a%20b/c%23d%3F`);
  assert.deepEqual([...(await store.get("a b/c#d?"))!], [5]);
  assert.throws(() => new HTTPStore("ftp://x/y"), ZarrError);
  assert.throws(() => new HTTPStore("not a url"), ZarrError);
  const z = await open(new HTTPStore(server.url), { mode: "r" }).catch((e: unknown) => e);
  assert.ok(!(z instanceof ZarrArray), "nothing to open at the root");
});
