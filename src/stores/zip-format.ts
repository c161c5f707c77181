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
  /** CRC-32 of the uncompressed bytes. */
  crc: number;
  /** Size of the stored (possibly deflated) bytes. */
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  /** Offset of the local file header in the file. */
  localHeaderOffset: number;
  /** DOS time of last modification. */
  time: number;
  /** DOS date of last modification. */
  date: number;
  /** External attributes (Unix mode in the upper 16 bits). */
  externalAttrs: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
/** Signature of a local file header (`PK\x03\x04`), checked before an entry's data is read. */
export const LOCAL_SIG = 0x04034b50;
/** Largest central directory we are willing to load (a hostile archive could declare more). */
const MAX_CENTRAL_DIRECTORY = 1 << 30;

/** Code points of CP437 bytes 0x80-0xFF: ZIP names without the UTF-8 flag are CP437 (as in `zipfile`). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

const UTF8 = new TextDecoder("utf-8");

/** Decode a stored name as `zipfile` does: UTF-8 with flag bit 11, else CP437. */
function decodeName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return UTF8.decode(bytes);
  if (!bytes.some((b) => b >= 0x80)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
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

/** Bytes of an entry's local file header with a name of `nameLength` bytes. */
export function localHeaderSize(e: ZipEntry, nameLength: number): number {
  return 30 + nameLength + (big(e.size) || big(e.compressedSize) ? 20 : 0);
}

/**
 * Write an entry's local file header (ZIP64 sizes when needed) into `out` at `at`, returning the
 * offset after it. Writing into one buffer, rather than allocating per entry, keeps closing an
 * archive of many small chunks cheap.
 */
export function writeLocalHeader(e: ZipEntry, name: Uint8Array, out: Buffer, at: number): number {
  const z64 = big(e.size) || big(e.compressedSize);
  out.writeUInt32LE(LOCAL_SIG, at);
  out.writeUInt16LE(z64 ? 45 : 20, at + 4);
  out.writeUInt16LE(e.flags & 0x800, at + 6);
  out.writeUInt16LE(e.method, at + 8);
  out.writeUInt16LE(e.time, at + 10);
  out.writeUInt16LE(e.date, at + 12);
  out.writeUInt32LE(e.crc >>> 0, at + 14);
  out.writeUInt32LE(z64 ? 0xffffffff : e.compressedSize, at + 18);
  out.writeUInt32LE(z64 ? 0xffffffff : e.size, at + 22);
  out.writeUInt16LE(name.byteLength, at + 26);
  out.writeUInt16LE(z64 ? 20 : 0, at + 28);
  out.set(name, at + 30);
  let x = at + 30 + name.byteLength;
  if (z64) {
    out.writeUInt16LE(0x0001, x);
    out.writeUInt16LE(16, x + 2);
    out.writeBigUInt64LE(BigInt(e.size), x + 4);
    out.writeBigUInt64LE(BigInt(e.compressedSize), x + 12);
    x += 20;
  }
  return x;
}

/** The fields of an entry that overflow 32 bits, in the order of the ZIP64 extra field. */
function zip64Fields(e: ZipEntry): number[] {
  return [e.size, e.compressedSize, e.localHeaderOffset].filter(big);
}

/** Bytes of an entry's central directory header with a name of `nameLength` bytes. */
export function centralHeaderSize(e: ZipEntry, nameLength: number): number {
  const n = zip64Fields(e).length;
  return 46 + nameLength + (n ? 4 + 8 * n : 0);
}

/** Write an entry's central directory header into `out` at `at`, returning the offset after it. */
export function writeCentralHeader(e: ZipEntry, name: Uint8Array, out: Buffer, at: number): number {
  const fields = zip64Fields(e);
  const version = fields.length ? 45 : 20;
  out.writeUInt32LE(CENTRAL_SIG, at);
  out.writeUInt16LE((3 << 8) | version, at + 4); // made by Unix
  out.writeUInt16LE(version, at + 6);
  out.writeUInt16LE(e.flags & 0x800, at + 8);
  out.writeUInt16LE(e.method, at + 10);
  out.writeUInt16LE(e.time, at + 12);
  out.writeUInt16LE(e.date, at + 14);
  out.writeUInt32LE(e.crc >>> 0, at + 16);
  out.writeUInt32LE(big(e.compressedSize) ? 0xffffffff : e.compressedSize, at + 20);
  out.writeUInt32LE(big(e.size) ? 0xffffffff : e.size, at + 24);
  out.writeUInt16LE(name.byteLength, at + 28);
  out.writeUInt16LE(fields.length ? 4 + 8 * fields.length : 0, at + 30);
  out.writeUInt32LE(0, at + 32); // comment length, disk number start
  out.writeUInt16LE(0, at + 36); // internal attributes
  out.writeUInt32LE(e.externalAttrs >>> 0, at + 38);
  out.writeUInt32LE(big(e.localHeaderOffset) ? 0xffffffff : e.localHeaderOffset, at + 42);
  out.set(name, at + 46);
  let x = at + 46 + name.byteLength;
  if (fields.length) {
    out.writeUInt16LE(0x0001, x);
    out.writeUInt16LE(8 * fields.length, x + 2);
    x += 4;
    for (const f of fields) {
      out.writeBigUInt64LE(BigInt(f), x);
      x += 8;
    }
  }
  return x;
}

/** The local file header of an entry, as a new buffer (for tests and one-off archives). */
export function localHeader(e: ZipEntry, name: Uint8Array): Uint8Array {
  const out = Buffer.alloc(localHeaderSize(e, name.byteLength));
  writeLocalHeader(e, name, out, 0);
  return out;
}

/** The central directory entry of an entry, as a new buffer (for tests and one-off archives). */
export function centralHeader(e: ZipEntry, name: Uint8Array): Uint8Array {
  const out = Buffer.alloc(centralHeaderSize(e, name.byteLength));
  writeCentralHeader(e, name, out, 0);
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
