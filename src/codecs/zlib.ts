/**
 * Zlib, numcodecs id `zlib`: a zlib stream (RFC 1950), as Python's `zlib.compress(buf, level)`.
 * @module
 */
import { promisify } from "node:util";
import * as nodeZlib from "node:zlib";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { asBuffer, checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress, tooLarge } from "./native.ts";
import { useFallback } from "./native-status.ts";

const deflate = promisify(nodeZlib.deflate);
const inflate = promisify(nodeZlib.inflate);

/** Constructor options, as numcodecs' `Zlib(level=1)`. */
export interface ZlibOptions {
  /** 0 (store) to 9 (best), or -1 for zlib's default (6). Default 1. */
  level?: number;
}

/**
 * Zlib codec. The native path uses the system zlib, as Python does, so output is byte-identical to
 * numcodecs; node's bundled zlib (the fallback) is Chromium's fork, whose output differs in bytes
 * and size but decodes everywhere.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new Zlib({ level: 6 }) });  // numcodecs.Zlib(level=6)
 */
export class Zlib implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "zlib";
  readonly codecId = "zlib";
  readonly level: number;

  /** Levels outside -1..9 fail here rather than on the first write. */
  constructor(options: ZlibOptions = {}) {
    this.level = intParam("zlib", "level", options.level, 1, -1, 9);
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): Zlib {
    checkKeys("zlib", config, ["level"]);
    return new Zlib(config as ZlibOptions);
  }

  /** Compresses into one zlib stream. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("zlib", "encode", async () => {
      if (nativeCodecs) return nativeCodecs.compressAsync("zlib", data, { level: this.level });
      useFallback("zlib");
      return new Uint8Array(await deflate(asBuffer(data), { level: this.level }));
    });
  }

  /** Decompresses one zlib stream (trailing bytes are ignored, as in Python); with `out`, straight into it (native). */


  /** The native addon's encoder for this input (used for gather-and-encode), or null without it. */
  nativeEncode(_ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zlib", opts: { level: this.level } } : null;
  }
  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zlib", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("zlib", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("zlib", data, {}, out, ctx);
      useFallback("zlib");
      // Bounded while inflating: never past the caller's buffer or the expected size (decodeLimit).
      const limit = decodeLimit(out, ctx);
      const maxOutputLength = Math.max(1, Math.min(limit, 2 ** 31 - 1));
      let result: Buffer;
      try {
        result = await inflate(asBuffer(data), { maxOutputLength });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge("zlib", limit);
        throw e;
      }
      return intoOut("zlib", new Uint8Array(result.buffer, result.byteOffset, result.byteLength), out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "zlib", level: this.level };
  }

  /** Exactly numcodecs' repr, e.g. `Zlib(level=1)`. */
  toString(): string {
    return `Zlib(level=${this.level})`;
  }
}
