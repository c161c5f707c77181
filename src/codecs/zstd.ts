/**
 * Zstandard, numcodecs id `zstd`: a plain zstd frame with the content size in its header.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { checkKeys, guard, intoOut, intParam, nativeCodecs } from "./native.ts";
import { useFallback } from "./native-status.ts";

/** Constructor options, as numcodecs 0.11's `Zstd(level=1)`. */
export interface ZstdOptions {
  /**
   * Compression level. Default 1. As in numcodecs 0.11, levels <= 0 compress at level 1 and levels
   * above 22 at 22 (numcodecs 0.12+ passes negative levels through); the config keeps the value given.
   */
  level?: number;
  /**
   * Accepted only as `false`: numcodecs 0.11 has no checksum option, so a config asking for one
   * comes from a newer numcodecs whose output 0.11 readers could not have produced.
   */
  checksum?: boolean;
}

const BLOCK_MAX = 128 * 1024;

/**
 * The content size claimed by the first frame's header, when it has one. The WASM fallback trusts
 * it for allocation, so an impossible claim is rejected before decoding.
 */
function claimedContentSize(data: Uint8Array): number | undefined {
  if (data.byteLength < 6) return undefined;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (dv.getUint32(0, true) !== 0xfd2fb528) return undefined;
  const fhd = data[4];
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  let pos = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  const fcsSize = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag];
  if (fcsSize === 0 || pos + fcsSize > data.byteLength) return undefined;
  if (fcsSize === 1) return data[pos];
  if (fcsSize === 2) return dv.getUint16(pos, true) + 256;
  if (fcsSize === 4) return dv.getUint32(pos, true);
  return Number(dv.getBigUint64(pos, true));
}

type WasmCodec = { encode(d: Uint8Array): Promise<Uint8Array>; decode(d: Uint8Array): Promise<Uint8Array> };
let wasmZstd: Promise<{ fromConfig(c: Record<string, unknown>): WasmCodec }> | undefined;
function loadWasm() {
  wasmZstd ??= import("numcodecs/zstd").then((m) => m.default as unknown as { fromConfig(c: Record<string, unknown>): WasmCodec });
  return wasmZstd;
}

/**
 * Zstandard codec, byte-compatible with numcodecs 0.11's `Zstd` on the native path (same libzstd,
 * same level clamping). The WASM fallback (numcodecs.js) bundles another libzstd, so its bytes may
 * differ; they decode everywhere.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new Zstd({ level: 5 }) });  // numcodecs.Zstd(level=5)
 */
export class Zstd implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "zstd";
  readonly codecId = "zstd";
  readonly level: number;

  /** Rejects `checksum: true` here, where the user can still pick another config. */
  constructor(options: ZstdOptions = {}) {
    this.level = intParam("zstd", "level", options.level, 1, -(2 ** 31), 2 ** 31 - 1);
    if (options.checksum !== undefined && options.checksum !== false) {
      throw new CodecError(
        `zstd: 'checksum' ${JSON.stringify(options.checksum, (_k, x) => (typeof x === "bigint" ? x.toString() : x))} is not supported (numcodecs 0.11's Zstd has no checksum option)`,
      );
    }
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): Zstd {
    checkKeys("zstd", config, ["level", "checksum"]);
    return new Zstd(config as ZstdOptions);
  }

  /** Compresses into one frame at `level`. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("zstd", "encode", async () => {
      // numcodecs 0.11: `if level <= 0: level = DEFAULT_CLEVEL; if level > MAX_CLEVEL: level = MAX_CLEVEL`.
      const level = this.level <= 0 ? 1 : Math.min(this.level, 22);
      if (nativeCodecs) return nativeCodecs.compressAsync("zstd", data, { level });
      useFallback("zstd");
      return (await loadWasm()).fromConfig({ id: "zstd", level }).encode(data);
    });
  }

  /** Decompresses all frames; with `out`, straight into it (native). */


  /** The native addon's encoder for this input (used for gather-and-encode), or null without it. */
  nativeEncode(_ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zstd", opts: { level: this.level <= 0 ? 1 : Math.min(this.level, 22) } } : null;
  }
  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zstd", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("zstd", "decode", async () => {
      if (nativeCodecs) return nativeCodecs.decompressAsync("zstd", data, {}, out);
      useFallback("zstd");
      if (data.byteLength === 0) throw new Error("empty input is not a zstd frame");
      const claimed = claimedContentSize(data);
      if (claimed !== undefined) {
        if (claimed > (Math.floor(data.byteLength / 3) + 1) * BLOCK_MAX) {
          throw new Error(`corrupt frame header (claims ${claimed} bytes from ${data.byteLength} compressed bytes)`);
        }
        if (out && claimed > out.byteLength) {
          throw new Error(`output buffer too small (needs ${claimed} bytes, got ${out.byteLength})`);
        }
      }
      const result = await (await loadWasm()).fromConfig({ id: "zstd" }).decode(data);
      return intoOut("zstd", result, out);
    });
  }

  /** Exactly numcodecs 0.11's `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "zstd", level: this.level };
  }

  /** Exactly numcodecs' repr, e.g. `Zstd(level=1)`. */
  toString(): string {
    return `Zstd(level=${this.level})`;
  }
}
