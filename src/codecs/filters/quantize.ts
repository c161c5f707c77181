/**
 * numcodecs `Quantize`: lossy rounding of floats to a power-of-two grid finer than 10^-digits.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { describeValue } from "../../dtype/describe.ts";
import { rintNumber } from "../../dtype/float16.ts";
import { pyNumberStr, pyStrRepr } from "../../dtype/pyrepr.ts";
import { castArray, makeCaster, transformValues } from "./cast.ts";
import { checkConfig, deliver } from "./config.ts";
import { dtypeAndAstype, type FilterDtype, requireOptions } from "./filter-dtype.ts";
import { binaryOp, pyScalarTo, resultTypeWithScalar } from "./promote.ts";
import { elementCount } from "./values.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface QuantizeOptions {
  /** Desired precision in decimal digits (may be negative). */
  digits: number;
  /** dtype of the decoded data; must be a float dtype. */
  dtype: string;
  /** dtype of the encoded data; a float dtype, defaults to `dtype`. */
  astype?: string | null;
}

const NAME = "Quantize";

/**
 * The power-of-two scale numcodecs derives from `digits`. numcodecs goes through `math.log`, whose
 * last-bit rounding differs between glibc and V8; for every `digits` Python can evaluate
 * (-308..307) the exponent comes out as exactly `-digits`, and the bit count was checked against
 * CPython for that whole range, so this uses the exact forms.
 * @example
 * quantizeScale(3);   // 1024: 2 ** ceil(log2(10 ** 3))
 */
export function quantizeScale(digits: number): number {
  if (digits < -308 || digits > 307) {
    throw new CodecError(`${NAME}: parameter 'digits' must be within -308..307 for encoding (numcodecs raises OverflowError/ValueError), got ${digits}`);
  }
  // 10.**digits via string parsing is correctly rounded, as CPython's pow is on glibc.
  const bits = Math.ceil(Math.log(Number(`1e${digits}`)) / Math.log(2));
  return 2 ** bits;
}

/**
 * Quantize compatible with numcodecs 0.11: `around(scale * x) / scale` in the dtype numpy picks for
 * `array * python_float` (so a float16 array with a large scale is computed in float32), then a
 * cast to `astype`. Decoding only casts back, as in numcodecs.
 * @example
 * const z = await zeros([1000], { chunks: [100], dtype: "<f8", filters: [new Quantize({ digits: 3, dtype: "<f8" })] });  // numcodecs.Quantize(digits=3, dtype='f8')
 */
export class Quantize implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "quantize";
  readonly codecId = Quantize.codecId;
  readonly digits: number;
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;

  constructor(options: QuantizeOptions) {
    const o = requireOptions(NAME, options, [["digits", "digits"], ["dtype", "dtype"]]);
    if (typeof o.digits !== "number" || !Number.isInteger(o.digits)) {
      throw new CodecError(`${NAME}: parameter 'digits' must be an integer, got ${describeValue(o.digits)}`);
    }
    this.digits = o.digits;
    const types = dtypeAndAstype(NAME, o.dtype, o.astype, "float");
    this.dtype = types.dtype;
    this.astype = types.astype;
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Quantize {
    const c = checkConfig(config, Quantize.codecId, NAME, ["digits", "dtype", "astype"]);
    return new Quantize({ digits: c.digits as number, dtype: c.dtype as string, astype: c.astype as string | null | undefined });
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    elementCount(data, this.dtype, NAME, "dtype");
    const sc = { value: quantizeScale(this.digits), isInt: false };
    const t = resultTypeWithScalar(this.dtype, sc);
    const s = pyScalarTo(sc, t);
    const mul = binaryOp(t, "*");
    const div = binaryOp(t, "/");
    const cast = makeCaster(this.dtype, t);
    return transformValues(data, this.dtype, t, this.astype, (v) => div(rintNumber(mul(s, cast(v, false)) as number), s));
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    const n = elementCount(data, this.astype, NAME, "astype");
    const target = out && out.byteLength === n * this.dtype.itemsize ? out : undefined;
    return deliver(castArray(data, this.astype, this.dtype, NAME, target), out);
  }

  /** The output dtype is `astype`, whatever the input. */
  encodedDtype(_inputDtype: string): string {
    return this.astype.str;
  }

  getConfig(): CodecConfig {
    return { id: Quantize.codecId, digits: this.digits, dtype: this.dtype.str, astype: this.astype.str };
  }

  toString(): string {
    let r = `Quantize(digits=${pyNumberStr(this.digits)}, dtype=${pyStrRepr(this.dtype.str)}`;
    if (this.astype.str !== this.dtype.str) r += `, astype=${pyStrRepr(this.astype.str)}`;
    return r + ")";
  }
}
