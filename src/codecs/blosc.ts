/**
 * Blosc (c-blosc 1.x), numcodecs id `blosc`: the default compressor of zarr-python 2.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { bloscCompressJs, bloscDecompressJs, JS_BLOSC_COMPRESSORS } from "./blosc-js/container.ts";
import { checkKeys, decodeLimit, getCodecThreads, guard, intoOut, intParam, nativeCodecs, nativeDecompress, tooLarge } from "./native.ts";
import { useFallback } from "./native-status.ts";

/** No shuffle. */
export const NOSHUFFLE = 0;
/** Byte shuffle: groups the n-th byte of every element together. */
export const SHUFFLE = 1;
/** Bit shuffle: groups the n-th bit of every element together. */
export const BITSHUFFLE = 2;
/** Bit shuffle for 1-byte elements, byte shuffle otherwise (decided per call from the item size). */
export const AUTOSHUFFLE = -1;

const SHUFFLE_NAMES: Record<number, string> = {
  [-1]: "AUTOSHUFFLE",
  0: "NOSHUFFLE",
  1: "SHUFFLE",
  2: "BITSHUFFLE",
};

/** Compressors without the addon: the JS container's, plus snappy through numcodecs.js' WASM build. */
const WASM_COMPRESSORS = [...JS_BLOSC_COMPRESSORS, "snappy"].sort();

const HEADER = 16;
const MAX_BUFFERSIZE = 2 ** 31 - 1 - HEADER;

/** Constructor options, named and defaulted as numcodecs' `Blosc(cname, clevel, shuffle, blocksize)`. */
export interface BloscOptions {
  /** Internal compressor: one of {@link listCompressors}. Default `'lz4'`. */
  cname?: string;
  /** Compression level 0–9. Default 5. */
  clevel?: number;
  /** {@link NOSHUFFLE}, {@link SHUFFLE}, {@link BITSHUFFLE} or {@link AUTOSHUFFLE}. Default SHUFFLE. */
  shuffle?: number;
  /** Block size in bytes; 0 lets c-blosc choose. Default 0. */
  blocksize?: number;
}

/**
 * The compressors available for encoding. Decoding needs no choice: the compressor is recorded in
 * each buffer.
 * @example
 * listCompressors();   // ["blosclz", "lz4", "lz4hc", "zlib", "zstd", ...]: numcodecs.blosc.list_compressors()
 */
export function listCompressors(): string[] {
  return [...available()];
}

let compressors: readonly string[] | undefined;
function available(): readonly string[] {
  // zarrflow's own Blosc has no snappy; numcodecs.js' WASM build supplies it on both paths.
  compressors ??= nativeCodecs ? [...new Set([...nativeCodecs.bloscListCompressors().split(","), "snappy"])].sort() : WASM_COMPRESSORS;
  return compressors;
}

/**
 * Checks a blosc 1.x header before any decoder sees it and returns the uncompressed size. The
 * native path repeats these checks in C++; here they protect the WASM decoder, which happily
 * allocates whatever a garbage header claims.
 */
export function bloscHeaderSize(data: Uint8Array): number {
  if (data.byteLength < HEADER) {
    throw new CodecError(`blosc decode failed: buffer of ${data.byteLength} bytes is too short for a blosc header (16 bytes)`);
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = data[0];
  const flags = data[2];
  const nbytes = dv.getUint32(4, true);
  const blocksize = dv.getUint32(8, true);
  const cbytes = dv.getUint32(12, true);
  const fail = (why: string): never => {
    throw new CodecError(`blosc decode failed: ${why}`);
  };
  if (version === 0 || version > 2) fail(`not a blosc 1.x buffer (format version ${version})`);
  if (cbytes > data.byteLength) fail(`truncated buffer (header says ${cbytes} compressed bytes, got ${data.byteLength})`);
  if (cbytes < HEADER || nbytes > MAX_BUFFERSIZE) fail(`corrupt header (nbytes=${nbytes}, cbytes=${cbytes})`);
  if (nbytes > 0) {
    if (flags & 0x02) {
      if (cbytes !== nbytes + HEADER) fail(`corrupt header (uncompressed buffer of ${nbytes} bytes stored in ${cbytes} bytes)`);
    } else {
      if (blocksize === 0) fail("corrupt header (blocksize 0)");
      const nblocks = Math.ceil(nbytes / blocksize);
      const dataStart = HEADER + 4 * nblocks;
      if (dataStart > cbytes) {
        fail(`corrupt header (claims ${nbytes} bytes in ${nblocks} blocks, more than ${cbytes} compressed bytes can hold)`);
      }
      for (let i = 0; i < nblocks; i++) {
        const start = dv.getUint32(HEADER + 4 * i, true);
        if (start < dataStart || start >= cbytes) fail("corrupt block offset table");
      }
    }
  }
  return nbytes;
}

type WasmCodec = { encode(d: Uint8Array): Promise<Uint8Array>; decode(d: Uint8Array): Promise<Uint8Array> };
type WasmBlosc = { fromConfig(c: Record<string, unknown>): WasmCodec };
let wasmBlosc: Promise<WasmBlosc> | undefined;
function loadWasm(): Promise<WasmBlosc> {
  wasmBlosc ??= import("numcodecs/blosc").then((m) => m.default as unknown as WasmBlosc);
  return wasmBlosc;
}

/**
 * Blosc meta-compressor, byte-compatible with numcodecs' `Blosc`.
 *
 * As in numcodecs, the shuffle's element size is the item size of the array being compressed
 * (`ctx.itemsize`, 1 without a context). Without the addon a JavaScript Blosc container
 * (`blosc-js/`) writes the same layout with the real typesize (blocks, splits, shuffle or
 * bitshuffle); only snappy still goes through numcodecs.js' WASM build, which ignores the typesize.
 * @example
 * const compressor = new Blosc({ cname: "zstd", clevel: 3, shuffle: Blosc.BITSHUFFLE });  // numcodecs.Blosc(cname='zstd', clevel=3, shuffle=Blosc.BITSHUFFLE)
 * const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "<i4", compressor });
 */
export class Blosc implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "blosc";
  /** See {@link NOSHUFFLE}. */
  static readonly NOSHUFFLE = NOSHUFFLE;
  /** See {@link SHUFFLE}. */
  static readonly SHUFFLE = SHUFFLE;
  /** See {@link BITSHUFFLE}. */
  static readonly BITSHUFFLE = BITSHUFFLE;
  /** See {@link AUTOSHUFFLE}. */
  static readonly AUTOSHUFFLE = AUTOSHUFFLE;

  readonly codecId = "blosc";
  readonly cname: string;
  readonly clevel: number;
  readonly shuffle: number;
  readonly blocksize: number;

  /**
   * Validates eagerly so a bad compressor setting fails when the array is created, not on the
   * first write. The compressor name is only checked on encode, as numcodecs does: data written
   * with a compressor this build lacks must still be readable.
   */
  constructor(options: BloscOptions = {}) {
    const cname = options.cname ?? "lz4";
    if (typeof cname !== "string") throw new CodecError(`blosc: 'cname' must be a string, got ${JSON.stringify(cname, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
    this.cname = cname;
    this.clevel = intParam("blosc", "clevel", options.clevel, 5, 0, 9);
    this.shuffle = intParam("blosc", "shuffle", options.shuffle, SHUFFLE, -1, 2);
    this.blocksize = intParam("blosc", "blocksize", options.blocksize ?? 0, 0, 0, MAX_BUFFERSIZE);
  }

  /** Builds from a `.zarray` config; a missing `blocksize` (older zarr-python wrote none) means 0. */
  static fromConfig(config: CodecConfig): Blosc {
    checkKeys("blosc", config, ["cname", "clevel", "shuffle", "blocksize"]);
    return new Blosc(config as BloscOptions);
  }

  /** Compresses with the array's item size as blosc typesize. */
  async encode(data: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    const typesize = ctx?.itemsize && ctx.itemsize > 0 ? ctx.itemsize : 1;
    // numcodecs resolves AUTOSHUFFLE from the item size before calling c-blosc.
    const shuffle = this.shuffle === AUTOSHUFFLE ? (typesize === 1 ? BITSHUFFLE : SHUFFLE) : this.shuffle;
    return guard("blosc", "encode", async () => {
      if (data.byteLength > MAX_BUFFERSIZE) {
        throw new Error(`input of ${data.byteLength} bytes exceeds blosc's limit of ${MAX_BUFFERSIZE} bytes`);
      }
      if (!available().includes(this.cname)) {
        throw new Error(`compressor '${this.cname}' is not available (available: ${available().join(", ")})`);
      }
      if (nativeCodecs && this.cname !== "snappy") {
        const opts = { cname: this.cname, clevel: this.clevel, shuffle, blocksize: this.blocksize, typesize, nthreads: getCodecThreads() };
        return nativeCodecs.compressAsync("blosc", data, opts);
      }
      if (!nativeCodecs) useFallback("blosc");
      if (this.cname !== "snappy") {
        return bloscCompressJs(data, { cname: this.cname, clevel: this.clevel, shuffle, blocksize: this.blocksize, typesize });
      }
      const wasm = (await loadWasm()).fromConfig({ id: "blosc", cname: this.cname, clevel: this.clevel, shuffle, blocksize: this.blocksize });
      return wasm.encode(data);
    });
  }

  /** Decompresses; with `out`, straight into it (native) and returns the decoded view of it. */


  /** The native addon's encoder for this input (used for gather-and-encode), or null without it. */
  nativeEncode(ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null {
    const typesize = ctx?.itemsize && ctx.itemsize > 0 ? ctx.itemsize : 1;
    const shuffle = this.shuffle === AUTOSHUFFLE ? (typesize === 1 ? BITSHUFFLE : SHUFFLE) : this.shuffle;
    if (!nativeCodecs || this.cname === "snappy" || !available().includes(this.cname)) return null;
    return { codec: "blosc", opts: { cname: this.cname, clevel: this.clevel, shuffle, blocksize: this.blocksize, typesize, nthreads: getCodecThreads() } };
  }
  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    // Chunks of a snappy array go through decode(), which hands snappy buffers to the WASM build.
    return nativeCodecs && this.cname !== "snappy" ? { codec: "blosc", opts: { nthreads: getCodecThreads() } } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("blosc", "decode", async () => {
      const snappy = data.byteLength > 2 && data[2] >> 5 === 2;
      if (nativeCodecs && !snappy) {
        return nativeDecompress("blosc", data, { nthreads: getCodecThreads() }, out, ctx);
      }
      const nbytes = bloscHeaderSize(data);
      if (out && nbytes > out.byteLength) {
        throw new Error(`output buffer too small (needs ${nbytes} bytes, got ${out.byteLength})`);
      }
      if (nbytes > decodeLimit(out, ctx)) throw tooLarge("blosc", decodeLimit(out, ctx), nbytes);
      if (nbytes === 0) return out ? out.subarray(0, 0) : new Uint8Array(0);
      if (!nativeCodecs) useFallback("blosc");
      if (data[2] >> 5 !== 2) return bloscDecompressJs(data, out);
      const result = await (await loadWasm()).fromConfig({ id: "blosc" }).decode(data);
      if (result.byteLength !== nbytes) throw new Error(`corrupt data (decoded ${result.byteLength} of ${nbytes} bytes)`);
      return intoOut("blosc", result, out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "blosc", cname: this.cname, clevel: this.clevel, shuffle: this.shuffle, blocksize: this.blocksize };
  }

  /** Exactly numcodecs' repr, e.g. `Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)`. */
  toString(): string {
    return `Blosc(cname='${this.cname}', clevel=${this.clevel}, shuffle=${SHUFFLE_NAMES[this.shuffle]}, blocksize=${this.blocksize})`;
  }
}
