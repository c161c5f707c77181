/**
 * numcodecs `Shuffle`: byte shuffle (byte k of every element stored together), without compression.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { describeValue } from "../../dtype/describe.ts";
import { checkConfig, deliver } from "./config.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface ShuffleOptions {
  /** Bytes per element; numcodecs' default is 4. Values ≤ 1 make the filter a copy. */
  elementsize?: number;
}

const NAME = "Shuffle";

/**
 * Shuffle compatible with numcodecs 0.11. `elementsize` comes from the config, not the array
 * dtype, exactly as in numcodecs, so a mismatched config shuffles with the configured size.
 * @example
 * const z = await zeros([1000], { chunks: [100], dtype: "<f8", filters: [new Shuffle({ elementsize: 8 })], compressor: new Zlib() });
 */
export class Shuffle implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "shuffle";
  readonly codecId = Shuffle.codecId;
  readonly elementsize: number;

  constructor(options: ShuffleOptions = {}) {
    const es = options?.elementsize ?? 4;
    if (typeof es !== "number" || !Number.isInteger(es)) {
      throw new CodecError(`${NAME}: parameter 'elementsize' must be an integer, got ${describeValue(es)}`);
    }
    this.elementsize = es;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Shuffle {
    const c = checkConfig(config, Shuffle.codecId, NAME, ["elementsize"]);
    return new Shuffle({ elementsize: c.elementsize as number | undefined });
  }

  private check(data: Uint8Array): void {
    if (this.elementsize > 1 && data.byteLength % this.elementsize !== 0) {
      throw new CodecError(
        `${NAME}: buffer of ${data.byteLength} bytes is not an integer multiple of parameter 'elementsize' (${this.elementsize})`,
      );
    }
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    this.check(data);
    const out = new Uint8Array(data.byteLength);
    const es = this.elementsize;
    if (es <= 1) {
      out.set(data);
      return out;
    }
    const count = data.byteLength / es;
    for (let i = 0; i < count; i++) {
      const o = i * es;
      for (let b = 0; b < es; b++) out[b * count + i] = data[o + b];
    }
    return out;
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    this.check(data);
    const usable = out && out.byteLength === data.byteLength && out.buffer !== data.buffer;
    const dec = usable ? out : new Uint8Array(data.byteLength);
    const es = this.elementsize;
    if (es <= 1) {
      dec.set(data);
      return deliver(dec, out);
    }
    const count = data.byteLength / es;
    for (let i = 0; i < count; i++) {
      const o = i * es;
      for (let b = 0; b < es; b++) dec[o + b] = data[b * count + i];
    }
    return deliver(dec, out);
  }

  /** numcodecs returns a `uint8` array, which is what a following Blosc sees as its item size. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }

  getConfig(): CodecConfig {
    return { id: Shuffle.codecId, elementsize: this.elementsize };
  }

  toString(): string {
    return `Shuffle(elementsize=${this.elementsize})`;
  }
}
