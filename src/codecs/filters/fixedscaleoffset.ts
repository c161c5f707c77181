/**
 * numcodecs `FixedScaleOffset`: `round((x - offset) * scale)` stored as `astype`.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { describeValue } from "../../dtype/describe.ts";
import { rintNumber } from "../../dtype/float16.ts";
import { pyNumberStr, pyStrRepr } from "../../dtype/pyrepr.ts";
import { makeCaster, transformValues } from "./cast.ts";
import { checkConfig, deliver } from "./config.ts";
import { dtypeAndAstype, type FilterDtype, requireOptions } from "./filter-dtype.ts";
import { binaryOp, pyScalar, pyScalarTo, resultTypeWithScalar, trueDivideType } from "./promote.ts";
import { elementCount } from "./values.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface FixedScaleOffsetOptions {
  /** Value subtracted before scaling. */
  offset: number;
  /** Multiplier applied after subtracting the offset. */
  scale: number;
  /** dtype of the decoded data. */
  dtype: string;
  /** dtype of the encoded data; defaults to `dtype`. */
  astype?: string | null;
}

const NAME = "FixedScaleOffset";

/**
 * FixedScaleOffset compatible with numcodecs 0.11. The arithmetic runs in the dtype numpy 1.24
 * picks for `array - python_scalar` (value-based promotion: e.g. a float32 array times the int
 * 1000000 is computed in float64), rounds half to even, and casts with numpy's unchecked rules,
 * so overflowing `astype`s wrap exactly as numcodecs' do.
 *
 * JSON cannot tell `1000` from `1000.0`; integral `offset`/`scale` are treated as Python ints,
 * which is what numcodecs configs written from ints contain.
 * @example
 * // numcodecs.FixedScaleOffset(offset=1000, scale=10, dtype='f8', astype='u1')
 * const filters = [new FixedScaleOffset({ offset: 1000, scale: 10, dtype: "<f8", astype: "|u1" })];
 * const z = await zeros([1000], { chunks: [100], dtype: "<f8", filters });
 */
export class FixedScaleOffset implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "fixedscaleoffset";
  readonly codecId = FixedScaleOffset.codecId;
  readonly offset: number;
  readonly scale: number;
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;

  constructor(options: FixedScaleOffsetOptions) {
    const o = requireOptions(NAME, options, [["offset", "offset"], ["scale", "scale"], ["dtype", "dtype"]]);
    for (const p of ["offset", "scale"] as const) {
      const v = o[p];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new CodecError(`${NAME}: parameter '${p}' must be a finite number, got ${describeValue(v)}`);
      }
      if (Number.isInteger(v) && Math.abs(v) >= 2 ** 64) {
        throw new CodecError(`${NAME}: parameter '${p}' is an integer too large for numpy (${v})`);
      }
    }
    this.offset = options.offset;
    this.scale = options.scale;
    const types = dtypeAndAstype(NAME, o.dtype, o.astype, "numeric");
    this.dtype = types.dtype;
    this.astype = types.astype;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): FixedScaleOffset {
    const c = checkConfig(config, FixedScaleOffset.codecId, NAME, ["offset", "scale", "dtype", "astype"]);
    return new FixedScaleOffset({
      offset: c.offset as number,
      scale: c.scale as number,
      dtype: c.dtype as string,
      astype: c.astype as string | null | undefined,
    });
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    elementCount(data, this.dtype, NAME, "dtype");
    const off = pyScalar(this.offset);
    const sc = pyScalar(this.scale);
    const t1 = resultTypeWithScalar(this.dtype, off);
    const t2 = resultTypeWithScalar(t1, sc);
    const o1 = pyScalarTo(off, t1);
    const s2 = pyScalarTo(sc, t2);
    const sub = binaryOp(t1, "-");
    const mul = binaryOp(t2, "*");
    const c1 = makeCaster(this.dtype, t1);
    const c2 = makeCaster(t1, t2);
    const round = t2.kind === "f";
    return transformValues(data, this.dtype, t2, this.astype, (v) => {
      const m = mul(c2(sub(c1(v, false), o1), false), s2);
      return round ? rintNumber(m as number) : m;
    });
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    elementCount(data, this.astype, NAME, "astype");
    const off = pyScalar(this.offset);
    const sc = pyScalar(this.scale);
    const t3 = trueDivideType(this.astype, sc);
    const t4 = resultTypeWithScalar(t3, off);
    const s3 = pyScalarTo(sc, t3);
    const o4 = pyScalarTo(off, t4);
    const div = binaryOp(t3, "/");
    const add = binaryOp(t4, "+");
    const c3 = makeCaster(this.astype, t3);
    const c4 = makeCaster(t3, t4);
    const size = (data.byteLength / this.astype.itemsize) * this.dtype.itemsize;
    const target = out && out.byteLength === size && out.buffer !== data.buffer ? out : undefined;
    const dec = transformValues(data, this.astype, t4, this.dtype, (v) => add(c4(div(c3(v, false), s3), false), o4), target);
    return deliver(dec, out);
  }

  /** The output dtype is `astype`, whatever the input. */
  encodedDtype(_inputDtype: string): string {
    return this.astype.str;
  }

  getConfig(): CodecConfig {
    return { id: FixedScaleOffset.codecId, scale: this.scale, offset: this.offset, dtype: this.dtype.str, astype: this.astype.str };
  }

  toString(): string {
    let r = `FixedScaleOffset(scale=${pyNumberStr(this.scale)}, offset=${pyNumberStr(this.offset)}, dtype=${pyStrRepr(this.dtype.str)}`;
    if (this.astype.str !== this.dtype.str) r += `, astype=${pyStrRepr(this.astype.str)}`;
    return r + ")";
  }
}
