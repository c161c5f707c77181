/**
 * numcodecs `BitRound`: zero the low mantissa bits of floats (round to nearest, ties to even) so
 * the data compresses better.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { describeValue } from "../../dtype/describe.ts";
import { checkConfig, deliver } from "./config.ts";
import { type FilterDtype, parseFilterDtype } from "./filter-dtype.ts";
import { elementCount, viewOf } from "./values.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface BitRoundOptions {
  /** Mantissa bits to keep: 0..10 for float16, 0..23 for float32, 0..52 for float64. */
  keepbits: number;
}

const NAME = "BitRound";
const MAX_BITS: Record<number, number> = { 2: 10, 4: 23, 8: 52 };

/**
 * BitRound compatible with numcodecs 0.11. It has no dtype parameter: numcodecs reads the dtype off
 * the array it is handed, so this codec needs `ctx.dtype` to encode. The integer arithmetic
 * (arithmetic shift, wrapping add) is reproduced so NaN/inf bit patterns come out as in numcodecs.
 * Big-endian floats are rounded too (numcodecs 0.11 fails on them with a KeyError).
 * @example
 * const z = await zeros([1000], { chunks: [100], dtype: "<f4", filters: [new BitRound({ keepbits: 10 })] });  // numcodecs.BitRound(keepbits=10)
 */
export class BitRound implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "bitround";
  readonly codecId = BitRound.codecId;
  readonly keepbits: number;

  constructor(options: BitRoundOptions) {
    const kb = options?.keepbits;
    if (kb === undefined) throw new CodecError(`${NAME}: parameter 'keepbits' is required`);
    if (typeof kb !== "number" || !Number.isInteger(kb)) {
      throw new CodecError(`${NAME}: parameter 'keepbits' must be an integer, got ${describeValue(kb)}`);
    }
    if (kb < 0) throw new CodecError(`${NAME}: parameter 'keepbits' must be zero or positive, got ${kb}`);
    this.keepbits = kb;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): BitRound {
    const c = checkConfig(config, BitRound.codecId, NAME, ["keepbits"]);
    return new BitRound({ keepbits: c.keepbits as number });
  }

  private floatDtype(ctx: ChunkContext | undefined): FilterDtype {
    if (!ctx) throw new CodecError(`${NAME}: encoding needs the chunk dtype (ctx) to know the float width`);
    const dt = parseFilterDtype(ctx.dtype, NAME, "ctx.dtype");
    if (dt.kind !== "f") throw new CodecError(`${NAME}: only float arrays (16-64 bit) can be bit-rounded, got dtype '${dt.str}'`);
    return dt;
  }

  async encode(data: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    const dt = this.floatDtype(ctx);
    const bits = MAX_BITS[dt.itemsize];
    const n = elementCount(data, dt, NAME, "ctx.dtype");
    const out = new Uint8Array(data);
    if (this.keepbits === bits) return out;
    if (this.keepbits > bits) {
      throw new CodecError(`${NAME}: parameter 'keepbits' (${this.keepbits}) is too large for dtype '${dt.str}' (at most ${bits})`);
    }
    const m = bits - this.keepbits;
    const le = dt.littleEndian;
    const dv = viewOf(out);
    if (dt.itemsize === 8) {
      const hq = 2 ** (m - 1) - 1; // half_quantum1, < 2^51
      const hqHi = Math.floor(hq / 4294967296);
      const hqLo = hq % 4294967296;
      const loMask = m >= 32 ? 0 : (~((1 << m) - 1)) >>> 0;
      const hiMask = m <= 32 ? 0xffffffff : (~((1 << (m - 32)) - 1)) >>> 0;
      const hiOff = le ? 4 : 0;
      const loOff = le ? 0 : 4;
      for (let i = 0; i < n; i++) {
        let hi = dv.getUint32(8 * i + hiOff, le);
        let lo = dv.getUint32(8 * i + loOff, le);
        // (b >> m) & 1: bit m of the 64-bit integer
        const bit = m >= 32 ? (hi >>> (m - 32)) & 1 : (lo >>> m) & 1;
        const sumLo = lo + hqLo + bit;
        const carry = sumLo >= 4294967296 ? 1 : 0;
        lo = sumLo - carry * 4294967296;
        hi = (hi + hqHi + carry) >>> 0;
        dv.setUint32(8 * i + hiOff, (hi & hiMask) >>> 0, le);
        dv.setUint32(8 * i + loOff, (lo & loMask) >>> 0, le);
      }
    } else if (dt.itemsize === 4) {
      const hq = (1 << (m - 1)) - 1;
      const mask = (-1 << m) | 0;
      for (let i = 0; i < n; i++) {
        const b = dv.getInt32(4 * i, le);
        dv.setInt32(4 * i, ((b + (((b >> m) & 1) + hq)) | 0) & mask, le);
      }
    } else {
      const hq = (1 << (m - 1)) - 1;
      const mask = (-1 << m) & 0xffff;
      for (let i = 0; i < n; i++) {
        const b = dv.getUint16(2 * i, le);
        dv.setUint16(2 * i, ((b + (((b >> m) & 1) + hq)) & 0xffff) & mask, le);
      }
    }
    return out;
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    // numcodecs only reinterprets the integers as floats again: the bytes are unchanged.
    return deliver(out && out.byteLength === data.byteLength ? data : new Uint8Array(data), out);
  }

  /** numcodecs returns the integer view of the floats (same item size) unless nothing is dropped. */
  encodedDtype(inputDtype: string): string {
    const dt = parseFilterDtype(inputDtype, NAME, "dtype");
    if (dt.kind !== "f" || this.keepbits === MAX_BITS[dt.itemsize]) return dt.str;
    return dt.str.replace("f", "i");
  }

  getConfig(): CodecConfig {
    return { id: BitRound.codecId, keepbits: this.keepbits };
  }

  toString(): string {
    return `BitRound(keepbits=${this.keepbits})`;
  }
}
