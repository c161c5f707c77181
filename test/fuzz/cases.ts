/**
 * The fuzz cases: hostile metadata (.zarray/.zgroup/.zattrs) and damaged chunks for every codec.
 * Each `run*Case` performs the operations of one case and reports every outcome; it never throws
 * for an expected outcome (success or a ZarrError). Not a test file itself.
 */
import { chunkAccess } from "../../src/array/chunk-access.ts";
import { readFileSync, writeFileSync } from "node:fs";
import {
  Blosc, BZ2, create, ndarray, GZip, LZ4, LZMA, MemoryStore, openGroup, ZarrArray, ZarrError, Zlib, Zstd, type Codec,
} from "../../src/internal.ts";
import { caseRng, damageText, mutateDoc, toJsonText, type Rng } from "./gen.ts";

/** A store whose chunk writes stop after a few, so full writes over huge shapes end quickly. */
export class StopWrites extends Error {}
class FailAfter extends MemoryStore {
  writes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override set(key: string, value: Uint8Array) {
    if (!key.split("/").pop()!.startsWith(".z") && ++this.writes > this.limit) throw new StopWrites("store full");
    return super.set(key, value);
  }
}

/** One operation's outcome: "ok", "typed" (a ZarrError), "untyped" (anything else thrown) or "timeout". */
export interface OpOutcome {
  op: string;
  result: "ok" | "typed" | "untyped" | "timeout";
  detail?: string;
}

/** Run one async op under a timeout and classify what happened. */
export async function runOp<T>(op: string, fn: () => Promise<T> | T, timeoutMs: number, out: OpOutcome[]): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const v = await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutSignal()), timeoutMs))),
    ]);
    out.push({ op, result: "ok" });
    return v;
  } catch (e) {
    if (e instanceof TimeoutSignal) out.push({ op, result: "timeout" });
    else if (e instanceof StopWrites || e instanceof ZarrError) out.push({ op, result: e instanceof StopWrites ? "ok" : "typed" });
    else out.push({ op, result: "untyped", detail: `${(e as Error)?.name}: ${String((e as Error)?.message ?? e).slice(0, 300)}` });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
class TimeoutSignal extends Error {}

// ------------------------------------------------------------------ metadata

interface MetaBase {
  name: string;
  entries: [string, Uint8Array][];
}

/** Valid stores to mutate: one array `a` in a root group, of many dtypes, codecs, orders, separators. */
export async function metadataBases(): Promise<MetaBase[]> {
  const specs: [string, Record<string, unknown>][] = [
    ["i4-blosc", { shape: [20, 30], chunks: [7, 11], dtype: "<i4", compressor: new Blosc() }],
    ["f8-zlib-delta", { shape: [100], chunks: [10], dtype: "<f8", compressor: new Zlib(), fillValue: NaN }],
    ["struct", { shape: [10], chunks: [4], dtype: [["a", "<i4"], ["b", "|S3"]], compressor: null, fillValue: null }],
    ["S5-F-zstd", { shape: [6, 6], chunks: [3, 3], dtype: "|S5", order: "F", compressor: new Zstd() }],
    ["U3-lz4-slash", { shape: [8], chunks: [3], dtype: "<U3", compressor: new LZ4(), dimensionSeparator: "/" }],
    ["M8-gzip", { shape: [5], chunks: [5], dtype: "<M8[ns]", compressor: new GZip() }],
    ["0d-f4", { shape: [], chunks: [], dtype: "<f4", compressor: null, fillValue: 1.5 }],
    ["u2-lzma", { shape: [30], chunks: [10], dtype: "<u2", compressor: new LZMA() }],
    ["c16-bz2", { shape: [9], chunks: [4], dtype: "<c16", compressor: new BZ2() }],
    ["str-object", { shape: [7], chunks: [3], dtype: "str" }],
  ];
  const out: MetaBase[] = [];
  for (const [name, opts] of specs) {
    try {
      const s = new MemoryStore();
      s.set(".zgroup", new TextEncoder().encode('{\n    "zarr_format": 2\n}'));
      const z = await create({ ...opts, store: s, path: "a", attributes: { title: name, nested: { list: [1, 2, 3] } } });
      if (z.dtype === "|O") await z.set("0:3", ["x", "yy", "zzz"]);
      else if (z.ndim > 0) await z.set([0], (await z.get([0])) as never).catch(() => undefined);
      out.push({ name, entries: [...s.list()].map((k) => [k, s.get(k)!] as [string, Uint8Array]) });
    } catch {
      // A codec unavailable here (bz2/lzma without the native addon): skip that base.
    }
  }
  return out;
}

const dec = new TextDecoder();

/** One metadata case: mutate a document, then open, read, write. */
export async function runMetadataCase(bases: MetaBase[], seed: number, index: number, timeoutMs: number, announce: (input: string) => void = () => {}): Promise<{ outcomes: OpOutcome[]; input: string }> {
  const rng = caseRng(seed, index);
  const base = rng.pick(bases);
  const store = new FailAfter(4);
  for (const [k, v] of base.entries) store.set(k, v.slice());
  store.writes = 0;
  const target = rng.pick(["a/.zarray", "a/.zarray", "a/.zarray", "a/.zarray", "a/.zarray", "a/.zarray", "a/.zarray", ".zgroup", "a/.zattrs", "a/.zattrs"]);
  let doc: unknown = JSON.parse(dec.decode(store.get(target)!));
  for (let m = 1 + rng.int(3); m > 0; m--) doc = mutateDoc(doc, rng);
  let text = toJsonText(doc);
  if (rng.chance(0.15)) text = damageText(text, rng);
  store.set(target, new TextEncoder().encode(text));
  const outcomes: OpOutcome[] = [];
  const input = `${base.name} ${target} = ${text.length > 400 ? text.slice(0, 400) + `… (${text.length} chars)` : text}`;
  announce(input);
  if (target === ".zgroup") {
    const g = await runOp("openGroup", () => openGroup(store, { mode: "r" }), timeoutMs, outcomes);
    if (g) await runOp("group.attrs", () => g.attrs.asObject(), timeoutMs, outcomes);
    return { outcomes, input };
  }
  const z = await runOp("open", () => ZarrArray.open(store, { path: "a" }), timeoutMs, outcomes);
  if (!z) return { outcomes, input };
  await runOp("attrs.asObject", () => z.attrs.asObject(), timeoutMs, outcomes);
  if (target === "a/.zattrs") await runOp("attrs.set", () => z.attrs.set("fuzz", [1, "two", null]), timeoutMs, outcomes);
  await exerciseArray(z, rng, timeoutMs, outcomes);
  return { outcomes, input };
}

async function exerciseArray(z: ZarrArray, rng: Rng, timeoutMs: number, outcomes: OpOutcome[]): Promise<void> {
  const shape = z.shape;
  const one = shape.map((n) => (n > 0 ? (rng.chance(0.5) ? 0 : n - 1) : 0));
  await runOp("get(one)", () => z.get(one), timeoutMs, outcomes);
  const small = shape.map((n) => `0:${Math.min(n, 3)}`).join(",");
  await runOp("get(small)", () => z.get(shape.length ? small : "..."), timeoutMs, outcomes);
  await runOp("set(small)", () => z.set(shape.length ? small : "...", z.dtype === "|O" ? "v" : 1), timeoutMs, outcomes);
  await runOp("set(all)", () => z.set(null, z.dtype === "|O" ? "v" : 0), timeoutMs, outcomes);
  // Whole reads allocate the output: only for arrays whose output is small.
  if (z.size * Math.max(1, z.itemsize) <= 64 * 2 ** 20) await runOp("get(all)", () => z.get(), timeoutMs, outcomes);
}

// ------------------------------------------------------------------ chunks

/** A codec configuration and the compressed bytes of chunk `0.0` of a 64×50 `<i4` array (chunks 32×50). */
export interface ChunkBase {
  name: string;
  config: Record<string, unknown> | null;
  chunk: string; // base64
  bomb?: string; // base64: a stream decoding to `bombBytes` zeros
  bombBytes?: number;
}
const CHUNK_SHAPE = [32, 50];

const CODECS: [string, () => Codec | null][] = [
  ["none", () => null],
  ["blosc-lz4-shuffle", () => new Blosc({ cname: "lz4", clevel: 5, shuffle: 1 })],
  ["blosc-zstd-bitshuffle", () => new Blosc({ cname: "zstd", clevel: 3, shuffle: 2 })],
  ["blosc-zlib-noshuffle", () => new Blosc({ cname: "zlib", clevel: 1, shuffle: 0 })],
  ["blosc-blosclz", () => new Blosc({ cname: "blosclz", clevel: 9, shuffle: 1 })],
  ["blosc-lz4hc", () => new Blosc({ cname: "lz4hc", clevel: 5, shuffle: 1 })],
  ["zstd", () => new Zstd({ level: 1 })],
  ["lz4", () => new LZ4()],
  ["zlib", () => new Zlib({ level: 1 })],
  ["gzip", () => new GZip({ level: 1 })],
  ["bz2", () => new BZ2({ level: 1 })],
  ["lzma-xz", () => new LZMA({ preset: 0 })],
  ["lzma-alone", () => new LZMA({ format: 2, preset: 0 })],
  ["lzma-raw-lzma1", () => new LZMA({ format: 3, filters: [{ id: 2 ** 62, preset: 0 }] })],
];

/** Build the chunk bases (with the native addon, so every codec can encode) and write them to `file`. */
export async function prepareChunkBases(file: string, bombBytes: number): Promise<void> {
  const data = Int32Array.from({ length: 64 * 50 }, (_, i) => (i * 7919) % 1000);
  const zeros = bombBytes > 0 ? new Uint8Array(bombBytes) : null;
  const out: ChunkBase[] = [];
  for (const [name, make] of CODECS) {
    const codec = make();
    const s = new MemoryStore();
    const z = await create({ store: s, shape: [64, 50], chunks: CHUNK_SHAPE, dtype: "<i4", compressor: codec });
    await z.set(null, ndarray(data, [64, 50]));
    const b: ChunkBase = { name, config: codec ? codec.getConfig() : null, chunk: Buffer.from(s.get("0.0")!).toString("base64") };
    if (codec && zeros) {
      b.bomb = Buffer.from(await codec.encode(zeros, { dtype: "<i4", itemsize: 4 })).toString("base64");
      b.bombBytes = bombBytes;
    }
    out.push(b);
  }
  writeFileSync(file, JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? { $bigint: v.toString() } : v)));
}

/** Read the bases written by {@link prepareChunkBases}. */
export function loadChunkBases(file: string): ChunkBase[] {
  return JSON.parse(readFileSync(file, "utf8"), (_k, v) => (v && typeof v === "object" && "$bigint" in v ? BigInt(v.$bigint) : v));
}

const HEADER_FIELDS: Record<string, number[]> = {
  blosc: [2, 3, 4, 8, 12],
  lz4: [0],
  zstd: [4, 5, 6],
  gzip: [3, 4, -4, -8],
  bz2: [3],
  lzma: [1, 5, 9],
};

/** Damage compressed bytes: bit flips, truncation, garbage, header fields set to extreme values. */
function damageChunk(b: Uint8Array, name: string, rng: Rng): { bytes: Uint8Array; how: string } {
  const x = b.slice();
  const r = rng.int(7);
  if (r === 0 || x.length === 0) {
    const n = 1 + rng.int(8);
    for (let i = 0; i < n && x.length; i++) x[rng.int(x.length)] ^= 1 << rng.int(8);
    return { bytes: x, how: `flip ${n} bits` };
  }
  if (r === 1) {
    const n = rng.int(x.length);
    return { bytes: x.subarray(0, n), how: `truncate to ${n}` };
  }
  if (r === 2) {
    const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
    const y = new Uint8Array(x.length + extra.length);
    y.set(x);
    y.set(extra, x.length);
    return { bytes: y, how: `append ${extra.length} random bytes` };
  }
  if (r === 3) {
    const at = rng.int(x.length);
    const n = Math.min(x.length - at, 1 + rng.int(32));
    for (let i = 0; i < n; i++) x[at + i] = rng.int(256);
    return { bytes: x, how: `overwrite ${n} bytes at ${at}` };
  }
  // Header fields: a size, block size or flag set to an extreme.
  const family = Object.keys(HEADER_FIELDS).find((k) => name.startsWith(k));
  const offsets = family ? HEADER_FIELDS[family] : [0, 4, 8];
  let at = rng.pick(offsets);
  if (at < 0) at += x.length;
  const value = rng.pick([0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0x10000000]);
  const wide = rng.chance(0.3);
  const dv = new DataView(x.buffer, x.byteOffset, x.byteLength);
  if (at >= 0 && at + (wide ? 8 : 4) <= x.length) {
    if (wide) dv.setBigUint64(at, BigInt(value) * 0x100000001n, true);
    else dv.setUint32(at, value, rng.chance(0.8));
  } else if (at >= 0 && at < x.length) x[at] = value & 0xff;
  return { bytes: x, how: `header at ${at} := ${value.toString(16)}${wide ? " (64-bit)" : ""}` };
}

/** One bomb case: the decompression bomb of the `index`-th codec with one (skipping "none"), read every way. */
export async function runBombCase(bases: ChunkBase[], _seed: number, index: number, timeoutMs: number, announce: (input: string) => void = () => {}): Promise<{ outcomes: OpOutcome[]; input: string }> {
  const withBombs = bases.filter((b) => b.bomb);
  const base = withBombs[index % withBombs.length];
  const bytes = new Uint8Array(Buffer.from(base.bomb!, "base64"));
  return readChunkEveryWay(base, bytes, `${base.name}: bomb of ${bytes.length} bytes decoding to ${base.bombBytes} zero bytes`, timeoutMs, announce);
}

/** One chunk case: damage a valid chunk of one codec (or swap in a bomb), then read it three ways. */
export async function runChunkCase(bases: ChunkBase[], seed: number, index: number, timeoutMs: number, announce: (input: string) => void = () => {}): Promise<{ outcomes: OpOutcome[]; input: string }> {
  const rng = caseRng(seed, index);
  const base = bases[index % bases.length];
  const original = new Uint8Array(Buffer.from(base.chunk, "base64"));
  let bytes: Uint8Array;
  let how: string;
  if (base.bomb && rng.chance(0.06)) {
    bytes = new Uint8Array(Buffer.from(base.bomb, "base64"));
    how = `bomb: ${bytes.length} bytes decoding to ${base.bombBytes} zero bytes`;
  } else if (rng.chance(0.03)) {
    const other = rng.pick(bases);
    bytes = new Uint8Array(Buffer.from(other.chunk, "base64"));
    how = `chunk of ${other.name}`;
  } else ({ bytes, how } = damageChunk(original, base.name, rng));
  return readChunkEveryWay(base, bytes, `${base.name}: ${how} (${bytes.length} bytes; seed ${seed} case ${index})`, timeoutMs, announce);
}

/** Store `bytes` as chunk 0.0 of an array using `base`'s codec, then read it through every path. */
async function readChunkEveryWay(base: ChunkBase, bytes: Uint8Array, input: string, timeoutMs: number, announce: (input: string) => void): Promise<{ outcomes: OpOutcome[]; input: string }> {
  const outcomes: OpOutcome[] = [];
  announce(input);
  const s = new MemoryStore();
  const z = await runOp("create", () => create({ store: s, shape: [64, 50], chunks: CHUNK_SHAPE, dtype: "<i4", compressor: base.config as never }), timeoutMs, outcomes);
  if (!z) return { outcomes, input };
  s.set("0.0", bytes);
  await runOp("get(all)", () => z.get(), timeoutMs, outcomes);
  await runOp("get(one)", () => z.get([31, 49]), timeoutMs, outcomes);
  await runOp("readChunk", () => chunkAccess(z).readChunk([0, 0]), timeoutMs, outcomes);
  const codec = z.compressor;
  if (codec) {
    await runOp("codec.decode", () => codec.decode(bytes), timeoutMs, outcomes);
    await runOp("codec.decode(out)", () => codec.decode(bytes, new Uint8Array(32 * 50 * 4)), timeoutMs, outcomes);
  }
  return { outcomes, input };
}
