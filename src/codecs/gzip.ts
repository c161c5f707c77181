/**
 * GZip, numcodecs id `gzip`: one gzip member as written by Python's `gzip.GzipFile`.
 * @module
 */
import { promisify } from "node:util";
import * as nodeZlib from "node:zlib";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { asBuffer, checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress, tooLarge } from "./native.ts";
import { useFallback } from "./native-status.ts";

const deflateRaw = promisify(nodeZlib.deflateRaw);
const gunzip = promisify(nodeZlib.gunzip);

/** Constructor options, as numcodecs' `GZip(level=1)`. */
export interface GZipOptions {
  /** 0 (store) to 9 (best), or -1 for zlib's default (6). Default 1. */
  level?: number;
}

let crcTable: Uint32Array | undefined;
/** CRC-32 for the gzip trailer; node < 20.15 has no `zlib.crc32`. */
function crc32(data: Uint8Array): number {
  const builtin = (nodeZlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (builtin) return builtin(data) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * GZip codec. The header is Python's: no file name, the current time as mtime (so two encodings of
 * the same data differ in bytes 4–7, exactly as with numcodecs), XFL 4 for level 1 and 2 for
 * level 9, OS 255. The native path deflates with the system zlib like Python; the fallback uses
 * node's zlib, whose compressed bytes differ but decode everywhere.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new GZip({ level: 5 }) });  // numcodecs.GZip(level=5)
 */
export class GZip implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "gzip";
  readonly codecId = "gzip";
  readonly level: number;

  /** Levels outside -1..9 fail here rather than on the first write. */
  constructor(options: GZipOptions = {}) {
    this.level = intParam("gzip", "level", options.level, 1, -1, 9);
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): GZip {
    checkKeys("gzip", config, ["level"]);
    return new GZip(config as GZipOptions);
  }

  /** Compresses into one gzip member. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const mtime = Math.floor(Date.now() / 1000) >>> 0;
    return guard("gzip", "encode", async () => {
      if (nativeCodecs) return nativeCodecs.compressAsync("gzip", data, { level: this.level, mtime });
      useFallback("gzip");
      const body = await deflateRaw(asBuffer(data), { level: this.level });
      const result = new Uint8Array(10 + body.byteLength + 8);
      const dv = new DataView(result.buffer);
      result.set([0x1f, 0x8b, 8, 0]);
      dv.setUint32(4, mtime, true);
      result[8] = this.level === 9 ? 2 : this.level === 1 ? 4 : 0;
      result[9] = 0xff;
      result.set(body, 10);
      dv.setUint32(10 + body.byteLength, crc32(data), true);
      dv.setUint32(14 + body.byteLength, data.byteLength >>> 0, true);
      return result;
    });
  }

  /** Decompresses all members (zero padding allowed, as in Python); with `out`, straight into it (native). */

  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "gzip", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("gzip", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("gzip", data, {}, out, ctx);
      useFallback("gzip");
      // Bounded while inflating: never past the caller's buffer or the expected size (decodeLimit).
      const limit = decodeLimit(out, ctx);
      const maxOutputLength = Math.max(1, Math.min(limit, 2 ** 31 - 1));
      let result: Buffer;
      try {
        result = await gunzip(asBuffer(data), { maxOutputLength });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge("gzip", limit);
        throw e;
      }
      return intoOut("gzip", new Uint8Array(result.buffer, result.byteOffset, result.byteLength), out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "gzip", level: this.level };
  }

  /** Exactly numcodecs' repr, e.g. `GZip(level=1)`. */
  toString(): string {
    return `GZip(level=${this.level})`;
  }
}
