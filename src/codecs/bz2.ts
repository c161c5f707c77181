/**
 * BZ2, numcodecs id `bz2`: one bzip2 stream, as Python's `bz2.compress(buf, level)`.
 * @module
 */
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { bz2Compress, bz2Decompress } from "./fallback/bz2-js.ts";
import { checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress } from "./native.ts";
import { useFallback } from "./native-status.ts";

/** Constructor options, as numcodecs' `BZ2(level=1)`. */
export interface BZ2Options {
  /** Block size in 100 kB units, 1–9. Default 1. */
  level?: number;
}

/**
 * BZ2 codec, byte-identical to numcodecs on the native path (same libbz2). Without the addon it
 * encodes with libbzip2 compiled to WebAssembly (`libbzip2-wasm`: the same bytes as Python's
 * `bz2.compress`) and decodes with pure-JS seek-bzip, bounded by the chunk size.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new BZ2({ level: 9 }) });  // numcodecs.BZ2(level=9)
 */
export class BZ2 implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "bz2";
  readonly codecId = "bz2";
  readonly level: number;

  /** Levels outside 1..9 fail here, as in Python's bz2 module. */
  constructor(options: BZ2Options = {}) {
    this.level = intParam("bz2", "level", options.level, 1, 1, 9);
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): BZ2 {
    checkKeys("bz2", config, ["level"]);
    return new BZ2(config as BZ2Options);
  }

  /** Compresses into one bzip2 stream. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("bz2", "encode", () => {
      if (nativeCodecs) return nativeCodecs.compressAsync("bz2", data, { level: this.level });
      useFallback("bz2");
      return bz2Compress(data, this.level);
    });
  }

  /** Decompresses concatenated streams like Python's `bz2.decompress`; with `out`, straight into it. */

  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "bz2", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("bz2", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("bz2", data, {}, out, ctx);
      useFallback("bz2");
      return intoOut("bz2", await bz2Decompress(data, decodeLimit(out, ctx)), out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "bz2", level: this.level };
  }

  /** Exactly numcodecs' repr, e.g. `BZ2(level=1)`. */
  toString(): string {
    return `BZ2(level=${this.level})`;
  }
}
