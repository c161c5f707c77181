/**
 * BZ2, numcodecs id `bz2`: one bzip2 stream, as Python's `bz2.compress(buf, level)`.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { checkKeys, guard, intParam, nativeCodecs, nativeUnavailableReason } from "./native.ts";
import { registerCodec } from "./registry.ts";

/** Constructor options, as numcodecs' `BZ2(level=1)`. */
export interface BZ2Options {
  /** Block size in 100 kB units, 1–9. Default 1. */
  level?: number;
}

/**
 * There is no maintained pure-JS bzip2 encoder on npm, so without the addon BZ2 fails with a
 * message saying how to get it rather than silently lacking a codec zarr-python uses.
 */
function unavailable(op: string): CodecError {
  return new CodecError(
    `bz2 ${op} requires the native codec addon (${nativeUnavailableReason}); ` +
      "install libbz2-dev and a C++ toolchain, then run `node native/build.mjs`",
  );
}

/** BZ2 codec, byte-identical to numcodecs (same libbz2). Native only. */
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
    if (!nativeCodecs) throw unavailable("encode");
    const native = nativeCodecs;
    return guard("bz2", "encode", () => native.compressAsync("bz2", data, { level: this.level }));
  }

  /** Decompresses concatenated streams like Python's `bz2.decompress`; with `out`, straight into it. */

  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "bz2", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    if (!nativeCodecs) throw unavailable("decode");
    const native = nativeCodecs;
    return guard("bz2", "decode", () => native.decompressAsync("bz2", data, {}, out));
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

registerCodec("bz2", (config) => BZ2.fromConfig(config));
