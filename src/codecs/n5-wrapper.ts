/**
 * N5ChunkWrapper, numcodecs id `n5_wrapper`: the chunk format of N5, as zarr-python's `zarr.n5`
 * implements it. An N5 block is a big-endian header (mode, number of dimensions, the block's shape
 * fastest axis first, and for mode 1 the element count) followed by the compressed big-endian
 * elements. Edge blocks written by n5-java, z5py and pyn5 are truncated to the part inside the
 * array; zarr-python writes them full-size. Both are read: a truncated block is padded with zeros
 * to the full chunk, as zarr-python does.
 *
 * The inner compressor is any zarr codec; N5 compressions map onto them in `stores/n5.ts`. n5-java's
 * `lz4` compression uses lz4-java's `LZ4BlockOutputStream` framing (not numcodecs' LZ4), so the
 * `n5-lz4` inner codec here decodes that framing.
 * @module
 */
import { parseDtype } from "../dtype/dtype.ts";
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { getCodec } from "./registry.ts";
import { decodeLimit } from "./native.ts";
import { padToChunk } from "../util/pad.ts";

/** The configuration zarr-python's N5Store synthesizes in `.zarray`. */
export interface N5WrapperOptions {
  /** The inner compressor's numcodecs config, or null for N5's `raw`. */
  compressor_config?: CodecConfig | null;
  /** The array's dtype (N5 stores elements big-endian whatever this says). */
  dtype: string;
  /** The full chunk shape, zarr order (slowest axis first). */
  chunk_shape: number[];
}

/** The most dimensions an N5 header may declare; numpy's limit. */
const MAX_DIMS = 32;

/** A parsed N5 block header. */
export interface N5BlockHeader {
  /** 0 = default, 1 = varlength (element count given). */
  mode: number;
  /** Block shape in zarr order (slowest first). */
  shape: number[];
  /** Elements in the block. */
  count: number;
  /** Header size in bytes. */
  length: number;
}

/**
 * Parse and check the header of an N5 block against the full chunk shape, before anything is
 * allocated: a block may not be larger than its chunk in any axis.
 */
export function readN5Header(data: Uint8Array, chunkShape: readonly number[]): N5BlockHeader {
  if (data.byteLength < 4) throw new CodecError(`n5 block of ${data.byteLength} bytes is too short for its header`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const mode = dv.getUint16(0);
  const nd = dv.getUint16(2);
  if (mode !== 0 && mode !== 1) throw new CodecError(`n5 block mode ${mode} is not supported (0 = default, 1 = varlength; 2 = object blocks hold no array data)`);
  if (nd > MAX_DIMS || nd !== chunkShape.length) {
    throw new CodecError(`n5 block declares ${nd} dimensions, the array has ${chunkShape.length}`);
  }
  let length = 4 + 4 * nd + (mode === 1 ? 4 : 0);
  if (data.byteLength < length) throw new CodecError(`n5 block of ${data.byteLength} bytes is too short for its ${length}-byte header`);
  const shape = new Array<number>(nd);
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const n = dv.getUint32(4 + 4 * i);
    const axis = nd - 1 - i;
    if (n > chunkShape[axis]) throw new CodecError(`n5 block shape exceeds the chunk shape (${n} > ${chunkShape[axis]} on axis ${axis})`);
    shape[axis] = n;
    count *= n;
  }
  if (mode === 1) {
    const declared = dv.getUint32(4 + 4 * nd);
    if (declared !== count) throw new CodecError(`n5 varlength block declares ${declared} elements for a ${shape.join("x")} block`);
  }
  return { mode, shape, count, length };
}

/** The header zarr-python writes: mode 0, the dimensions, the shape fastest axis first. */
export function writeN5Header(shape: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0);
  dv.setUint16(2, shape.length);
  shape.forEach((n, i) => dv.setUint32(4 + 4 * (shape.length - 1 - i), n));
  return out;
}

/** Swap every `width`-byte element of `bytes` in place (big ⇄ little endian). */
function swapInPlace(bytes: Uint8Array, width: number): void {
  if (width <= 1) return;
  const n = bytes.byteLength - (bytes.byteLength % width);
  for (let i = 0; i < n; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** zarr-python's `N5ChunkWrapper`: N5 block headers and big-endian elements around an inner codec. */
export class N5ChunkWrapper implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "n5_wrapper";
  readonly codecId = "n5_wrapper";
  readonly compressorConfig: CodecConfig | null;
  readonly dtype: string;
  readonly chunkShape: number[];
  readonly #itemsize: number;
  #inner: Promise<Codec | null> | undefined;

  /** @throws {CodecError} for a chunk shape or dtype N5 cannot hold. */
  constructor(options: N5WrapperOptions) {
    const cfg = options.compressor_config ?? null;
    this.compressorConfig = cfg && cfg.id === "raw" ? null : cfg;
    const shape = options.chunk_shape;
    if (!Array.isArray(shape) || shape.length > MAX_DIMS || !shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      throw new CodecError(`n5_wrapper chunk_shape must be a list of non-negative integers, got ${String(shape)}`);
    }
    this.chunkShape = [...shape];
    this.dtype = options.dtype;
    const dt = parseDtype(options.dtype);
    if (!"iuf".includes(dt.kind)) throw new CodecError(`n5_wrapper: N5 holds integers and floats only, not ${options.dtype}`);
    this.#itemsize = dt.itemsize;
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): N5ChunkWrapper {
    return new N5ChunkWrapper(config as unknown as N5WrapperOptions);
  }

  /** The inner compressor, loaded on first use (null for N5's raw compression). */
  #codec(): Promise<Codec | null> {
    this.#inner ??= this.compressorConfig ? getCodec(this.compressorConfig) : Promise.resolve(null);
    return this.#inner;
  }

  /** Bytes of one full chunk. */
  get #chunkBytes(): number {
    return this.chunkShape.reduce((a, b) => a * b, 1) * this.#itemsize;
  }

  /** Header, then the compressed big-endian elements of the full chunk (as zarr-python writes). */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    if (data.byteLength !== this.#chunkBytes) throw new CodecError(`n5_wrapper: expected a full chunk of ${this.#chunkBytes} bytes, got ${data.byteLength}`);
    const be = data.slice();
    swapInPlace(be, this.#itemsize);
    const inner = await this.#codec();
    const body = inner ? await inner.encode(be, { dtype: ">" + this.dtype.slice(1), itemsize: this.#itemsize }) : be;
    const header = writeN5Header(this.chunkShape);
    const out = new Uint8Array(header.byteLength + body.byteLength);
    out.set(header);
    out.set(body, header.byteLength);
    return out;
  }

  /** Little-endian elements of the full chunk; truncated edge blocks are padded with zeros. */
  async decode(data: Uint8Array, _out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const h = readN5Header(data, this.chunkShape);
    const want = h.count * this.#itemsize;
    const body = data.subarray(h.length);
    const inner = await this.#codec();
    let bytes: Uint8Array;
    if (inner) {
      // Bounded: the inner codec decodes into a buffer of exactly the block's size when it can.
      bytes = await inner.decode(body, new Uint8Array(want), { dtype: ">" + this.dtype.slice(1), itemsize: this.#itemsize });
    } else bytes = body;
    if (bytes.byteLength !== want) {
      throw new CodecError(`n5 block of shape ${h.shape.join("x")} decoded to ${bytes.byteLength} bytes, expected ${want}`);
    }
    bytes = bytes.buffer === data.buffer ? bytes.slice() : bytes;
    swapInPlace(bytes, this.#itemsize);
    if (h.shape.every((n, i) => n === this.chunkShape[i])) return bytes;
    return padToChunk(bytes, h.shape, this.chunkShape, this.#itemsize);
  }

  /** Exactly zarr-python's `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "n5_wrapper", compressor_config: this.compressorConfig };
  }

  /** numcodecs' generic repr. */
  toString(): string {
    return `N5ChunkWrapper(compressor_config=${this.compressorConfig ? JSON.stringify(this.compressorConfig) : "None"})`;
  }
}

/**
 * lz4-java's `LZ4BlockOutputStream` framing, which n5-java's `lz4` compression writes: blocks of
 * magic `LZ4Block`, a token (method | level), compressed and decompressed lengths and a checksum
 * (little-endian), then the data (raw or one LZ4 block); a block of length 0 ends the stream.
 * Decoding hands each LZ4 block to the numcodecs `lz4` codec behind its 4-byte size prefix.
 */
export class N5LZ4Block implements Codec {
  /** The id used inside zarrflow's synthesized `.zarray` for n5-java's lz4. */
  static readonly codecId = "n5-lz4";
  readonly codecId = "n5-lz4";
  readonly blockSize: number;

  constructor(options: { blockSize?: number } = {}) {
    this.blockSize = options.blockSize ?? 65536;
  }

  /** Builds from a config. */
  static fromConfig(config: CodecConfig): N5LZ4Block {
    return new N5LZ4Block(config as { blockSize?: number });
  }

  /** Writing lz4-java framing is not supported: zarr-python's N5Store never writes it either. */
  async encode(_data: Uint8Array): Promise<Uint8Array> {
    throw new CodecError("n5 lz4 (lz4-java block framing) is read-only in zarrflow; choose gzip, zstd, xz, bzip2, blosc or raw for new N5 arrays");
  }

  /** Concatenate the blocks of the stream, bounded by `out`'s size, the context's bound or `maxChunkBytes`. */
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    const lz4 = await getCodec({ id: "lz4" });
    const parts: Uint8Array[] = [];
    let total = 0;
    const limit = decodeLimit(out, ctx);
    let p = 0;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    while (p < data.byteLength) {
      if (p + 21 > data.byteLength || new TextDecoder().decode(data.subarray(p, p + 8)) !== "LZ4Block") {
        throw new CodecError(`n5 lz4 stream: bad block magic at byte ${p}`);
      }
      const method = data[p + 8] & 0xf0;
      const clen = dv.getInt32(p + 9, true);
      const dlen = dv.getInt32(p + 13, true);
      p += 21;
      if (dlen === 0) break;
      if (clen < 0 || dlen < 0 || p + clen > data.byteLength || total + dlen > limit) {
        throw new CodecError(`n5 lz4 stream: corrupt block lengths (${clen} compressed, ${dlen} decompressed)`);
      }
      const src = data.subarray(p, p + clen);
      p += clen;
      if (method === 0x10) parts.push(src);
      else if (method === 0x20) {
        const framed = new Uint8Array(4 + clen);
        new DataView(framed.buffer).setUint32(0, dlen, true);
        framed.set(src, 4);
        parts.push(await lz4.decode(framed, new Uint8Array(dlen)));
      } else throw new CodecError(`n5 lz4 stream: unknown block method 0x${method.toString(16)}`);
      total += dlen;
    }
    const res = out && out.byteLength === total ? out : new Uint8Array(total);
    let o = 0;
    for (const part of parts) {
      res.set(part, o);
      o += part.byteLength;
    }
    return res;
  }

  /** The config. */
  getConfig(): CodecConfig {
    return { id: "n5-lz4", blockSize: this.blockSize };
  }

  /** A repr. */
  toString(): string {
    return `N5LZ4Block(blockSize=${this.blockSize})`;
  }
}
