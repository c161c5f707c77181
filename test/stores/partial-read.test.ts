/**
 * Partial chunk reads (src/chunk/partial-read.ts): a small selection of an uncompressed or Blosc
 * chunk fetches only the byte ranges it needs through the store's getRange. Arrays are written by
 * zarr-python; bytes are counted where they cross: by the HTTP server on loopback, and by a
 * counting wrapper around a DirectoryStore (JS path) and an S3Store on s3rver.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DirectoryStore, openArray, type ZarrArray } from "../../src/index.ts";
import { HTTPStore } from "../../src/stores/http.ts";
import { S3Store } from "../../src/stores/s3.ts";
import { planRanges, projectionRuns } from "../../src/chunk/partial-read.ts";
import type { RangeQuery, ReadableStore, Store } from "../../src/stores/store.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { hasPackage, startFileServer, startS3rver, type FileServer } from "../helpers/servers.ts";

/** The arrays zarr-python writes: name → [chunk bytes, selection, zarr-python's values of it]. */
interface Written {
  dir: string;
  chunkBytes: Record<string, number>;
  storedBytes: Record<string, number>;
  rows: Record<string, number[]>;
  cols: Record<string, number[]>;
}

const ARRAYS = ["raw", "zstd", "lz4", "memcpy"] as const;

let written: Written | undefined;
let server: FileServer | undefined;

before(async () => {
  if (skipWithoutZarrPython) return;
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-partial-"));
  const out = runPython<Omit<Written, "dir">>(
    String.raw`
from numcodecs import Blosc
rng = np.random.default_rng(0)
root = zarr.open_group(zarr.DirectoryStore(inp['dir']), mode='w')
data = {
  'raw': (rng.random((200, 1000)), (100, 1000), None),
  'zstd': (rng.random((200, 1000)), (100, 1000), Blosc(cname='zstd', clevel=1, shuffle=Blosc.NOSHUFFLE, blocksize=16384)),
  'lz4': (rng.integers(0, 50, (1000, 1000)).astype('>i4'), (500, 1000), Blosc(cname='lz4', clevel=5, shuffle=Blosc.SHUFFLE)),
  'memcpy': (rng.random((200, 1000)), (100, 1000), Blosc(cname='lz4', clevel=0)),
}
out = {'chunkBytes': {}, 'storedBytes': {}, 'rows': {}, 'cols': {}}
for name, (a, chunks, comp) in data.items():
  z = root.create_dataset(name, data=a, chunks=chunks, compressor=comp)
  out['chunkBytes'][name] = int(np.prod(chunks)) * a.dtype.itemsize
  out['storedBytes'][name] = os.path.getsize(os.path.join(inp['dir'], name, '1.0'))
  out['rows'][name] = z[137, 250:750].tolist()
  out['cols'][name] = z[100:200:7, 3].tolist()
`,
    { dir },
  );
  written = { dir, ...out };
  server = await startFileServer(dir);
});
after(async () => {
  await server?.stop();
  if (written) rmSync(written.dir, { recursive: true, force: true });
});

/** A store that forwards get/getRange to `inner` and counts the bytes it hands out. */
function counting(inner: ReadableStore): ReadableStore & { bytes: number; ranges: RangeQuery[] } {
  const c = {
    bytes: 0,
    ranges: [] as RangeQuery[],
    async get(key: string, opts?: { signal?: AbortSignal }) {
      const v = await inner.get(key, opts);
      c.bytes += v?.byteLength ?? 0;
      return v;
    },
    async getRange(key: string, range: RangeQuery, opts?: { signal?: AbortSignal }) {
      c.ranges.push(range);
      const v = await inner.getRange!(key, range, opts);
      c.bytes += v?.byteLength ?? 0;
      return v;
    },
  };
  if (!inner.getRange) delete (c as { getRange?: unknown }).getRange;
  return c;
}

/** A selection's values (a scalar for an integer selection, else the NDArray as lists). */
const values = (v: unknown): unknown => (v && typeof (v as { toList?: unknown }).toList === "function" ? (v as { toList(): unknown }).toList() : v);

async function openNamed(store: ReadableStore, name: string): Promise<ZarrArray> {
  return openArray(store as Store, { mode: "r", path: name });
}

test("partial reads: planning coalesces neighbours and covers when one range per request", () => {
  const runs = [{ start: 0, end: 8 }, { start: 10, end: 16 }, { start: 100, end: 108 }];
  assert.deepEqual(planRanges(runs, { maxGap: 4, maxRequests: 5 }), [{ start: 0, end: 16 }, { start: 100, end: 108 }]);
  assert.deepEqual(planRanges(runs, { maxGap: 4, maxRequests: 1 }), [{ start: 0, end: 108 }]);
  assert.deepEqual(planRanges(runs, { maxGap: 0, maxRequests: 9 }), runs);
  // One row of a 4x10 C-order f8 chunk is one run; a column is four runs of one element.
  const row = { chunkCoords: [0, 0], dims: [{ chunkIndex: 0, chunkStart: 2, chunkStep: 1, count: 1, outStart: 0 }, { chunkIndex: 0, chunkStart: 0, chunkStep: 1, count: 10, outStart: 0 }] };
  assert.deepEqual(projectionRuns(row, [10, 1], 8), [{ start: 160, end: 240 }]);
  const col = { chunkCoords: [0, 0], dims: [{ chunkIndex: 0, chunkStart: 0, chunkStep: 1, count: 4, outStart: 0 }, { chunkIndex: 0, chunkStart: 3, chunkStep: 1, count: 1, outStart: 0 }] };
  assert.deepEqual(projectionRuns(col, [10, 1], 8), [0, 1, 2, 3].map((r) => ({ start: r * 80 + 24, end: r * 80 + 32 })));
});

test("partial reads over HTTP: one row of zarr-python's uncompressed and Blosc chunks transfers far less than the chunk", { skip: skipWithoutZarrPython }, async (t) => {
  const w = written!;
  const store = new HTTPStore(server!.url);
  for (const name of ARRAYS) {
    const z = await openNamed(store, name);
    server!.log.length = 0;
    const row = await z.get("137, 250:750");
    const chunkLog = server!.log.filter((r) => r.path === `/${name}/${name === "lz4" ? "0.0" : "1.0"}`);
    assert.ok(chunkLog.length > 0, `${name}: the chunk was requested`);
    const served = chunkLog.reduce((s, r) => s + (r.bytes ?? 0), 0);
    assert.deepEqual(row.toList(), w.rows[name], `${name}: values equal zarr-python's`);
    assert.ok(chunkLog.every((r) => r.status === 206), `${name}: only range requests (${JSON.stringify(chunkLog)})`);
    const limit = name === "lz4" ? w.chunkBytes[name] / 3 : w.chunkBytes[name] / 10;
    assert.ok(served < limit, `${name}: served ${served} bytes of a ${w.chunkBytes[name]}-byte chunk (stored ${w.storedBytes[name]})`);
    t.diagnostic(`${name}: ${served} of ${w.chunkBytes[name]} chunk bytes (${w.storedBytes[name]} stored) in ${chunkLog.length} requests`);
    assert.ok(chunkLog.length <= 3, `${name}: ${chunkLog.length} requests for one chunk`);
    // A strided column touches the whole chunk: values still equal, read whole.
    assert.deepEqual((await z.get("100:200:7, 3")).toList(), w.cols[name], `${name}: column values`);
  }
});

test("partial reads: a whole read and a partial read of every small box agree", { skip: skipWithoutZarrPython }, async () => {
  const dir = written!.dir;
  const ds = new DirectoryStore(dir);
  const plain = counting({ get: (k) => ds.get(k) }); // no getRange: whole chunks
  const ranged = counting({ get: (k) => ds.get(k), getRange: (k, r) => ds.getRange(k, r) });
  for (const name of ARRAYS) {
    const a = await openNamed(plain, name);
    const b = await openNamed(ranged, name);
    for (const sel of ["0, :", "199, 999", "150:153, 10:990:3", "99:101, 500:510", "120, ::97"]) {
      assert.deepEqual(values(await b.get(sel)), values(await a.get(sel)), `${name}[${sel}]`);
    }
  }
  assert.ok(ranged.bytes < plain.bytes / 4, `ranged ${ranged.bytes} bytes vs whole ${plain.bytes}`);
});

test("partial reads: DirectoryStore through the JS path reads a row from a fraction of the file", { skip: skipWithoutZarrPython }, async () => {
  const w = written!;
  const ds = new DirectoryStore(w.dir);
  for (const name of ARRAYS) {
    const c = counting(ds); // forwards get/getRange only: no local-file capability, so the JS path runs
    const z = await openNamed(c, name);
    c.bytes = 0;
    assert.deepEqual((await z.get("137, 250:750")).toList(), w.rows[name], name);
    assert.ok(c.bytes < w.chunkBytes[name] / 3, `${name}: ${c.bytes} bytes read`);
  }
});

test("partial reads: an absent chunk reads as the fill value without a whole read", async () => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-partial-empty-"));
  try {
    const { create } = await import("../../src/index.ts");
    await create({ store: new DirectoryStore(dir), shape: [100, 100], chunks: [50, 100], dtype: "<i2", fillValue: 7, compressor: null });
    const c = counting(new DirectoryStore(dir));
    const z = await openArray(c as unknown as Store, { mode: "r" });
    assert.deepEqual((await z.get("3, 0:4")).toList(), [7, 7, 7, 7]);
    assert.ok(c.ranges.length >= 1, "asked with a range read");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const s3skip = skipWithoutZarrPython || (!hasPackage("@aws-sdk/client-s3") ? "@aws-sdk/client-s3 is not installed" : !hasPackage("s3rver") ? "s3rver is not installed" : false);

test("partial reads from S3 (s3rver): a row of a Blosc array fetches a fraction of the chunk", { skip: s3skip }, async (t) => {
  const w = written!;
  const s3 = await startS3rver(["zarr"]);
  t.after(() => s3.stop());
  const store = new S3Store({ bucket: "zarr", prefix: "p", endpoint: s3.url, region: "us-east-1", credentials: s3.credentials, forcePathStyle: true });
  t.after(() => store.close());
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const f of walk(w.dir)) {
    const key = relative(w.dir, f);
    if (key.startsWith("zstd") || !key.includes("/")) await store.set(key, readFileSync(f));
  }
  const c = counting(store);
  const z = await openNamed(c, "zstd");
  c.bytes = 0;
  assert.deepEqual((await z.get("137, 250:750")).toList(), w.rows.zstd);
  assert.ok(c.bytes < w.chunkBytes.zstd / 10, `${c.bytes} bytes from S3`);
});
