/**
 * numcodecs `CRC32`: prefixes the data with its zlib CRC-32.
 * @module
 */
import * as zlib from "node:zlib";
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { checkConfig, deliver } from "../filters/elements.ts";

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * zlib's CRC-32 (the same value as Python's `zlib.crc32`). Uses Node's native `zlib.crc32` when the
 * runtime has it (Node ≥ 20.15) and a table-driven fallback otherwise.
 * @example
 * crc32(new TextEncoder().encode("zarr"));     // zlib.crc32(b"zarr")
 */
export function crc32(data: Uint8Array, value = 0): number {
  if (nativeCrc32) return nativeCrc32(data, value) >>> 0;
  const t = crcTable();
  let c = ~value;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Shared framing of numcodecs 0.11's `Checksum32` codecs: a 4-byte little-endian checksum, then the
 * data (0.11 puts the checksum first; later numcodecs versions moved it to the end, which is why
 * the framing is spelled out here rather than inferred).
 */
export function checksumEncode(data: Uint8Array, checksum: (d: Uint8Array) => number): Uint8Array {
  const out = new Uint8Array(data.byteLength + 4);
  new DataView(out.buffer).setUint32(0, checksum(data) >>> 0, true);
  out.set(data, 4);
  return out;
}

/** Verify and strip the 4-byte little-endian checksum prefix; a mismatch is corrupt data. */
export function checksumDecode(
  data: Uint8Array,
  checksum: (d: Uint8Array) => number,
  name: string,
  out?: Uint8Array,
): Uint8Array {
  if (data.byteLength < 4) {
    throw new CodecError(`${name}: encoded data is ${data.byteLength} bytes, shorter than the 4-byte checksum`);
  }
  const expect = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
  const payload = data.subarray(4);
  const actual = checksum(payload) >>> 0;
  if (expect !== actual) {
    throw new CodecError(
      `${name}: checksum failed (stored 0x${expect.toString(16).padStart(8, "0")}, computed 0x${actual.toString(16).padStart(8, "0")})`,
    );
  }
  return deliver(out && out.byteLength === payload.byteLength ? payload : payload.slice(), out);
}

const NAME = "CRC32";

/**
 * CRC32 codec compatible with numcodecs 0.11 (checksum prefix, little-endian).
 * @example
 * const z = await zeros([100], { chunks: [10], filters: [new CRC32()] });     // numcodecs.CRC32()
 */
export class CRC32 implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "crc32";
  readonly codecId = CRC32.codecId;

  /** Takes no parameters; the options object exists for symmetry with the other codecs. */
  constructor(_options: Record<string, never> = {}) {}

  /** Build from a `.zarray` entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): CRC32 {
    checkConfig(config, CRC32.codecId, NAME, []);
    return new CRC32();
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return checksumEncode(data, crc32);
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return checksumDecode(data, crc32, NAME, out);
  }

  /** numcodecs returns a `uint8` array. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }

  getConfig(): CodecConfig {
    return { id: CRC32.codecId };
  }

  toString(): string {
    return "CRC32()";
  }
}
