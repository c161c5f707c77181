/**
 * Child process of stored-chunk-size.test.ts: runs every scenario on the codec path its
 * environment selects (the addon, or ZARRFLOW_NO_NATIVE=1) and prints one JSON line per scenario,
 * so the test checks the native and the fallback path from one file. Not a test file itself.
 *   stored-size-child.ts <workdir>
 */
import { randomBytes } from "node:crypto";
import { writeSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import {
  Blosc, BZ2, create, DirectoryStore, hasNativeCodecs, LZMA, MemoryStore, ndarray, openArray, SQLiteStore, ZarrError, ZipStore, Zlib, type Codec, type Store,
} from "../../src/internal.ts";
import { peakMB, resetPeak } from "../helpers/peak-rss.ts";

/** What one scenario saw. */
export interface Outcome {
  name: string;
  path: "native" | "fallback";
  /** "ok", or the error class name. */
  result: string;
  typed: boolean;
  code?: string;
  message?: string;
  /** Peak RSS growth over the scenario's reads, MB (the kernel's high-water mark, reset before). */
  peakGrowMB: number;
  /** For the legitimate-chunk scenarios: whether the values read back equal those written. */
  equal?: boolean;
}

const TB = 2 ** 40;
const GB = 2 ** 30;
const dir = process.argv[2];
const path = hasNativeCodecs() ? "native" : "fallback";
const line = (o: Outcome) => writeSync(1, JSON.stringify(o) + "\n");

/** Run `read` and record its outcome and peak memory growth. */
async function observe(name: string, read: () => Promise<unknown>): Promise<void> {
  resetPeak();
  const base = peakMB();
  let result = "ok", typed = false, code: string | undefined, message: string | undefined;
  try {
    await read();
  } catch (e) {
    result = (e as Error)?.constructor?.name ?? typeof e;
    typed = e instanceof ZarrError;
    code = (e as { code?: string }).code;
    message = String((e as Error)?.message ?? e);
  }
  line({ name, path, result, typed, code, message, peakGrowMB: Math.round(peakMB() - base) });
}

/** A 64-element `<i4` array (256 decoded bytes per chunk) in `store` with one chunk, key "c/0". */
async function smallArray(store: Store, compressor: Codec | null, write = true) {
  const z = await create({ store, path: "c", shape: [64], chunks: [64], dtype: "<i4", compressor, overwrite: true });
  if (write) await z.set(null, ndarray(Int32Array.from({ length: 64 }, (_, i) => i), [64]));
  return z;
}

/** Replace a chunk file by a sparse file of `size` bytes (`truncate -s`): nothing is written to disk. */
async function sparse(file: string, size: number): Promise<void> {
  await fsp.rm(file, { force: true });
  await (await fsp.open(file, "w")).close();
  await fsp.truncate(file, size);
}

const COMPRESSORS: [string, () => Codec | null][] = [
  ["zlib", () => new Zlib({ level: 1 })],
  ["blosc", () => new Blosc({ cname: "lz4", clevel: 5, shuffle: 1 })],
  ["none", () => null],
];

for (const [cname, make] of COMPRESSORS) {
  for (const [label, size] of [["1 TiB", TB], ["1 GiB", GB]] as const) {
    const root = join(dir, `${path}-${cname}-${label.replace(" ", "")}.zarr`);
    const z = await smallArray(new DirectoryStore(root), make());
    await sparse(join(root, "c", "0"), size);
    await observe(`DirectoryStore ${cname}, ${label} sparse chunk: get()`, () => z.get());
    await observe(`DirectoryStore ${cname}, ${label} sparse chunk: get("0:2")`, () => z.get("0:2"));
    // A partial write reads the chunk to merge into it: refused too, and the chunk stays as it was.
    await observe(`DirectoryStore ${cname}, ${label} sparse chunk: set("0:2", 7)`, () => z.set("0:2", 7));
    const st = await fsp.stat(join(root, "c", "0"));
    if (st.size !== size) throw new Error(`the refused write changed the chunk file (${st.size} bytes)`);
  }
}

// Many tiny chunks (read in native batches where the addon is loaded): one sparse chunk among 40
// fails the read, named by its key.
{
  const root = join(dir, `${path}-many.zarr`);
  const z = await create({ store: new DirectoryStore(root), path: "c", shape: [64 * 40], chunks: [64], dtype: "<i4", compressor: new Zlib({ level: 1 }) });
  await z.set(null, ndarray(Int32Array.from({ length: 64 * 40 }, (_, i) => i), [64 * 40]));
  await sparse(join(root, "c", "17"), TB);
  await observe("DirectoryStore zlib, 40 chunks, chunk 17 a 1 TiB sparse file: get()", () => z.get());
}

// Stores that know a value's size before reading it (a zip entry, an SQLite BLOB) and one that
// does not (memory): 300 kB stored for a 256-byte chunk.
const big = randomBytes(300_000);
{
  const file = join(dir, `${path}.zip`);
  const w = new ZipStore(file, { mode: "w" });
  await smallArray(w, new Zlib(), false);
  w.set("c/0", big);
  await w.close();
  const z = await openArray(new ZipStore(file, { mode: "r" }), { path: "c", mode: "r" });
  await observe("ZipStore, 300 kB entry for a 256-byte chunk: get()", () => z.get());
}
try {
  const s = new SQLiteStore(join(dir, `${path}.sqlite`));
  const z = await smallArray(s, new Zlib());
  await s.set("c/0", big);
  await observe("SQLiteStore, 300 kB value for a 256-byte chunk: get()", () => z.get());
  await s.close();
} catch (e) {
  if (!(e instanceof Error && /better-sqlite3/.test(e.message))) throw e;
}
{
  const s = new MemoryStore();
  const z = await smallArray(s, new Zlib());
  s.set("c/0", big);
  await observe("MemoryStore, 300 kB value for a 256-byte chunk: get()", () => z.get());
}

// Legitimate chunks of incompressible data stay inside the bound with every compressor.
const LEGIT: [string, () => Codec][] = [
  ["zlib", () => new Zlib({ level: 9 })],
  ["blosc-zstd", () => new Blosc({ cname: "zstd", clevel: 9, shuffle: 2 })],
  ["bz2", () => new BZ2({ level: 9 })],
  ["lzma .lzma", () => new LZMA({ format: 2, preset: 9 })],
  ["lzma raw", () => new LZMA({ format: 3, filters: [{ id: 2 ** 62, preset: 6 }] })],
];
for (const [cname, make] of LEGIT) {
  const n = 16384;
  const values = new Int32Array(randomBytes(4 * n).buffer);
  const z = await create({ store: new DirectoryStore(join(dir, `${path}-legit-${cname.replace(/\W/g, "")}.zarr`)), shape: [n], chunks: [n], dtype: "<i4", compressor: make() });
  await z.set(null, ndarray(values, [n]));
  let equal = false;
  await observe(`legitimate incompressible chunk, ${cname}: get()`, async () => {
    const got = (await z.get()) as { data: Int32Array };
    equal = got.data.every((v, i) => v === values[i]);
  });
  writeSync(1, JSON.stringify({ name: `legitimate incompressible chunk, ${cname}: equal`, path, result: "ok", typed: false, peakGrowMB: 0, equal }) + "\n");
}
writeSync(1, "DONE\n");
