/**
 * numcodecs `Base64`: standard base64 text (with padding) as the stored bytes.
 * @module
 */
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { checkConfig, deliver } from "./filters/elements.ts";

const NAME = "Base64";

const DECODE_TABLE = (() => {
  const t = new Uint8Array(256).fill(255);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * Decode like CPython's `base64.standard_b64decode` (`binascii.a2b_base64`, non-strict): bytes
 * outside the standard alphabet are skipped, a complete pad sequence ends the input, and leftover
 * bits are "Incorrect padding". Node's decoder is laxer (it accepts URL-safe characters and bad
 * padding), so numcodecs' behaviour is reproduced here instead.
 */
export function pythonB64Decode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((data.length * 3) / 4) + 3);
  let o = 0;
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < data.length; i++) {
    const ch = data[i];
    if (ch === 0x3d) {
      // '='
      if (quad >= 2 && quad + ++pads >= 4) return out.slice(0, o);
      continue;
    }
    const v = DECODE_TABLE[ch];
    if (v === 255) continue;
    pads = 0;
    switch (quad) {
      case 0:
        quad = 1;
        left = v;
        break;
      case 1:
        quad = 2;
        out[o++] = (left << 2) | (v >> 4);
        left = v & 0x0f;
        break;
      case 2:
        quad = 3;
        out[o++] = ((left << 4) | (v >> 2)) & 0xff;
        left = v & 0x03;
        break;
      default:
        quad = 0;
        out[o++] = ((left << 6) | v) & 0xff;
        left = 0;
    }
  }
  if (quad === 1) {
    throw new CodecError(
      `${NAME}: invalid base64-encoded data: number of data characters (${Math.floor(o / 3) * 4 + 1}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (quad !== 0) throw new CodecError(`${NAME}: invalid base64-encoded data: incorrect padding`);
  return out.slice(0, o);
}

/**
 * Base64 codec compatible with numcodecs 0.11.
 * @example
 * const bytes = await new Base64().encode(new TextEncoder().encode("zarr"));   // numcodecs.Base64().encode(b"zarr")
 */
export class Base64 implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "base64";
  readonly codecId = Base64.codecId;

  /** Takes no parameters; the options object exists for symmetry with the other codecs. */
  constructor(_options: Record<string, never> = {}) {}

  /** Build from a `.zarray` entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Base64 {
    checkConfig(config, Base64.codecId, NAME, []);
    return new Base64();
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
    return new Uint8Array(Buffer.from(b, "latin1"));
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return deliver(pythonB64Decode(data), out);
  }

  /** The encoded form is bytes. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }

  getConfig(): CodecConfig {
    return { id: Base64.codecId };
  }

  toString(): string {
    return "Base64()";
  }
}
