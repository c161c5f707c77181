/**
 * Pure-JS LZMA for the `lzma` codec without the native addon: the .xz container (LZMA2 and delta
 * filters; CRC32, CRC64 and SHA-256 checks), the legacy .lzma container and raw streams, as
 * Python's `lzma.compress`/`lzma.decompress` read and write them. Decoding is bounded; encoding
 * uses the `lzma-purejs` LZMA1 encoder (an optional dependency), wrapping each LZMA2 chunk as an
 * independent LZMA1 stream, which every LZMA2 decoder accepts.
 * @module
 */
import { createHash } from "node:crypto";
import { CodecError } from "../../errors.ts";
import { BoundedOutput, decodeLzma1, decodeLzma2 } from "./lzma-decoder.ts";
import { crc32, crc64 } from "./checksums.ts";

const FORMAT_AUTO = 0;
const FORMAT_XZ = 1;
const FORMAT_ALONE = 2;
const FORMAT_RAW = 3;
const FILTER_LZMA1 = 2 ** 62;
const FILTER_LZMA2 = 0x21;
const FILTER_DELTA = 0x03;
const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const CHECK_SIZE: Record<number, number> = { 0: 0, 1: 4, 4: 8, 10: 32 };

/** One filter of a chain, as in Python's lzma module. */
export type FilterSpec = { id: number; [option: string]: number | undefined };

/** Parameters of one LZMA codec instance (numcodecs' names). */
export interface XzParams {
  format: number;
  check: number;
  preset: number | null;
  filters: FilterSpec[] | null;
}

const fail = (op: string, why: string): never => {
  throw new CodecError(`lzma ${op} failed: ${why}`);
};

/** liblzma's `lzma_lzma_preset`: the LZMA1/LZMA2 options a preset stands for. */
function presetOptions(preset: number) {
  const level = preset & 0x1f;
  const extreme = (preset >>> 0) >= 0x80000000;
  const dictPow = [18, 20, 21, 22, 22, 23, 23, 24, 25, 26][level];
  let niceLen = level <= 3 ? (level <= 1 ? 128 : 273) : level === 4 ? 16 : level === 5 ? 32 : 64;
  let fast = level <= 3;
  if (extreme) {
    fast = false;
    niceLen = level === 3 || level === 5 ? 192 : 273;
  }
  return { dictSize: 2 ** dictPow, lc: 3, lp: 0, pb: 2, niceLen, fast };
}

/** The LZMA options of a filter spec: its preset (default 6) overridden by explicit keys. */
function lzmaOptions(spec: FilterSpec) {
  const o = presetOptions(spec.preset ?? 6);
  return {
    dictSize: spec.dict_size ?? o.dictSize,
    lc: spec.lc ?? o.lc,
    lp: spec.lp ?? o.lp,
    pb: spec.pb ?? o.pb,
    niceLen: spec.nice_len ?? o.niceLen,
    fast: spec.mode !== undefined ? spec.mode === 1 : o.fast,
  };
}

type LzmaOpts = ReturnType<typeof lzmaOptions>;

function checkChain(filters: FilterSpec[], op: string): void {
  if (filters.length === 0 || filters.length > 4) fail(op, "a filter chain has 1 to 4 filters");
  filters.forEach((f, i) => {
    const last = i === filters.length - 1;
    if (f.id === FILTER_DELTA && !last) return;
    if ((f.id === FILTER_LZMA2 || f.id === FILTER_LZMA1) && last) return;
    if (f.id === FILTER_DELTA || f.id === FILTER_LZMA1 || f.id === FILTER_LZMA2) fail(op, `filters[${i}] (id ${f.id}) is not valid at this position of the chain`);
    fail(op, `filters[${i}] (BCJ filter id ${f.id}) is not supported without the native codec addon`);
  });
}

function deltaEncode(data: Uint8Array, dist: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - (i >= dist ? data[i - dist] : 0)) & 0xff;
  return out;
}

function deltaDecodeInPlace(buf: Uint8Array, start: number, end: number, dist: number): void {
  for (let i = start + dist; i < end; i++) buf[i] = (buf[i] + buf[i - dist]) & 0xff;
}

// ---- encoding

type LzmaPurejs = { compressFile(input: Uint8Array, out: { writeByte(b: number): void }, props: object): unknown };
let purejs: Promise<LzmaPurejs> | undefined;
async function loadEncoder(): Promise<LzmaPurejs> {
  const name = "lzma-purejs";
  purejs ??= import(name).then(
    (m: { default?: LzmaPurejs }) => (m.default ?? m) as LzmaPurejs,
    (e: unknown) => {
      purejs = undefined;
      throw new CodecError(`lzma encode failed: the JS fallback needs the optional dependency 'lzma-purejs' (${e instanceof Error ? e.message : String(e)})`);
    },
  );
  return purejs;
}

/** log2 of the dictionary a .lzma header declares for `dictSize` (2^12 to 2^28, rounded down). */
function declaredDictLog(dictSize: number): number {
  return Math.max(12, Math.min(28, Math.floor(Math.log2(Math.max(4096, dictSize)))));
}

/**
 * LZMA1 data of `input` (no header): with `eos`, ended by the end marker. The dictionary is the
 * smaller of the options' and the input's size, so memory follows the chunk, not the preset.
 */
function lzma1(enc: LzmaPurejs, input: Uint8Array, o: LzmaOpts, eos: boolean): Uint8Array {
  let buf = new Uint8Array(Math.max(64, input.length + (input.length >> 3) + 64));
  let n = 0;
  const sink = {
    writeByte(b: number) {
      if (n === buf.length) {
        const next = new Uint8Array(buf.length * 2);
        next.set(buf);
        buf = next;
      }
      buf[n++] = b;
    },
  };
  // The encoder's memory grows with its dictionary (lzma-purejs keeps ~2 JS array slots per byte of
  // it: 300-700 MB for presets 6-9), but no match can reach further back than the input's start, so a
  // dictionary the size of the input finds the same matches. Never above the declared dictionary.
  const d = Math.min(declaredDictLog(o.dictSize), Math.max(12, Math.ceil(Math.log2(Math.max(1, input.length)))));
  enc.compressFile(input, sink, { a: o.fast ? 0 : 2, d, fb: Math.max(5, Math.min(273, o.niceLen)), mf: "bt4", lc: o.lc, lp: o.lp, pb: o.pb, eos });
  return buf.slice(13, n);
}

/** Raw LZMA2: each chunk an independent LZMA1 stream (dictionary + state reset), or stored. */
function lzma2(enc: LzmaPurejs, input: Uint8Array, o: LzmaOpts): Uint8Array {
  if (o.lc + o.lp > 4) fail("encode", "LZMA2 needs lc + lp <= 4");
  const parts: Uint8Array[] = [];
  const props = (o.pb * 5 + o.lp) * 9 + o.lc;
  let at = 0;
  let piece = 1 << 21;
  while (at < input.length) {
    const size = Math.min(piece, input.length - at);
    const src = input.subarray(at, at + size);
    const packed = lzma1(enc, src, o, false);
    if (packed.length > 65536) {
      piece = Math.max(4096, Math.floor((size * 60000) / packed.length));
      continue;
    }
    if (packed.length >= size) {
      for (let i = 0; i < size; i += 65536) {
        const part = src.subarray(i, Math.min(size, i + 65536));
        parts.push(Uint8Array.of(0x01, (part.length - 1) >> 8, (part.length - 1) & 0xff), part);
      }
    } else {
      const u = size - 1;
      const p = packed.length - 1;
      parts.push(Uint8Array.of(0xe0 | (u >> 16), (u >> 8) & 0xff, u & 0xff, p >> 8, p & 0xff, props), packed);
    }
    at += size;
    piece = Math.min(1 << 21, Math.floor((size * 60000) / Math.max(1, packed.length)));
  }
  parts.push(Uint8Array.of(0));
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function vli(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** LZMA2's one-byte dictionary size: the smallest 2^n or 3·2^(n-1) (from 4 KiB) holding `d`. */
function dictByte(d: number): number {
  for (let i = 0; i < 40; i++) if ((2 | (i & 1)) * 2 ** (Math.floor(i / 2) + 11) >= d) return i;
  return 40;
}

function checkBytes(check: number, data: Uint8Array): number[] {
  if (check === 0) return [];
  if (check === 1) return le32(crc32(data));
  if (check === 4) return [...crc64(data)];
  return [...createHash("sha256").update(data).digest()];
}

function filterFlags(f: FilterSpec): number[] {
  if (f.id === FILTER_DELTA) return [FILTER_DELTA, 1, (f.dist ?? 1) - 1];
  return [FILTER_LZMA2, 1, dictByte(lzmaOptions(f).dictSize)];
}

function runChain(enc: LzmaPurejs, data: Uint8Array, filters: FilterSpec[]): Uint8Array {
  let b = data;
  for (const f of filters.slice(0, -1)) b = deltaEncode(b, f.dist ?? 1);
  const last = filters[filters.length - 1];
  return last.id === FILTER_LZMA2 ? lzma2(enc, b, lzmaOptions(last)) : lzma1(enc, b, lzmaOptions(last), true);
}

/** Encodes like Python's `lzma.compress(data, format, check, preset, filters)`. */
export async function xzCompress(data: Uint8Array, p: XzParams): Promise<Uint8Array> {
  if (p.preset !== null && p.filters !== null) fail("encode", "cannot specify both 'preset' and 'filters'");
  if (p.format === FORMAT_AUTO) fail("encode", "format FORMAT_AUTO (0) is only valid for decoding");
  const enc = await loadEncoder();
  if (p.format === FORMAT_ALONE) {
    if (p.check !== -1 && p.check !== 0) fail("encode", "FORMAT_ALONE has no integrity check ('check' must be -1 or 0)");
    const f = p.filters ?? [{ id: FILTER_LZMA1, preset: p.preset ?? 6 }];
    if (f.length !== 1 || f[0].id !== FILTER_LZMA1) fail("encode", "FORMAT_ALONE needs exactly one LZMA1 filter");
    const o = lzmaOptions(f[0]);
    const body = lzma1(enc, data, o, false);
    const d = 2 ** declaredDictLog(o.dictSize);
    const size = data.length;
    return concat([Uint8Array.of((o.pb * 5 + o.lp) * 9 + o.lc, ...le32(d), ...le32(size % 2 ** 32), ...le32(Math.floor(size / 2 ** 32))), body]);
  }
  if (p.format === FORMAT_RAW) {
    if (p.check !== -1 && p.check !== 0) fail("encode", "FORMAT_RAW has no integrity check ('check' must be -1 or 0)");
    if (!p.filters) fail("encode", "must specify filters for FORMAT_RAW ('filters')");
    checkChain(p.filters!, "encode");
    return runChain(enc, data, p.filters!);
  }
  const check = p.check === -1 ? 4 : p.check;
  const filters = p.filters ?? [{ id: FILTER_LZMA2, preset: p.preset ?? 6 }];
  checkChain(filters, "encode");
  if (filters[filters.length - 1].id !== FILTER_LZMA2) fail("encode", "an .xz chain must end with LZMA2");
  const flags = [0, check];
  const parts: Uint8Array[] = [Uint8Array.of(...MAGIC, ...flags, ...le32(crc32(Uint8Array.from(flags))))];
  const records: number[][] = [];
  if (data.length > 0) {
    const hdr = [0, filters.length - 1, ...filters.flatMap(filterFlags)];
    while ((hdr.length + 4) % 4) hdr.push(0);
    hdr[0] = (hdr.length + 4) / 4 - 1;
    const header = Uint8Array.of(...hdr, ...le32(crc32(Uint8Array.from(hdr))));
    const body = runChain(enc, data, filters);
    const pad = (4 - (body.length % 4)) % 4;
    parts.push(header, body, new Uint8Array(pad), Uint8Array.from(checkBytes(check, data)));
    records.push([header.length + body.length + CHECK_SIZE[check], data.length]);
  }
  const index = [0, ...vli(records.length), ...records.flatMap(([u, n]) => [...vli(u), ...vli(n)])];
  while (index.length % 4) index.push(0);
  const indexBytes = Uint8Array.of(...index, ...le32(crc32(Uint8Array.from(index))));
  const footerBody = [...le32(indexBytes.length / 4 - 1), ...flags];
  parts.push(indexBytes, Uint8Array.of(...le32(crc32(Uint8Array.from(footerBody))), ...footerBody, 0x59, 0x5a));
  return concat(parts);
}

// ---- decoding: see xz-decode.ts
export { deltaDecodeInPlace, lzmaOptions, presetOptions, checkChain, dictByte, CHECK_SIZE, MAGIC, FILTER_DELTA, FILTER_LZMA1, FILTER_LZMA2, FORMAT_ALONE, FORMAT_AUTO, FORMAT_RAW, FORMAT_XZ };
export { BoundedOutput, decodeLzma1, decodeLzma2 };
