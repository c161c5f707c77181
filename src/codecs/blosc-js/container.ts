/**
 * A JavaScript Blosc 1.x container (format version 2), for the Blosc codec without the native
 * addon: header, block offsets, per-typesize splits, byte shuffle and bitshuffle with the real item
 * size, and the inner codecs blosclz (own), lz4 and zstd (numcodecs.js WASM) and zlib (node).
 * c-blosc and numcodecs read what it writes; it reads what they write (except snappy).
 * Decoding validates the header first and never writes past the header's size, which the caller
 * bounds.
 * @module
 */
import { inflateSync } from "node:zlib";
import { zlibSync } from "fflate";
import { CodecError } from "../../errors.ts";
import { blosclzCompress, blosclzDecompress } from "./blosclz.ts";
import { bitshuffle, bitunshuffle, shuffle, unshuffle } from "./shuffle.ts";

const HEADER = 16;
const MIN_BUFFERSIZE = 128;
const L1 = 32 * 1024;
const MAX_SPLITS = 16;
const MAX_BLOCKSIZE = 2 ** 31 - 1 - HEADER;
const FLAG_SHUFFLE = 0x01;
const FLAG_MEMCPYED = 0x02;
const FLAG_BITSHUFFLE = 0x04;
const FLAG_DONT_SPLIT = 0x10;
const CODES: Record<string, number> = { blosclz: 0, lz4: 1, lz4hc: 1, snappy: 2, zlib: 3, zstd: 4 };
const CODE_NAMES = ["blosclz", "lz4", "snappy", "zlib", "zstd"];

/** Compressors this container can write. */
export const JS_BLOSC_COMPRESSORS = ["blosclz", "lz4", "lz4hc", "zlib", "zstd"];

type WasmCodec = { encode(d: Uint8Array): Promise<Uint8Array>; decode(d: Uint8Array): Promise<Uint8Array> };
type WasmFactory = { fromConfig(c: Record<string, unknown>): WasmCodec };
let lz4: Promise<WasmFactory> | undefined;
let zstd: Promise<WasmFactory> | undefined;
function loadLz4(): Promise<WasmFactory> {
  lz4 ??= import("numcodecs/lz4").then((m) => m.default as unknown as WasmFactory);
  return lz4;
}
function loadZstd(): Promise<WasmFactory> {
  zstd ??= import("numcodecs/zstd").then((m) => m.default as unknown as WasmFactory);
  return zstd;
}

const fail = (op: string, why: string): never => {
  throw new CodecError(`blosc ${op} failed: ${why}`);
};

/** c-blosc 1.21's `compute_blocksize`. */
function computeBlocksize(code: number, cname: string, clevel: number, typesize: number, nbytes: number, forced: number): number {
  if (nbytes < typesize) return 1;
  const hcr = cname === "lz4hc" || code === 3 || code === 4;
  let bs = nbytes;
  if (forced) {
    bs = Math.min(Math.max(forced, MIN_BUFFERSIZE), MAX_BLOCKSIZE);
  } else if (nbytes >= L1) {
    bs = L1 * (hcr ? 2 : 1);
    bs = [bs / 4, bs / 2, bs, bs * 2, bs * 4, bs * 4, bs * 8, bs * 8, bs * 8, bs * 8 * (hcr ? 2 : 1)][clevel];
  }
  if (clevel > 0 && splits(code, typesize, bs)) {
    bs = Math.min(bs, 1 << 18) * typesize;
    bs = Math.min(Math.max(bs, 1 << 16), 1 << 20);
  }
  if (bs > nbytes) bs = nbytes;
  if (bs > typesize) bs = Math.floor(bs / typesize) * typesize;
  return bs;
}

/** c-blosc 1.21's default (forward-compatible) split rule: never for zstd. */
function splits(code: number, typesize: number, blocksize: number): boolean {
  return code !== 4 && typesize <= MAX_SPLITS && blocksize / typesize >= MIN_BUFFERSIZE;
}

async function compressSplit(code: number, clevel: number, src: Uint8Array, maxOut: number): Promise<Uint8Array | null> {
  let out: Uint8Array | null = null;
  if (code === 0) {
    out = blosclzCompress(src, maxOut);
  } else if (code === 1) {
    const framed = await (await loadLz4()).fromConfig({ id: "lz4", acceleration: 1 }).encode(src);
    out = framed.subarray(4);
  } else if (code === 3) {
    // fflate rather than node's zlib: node's (Chromium's) level 1 compresses shuffled planes far worse.
    out = zlibSync(src, { level: clevel as 1 });
  } else if (code === 4) {
    const level = clevel < 9 ? clevel * 2 - 1 : 22;
    out = await (await loadZstd()).fromConfig({ id: "zstd", level }).encode(src);
  }
  return out && out.length > 0 && out.length < maxOut ? out : null;
}

async function decompressSplit(code: number, src: Uint8Array, size: number): Promise<Uint8Array> {
  let out: Uint8Array;
  if (code === 0) {
    out = new Uint8Array(size);
    if (blosclzDecompress(src, out, size) !== size) fail("decode", "corrupt blosclz block");
  } else if (code === 1) {
    const framed = new Uint8Array(src.length + 4);
    new DataView(framed.buffer).setUint32(0, size, true);
    framed.set(src, 4);
    out = await (await loadLz4()).fromConfig({ id: "lz4" }).decode(framed);
  } else if (code === 3) {
    try {
      out = inflateSync(src, { maxOutputLength: Math.max(1, size) });
    } catch (e) {
      return fail("decode", `corrupt zlib block (${(e as Error).message})`);
    }
  } else if (code === 4) {
    out = await (await loadZstd()).fromConfig({ id: "zstd" }).decode(src);
  } else {
    return fail("decode", `blocks compressed with '${CODE_NAMES[code] ?? code}' need the native codec addon`);
  }
  if (out.length !== size) fail("decode", `corrupt block (decoded ${out.length} bytes, expected ${size})`);
  return out;
}

function memcpyed(data: Uint8Array, typesize: number, flags: number): Uint8Array {
  const out = new Uint8Array(HEADER + data.length);
  writeHeader(out, flags | FLAG_MEMCPYED, typesize, data.length, data.length, out.length);
  out.set(data, HEADER);
  return out;
}

function writeHeader(out: Uint8Array, flags: number, typesize: number, nbytes: number, blocksize: number, cbytes: number): void {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = 2;
  out[1] = 1;
  out[2] = flags;
  out[3] = typesize;
  dv.setUint32(4, nbytes, true);
  dv.setUint32(8, blocksize, true);
  dv.setUint32(12, cbytes, true);
}

/** Options of {@link bloscCompressJs}; `shuffle` is already resolved (0, 1 or 2). */
export interface BloscJsOptions {
  cname: string;
  clevel: number;
  shuffle: number;
  blocksize: number;
  typesize: number;
}

/** Compresses `data` into one Blosc 1.x buffer, shuffling with the real `typesize`. */
export async function bloscCompressJs(data: Uint8Array, o: BloscJsOptions): Promise<Uint8Array> {
  const code = CODES[o.cname];
  if (code === undefined || code === 2) fail("encode", `compressor '${o.cname}' is not available without the native codec addon (available: ${JS_BLOSC_COMPRESSORS.join(", ")})`);
  const typesize = o.typesize > 255 || o.typesize < 1 ? 1 : o.typesize;
  const nbytes = data.length;
  const shuffleFlag = o.shuffle === 1 ? FLAG_SHUFFLE : o.shuffle === 2 ? FLAG_BITSHUFFLE : 0;
  const flagsBase = shuffleFlag | (code << 5);
  if (nbytes < MIN_BUFFERSIZE || o.clevel === 0) return memcpyed(data, typesize, flagsBase | FLAG_DONT_SPLIT);
  const blocksize = computeBlocksize(code, o.cname, o.clevel, typesize, nbytes, o.blocksize);
  const nblocks = Math.ceil(nbytes / blocksize);
  const leftover = nbytes % blocksize;
  const split = splits(code, typesize, blocksize);
  const flags = flagsBase | (split ? 0 : FLAG_DONT_SPLIT);
  const parts: Uint8Array[] = [];
  const starts = new Uint8Array(4 * nblocks);
  const sdv = new DataView(starts.buffer);
  let total = HEADER + starts.length;
  for (let b = 0; b < nblocks; b++) {
    sdv.setUint32(4 * b, total, true);
    const last = b === nblocks - 1 && leftover > 0;
    const bsize = last ? leftover : blocksize;
    let block = data.subarray(b * blocksize, b * blocksize + bsize);
    if (shuffleFlag === FLAG_SHUFFLE && typesize > 1) block = shuffle(block, typesize);
    else if (shuffleFlag === FLAG_BITSHUFFLE) block = bitshuffle(block, typesize);
    const nsplits = split && !last ? typesize : 1;
    const neblock = Math.floor(bsize / nsplits);
    for (let j = 0; j < nsplits; j++) {
      const src = block.subarray(j * neblock, (j + 1) * neblock);
      const c = (await compressSplit(code, o.clevel, src, neblock)) ?? src;
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, c.length, true);
      parts.push(len, c);
      total += 4 + c.length;
    }
    if (total > nbytes + HEADER) return memcpyed(data, typesize, flagsBase | FLAG_DONT_SPLIT);
  }
  const out = new Uint8Array(total);
  writeHeader(out, flags, typesize, nbytes, blocksize, total);
  out.set(starts, HEADER);
  let at = HEADER + starts.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Decompresses one Blosc 1.x buffer whose header was already validated (`bloscHeaderSize`) and
 * whose size the caller accepted; writes into `out` when given.
 */
export async function bloscDecompressJs(data: Uint8Array, out?: Uint8Array): Promise<Uint8Array> {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const flags = data[2];
  const typesize = data[3];
  const nbytes = dv.getUint32(4, true);
  const blocksize = dv.getUint32(8, true);
  const cbytes = dv.getUint32(12, true);
  const dest = out ? out.subarray(0, nbytes) : new Uint8Array(nbytes);
  if (dest.length < nbytes) fail("decode", `output buffer too small (needs ${nbytes} bytes, got ${dest.length})`);
  if (nbytes === 0) return dest;
  if (flags & FLAG_MEMCPYED) {
    dest.set(data.subarray(HEADER, HEADER + nbytes));
    return dest;
  }
  const code = flags >> 5;
  const nblocks = Math.ceil(nbytes / blocksize);
  const info: BloscBlockInfo = { flags, typesize, nbytes, blocksize, code };
  for (let b = 0; b < nblocks; b++) {
    const pos = dv.getUint32(HEADER + 4 * b, true);
    dest.set(await decodeBlock(data.subarray(0, cbytes), pos, info, b), b * blocksize);
  }
  return dest;
}

/** What decoding one block needs from a Blosc 1.x header. */
export interface BloscBlockInfo {
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  /** Inner compressor code (flags >> 5). */
  code: number;
}

/**
 * Decodes block `b` whose compressed splits start at `pos` of `data` (which must hold at least
 * the whole block; `data.length` bounds every read). Returns the block's plain bytes (unshuffled).
 */
async function decodeBlock(data: Uint8Array, pos: number, info: BloscBlockInfo, b: number): Promise<Uint8Array> {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const { flags, typesize, nbytes, blocksize, code } = info;
  const nblocks = Math.ceil(nbytes / blocksize);
  const leftover = nbytes % blocksize;
  const last = b === nblocks - 1 && leftover > 0;
  const bsize = last ? leftover : blocksize;
  const split = !(flags & FLAG_DONT_SPLIT);
  const nsplits = split && !last ? typesize : 1;
  const neblock = Math.floor(bsize / nsplits);
  const block = new Uint8Array(bsize);
  for (let j = 0; j < nsplits; j++) {
    if (pos + 4 > data.length) fail("decode", "corrupt block (truncated)");
    const csize = dv.getUint32(pos, true);
    pos += 4;
    if (pos + csize > data.length) fail("decode", "corrupt block (split past the end of the buffer)");
    const src = data.subarray(pos, pos + csize);
    block.set(csize === neblock ? src : await decompressSplit(code, src, neblock), j * neblock);
    pos += csize;
  }
  if (flags & FLAG_SHUFFLE && typesize > 1) return unshuffle(block, typesize);
  if (flags & FLAG_BITSHUFFLE) return bitunshuffle(block, typesize);
  return block;
}

/**
 * Decodes a single block of a Blosc 1.x buffer from just its compressed bytes, so that a reader
 * that fetched only the header, the block-offset table and the blocks a small selection touches
 * (a byte-range read) need not fetch or decode the rest. `compressed` holds the bytes of the
 * buffer from the block's start offset on, at least up to the block's end. Memcpyed buffers and
 * snappy blocks are not handled here (callers read those another way).
 * @example
 * const plain = await bloscDecompressBlockJs(info, 3, bytesFromStartOf3);
 */
export async function bloscDecompressBlockJs(info: BloscBlockInfo, b: number, compressed: Uint8Array): Promise<Uint8Array> {
  if (info.flags & FLAG_MEMCPYED) fail("decode", "a memcpyed buffer has no blocks");
  const nblocks = Math.ceil(info.nbytes / info.blocksize);
  if (!(b >= 0 && b < nblocks)) fail("decode", `block ${b} out of range (${nblocks} blocks)`);
  if (info.code === 2) fail("decode", "blocks compressed with 'snappy' need the native codec addon");
  return decodeBlock(compressed, 0, info, b);
}
