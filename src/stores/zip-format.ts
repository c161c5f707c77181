/**
 * The ZIP file format, as much of it as a zarr store needs: reading the central directory (with
 * ZIP64, prefixed archives and CP437 names, as Python's `zipfile` reads them) without touching any
 * entry's data, and writing local headers, the central directory and its end records.
 * @module
 */

import { readSync, fstatSync } from "node:fs";
import * as zlib from "node:zlib";
import { ZarrError } from "../errors.ts";

/** One entry of an archive's central directory. */
export interface ZipEntry {
  /** The name as stored (decoded). */
  name: string;
  /** 0 stored, 8 deflated (others are refused when read). */
  method: number;
  /** General purpose flags (bit 0: encrypted). */
  flags: number;
  crc: number;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  /** Offset of the local file header in the file. */
  localHeaderOffset: number;
  /** DOS time and date. */
  time: number;
  date: number;
  /** External attributes (Unix mode in the upper 16 bits). */
  externalAttrs: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
export const LOCAL_SIG = 0x04034b50;
/** Largest central directory we are willing to load (a hostile archive could declare more). */
const MAX_CENTRAL_DIRECTORY = 1 << 30;

/** Code points of CP437 bytes 0x80-0xFF: ZIP names without the UTF-8 flag are CP437 (as in `zipfile`). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/** Decode a stored name as `zipfile` does: UTF-8 with flag bit 11, else CP437. */
function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return new TextDecoder("utf-8").decode(bytes);
  let s = "";
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

/** A corrupt-archive error naming the file. */
function corrupt(path: string, what: string): ZarrError {
  return new ZarrError(`ZipStore '${path}' is not a valid ZIP archive: ${what}`);
}

/** Read exactly `length` bytes at `position` (fewer only at the end of the file). */
function readAt(fd: number, position: number, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** A little-endian 64-bit field that must stay within JavaScript's safe integers. */
function u64(view: DataView, at: number, path: string): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(path, "a ZIP64 size or offset is out of range");
  return Number(v);
}

/**
 * Read the central directory of the archive open as `fd`: every entry's name, sizes and offsets,
 * and nothing of their data, so opening a huge archive (or a zip bomb) costs only its directory.
 * @throws {ZarrError} naming the file for anything that is not a well-formed ZIP archive.
 */
export function readCentralDirectory(fd: number, path: string): ZipEntry[] {
  const fileSize = fstatSync(fd).size;
  if (fileSize < 22) throw corrupt(path, `${fileSize} bytes is too short for an end of central directory record`);
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tailStart = fileSize - tailLength;
  const tail = readAt(fd, tailStart, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIG && i + 22 + tv.getUint16(i + 20, true) <= tail.byteLength) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt(path, "no end of central directory record");
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const eocdPos = tailStart + eocd;
  let recordsStart = eocdPos; // where the central directory must end (before the end records)
  if (eocdPos >= 20) {
    const loc = readAt(fd, eocdPos - 20, 20);
    const lv = new DataView(loc.buffer, loc.byteOffset, loc.byteLength);
    if (loc.byteLength === 20 && lv.getUint32(0, true) === ZIP64_LOCATOR_SIG && eocdPos >= 76) {
      // Read the ZIP64 record where it must sit (as zipfile does), not where the locator says, so
      // bytes prepended to the archive do not misplace it.
      const rec = readAt(fd, eocdPos - 76, 56);
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      if (rec.byteLength < 56 || rv.getUint32(0, true) !== ZIP64_EOCD_SIG) throw corrupt(path, "bad ZIP64 end of central directory record");
      count = u64(rv, 32, path);
      cdSize = u64(rv, 40, path);
      cdOffset = u64(rv, 48, path);
      recordsStart = eocdPos - 20 - 56;
    }
  }
  // Bytes prepended to the archive (a self-extracting stub) shift every offset, as zipfile allows.
  const concat = recordsStart - cdSize - cdOffset;
  if (concat < 0 || cdSize > MAX_CENTRAL_DIRECTORY) throw corrupt(path, "the central directory lies outside the file");
  const cd = readAt(fd, cdOffset + concat, cdSize);
  if (cd.byteLength !== cdSize) throw corrupt(path, "truncated central directory");
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.byteLength) {
    if (v.getUint32(p, true) !== CENTRAL_SIG) throw corrupt(path, `bad central directory entry at byte ${cdOffset + p}`);
    const flags = v.getUint16(p + 8, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    if (p + 46 + nameLen + extraLen + commentLen > cd.byteLength) throw corrupt(path, "truncated central directory entry");
    const e: ZipEntry = {
      name: decodeName(cd.subarray(p + 46, p + 46 + nameLen), flags),
      method: v.getUint16(p + 10, true),
      flags,
      time: v.getUint16(p + 12, true),
      date: v.getUint16(p + 14, true),
      crc: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      size: v.getUint32(p + 24, true),
      externalAttrs: v.getUint32(p + 38, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = v.getUint16(x, true);
      const len = v.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        const take = () => {
          if (q + 8 > x + 4 + len) throw corrupt(path, `short ZIP64 extra field of '${e.name}'`);
          const r = u64(v, q, path);
          q += 8;
          return r;
        };
        if (e.size === 0xffffffff) e.size = take();
        if (e.compressedSize === 0xffffffff) e.compressedSize = take();
        if (e.localHeaderOffset === 0xffffffff) e.localHeaderOffset = take();
      }
      x += 4 + len;
    }
    e.localHeaderOffset += concat;
    if (e.localHeaderOffset + 30 + e.compressedSize > fileSize) throw corrupt(path, `entry '${e.name}' lies outside the file`);
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (entries.length !== count) throw corrupt(path, `the central directory holds ${entries.length} entries, the end record says ${count}`);
  return entries;
}

/** CRC-32 as ZIP uses it: zlib's own where Node has it (20.15+), else a table-driven fallback. */
export const crc32: (data: Uint8Array, initial?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (data, initial = 0) => (zlib as unknown as { crc32(d: Uint8Array, v: number): number }).crc32(data, initial)
    : (() => {
        const table = new Uint32Array(256);
        for (let n = 0; n < 256; n++) {
          let c = n;
          for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
          table[n] = c >>> 0;
        }
        return (data: Uint8Array, initial = 0) => {
          let c = (initial ^ 0xffffffff) >>> 0;
          for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
          return (c ^ 0xffffffff) >>> 0;
        };
      })();

/** DOS time and date of a moment, in local time as Python's zipfile writes them. */
export function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Whether a value needs a ZIP64 field. */
const big = (n: number) => n >= 0xffffffff;

/** The local file header of an entry (ZIP64 sizes when needed), written before its data. */
export function localHeader(e: ZipEntry, nameBytes: Uint8Array): Uint8Array {
  const z64 = big(e.size) || big(e.compressedSize);
  const extraLen = z64 ? 20 : 0;
  const out = new Uint8Array(30 + nameBytes.byteLength + extraLen);
  const v = new DataView(out.buffer);
  v.setUint32(0, LOCAL_SIG, true);
  v.setUint16(4, z64 ? 45 : 20, true);
  v.setUint16(6, e.flags & 0x800, true);
  v.setUint16(8, e.method, true);
  v.setUint16(10, e.time, true);
  v.setUint16(12, e.date, true);
  v.setUint32(14, e.crc, true);
  v.setUint32(18, z64 ? 0xffffffff : e.compressedSize, true);
  v.setUint32(22, z64 ? 0xffffffff : e.size, true);
  v.setUint16(26, nameBytes.byteLength, true);
  v.setUint16(28, extraLen, true);
  out.set(nameBytes, 30);
  if (z64) {
    const x = 30 + nameBytes.byteLength;
    v.setUint16(x, 0x0001, true);
    v.setUint16(x + 2, 16, true);
    v.setBigUint64(x + 4, BigInt(e.size), true);
    v.setBigUint64(x + 12, BigInt(e.compressedSize), true);
  }
  return out;
}

/** The central directory entry of an entry (ZIP64 fields for whatever overflows 32 bits). */
export function centralHeader(e: ZipEntry, nameBytes: Uint8Array): Uint8Array {
  const fields = [e.size, e.compressedSize, e.localHeaderOffset].filter(big);
  const extraLen = fields.length ? 4 + 8 * fields.length : 0;
  const out = new Uint8Array(46 + nameBytes.byteLength + extraLen);
  const v = new DataView(out.buffer);
  v.setUint32(0, CENTRAL_SIG, true);
  v.setUint16(4, (3 << 8) | (fields.length ? 45 : 20), true); // made by Unix
  v.setUint16(6, fields.length ? 45 : 20, true);
  v.setUint16(8, e.flags & 0x800, true);
  v.setUint16(10, e.method, true);
  v.setUint16(12, e.time, true);
  v.setUint16(14, e.date, true);
  v.setUint32(16, e.crc, true);
  v.setUint32(20, big(e.compressedSize) ? 0xffffffff : e.compressedSize, true);
  v.setUint32(24, big(e.size) ? 0xffffffff : e.size, true);
  v.setUint16(28, nameBytes.byteLength, true);
  v.setUint16(30, extraLen, true);
  v.setUint32(38, e.externalAttrs >>> 0, true);
  v.setUint32(42, big(e.localHeaderOffset) ? 0xffffffff : e.localHeaderOffset, true);
  out.set(nameBytes, 46);
  if (fields.length) {
    let x = 46 + nameBytes.byteLength;
    v.setUint16(x, 0x0001, true);
    v.setUint16(x + 2, 8 * fields.length, true);
    x += 4;
    for (const f of fields) {
      v.setBigUint64(x, BigInt(f), true);
      x += 8;
    }
  }
  return out;
}

/** The end records after a central directory (ZIP64 ones too when counts or offsets overflow). */
export function endRecords(count: number, cdOffset: number, cdSize: number): Uint8Array {
  const z64 = count >= 0xffff || big(cdOffset) || big(cdSize);
  const out = new Uint8Array((z64 ? 56 + 20 : 0) + 22);
  const v = new DataView(out.buffer);
  let p = 0;
  if (z64) {
    v.setUint32(0, ZIP64_EOCD_SIG, true);
    v.setBigUint64(4, 44n, true);
    v.setUint16(12, (3 << 8) | 45, true);
    v.setUint16(14, 45, true);
    v.setBigUint64(24, BigInt(count), true);
    v.setBigUint64(32, BigInt(count), true);
    v.setBigUint64(40, BigInt(cdSize), true);
    v.setBigUint64(48, BigInt(cdOffset), true);
    v.setUint32(56, ZIP64_LOCATOR_SIG, true);
    v.setBigUint64(64, BigInt(cdOffset + cdSize), true);
    v.setUint32(72, 1, true);
    p = 76;
  }
  v.setUint32(p, EOCD_SIG, true);
  v.setUint16(p + 8, Math.min(count, 0xffff), true);
  v.setUint16(p + 10, Math.min(count, 0xffff), true);
  v.setUint32(p + 12, z64 ? 0xffffffff : cdSize, true);
  v.setUint32(p + 16, z64 ? 0xffffffff : cdOffset, true);
  return out;
}
