/**
 * numcodecs `Adler32`: prefixes the data with its zlib Adler-32.
 * @module
 */
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { checkConfig } from "../filters/elements.ts";
import { checksumDecode, checksumEncode } from "./crc32.ts";

/**
 * zlib's Adler-32 (Python's `zlib.adler32`), deferring the modulo over blocks of 3800 bytes so the
 * sums stay exact in doubles without a division per byte.
 * @example
 * adler32(new TextEncoder().encode("zarr"));   // zlib.adler32(b"zarr")
 */
export function adler32(data: Uint8Array, value = 1): number {
  let a = value & 0xffff;
  let b = (value >>> 16) & 0xffff;
  const n = data.length;
  let i = 0;
  while (i < n) {
    const end = Math.min(i + 3800, n);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const NAME = "Adler32";

/**
 * Adler32 codec compatible with numcodecs 0.11 (checksum prefix, little-endian).
 * @example
 * const z = await zeros([100], { chunks: [10], filters: [new Adler32()] });   // numcodecs.Adler32(): checksum each chunk
 */
export class Adler32 implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "adler32";
  readonly codecId = Adler32.codecId;

  /** Takes no parameters; the options object exists for symmetry with the other codecs. */
  constructor(_options: Record<string, never> = {}) {}

  /** Build from a `.zarray` entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Adler32 {
    checkConfig(config, Adler32.codecId, NAME, []);
    return new Adler32();
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return checksumEncode(data, adler32);
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return checksumDecode(data, adler32, NAME, out);
  }

  /** numcodecs returns a `uint8` array. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }

  getConfig(): CodecConfig {
    return { id: Adler32.codecId };
  }

  toString(): string {
    return "Adler32()";
  }
}
