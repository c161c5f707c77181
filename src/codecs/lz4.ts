/**
 * LZ4, numcodecs id `lz4`: a 4-byte little-endian uncompressed size, then one LZ4 block.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress, tooLarge } from "./native.ts";
import { useFallback } from "./native-status.ts";

/** Constructor options, as numcodecs' `LZ4(acceleration=1)`. */
export interface LZ4Options {
  /** Speed/ratio trade-off of `LZ4_compress_fast`; values < 1 mean 1. Default 1. */
  acceleration?: number;
}

const MAX_INPUT = 0x7e000000;

/**
 * The uncompressed size from the header, rejected when LZ4 could not possibly expand the block
 * that much (~255x), so a garbage header never drives a huge allocation.
 */
function headerSize(data: Uint8Array): number {
  if (data.byteLength < 4) {
    throw new CodecError(`lz4 decode failed: buffer of ${data.byteLength} bytes is too short for the 4-byte LZ4 size header`);
  }
  const size = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
  const body = data.byteLength - 4;
  if (size > 2 ** 31 - 1 || size > body * 255 + 64) {
    throw new CodecError(`lz4 decode failed: corrupt size header (claims ${size} bytes from ${body} compressed bytes)`);
  }
  return size;
}

type WasmCodec = { encode(d: Uint8Array): Promise<Uint8Array>; decode(d: Uint8Array): Promise<Uint8Array> };
let wasmLz4: Promise<{ fromConfig(c: Record<string, unknown>): WasmCodec }> | undefined;
function loadWasm() {
  wasmLz4 ??= import("numcodecs/lz4").then((m) => m.default as unknown as { fromConfig(c: Record<string, unknown>): WasmCodec });
  return wasmLz4;
}

/**
 * LZ4 codec, byte-compatible with numcodecs' `LZ4`.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new LZ4({ acceleration: 1 }) });  // numcodecs.LZ4()
 */
export class LZ4 implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "lz4";
  readonly codecId = "lz4";
  readonly acceleration: number;

  /** Any integer is accepted, as in numcodecs; liblz4 clamps it. */
  constructor(options: LZ4Options = {}) {
    this.acceleration = intParam("lz4", "acceleration", options.acceleration, 1, -(2 ** 31), 2 ** 31 - 1);
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): LZ4 {
    checkKeys("lz4", config, ["acceleration"]);
    return new LZ4(config as LZ4Options);
  }

  /** Compresses with `LZ4_compress_fast` behind the size header. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("lz4", "encode", async () => {
      if (data.byteLength > MAX_INPUT) throw new Error(`input of ${data.byteLength} bytes exceeds LZ4's limit of ${MAX_INPUT}`);
      if (nativeCodecs) return nativeCodecs.compressAsync("lz4", data, { acceleration: this.acceleration });
      useFallback("lz4");
      return (await loadWasm()).fromConfig({ id: "lz4", acceleration: Math.max(1, this.acceleration) }).encode(data);
    });
  }

  /** Decompresses; with `out`, straight into it (native). Unlike numcodecs, an empty buffer round-trips. */


  /** The native addon's encoder for this input (used for gather-and-encode), or null without it. */
  nativeEncode(_ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "lz4", opts: { acceleration: this.acceleration } } : null;
  }
  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "lz4", opts: {} } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("lz4", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("lz4", data, {}, out, ctx);
      useFallback("lz4");
      const size = headerSize(data);
      if (out && size > out.byteLength) throw new Error(`output buffer too small (needs ${size} bytes, got ${out.byteLength})`);
      if (size > decodeLimit(out, ctx)) throw tooLarge("lz4", decodeLimit(out, ctx), size);
      if (size === 0) {
        if (data.byteLength !== 5 || data[4] !== 0) throw new Error("corrupt data (empty block expected)");
        return out ? out.subarray(0, 0) : new Uint8Array(0);
      }
      const result = await (await loadWasm()).fromConfig({ id: "lz4" }).decode(data);
      if (result.byteLength !== size) throw new Error(`corrupt data (decoded ${result.byteLength} bytes, header says ${size})`);
      return intoOut("lz4", result, out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return { id: "lz4", acceleration: this.acceleration };
  }

  /** Exactly numcodecs' repr, e.g. `LZ4(acceleration=1)`. */
  toString(): string {
    return `LZ4(acceleration=${this.acceleration})`;
  }
}
