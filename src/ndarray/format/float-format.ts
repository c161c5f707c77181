/**
 * numpy's float and complex element formatting (`FloatingFormat`, `ComplexFloatingFormat` and the
 * complex scalar repr), calibrated on the printed data as `arrayprint.py` does.
 * @module
 */
import type { DType } from "../../dtype/dtype.ts";
import { D4_DEFAULTS, dragon4Positional, dragon4Scientific, type D4Options, type FloatBits, roundTo, type Trim } from "./dragon4.ts";
import { complexParts, type Ctx, type Formatter, toNum } from "./values.ts";

/** `FloatingFormat` in `maxprec` mode. */
export class FloatingFormat {
  private precision: number;
  private minDigits = -1;
  private trim: Trim = ".";
  private expFormat = false;
  private padLeft = 0;
  private padRight = 0;
  private expSize = -1;
  private readonly sign: "-" | "+";
  private readonly bits: FloatBits;

  /** Calibrate on the printed values (`fillFormat`), as numpy does before printing any of them. */
  constructor(data: number[], bits: FloatBits, precision: number, sign: "-" | "+") {
    this.bits = bits;
    this.precision = precision;
    this.sign = sign;
    this.fillFormat(data.map((x) => roundTo(x, bits)));
  }

  private fillFormat(data: number[]): void {
    const finite = data.filter((x) => Number.isFinite(x));
    let maxVal = -Infinity;
    let minVal = Infinity;
    for (const x of finite) {
      if (x === 0) continue;
      const a = Math.abs(x);
      if (a > maxVal) maxVal = a;
      if (a < minVal) minVal = a;
    }
    if (maxVal !== -Infinity) {
      const ratio = roundTo(maxVal / minVal, this.bits);
      if (maxVal >= 1e8 || minVal < 0.0001 || ratio > 1000) this.expFormat = true;
    }
    const plus = this.sign === "+";
    if (finite.length === 0) {
      this.padLeft = 0;
      this.padRight = 0;
      this.trim = ".";
      this.expSize = -1;
      this.minDigits = -1;
    } else if (this.expFormat) {
      let intMax = 0;
      let fracMax = 0;
      let expMax = 0;
      for (const x of finite) {
        const s = dragon4Scientific(x, this.bits, { ...D4_DEFAULTS, precision: this.precision, trim: ".", sign: plus });
        const e = s.indexOf("e");
        const mant = s.slice(0, e);
        const dot = mant.indexOf(".");
        intMax = Math.max(intMax, dot);
        fracMax = Math.max(fracMax, mant.length - dot - 1);
        expMax = Math.max(expMax, s.length - e - 1);
      }
      this.expSize = expMax - 1;
      this.trim = "k";
      this.precision = fracMax;
      this.minDigits = fracMax;
      this.padLeft = intMax;
      this.padRight = this.expSize + 2 + this.precision;
    } else {
      let intMax = 0;
      let fracMax = 0;
      for (const x of finite) {
        const s = dragon4Positional(x, this.bits, { ...D4_DEFAULTS, precision: this.precision, trim: ".", sign: plus });
        const dot = s.indexOf(".");
        intMax = Math.max(intMax, dot);
        fracMax = Math.max(fracMax, s.length - dot - 1);
      }
      this.padLeft = intMax;
      this.padRight = fracMax;
      this.expSize = -1;
      this.trim = ".";
      this.minDigits = 0;
    }
    if (finite.length !== data.length) {
      const neginf = this.sign !== "-" || data.some((x) => x === -Infinity);
      const offset = this.padRight + 1;
      this.padLeft = Math.max(this.padLeft, 3 - offset, 3 + (neginf ? 1 : 0) - offset);
    }
  }

  /** One value, padded to the calibrated columns. */
  format(x0: number): string {
    const x = roundTo(x0, this.bits);
    if (!Number.isFinite(x)) {
      let ret: string;
      if (Number.isNaN(x)) ret = (this.sign === "+" ? "+" : "") + "nan";
      else ret = (x < 0 ? "-" : this.sign === "+" ? "+" : "") + "inf";
      return " ".repeat(Math.max(0, this.padLeft + this.padRight + 1 - ret.length)) + ret;
    }
    const o: D4Options = {
      precision: this.precision,
      minDigits: this.minDigits,
      trim: this.trim,
      sign: this.sign === "+",
      padLeft: this.padLeft,
      padRight: this.padRight,
      expDigits: this.expSize,
    };
    if (this.expFormat) return dragon4Scientific(x, this.bits, { ...o, padRight: -1 });
    return dragon4Positional(x, this.bits, o);
  }
}

/** The storage width a float or complex dtype prints at. */
export function floatBits(dt: DType): FloatBits {
  return dt.kind === "c" ? (dt.itemsize === 8 ? 32 : 64) : ((dt.itemsize * 8) as FloatBits);
}

/** `FloatingFormat` as an element formatter for a float dtype. */
export function floatFormat(dt: DType, data: unknown[], ctx: Ctx): Formatter {
  const ff = new FloatingFormat(data.map(toNum), floatBits(dt), ctx.precision, "-");
  return (v) => ff.format(toNum(v));
}

/** `ComplexFloatingFormat`: independent real and imaginary columns, `j` before the padding. */
export function complexFormat(dt: DType, data: unknown[], ctx: Ctx): Formatter {
  const parts = data.map(complexParts);
  const bits = floatBits(dt);
  const rf = new FloatingFormat(
    parts.map((p) => p[0]),
    bits,
    ctx.precision,
    "-",
  );
  const imf = new FloatingFormat(
    parts.map((p) => p[1]),
    bits,
    ctx.precision,
    "+",
  );
  return (v) => {
    const [re, im] = complexParts(v);
    const r = rf.format(re);
    let i = imf.format(im);
    const sp = i.trimEnd().length;
    i = i.slice(0, sp) + "j" + i.slice(sp);
    return r + i;
  };
}

/** numpy's complex scalar repr/str (`complex128.__repr__`). */
export function complexScalarRepr(v: unknown, bits: FloatBits): string {
  const [re0, im0] = complexParts(v);
  const re = roundTo(re0, bits);
  const im = roundTo(im0, bits);
  const either = (x: number, sign: boolean): string => {
    const a = Math.abs(x);
    const o = { ...D4_DEFAULTS, trim: "-" as Trim, sign };
    if (a === 0 || (a >= 1e-4 && a < 1e16)) return dragon4Positional(x, bits, o);
    return dragon4Scientific(x, bits, o);
  };
  if (re === 0 && !Object.is(re, -0)) return either(im, false) + "j";
  const nonFinite = (x: number, plus: boolean): string =>
    Number.isNaN(x) ? (plus ? "+nan" : "nan") : x < 0 ? "-inf" : plus ? "+inf" : "inf";
  const r = Number.isFinite(re) ? either(re, false) : nonFinite(re, false);
  const i = Number.isFinite(im) ? either(im, true) : nonFinite(im, true);
  return `(${r}${i}j)`;
}
