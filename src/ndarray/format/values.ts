/**
 * Element values as the printer reads them, plus the formatter types shared by the format files.
 * @module
 */
import { DtypeError } from "../../errors.ts";

/** Formats one element; calibrated beforehand on the elements that will be printed. */
export type Formatter = (v: unknown) => string;

/** What a formatter needs to know about the print call. */
export interface Ctx {
  precision: number;
  /** True when formatting the single element of a 0-d array (numpy drops the bool padding). */
  zeroD: boolean;
}

/** An element as a JS number (bigints, bools and null included), for float formatting. */
export function toNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null || v === undefined) return NaN;
  return Number(v);
}

/** An element as an exact integer, for integer and datetime formatting. */
export function toBig(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new DtypeError(`cannot print non-finite value ${v} as an integer`);
    return BigInt(Math.trunc(v));
  }
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") return BigInt(v);
  throw new DtypeError(`cannot print ${String(v)} as an integer`);
}

/** Decimal text of an integer element (`-0` prints as `0`, as numpy does). */
export function intText(v: unknown): string {
  if (typeof v === "number" && Number.isInteger(v)) return Object.is(v, -0) ? "0" : String(v);
  return toBig(v).toString();
}

/** `[re, im]` of a complex element given as a pair, `{re, im}`, `{real, imag}` or a real number. */
export function complexParts(v: unknown): [number, number] {
  if (Array.isArray(v)) return [toNum(v[0]), toNum(v[1] ?? 0)];
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("re" in o || "im" in o) return [toNum(o.re ?? 0), toNum(o.im ?? 0)];
    if ("real" in o || "imag" in o) return [toNum(o.real ?? 0), toNum(o.imag ?? 0)];
  }
  return [toNum(v), 0];
}
