/**
 * Zstandard, numcodecs id `zstd`: a plain zstd frame with the content size in its header.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress, tooLarge } from "./native.ts";
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
 * What the frame and block headers of a zstd stream allow it to decode to, read without decoding:
 * the sum of the frames' declared content sizes (`exact`), or, where a frame does not declare one,
 * an upper bound from its block headers (a compressed block yields at most 128 KiB). Throws on a
 * stream libzstd would reject too (bad magic, reserved block type, truncation), so the WASM decoder
 * only ever sees streams whose output is known to fit.
 */
export function zstdOutputBound(data: Uint8Array): { bound: number; exact: boolean } {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.byteLength;
  const corrupt = (why: string): never => {
    throw new Error(`corrupt data (${why})`);
  };
  let pos = 0;
  let bound = 0;
  let exact = true;
  while (pos < n) {
    if (pos + 4 > n) corrupt("truncated frame magic");
    const magic = dv.getUint32(pos, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      // Skippable frame: magic, 4-byte size, payload.
      if (pos + 8 > n) corrupt("truncated skippable frame");
      pos += 8 + dv.getUint32(pos + 4, true);
      if (pos > n) corrupt("truncated skippable frame");
      continue;
    }
    if (magic !== 0xfd2fb528) corrupt(pos === 0 ? "not a zstd frame" : "garbage after the last frame");
    pos += 4;
    if (pos >= n) corrupt("truncated frame header");
    const fhd = data[pos++];
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    if (fhd & 0x08) corrupt("reserved bit set in the frame header");
    const checksum = (fhd >> 2) & 1;
    const fcsSize = fcsFlag === 0 ? singleSegment : [0, 2, 4, 8][fcsFlag];
    pos += (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
    if (pos + fcsSize > n) corrupt("truncated frame header");
    let declared: number | undefined;
    if (fcsSize === 1) declared = data[pos];
    else if (fcsSize === 2) declared = dv.getUint16(pos, true) + 256;
    else if (fcsSize === 4) declared = dv.getUint32(pos, true);
    else if (fcsSize === 8) declared = Number(dv.getBigUint64(pos, true));
    pos += fcsSize;
    let blocks = 0;
    for (;;) {
      if (pos + 3 > n) corrupt("truncated block header");
      const h = data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16);
      pos += 3;
      const last = h & 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) corrupt("reserved block type");
      if (size > BLOCK_MAX) corrupt("block larger than 128 KiB");
      blocks += type === 2 ? BLOCK_MAX : size;
      pos += type === 1 ? 1 : size;
      if (pos > n) corrupt("truncated block");
      if (last) break;
    }
    pos += checksum ? 4 : 0;
    if (pos > n) corrupt("truncated checksum");
    if (declared !== undefined) {
      if (declared > blocks) corrupt(`frame header claims ${declared} bytes, more than its blocks can hold`);
      bound += declared;
    } else {
      bound += blocks;
      exact = false;
    }
  }
  return { bound, exact };
}

type StreamBinding = {
  begin(): boolean;
  transform(d: Uint8Array, cb: (out: Uint8Array) => void): boolean;
  end(cb: (out: Uint8Array) => void): boolean;
  delete(): void;
};
let zstdStreams: Promise<{ b: { ZstdDecompressStreamBinding: new () => StreamBinding } }> | undefined;
function loadStreams() {
  // zstd-codec (a dependency) ships no types; its streaming decoder is what lets output be bounded.
  const spec = "zstd-codec/lib/module.js";
  // The binding is an Emscripten module with its own `then`: a promise resolving to it (or a `then`
  // callback returning it) would adopt it as a thenable and never settle, so it stays wrapped.
  zstdStreams ??= import(spec).then(
    (m) => new Promise<{ b: never }>((resolve) => (m.default as { run(f: (b: never) => void): void }).run((b) => resolve({ b }))),
  );
  return zstdStreams;
}

/**
 * Decodes a stream whose size the headers do not settle, a few bytes of input at a time, stopping as
 * soon as the output passes `limit` (a 64-byte slice decodes to at most a few MiB).
 */
async function streamDecode(data: Uint8Array, limit: number): Promise<Uint8Array> {
  const s = new (await loadStreams()).b.ZstdDecompressStreamBinding();
  const parts: Uint8Array[] = [];
  let total = 0;
  const take = (d: Uint8Array) => {
    total += d.byteLength;
    if (total <= limit) parts.push(d.slice());
  };
  try {
    if (!s.begin()) throw new Error("could not start a zstd stream");
    for (let i = 0; i < data.byteLength; i += 64) {
      if (!s.transform(data.subarray(i, i + 64), take)) throw new Error("corrupt data");
      if (total > limit) throw tooLarge("zstd", limit);
    }
    if (!s.end(take)) throw new Error("corrupt data");
    if (total > limit) throw tooLarge("zstd", limit);
  } finally {
    s.delete();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
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


  /** The native addon's encoder for this input (used for gather-and-encode), or null without it. */
  nativeEncode(_ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zstd", opts: { level: this.level <= 0 ? 1 : Math.min(this.level, 22) } } : null;
  }
  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "zstd", opts: {} } : null;
  }
  /**
   * Decompresses all frames; with `out`, straight into it (native). Output never grows past
   * `decodeLimit` (`out`'s size, the context's bound, or `maxChunkBytes`).
   */
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("zstd", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("zstd", data, {}, out, ctx);
      useFallback("zstd");
      if (data.byteLength === 0) throw new Error("empty input is not a zstd frame");
      const limit = decodeLimit(out, ctx);
      const { bound, exact } = zstdOutputBound(data);
      if (exact && bound > limit) {
        if (out) throw new Error(`output buffer too small (needs ${bound} bytes, got ${out.byteLength})`);
        throw tooLarge("zstd", limit, bound);
      }
      const result = bound <= limit ? await (await loadWasm()).fromConfig({ id: "zstd" }).decode(data) : await streamDecode(data, limit);
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
