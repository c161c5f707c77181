/**
 * numcodecs `PackBits`: eight booleans per byte, behind a one-byte padding count.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { checkConfig, deliver } from "./config.ts";

const NAME = "PackBits";

/**
 * PackBits compatible with numcodecs 0.11: byte 0 holds how many padding bits complete the last
 * byte, then `np.packbits` output (most significant bit first). Any non-zero input byte counts as
 * `True`, as numpy's bool view does.
 * @example
 * const z = await zeros([1000], { chunks: [100], dtype: "|b1", filters: [new PackBits()] });   // numcodecs.PackBits(): 8 booleans per byte
 */
export class PackBits implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "packbits";
  readonly codecId = PackBits.codecId;

  /** Takes no parameters; the options object exists for symmetry with the other filters. */
  constructor(_options: Record<string, never> = {}) {}

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): PackBits {
    checkConfig(config, PackBits.codecId, NAME, []);
    return new PackBits();
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const n = data.byteLength;
    const nbytes = Math.ceil(n / 8);
    const out = new Uint8Array(nbytes + 1);
    out[0] = n % 8 === 0 ? 0 : 8 - (n % 8);
    for (let i = 0; i < n; i++) {
      if (data[i] !== 0) out[1 + (i >> 3)] |= 0x80 >> (i & 7);
    }
    return out;
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    if (data.byteLength === 0) throw new CodecError(`${NAME}: encoded data is empty (missing the padding-count byte)`);
    const pad = data[0];
    const total = (data.byteLength - 1) * 8;
    if (pad > 7 || pad > total) {
      throw new CodecError(`${NAME}: corrupt input, padding count ${pad} is invalid for ${data.byteLength - 1} packed bytes`);
    }
    const n = total - pad;
    const dec = out && out.byteLength === n ? out : new Uint8Array(n);
    for (let i = 0; i < n; i++) dec[i] = (data[1 + (i >> 3)] >> (7 - (i & 7))) & 1;
    return deliver(dec, out);
  }

  /** Packed output is bytes. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }

  getConfig(): CodecConfig {
    return { id: PackBits.codecId };
  }

  toString(): string {
    return "PackBits()";
  }
}
