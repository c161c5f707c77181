/**
 * numcodecs `Delta`: stores the first element, then differences between neighbours.
 * @module
 */
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";
import { makeCaster, setitemScalar, writeValues } from "./cast.ts";
import { checkConfig, deliver } from "./config.ts";
import { dtypeAndAstype, type FilterDtype, requireOptions, type Scalar } from "./filter-dtype.ts";
import { binaryOp, promoteTypes } from "./promote.ts";
import { elementCount, elementReader, elementWriter, readValues, viewOf } from "./values.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface DeltaOptions {
  /** dtype of the decoded data, e.g. `"<i4"`. */
  dtype: string;
  /** dtype of the encoded data; defaults to `dtype`. */
  astype?: string | null;
}

const NAME = "Delta";

/**
 * Delta filter compatible with numcodecs 0.11. Differences are taken in `dtype` and then cast to
 * `astype` with numpy's (wrapping, truncating) cast rules, so an undersized `astype` corrupts data
 * exactly as numcodecs does; decoding casts back to `dtype` and takes a wrapping cumulative sum.
 * Bool arrays use numpy's bool semantics (`diff` is xor, `cumsum` is or), which numcodecs inherits.
 * @example
 * const z = await array(arange(100000, undefined, 1, "<i8"), { chunks: [10000], filters: [new Delta({ dtype: "<i8", astype: "<i1" })] });  // numcodecs.Delta(dtype='i8', astype='i1')
 */
export class Delta implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "delta";
  readonly codecId = Delta.codecId;
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;

  constructor(options: DeltaOptions) {
    const o = requireOptions(NAME, options, [["dtype", "dtype"]]);
    const types = dtypeAndAstype(NAME, o.dtype, o.astype, "numeric");
    this.dtype = types.dtype;
    this.astype = types.astype;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Delta {
    const c = checkConfig(config, Delta.codecId, NAME, ["dtype", "astype"]);
    return new Delta({ dtype: c.dtype as string, astype: c.astype as string | null | undefined });
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const n = elementCount(data, this.dtype, NAME, "dtype");
    const out = new Uint8Array(n * this.astype.itemsize);
    if (n === 0) return out;
    const fast = sameSmallInt(this.dtype, this.astype);
    if (fast) {
      // Same little-endian integer type: typed-array stores wrap exactly as numpy's arithmetic does.
      const src = typedView(fast, data), dst = typedView(fast, out);
      dst[0] = src[0];
      for (let i = 1; i < n; i++) dst[i] = src[i] - src[i - 1];
      return out;
    }
    if (is64BitInt(this.dtype) && is64BitInt(this.astype)) {
      if (this.dtype.kind === "u" && this.astype.kind === "i") setitemScalar(elementReader(this.dtype)(viewOf(data), 0), this.dtype, this.astype, NAME);
      return delta64(data, this.dtype, out, this.astype, "-");
    }
    const vals = readValues(data, this.dtype);
    const sub = binaryOp(this.dtype, "-");
    const diffs = new Array(n - 1);
    for (let i = 1; i < n; i++) diffs[i - 1] = sub(vals[i], vals[i - 1]);
    // enc[0] = arr[0] is a scalar assignment, enc[1:] = np.diff(arr) an array cast.
    elementWriter(this.astype)(viewOf(out), 0, setitemScalar(vals[0], this.dtype, this.astype, NAME));
    writeValues(diffs, this.dtype, this.astype, out.subarray(this.astype.itemsize));
    return out;
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    elementCount(data, this.astype, NAME, "astype");
    // np.cumsum(enc, out=dec) runs the add loop in promote_types(astype, dtype), keeps the running
    // total in that type and casts each partial sum to dtype.
    const acc = promoteTypes(this.astype, this.dtype);
    const size = (data.byteLength / this.astype.itemsize) * this.dtype.itemsize;
    const target = out && out.byteLength === size && out.buffer !== data.buffer ? out : undefined;
    const fast = sameSmallInt(this.dtype, this.astype);
    if (fast) {
      // Writes go to fresh (aligned) memory; deliver() copies into a caller's buffer when given.
      const result = new Uint8Array(size);
      const src = typedView(fast, data), dst = typedView(fast, result);
      let total = 0;
      for (let i = 0; i < src.length; i++) {
        dst[i] = total + src[i];
        total = dst[i]; // the wrapped value, so the running sum never loses precision
      }
      return deliver(result, out);
    }
    if (is64BitInt(acc) && is64BitInt(this.astype) && is64BitInt(this.dtype)) {
      return deliver(delta64(data, this.astype, target ?? new Uint8Array(size), this.dtype, "+"), out);
    }
    const vals = readValues(data, this.astype);
    const add = binaryOp(acc, "+");
    const cast = makeCaster(this.astype, acc);
    let total: Scalar = 0;
    for (let i = 0; i < vals.length; i++) {
      const v = cast(vals[i], false);
      total = i === 0 ? v : add(total, v);
      vals[i] = total;
    }
    return deliver(writeValues(vals, acc, this.dtype, target), out);
  }

  /** The output dtype is `astype`, whatever the input. */
  encodedDtype(_inputDtype: string): string {
    return this.astype.str;
  }

  getConfig(): CodecConfig {
    return { id: Delta.codecId, dtype: this.dtype.str, astype: this.astype.str };
  }

  toString(): string {
    let r = `Delta(dtype=${pyStrRepr(this.dtype.str)}`;
    if (this.astype.str !== this.dtype.str) r += `, astype=${pyStrRepr(this.astype.str)}`;
    return r + ")";
  }
}

type SmallIntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
type SmallIntCtor = { new (b: ArrayBufferLike, off: number, len: number): SmallIntArray; BYTES_PER_ELEMENT: number };

/** The typed array for a little-endian integer of up to 32 bits used as both dtype and astype, else null. */
function sameSmallInt(a: FilterDtype, b: FilterDtype): SmallIntCtor | null {
  if (a.str !== b.str || !a.littleEndian || (a.kind !== "i" && a.kind !== "u") || a.itemsize > 4) return null;
  const table: Record<string, SmallIntCtor> = { i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array };
  return table[a.kind + a.itemsize] ?? null;
}

/** A typed view of bytes, copying once when they are not aligned for the element size. */
function typedView(ctor: SmallIntCtor, b: Uint8Array): SmallIntArray {
  const size = ctor.BYTES_PER_ELEMENT;
  if (b.byteOffset % size === 0) return new ctor(b.buffer, b.byteOffset, b.byteLength / size);
  const copy = b.slice();
  return new ctor(copy.buffer, 0, copy.byteLength / size);
}

function is64BitInt(d: FilterDtype): boolean {
  return (d.kind === "i" || d.kind === "u") && d.itemsize === 8;
}

/**
 * Delta encode ("-": first element, then wrapping differences) or decode ("+": wrapping running
 * sum) of 64-bit integers on 32-bit halves: the same bits as numpy's int64 arithmetic, without a
 * BigInt per element (timestamps are the common int64 case).
 */
function delta64(src: Uint8Array, from: FilterDtype, out: Uint8Array, to: FilterDtype, op: "-" | "+"): Uint8Array {
  const n = src.byteLength / 8;
  const sv = viewOf(src);
  const ov = viewOf(out);
  const fle = from.littleEndian;
  const tle = to.littleEndian;
  const fLo = fle ? 0 : 4;
  const fHi = fle ? 4 : 0;
  const tLo = tle ? 0 : 4;
  const tHi = tle ? 4 : 0;
  let pLo = 0;
  let pHi = 0;
  for (let i = 0; i < n; i++) {
    const lo = sv.getUint32(8 * i + fLo, fle);
    const hi = sv.getUint32(8 * i + fHi, fle);
    let rLo: number;
    let rHi: number;
    if (op === "-") {
      rLo = (lo - pLo) >>> 0;
      rHi = (hi - pHi - (lo < pLo ? 1 : 0)) >>> 0;
      pLo = lo;
      pHi = hi;
    } else {
      const sum = lo + pLo;
      rLo = sum >>> 0;
      rHi = (hi + pHi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
      pLo = rLo;
      pHi = rHi;
    }
    ov.setUint32(8 * i + tLo, rLo, tle);
    ov.setUint32(8 * i + tHi, rHi, tle);
  }
  return out;
}
