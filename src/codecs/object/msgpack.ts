/**
 * numcodecs `MsgPack` (id `msgpack2`): object-array elements as one msgpack list, the nested list of
 * the chunk's values (numpy `tolist()`, C order) followed by the dtype string and the shape. Uses
 * the `@msgpack/msgpack` package. Strings map to msgpack str, `Uint8Array` to bin, integral numbers
 * to the smallest msgpack int, other numbers to float64, `bigint` to int64/uint64, arrays to lists
 * and plain objects to maps. Decoding returns the same kinds; 64-bit integers outside the safe range
 * decode to `bigint`.
 * @module
 */
import { decode as mpDecode, encode as mpEncode } from "@msgpack/msgpack";
import { describeValue } from "../../dtype/describe.ts";
import { CodecError } from "../../errors.ts";
import { PyFloat } from "../../metadata/json.ts";
import type { CodecConfig } from "../codec.ts";
import { checkCount, checkObjectConfig, fromNested, ObjectCodecBase, toNested, type ObjectLayout } from "./object-codec.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface MsgPackOptions {
  /** Write floats as float32. Default false. */
  use_single_float?: boolean;
  /** Use the bin type for bytes (msgpack 2.0 spec). Default true; false is not supported. */
  use_bin_type?: boolean;
  /** Decode str as raw bytes. Default false; true is not supported. */
  raw?: boolean;
}

const NAME = "MsgPack";

/** Convert values before packing: safe bigints to numbers (and back for 64-bit ints), {@link PyFloat} to its number. */
function prepare(v: unknown): unknown {
  if (typeof v === "bigint") {
    if (v < -(2n ** 63n) || v >= 2n ** 64n) throw new CodecError(`${NAME}: Integer value out of range`);
    return v >= -0x80000000n && v < 0x100000000n ? Number(v) : v;
  }
  if (v instanceof PyFloat) return v.value;
  // With useBigInt64 the packer writes safe integers beyond 32 bits as floats; Python writes int64/uint64.
  if (typeof v === "number" && Number.isSafeInteger(v) && (v < -0x80000000 || v >= 0x100000000)) return BigInt(v);
  if (Array.isArray(v)) return v.map(prepare);
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    const p = Object.getPrototypeOf(v);
    if (p === Object.prototype || p === null) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: prepare(x), enumerable: true, writable: true, configurable: true });
      return o;
    }
    throw new CodecError(`${NAME}: can not serialize '${(v as object).constructor?.name ?? "object"}' object`);
  }
  return v;
}

/** After unpacking with bigints: safe bigints back to numbers. */
function finish(v: unknown): unknown {
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(finish);
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    for (const k of Object.keys(v)) (v as Record<string, unknown>)[k] = finish((v as Record<string, unknown>)[k]);
  }
  return v;
}

/**
 * numcodecs' MsgPack codec (`msgpack2`).
 * @example
 * const z = await empty([3], { dtype: "|O", objectCodec: new MsgPack() });   // numcodecs.MsgPack()
 * await z.set(null, [42, "foo", ["bar", 1]]);
 */
export class MsgPack extends ObjectCodecBase {
  protected readonly codecName = "MsgPack";
  /** The numcodecs id. */
  static readonly codecId = "msgpack2";
  /** The numcodecs id. */
  readonly codecId = MsgPack.codecId;
  /** See {@link MsgPackOptions.use_single_float}. */
  readonly use_single_float: boolean;
  /** See {@link MsgPackOptions.use_bin_type}. */
  readonly use_bin_type: boolean;
  /** See {@link MsgPackOptions.raw}. */
  readonly raw: boolean;

  /** Build with numcodecs' parameters (defaults as in numcodecs 0.11). */
  constructor(options: MsgPackOptions = {}) {
    super();
    this.use_single_float = options?.use_single_float ?? false;
    this.use_bin_type = options?.use_bin_type ?? true;
    this.raw = options?.raw ?? false;
    if (!this.use_bin_type) throw new CodecError(`${NAME}: use_bin_type=False is not supported`);
    if (this.raw) throw new CodecError(`${NAME}: raw=True is not supported`);
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): MsgPack {
    const c = checkObjectConfig(config as Record<string, unknown>, MsgPack.codecId, NAME, ["use_single_float", "use_bin_type", "raw"]);
    return new MsgPack(c as MsgPackOptions);
  }

  /** Encode the chunk's values: nested C-order lists of `layout.shape`, then `"|O"` and the shape. */
  async encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array> {
    const shape = layout?.shape ?? [values.length];
    const nested = toNested(values, layout);
    const items: unknown[] = shape.length === 0 ? [nested] : [...(nested as unknown[])];
    items.push("|O", [...shape]);
    try {
      return mpEncode(prepare(items), { forceFloat32: this.use_single_float, useBigInt64: true, ignoreUndefined: false });
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError(`${NAME}: ${(e as Error).message}`);
    }
  }

  /** Decode into a flat value list in `layout.order` (C by default), checking the recorded shape. */
  async decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]> {
    let items: unknown;
    try {
      items = finish(mpDecode(bytes, { useBigInt64: true }));
    } catch (e) {
      throw new CodecError(`${NAME}: invalid msgpack data: ${(e as Error).message}`);
    }
    if (!Array.isArray(items) || items.length < 2) throw new CodecError(`${NAME}: expected a list ending with dtype and shape`);
    const shape = items[items.length - 1];
    if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
      throw new CodecError(`${NAME}: invalid recorded shape ${describeValue(shape)}`);
    }
    const vals = items.slice(0, -2);
    const flat = shape.length === 0 ? [vals[0]] : fromNested(NAME, vals, shape as number[], layout?.order ?? "C");
    checkCount(NAME, flat.length, count);
    return flat;
  }

  /** `{ id: "msgpack2", raw, use_single_float, use_bin_type }` */
  getConfig(): CodecConfig {
    return { id: MsgPack.codecId, raw: this.raw, use_single_float: this.use_single_float, use_bin_type: this.use_bin_type };
  }

  /** `MsgPack(raw=False, use_bin_type=True, use_single_float=False)` */
  toString(): string {
    const b = (x: boolean) => (x ? "True" : "False");
    return `MsgPack(raw=${b(this.raw)}, use_bin_type=${b(this.use_bin_type)}, use_single_float=${b(this.use_single_float)})`;
  }
}
