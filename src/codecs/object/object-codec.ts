/**
 * The contract of object codecs: codecs that turn the elements of an object-dtype (`|O`) chunk into
 * bytes and back, as numcodecs' VLenUTF8, VLenBytes, VLenArray, JSON, MsgPack and object
 * Categorize do. In zarr-python such a codec is the first filter of an object array.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";

/** Shape and memory order of the chunk handed to an object codec. */
export interface ObjectLayout {
  /** The chunk shape. */
  shape: readonly number[];
  /** Memory order of the flat value list: `"C"` (row-major) or `"F"` (column-major). */
  order: "C" | "F";
}

/**
 * A codec for object-dtype chunks. It takes and returns JS arrays of element values (in the chunk's
 * memory order) instead of bytes. The byte-level `encode`/`decode` of {@link Codec} are not usable
 * on it and throw {@link CodecError}.
 */
export interface ObjectCodec extends Codec {
  /** Marks object codecs; always `true`. */
  readonly isObjectCodec: true;
  /** Encode element values (flat, in the chunk's memory order) into bytes. */
  encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array>;
  /**
   * Decode bytes into element values (flat, in memory order). When `count` is given the number of
   * decoded items must equal it, otherwise {@link CodecError} is thrown.
   */
  decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]>;
}

/**
 * True when `c` is an {@link ObjectCodec}.
 * @example
 * isObjectCodec(new VLenUTF8());   // true
 * isObjectCodec(new Zlib());       // false
 */
export function isObjectCodec(c: unknown): c is ObjectCodec {
  return c !== null && typeof c === "object" && (c as ObjectCodec).isObjectCodec === true;
}

/**
 * True for the dtype spellings that mean numpy's object dtype (`"|O"`, `"O"`, `"object"`).
 * @example
 * isObjectDtypeString("|O");   // true
 */
export function isObjectDtypeString(d: unknown): boolean {
  return d === "|O" || d === "O" || d === "object" || d === "<O" || d === ">O";
}

/**
 * Base of the object codecs (JSON, MsgPack, the vlen codecs, object Categorize): they are used
 * through {@link ObjectCodec.encodeObjects}/{@link ObjectCodec.decodeObjects}, so the byte-level
 * {@link Codec} methods throw here once instead of in every codec, and the encoded stream is bytes
 * unless a codec says otherwise.
 */
export abstract class ObjectCodecBase implements ObjectCodec {
  /** The numcodecs id. */
  abstract readonly codecId: string;
  /** Always true: this is an {@link ObjectCodec}. */
  readonly isObjectCodec = true as const;
  /** The codec's name in error messages (numcodecs' class name). */
  protected abstract readonly codecName: string;

  /** Encode element values (flat, in the chunk's memory order) into bytes. */
  abstract encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array>;
  /** Decode bytes into element values (flat, in memory order), checking `count` when given. */
  abstract decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]>;
  /** The numcodecs configuration. */
  abstract getConfig(): CodecConfig;

  /** Not usable on bytes: throws {@link CodecError}. */
  async encode(_data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return bytesNotSupported(this.codecName);
  }

  /** Not usable on bytes: throws {@link CodecError}. */
  async decode(_data: Uint8Array, _out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return bytesNotSupported(this.codecName);
  }

  /** The encoded stream is plain bytes. */
  encodedDtype(_inputDtype: string): string {
    return "|u1";
  }
}

/** Byte-level encode/decode of an object codec: always an error. @internal */
export function bytesNotSupported(name: string): never {
  throw new CodecError(`${name} is an object codec: it encodes element values, not bytes (use encodeObjects/decodeObjects)`);
}

/** Check a decoded item count against the expected one. @internal */
export function checkCount(name: string, got: number, count?: number): void {
  if (count !== undefined && count !== got) {
    throw new CodecError(`${name}: decoded ${got} items, expected ${count}`);
  }
}

/** Reject unknown keys and a wrong id in a codec configuration. @internal */
export function checkObjectConfig(config: Record<string, unknown>, id: string, name: string, keys: string[]): Record<string, unknown> {
  if (config === null || typeof config !== "object") throw new CodecError(`${name}: configuration must be an object`);
  if (config.id !== undefined && config.id !== id) throw new CodecError(`${name}: configuration id must be '${id}', got '${String(config.id)}'`);
  for (const k of Object.keys(config)) {
    if (k !== "id" && !keys.includes(k)) throw new CodecError(`${name}: unexpected parameter '${k}'`);
  }
  return config;
}

/** Nest a flat memory-order list into C-order nested lists of `shape` (numpy's `tolist()`). @internal */
export function toNested(values: unknown[], layout?: ObjectLayout): unknown {
  const shape = layout?.shape ?? [values.length];
  const order = layout?.order ?? "C";
  const nd = shape.length;
  if (nd === 0) return values[0];
  const strides = new Array<number>(nd);
  let s = 1;
  if (order === "F") for (let i = 0; i < nd; i++) (strides[i] = s), (s *= shape[i]);
  else for (let i = nd - 1; i >= 0; i--) (strides[i] = s), (s *= shape[i]);
  const rec = (dim: number, off: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[dim]; i++) out.push(dim === nd - 1 ? values[off + i * strides[dim]] : rec(dim + 1, off + i * strides[dim]));
    return out;
  };
  return rec(0, 0);
}

/**
 * Flatten decoded nested lists of `shape` (C order) into a flat list in `order`, descending exactly
 * `shape.length` levels so list-valued elements stay whole. @internal
 */
export function fromNested(name: string, nested: unknown, shape: readonly number[], order: "C" | "F" = "C"): unknown[] {
  const nd = shape.length;
  const n = shape.reduce((a, b) => a * b, 1);
  if (nd === 0) return [nested];
  const out = new Array<unknown>(n);
  const strides = new Array<number>(nd);
  let s = 1;
  if (order === "F") for (let i = 0; i < nd; i++) (strides[i] = s), (s *= shape[i]);
  else for (let i = nd - 1; i >= 0; i--) (strides[i] = s), (s *= shape[i]);
  const rec = (v: unknown, dim: number, off: number): void => {
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new CodecError(`${name}: decoded items do not match the recorded shape [${shape.join(", ")}]`);
    }
    for (let i = 0; i < v.length; i++) {
      if (dim === nd - 1) out[off + i * strides[dim]] = v[i];
      else rec(v[i], dim + 1, off + i * strides[dim]);
    }
  };
  rec(nested, 0, 0);
  return out;
}
