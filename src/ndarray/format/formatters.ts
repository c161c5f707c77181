/**
 * The element formatters of `arrayprint.py` (`_get_format_function` and the integer, bool,
 * time-like and structured formats); floats live in `float-format.ts`.
 * @module
 */
import { datetimeText, isNat, unitParts } from "../../dtype/datetime.ts";
import type { DType, DtypeField } from "../../dtype/dtype.ts";
import { pyBytesRepr, pyStrRepr } from "../../dtype/pyrepr.ts";
import { printKind } from "./dtype-text.ts";
import { complexFormat, floatFormat } from "./float-format.ts";
import { objectFormat, toBytes } from "./pyobject.ts";
import { type Ctx, type Formatter, intText, toBig } from "./values.ts";

/**
 * `numpy.datetime_as_string` of one element in its dtype's unit: `NaT` for the NaT forms, else the
 * ISO text numpy prints.
 */
export function elementDatetimeText(v: unknown, dt: DType): string {
  if (isNat(v)) return "NaT";
  return datetimeText(toBig(v), unitParts(dt.unit)!);
}

/** `IntegerFormat`: right-justified to the widest of str(max) and str(min). */
function integerFormat(data: unknown[]): Formatter {
  let width = 0;
  for (const v of data) width = Math.max(width, intText(v).length);
  return (v) => intText(v).padStart(width, " ");
}

/** `BoolFormat`: `' True'` lines up with `'False'`, except in 0-d arrays. */
function boolFormat(ctx: Ctx): Formatter {
  const t = ctx.zeroD ? "True" : " True";
  return (v) => (v ? t : "False");
}

/** `_TimelikeFormat`: right-justified to the wider of max and min, `'NaT'` counted as 5. */
function timelikeFormat(data: unknown[], text: (v: unknown) => string): Formatter {
  let maxV: bigint | undefined;
  let minV: bigint | undefined;
  let hasNat = false;
  for (const v of data) {
    if (isNat(v)) {
      hasNat = true;
      continue;
    }
    const b = toBig(v);
    if (maxV === undefined || b > maxV) maxV = b;
    if (minV === undefined || b < minV) minV = b;
  }
  let width = 0;
  if (maxV !== undefined && minV !== undefined) width = Math.max(text(maxV).length, text(minV).length);
  if (hasNat) width = Math.max(width, 5);
  const nat = "'NaT'".padStart(width, " ");
  return (v) => (isNat(v) ? nat : text(v).padStart(width, " "));
}

// --- structured ----------------------------------------------------------------------------

function flattenDeep(v: unknown, out: unknown[]): void {
  if (Array.isArray(v)) {
    for (const x of v) flattenDeep(x, out);
  } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const arr = v as unknown as ArrayLike<unknown>;
    for (let i = 0; i < arr.length; i++) out.push(arr[i]);
  } else {
    out.push(v);
  }
}

function fieldElements(v: unknown, f: DtypeField): unknown[] {
  const shape = f.shape ?? [];
  if (shape.length === 0) return [v];
  // S fields arrive as Uint8Array per element, so only flatten plain arrays for them.
  const out: unknown[] = [];
  if (f.dtype.kind === "S" || f.dtype.kind === "V" || f.dtype.kind === "c") {
    const walk = (x: unknown, depth: number): void => {
      if (depth < shape.length && Array.isArray(x)) for (const y of x) walk(y, depth + 1);
      else out.push(x);
    };
    // A flat list of elements is accepted too.
    if (Array.isArray(v) && v.length === shape.reduce((a, b) => a * b, 1) && !v.some((x) => Array.isArray(x) && f.dtype.kind !== "c")) {
      out.push(...v);
    } else {
      walk(v, 0);
    }
    return out;
  }
  flattenDeep(v, out);
  return out;
}

function fieldOf(v: unknown, name: string, index: number): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v[index];
  if (v instanceof Map) return v.get(name);
  return (v as Record<string, unknown>)[name];
}

/** `StructuredVoidFormat` (+ `SubArrayFormat` for fields with a shape). */
export function structuredFormat(dt: DType, data: unknown[], ctx: Ctx): Formatter {
  const fns = dt.fields!.map((f, i) => {
    const shape = f.shape ?? [];
    const column: unknown[] = [];
    for (const v of data) column.push(...fieldElements(fieldOf(v, f.name, i), f));
    const inner = makeFormatter(f.dtype, column, { ...ctx, zeroD: ctx.zeroD && shape.length === 0 });
    if (shape.length === 0) return inner;
    return (v: unknown): string => {
      const flat = fieldElements(v, f);
      let pos = 0;
      const rec = (axis: number): string => {
        const parts: string[] = [];
        for (let k = 0; k < shape[axis]; k++) parts.push(axis === shape.length - 1 ? inner(flat[pos++]) : rec(axis + 1));
        return "[" + parts.join(", ") + "]";
      };
      return rec(0);
    };
  });
  return (v) => {
    const strs = dt.fields!.map((f, i) => fns[i](fieldOf(v, f.name, i)));
    return strs.length === 1 ? `(${strs[0]},)` : `(${strs.join(", ")})`;
  };
}

/** `_get_format_function`: pick and calibrate the element formatter for `data`. */
export function makeFormatter(dt: DType, data: unknown[], ctx: Ctx): Formatter {
  switch (printKind(dt)) {
    case "b":
      return boolFormat(ctx);
    case "i":
    case "u":
      return integerFormat(data);
    case "f":
      return floatFormat(dt, data, ctx);
    case "c":
      return complexFormat(dt, data, ctx);
    case "S":
    case "V":
      return (v) => pyBytesRepr(toBytes(v));
    case "U":
      return (v) => pyStrRepr(v === null || v === undefined ? "" : String(v));
    case "M":
      return timelikeFormat(data, (v) => `'${elementDatetimeText(v, dt)}'`);
    case "m":
      return timelikeFormat(data, (v) => toBig(v).toString());
    case "O":
      return objectFormat;
    case "struct":
      return structuredFormat(dt, data, ctx);
  }
}
