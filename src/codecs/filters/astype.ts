/**
 * numcodecs `AsType`: converts between element types on the way to and from storage.
 * @module
 */
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";
import { castArray } from "./cast.ts";
import { checkConfig, deliver } from "./config.ts";
import { dtypeParam, type FilterDtype, requireOptions } from "./filter-dtype.ts";
import { elementCount } from "./values.ts";

/** Constructor parameters (config keys `encode_dtype` / `decode_dtype`). */
export interface AsTypeOptions {
  /** dtype of the encoded (stored) data. */
  encodeDtype: string;
  /** dtype of the decoded data. */
  decodeDtype: string;
}

const NAME = "AsType";

/**
 * AsType compatible with numcodecs 0.11: a plain numpy `astype` in each direction, with numpy's
 * unchecked casts (float→int truncates, ints wrap, float16 rounds half to even). Casts between
 * bool/int/uint/float dtypes of any byte order are supported; other dtypes only when both sides
 * are the same type (a copy or byte swap).
 * @example
 * const z = await zeros([1000], { chunks: [100], dtype: "<f8", filters: [new AsType({ encodeDtype: "<f4", decodeDtype: "<f8" })] });
 */
export class AsType implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "astype";
  readonly codecId = AsType.codecId;
  readonly encodeDtype: FilterDtype;
  readonly decodeDtype: FilterDtype;

  constructor(options: AsTypeOptions) {
    const o = requireOptions(NAME, options, [["encodeDtype", "encode_dtype"], ["decodeDtype", "decode_dtype"]]);
    this.encodeDtype = dtypeParam(NAME, o.encodeDtype, "encode_dtype");
    this.decodeDtype = dtypeParam(NAME, o.decodeDtype, "decode_dtype");
  }

  /** Build from a `.zarray` filter entry (`encode_dtype`, `decode_dtype`). */
  static fromConfig(config: CodecConfig | Record<string, unknown>): AsType {
    const c = checkConfig(config, AsType.codecId, NAME, ["encode_dtype", "decode_dtype"]);
    return new AsType({ encodeDtype: c.encode_dtype as string, decodeDtype: c.decode_dtype as string });
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    elementCount(data, this.decodeDtype, NAME, "decode_dtype");
    return castArray(data, this.decodeDtype, this.encodeDtype, NAME);
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const n = elementCount(data, this.encodeDtype, NAME, "encode_dtype");
    const target = out && out.byteLength === n * this.decodeDtype.itemsize ? out : undefined;
    return deliver(castArray(data, this.encodeDtype, this.decodeDtype, NAME, target), out);
  }

  /** The output dtype is `encode_dtype`. */
  encodedDtype(_inputDtype: string): string {
    return this.encodeDtype.str;
  }

  getConfig(): CodecConfig {
    return { id: AsType.codecId, encode_dtype: this.encodeDtype.str, decode_dtype: this.decodeDtype.str };
  }

  toString(): string {
    return `AsType(encode_dtype=${pyStrRepr(this.encodeDtype.str)}, decode_dtype=${pyStrRepr(this.decodeDtype.str)})`;
  }
}
