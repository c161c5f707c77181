/**
 * Bounded pure-JS decoding of what Python's `lzma.decompress` reads: .xz streams (LZMA2 and delta
 * filters, concatenated streams and stream padding), .lzma (FORMAT_ALONE) and raw LZMA1/LZMA2 chains.
 * @module
 */
import { createHash } from "node:crypto";
import { CodecError } from "../../errors.ts";
import { crc32, crc64 } from "./checksums.ts";
import {
  BoundedOutput,
  CHECK_SIZE,
  checkChain,
  decodeLzma1,
  decodeLzma2,
  deltaDecodeInPlace,
  FILTER_DELTA,
  FILTER_LZMA1,
  FILTER_LZMA2,
  FORMAT_ALONE,
  FORMAT_AUTO,
  FORMAT_RAW,
  lzmaOptions,
  MAGIC,
  type XzParams,
} from "./xz.ts";

const fail = (why: string): never => {
  throw new CodecError(`lzma decode failed: ${why}`);
};

function u32(d: Uint8Array, p: number): number {
  return (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0;
}

function readVli(d: Uint8Array, pos: number, end: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 9; i++) {
    if (pos >= end) fail("truncated .xz header field");
    const b = d[pos++];
    v += (b & 0x7f) * mul;
    mul *= 128;
    if (!(b & 0x80)) return [v, pos];
  }
  return fail("corrupt .xz variable-length integer");
}

function isXz(d: Uint8Array, pos = 0): boolean {
  return d.length - pos >= 12 && MAGIC.every((b, i) => d[pos + i] === b);
}

function verifyCheck(check: number, d: Uint8Array, pos: number, block: Uint8Array): void {
  const size = CHECK_SIZE[check];
  if (pos + size > d.length) fail("truncated block check");
  let want: Uint8Array;
  if (check === 0) return;
  if (check === 1) {
    const c = crc32(block);
    want = Uint8Array.of(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24);
  } else if (check === 4) {
    want = crc64(block);
  } else {
    want = createHash("sha256").update(block).digest();
  }
  for (let i = 0; i < size; i++) if (d[pos + i] !== want[i]) fail("integrity check failed (corrupt data)");
}

/** Decodes one .xz stream at `pos` into `out`; returns the position after its footer. */
function decodeStream(d: Uint8Array, pos: number, out: BoundedOutput): number {
  if (!isXz(d, pos)) fail("not an .xz stream");
  const flags = d.subarray(pos + 6, pos + 8);
  if (u32(d, pos + 8) !== crc32(flags)) fail("corrupt .xz stream header");
  const check = flags[1];
  if (flags[0] !== 0 || !(check in CHECK_SIZE)) fail(`unsupported .xz stream flags (check type ${check})`);
  pos += 12;
  const records: [number, number][] = [];
  for (;;) {
    if (pos >= d.length) fail("truncated .xz stream");
    if (d[pos] === 0) break;
    const hsize = (d[pos] + 1) * 4;
    if (pos + hsize > d.length) fail("truncated block header");
    if (u32(d, pos + hsize - 4) !== crc32(d.subarray(pos, pos + hsize - 4))) fail("corrupt block header");
    const bflags = d[pos + 1];
    if (bflags & 0x3c) fail("unsupported block header flags");
    let p = pos + 2;
    const hend = pos + hsize - 4;
    let csize: number | null = null;
    let usize: number | null = null;
    if (bflags & 0x40) [csize, p] = readVli(d, p, hend);
    if (bflags & 0x80) [usize, p] = readVli(d, p, hend);
    const filters: { id: number; dist?: number; dict?: number }[] = [];
    for (let i = 0; i <= (bflags & 3); i++) {
      let id: number;
      let psize: number;
      [id, p] = readVli(d, p, hend);
      [psize, p] = readVli(d, p, hend);
      if (p + psize > hend) fail("corrupt block header");
      if (id === FILTER_DELTA && psize === 1) filters.push({ id, dist: d[p] + 1 });
      else if (id === FILTER_LZMA2 && psize === 1 && d[p] <= 40) filters.push({ id, dict: d[p] === 40 ? 0xffffffff : (2 | (d[p] & 1)) * 2 ** ((d[p] >> 1) + 11) });
      else fail(`filter id ${id} is not supported without the native codec addon`);
      p += psize;
    }
    if (filters[filters.length - 1].id !== FILTER_LZMA2 || filters.slice(0, -1).some((f) => f.id !== FILTER_DELTA)) fail("unsupported filter chain");
    const dataStart = pos + hsize;
    const blockStart = out.pos;
    const dataEnd = decodeLzma2(d, dataStart, out, filters[filters.length - 1].dict!);
    for (let i = filters.length - 2; i >= 0; i--) deltaDecodeInPlace(out.buf, blockStart, out.pos, filters[i].dist!);
    const comp = dataEnd - dataStart;
    if ((csize !== null && csize !== comp) || (usize !== null && usize !== out.pos - blockStart)) fail("block sizes do not match its header");
    let q = dataEnd;
    while (q % 4 !== pos % 4) if (d[q++] !== 0) fail("corrupt block padding");
    verifyCheck(check, d, q, out.buf.subarray(blockStart, out.pos));
    q += CHECK_SIZE[check];
    records.push([hsize + comp + CHECK_SIZE[check], out.pos - blockStart]);
    pos = q;
  }
  // Index: must list exactly the blocks decoded.
  const indexStart = pos;
  let p = pos + 1;
  let count: number;
  [count, p] = readVli(d, p, d.length);
  if (count !== records.length) fail("corrupt index (block count)");
  for (const [unpadded, size] of records) {
    let a: number;
    let b: number;
    [a, p] = readVli(d, p, d.length);
    [b, p] = readVli(d, p, d.length);
    if (a !== unpadded || b !== size) fail("corrupt index (block sizes)");
  }
  while ((p - indexStart) % 4) if (d[p++] !== 0) fail("corrupt index padding");
  if (p + 4 + 12 > d.length) fail("truncated .xz footer");
  if (u32(d, p) !== crc32(d.subarray(indexStart, p))) fail("corrupt index (CRC32)");
  p += 4;
  const backward = (u32(d, p + 4) + 1) * 4;
  if (u32(d, p) !== crc32(d.subarray(p + 4, p + 10)) || backward !== p - indexStart || d[p + 8] !== flags[0] || d[p + 9] !== flags[1] || d[p + 10] !== 0x59 || d[p + 11] !== 0x5a) {
    fail("corrupt .xz footer");
  }
  return p + 12;
}

function decodeAlone(d: Uint8Array, out: BoundedOutput): void {
  if (d.length < 13) fail("truncated .lzma header");
  const lo = u32(d, 5);
  const hi = u32(d, 9);
  const size = lo === 0xffffffff && hi === 0xffffffff ? null : hi * 2 ** 32 + lo;
  decodeLzma1(d, 13, out, d[0], u32(d, 1), size);
}

/**
 * Decodes like Python's `lzma.decompress(data, format, filters=...)` without ever producing more
 * than `maxOut` bytes.
 */
export function xzDecompress(d: Uint8Array, p: XzParams, maxOut: number): Uint8Array {
  const out = new BoundedOutput(maxOut, Math.max(65536, d.length * 4));
  if (p.format === FORMAT_RAW) {
    if (!p.filters) fail("FORMAT_RAW needs a filter chain ('filters')");
    checkChain(p.filters!, "decode");
    const last = p.filters![p.filters!.length - 1];
    const o = lzmaOptions(last);
    if (last.id === FILTER_LZMA2) decodeLzma2(d, 0, out, o.dictSize);
    else decodeLzma1(d, 0, out, (o.pb * 5 + o.lp) * 9 + o.lc, o.dictSize, null);
    for (let i = p.filters!.length - 2; i >= 0; i--) deltaDecodeInPlace(out.buf, 0, out.pos, p.filters![i].dist ?? 1);
    return out.result();
  }
  // The containers record their filters; a chain given for them is not needed (the addon ignores it too).
  const xz = p.format === FORMAT_AUTO ? isXz(d) : p.format !== FORMAT_ALONE;
  if (!xz) {
    decodeAlone(d, out);
    return out.result();
  }
  let pos = decodeStream(d, 0, out);
  // Python keeps decoding concatenated streams and ignores what follows once one has decoded.
  for (;;) {
    while (pos + 4 <= d.length && u32(d, pos) === 0) pos += 4;
    if (!isXz(d, pos)) break;
    pos = decodeStream(d, pos, out);
  }
  return out.result();
}

export { FILTER_LZMA1 };
