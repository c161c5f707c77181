/**
 * numcodecs' variable-length codecs for object arrays: {@link VLenUTF8}, {@link VLenBytes} and
 * {@link VLenArray}. All three write the same framing: a little-endian uint32 item count, then for
 * each item a little-endian uint32 byte length followed by the item's bytes. For strings and bytes,
 * `null`/`undefined` and the number 0 (zarr's default fill value for object arrays) encode as an
 * empty item; VLenArray encodes `null` as an empty array and a scalar as a 1-element array, as
 * numcodecs does.
 * @module
 */
import { describeValue } from "../../dtype/describe.ts";
import { parseDtype, type DType } from "../../dtype/dtype.ts";
import { pyRepr } from "../../dtype/pyrepr.ts";
import { asBytes, byteswapInPlace, swapWidth, viewBytes, type TypedArray } from "../../dtype/elements.ts";
import { CodecError } from "../../errors.ts";
import { asNDArray, NDArray } from "../../ndarray/ndarray.ts";
import type { CodecConfig } from "../codec.ts";
import { checkCount, checkObjectConfig, ObjectCodecBase, type ObjectLayout } from "./object-codec.ts";

const HEADER = 4;

/** Frame a list of byte items as numcodecs' vlen codecs do. */
function frame(items: Uint8Array[]): Uint8Array {
  let total = HEADER;
  for (const it of items) total += 4 + it.byteLength;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, items.length, true);
  let off = HEADER;
  for (const it of items) {
    dv.setUint32(off, it.byteLength, true);
    out.set(it, off + 4);
    off += 4 + it.byteLength;
  }
  return out;
}

/** Split numcodecs vlen framing into byte items (views into `data`). */
function unframe(name: string, data: Uint8Array): Uint8Array[] {
  if (data.byteLength < HEADER) throw new CodecError(`${name}: corrupt buffer, missing or truncated header`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = dv.getUint32(0, true);
  const items: Uint8Array[] = [];
  let off = HEADER;
  for (let i = 0; i < n; i++) {
    if (off + 4 > data.byteLength) throw new CodecError(`${name}: corrupt buffer, data seem truncated`);
    const len = dv.getUint32(off, true);
    off += 4;
    if (off + len > data.byteLength) throw new CodecError(`${name}: corrupt buffer, data seem truncated`);
    items.push(data.subarray(off, off + len));
    off += len;
  }
  return items;
}

/** True for the values numcodecs' vlen codecs normalize to an empty item (None and 0). */
function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === 0 || v === 0n || v === false;
}

/**
 * numcodecs `VLenUTF8`: variable-length UTF-8 strings. Decodes to JS strings.
 * @example
 * const z = await empty([3], { dtype: "|O", objectCodec: new VLenUTF8() });   // zarr.empty(3, dtype=object, object_codec=numcodecs.VLenUTF8())
 * await z.set(null, ["foo", "bar", "baz"]);
 */
export class VLenUTF8 extends ObjectCodecBase {
  protected readonly codecName = "VLenUTF8";
  /** The numcodecs id. */
  static readonly codecId = "vlen-utf8";
  /** The numcodecs id. */
  readonly codecId = VLenUTF8.codecId;

  /** Build from a `.zarray` filter entry (`{"id": "vlen-utf8"}`). */
  static fromConfig(config: CodecConfig | Record<string, unknown>): VLenUTF8 {
    checkObjectConfig(config as Record<string, unknown>, VLenUTF8.codecId, "VLenUTF8", []);
    return new VLenUTF8();
  }

  /** Encode strings; `null` and 0 become `""`, anything else that is not a string is a {@link CodecError}. */
  async encodeObjects(values: unknown[], _layout?: ObjectLayout): Promise<Uint8Array> {
    const enc = new TextEncoder();
    return frame(
      values.map((v) => {
        if (isMissing(v)) return new Uint8Array(0);
        if (typeof v !== "string") throw new CodecError(`VLenUTF8: expected unicode string, found ${pyRepr(v)}`);
        return enc.encode(v);
      }),
    );
  }

  /** Decode into strings; invalid UTF-8 is a {@link CodecError}. */
  async decodeObjects(bytes: Uint8Array, count?: number, _layout?: ObjectLayout): Promise<unknown[]> {
    const items = unframe("VLenUTF8", bytes);
    checkCount("VLenUTF8", items.length, count);
    const dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    try {
      return items.map((b) => dec.decode(b));
    } catch (e) {
      throw new CodecError(`VLenUTF8: invalid UTF-8 data: ${(e as Error).message}`);
    }
  }

  /** `{ id: "vlen-utf8" }` */
  getConfig(): CodecConfig {
    return { id: VLenUTF8.codecId };
  }

  /** `VLenUTF8()` */
  toString(): string {
    return "VLenUTF8()";
  }
}

/**
 * numcodecs `VLenBytes`: variable-length byte strings. Decodes to `Uint8Array`s.
 * @example
 * const z = await empty([2], { dtype: "bytes" });   // dtype=bytes: VLenBytes
 * await z.set(null, [new Uint8Array([1, 2]), new Uint8Array([3])]);
 */
export class VLenBytes extends ObjectCodecBase {
  protected readonly codecName = "VLenBytes";
  /** The numcodecs id. */
  static readonly codecId = "vlen-bytes";
  /** The numcodecs id. */
  readonly codecId = VLenBytes.codecId;

  /** Build from a `.zarray` filter entry (`{"id": "vlen-bytes"}`). */
  static fromConfig(config: CodecConfig | Record<string, unknown>): VLenBytes {
    checkObjectConfig(config as Record<string, unknown>, VLenBytes.codecId, "VLenBytes", []);
    return new VLenBytes();
  }

  /** Encode byte strings (`Uint8Array`); `null` and 0 become empty. */
  async encodeObjects(values: unknown[], _layout?: ObjectLayout): Promise<Uint8Array> {
    return frame(
      values.map((v) => {
        if (isMissing(v)) return new Uint8Array(0);
        if (!(v instanceof Uint8Array)) throw new CodecError(`VLenBytes: expected byte string, found ${pyRepr(v)}`);
        return v;
      }),
    );
  }

  /** Decode into fresh `Uint8Array`s (copies, not views of the input). */
  async decodeObjects(bytes: Uint8Array, count?: number, _layout?: ObjectLayout): Promise<unknown[]> {
    const items = unframe("VLenBytes", bytes);
    checkCount("VLenBytes", items.length, count);
    return items.map((b) => new Uint8Array(b));
  }

  /** `{ id: "vlen-bytes" }` */
  getConfig(): CodecConfig {
    return { id: VLenBytes.codecId };
  }

  /** `VLenBytes()` */
  toString(): string {
    return "VLenBytes()";
  }
}

/** Constructor parameters of {@link VLenArray}. */
export interface VLenArrayOptions {
  /** numpy dtype of the items, e.g. `"<i8"`, `"int32"` (normalized to its `str`, e.g. `"<i4"`). */
  dtype: string;
}

/**
 * numcodecs `VLenArray`: variable-length 1-D numeric arrays. Items are {@link NDArray}s (or JS
 * arrays / typed arrays, converted to `dtype`); they decode to 1-D NDArrays of `dtype`.
 * @example
 * const z = await empty([2], { dtype: "|O", objectCodec: new VLenArray("<i8") });   // numcodecs.VLenArray(int)
 * await z.set(null, [[1, 3, 5], [4]]);
 */
export class VLenArray extends ObjectCodecBase {
  protected readonly codecName = "VLenArray";
  /** The numcodecs id. */
  static readonly codecId = "vlen-array";
  /** The numcodecs id. */
  readonly codecId = VLenArray.codecId;
  /** The items' dtype. */
  readonly dtype: DType;

  /** Build with the items' dtype. */
  constructor(options: VLenArrayOptions | string) {
    super();
    const d = typeof options === "string" ? options : options?.dtype;
    if (d === undefined) throw new CodecError("VLenArray: parameter 'dtype' is required");
    let dt: DType;
    try {
      dt = parseDtype(d);
    } catch (e) {
      throw new CodecError(`VLenArray: invalid dtype ${describeValue(d)}: ${(e as Error).message}`);
    }
    if (!["b", "i", "u", "f", "c", "M", "m"].includes(dt.kind) || dt.fields) {
      throw new CodecError(`VLenArray: dtype must be a fixed-size numeric dtype, got '${dt.str}'`);
    }
    this.dtype = dt;
  }

  /** Build from a `.zarray` filter entry (`{"id": "vlen-array", "dtype": "<i8"}`). */
  static fromConfig(config: CodecConfig | Record<string, unknown>): VLenArray {
    const c = checkObjectConfig(config as Record<string, unknown>, VLenArray.codecId, "VLenArray", ["dtype"]);
    return new VLenArray({ dtype: c.dtype as string });
  }

  /** Encode 1-D items; `null` becomes an empty array, a scalar (e.g. the fill value 0) a 1-element array. */
  async encodeObjects(values: unknown[], _layout?: ObjectLayout): Promise<Uint8Array> {
    const dt = this.dtype;
    const sw = swapWidth(dt);
    return frame(
      values.map((v) => {
        // numcodecs: None is an empty item, a scalar (including the fill value 0) a 1-element array.
        if (v === null || v === undefined) return new Uint8Array(0);
        let a: NDArray;
        try {
          a = asNDArray(v, dt.str);
        } catch (e) {
          throw new CodecError(`VLenArray: cannot convert item to ${dt.str}: ${(e as Error).message}`);
        }
        if (a.ndim === 0) a = a.reshape(1);
        if (a.ndim !== 1) throw new CodecError("VLenArray: only 1-dimensional arrays are supported");
        const c = a.toContiguous();
        let b = asBytes(c.data as TypedArray).subarray(0, c.size * dt.itemsize);
        if (sw) {
          b = b.slice();
          byteswapInPlace(b, sw);
        }
        return b;
      }),
    );
  }

  /** Decode into 1-D {@link NDArray}s of `dtype`. */
  async decodeObjects(bytes: Uint8Array, count?: number, _layout?: ObjectLayout): Promise<unknown[]> {
    const items = unframe("VLenArray", bytes);
    checkCount("VLenArray", items.length, count);
    const dt = this.dtype;
    const sw = swapWidth(dt);
    return items.map((b) => {
      if (b.byteLength % dt.itemsize) throw new CodecError(`VLenArray: item of ${b.byteLength} bytes is not a whole number of ${dt.str} elements`);
      const copy = b.slice();
      if (sw) byteswapInPlace(copy, sw);
      return new NDArray(viewBytes(dt, copy), [b.byteLength / dt.itemsize], dt);
    });
  }

  /** `{ id: "vlen-array", dtype }` */
  getConfig(): CodecConfig {
    return { id: VLenArray.codecId, dtype: this.dtype.str };
  }

  /** e.g. `VLenArray(dtype='<i8')` */
  toString(): string {
    return `VLenArray(dtype='${this.dtype.str}')`;
  }
}
