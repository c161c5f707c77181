/**
 * numpy scalar reprs and strs (what indexing a numpy array hands back and how it prints).
 * @module
 */
import { isNat, UNIT_INFO, unitParts } from "../../dtype/datetime.ts";
import type { DType } from "../../dtype/dtype.ts";
import { pyBytesRepr, pyRepr, pyStrRepr } from "../../dtype/pyrepr.ts";
import { floatScalarRepr } from "./dragon4.ts";
import { printerDtype, printKind } from "./dtype-text.ts";
import { complexScalarRepr, floatBits } from "./float-format.ts";
import { elementDatetimeText, structuredFormat } from "./formatters.ts";
import { pyStr, toBytes } from "./pyobject.ts";
import type { FormatSource } from "./types.ts";
import { intText, toBig, toNum } from "./values.ts";

/** numpy's scalar `repr()` of one element of `dt`. */
function scalarRepr(value: unknown, dt: DType): string {
  switch (printKind(dt)) {
    case "b":
      return value ? "True" : "False";
    case "i":
    case "u":
      return intText(value);
    case "f": {
      const x = toNum(value);
      if (Number.isNaN(x)) return "nan";
      if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
      return floatScalarRepr(x, floatBits(dt));
    }
    case "c":
      return complexScalarRepr(value, floatBits(dt));
    case "S":
    case "V":
      return pyBytesRepr(toBytes(value));
    case "U":
      return pyStrRepr(value === null || value === undefined ? "" : String(value));
    case "M": {
      const s = elementDatetimeText(value, dt);
      const parts = unitParts(dt.unit)!;
      if ((parts.mult === 1n && parts.base !== "h") || parts.base === "") return `numpy.datetime64('${s}')`;
      return `numpy.datetime64('${s}','${dt.unit}')`;
    }
    case "m": {
      const n = isNat(value) ? "'NaT'" : toBig(value).toString();
      if (dt.unit === undefined) return `numpy.timedelta64(${n})`;
      return `numpy.timedelta64(${n},'${dt.unit}')`;
    }
    case "O":
      return pyRepr(value);
    case "struct":
      return structuredFormat(dt, [value], { precision: 8, zeroD: true })(value);
  }
}

/**
 * numpy's scalar `str()`, which is what a 0-d array prints as: strings lose their quotes and
 * timedeltas spell out their unit.
 */
export function scalarStr(value: unknown, dt: DType): string {
  switch (printKind(dt)) {
    case "U":
      return value === null || value === undefined ? "" : String(value);
    case "M":
      return elementDatetimeText(value, dt);
    case "m": {
      if (isNat(value)) return "NaT";
      const parts = unitParts(dt.unit)!;
      const n = toBig(value) * parts.mult;
      return parts.base === "" ? n.toString() : `${n} ${UNIT_INFO[parts.base].name}`;
    }
    case "O":
      return pyStr(value);
    default:
      return scalarRepr(value, dt);
  }
}

/**
 * `repr()` of one element as numpy prints the scalar it would hand back from indexing.
 *
 * Element access (`arr.get([i, j])` in a REPL, error messages quoting a fill value) should read
 * the way numpy users expect — `4.2` not `4.2000000000000002`, `b'abc'`, `numpy.datetime64(...)` —
 * so values are rendered with numpy's scalar rules, not JavaScript's.
 *
 * @param value an element following the {@link FormatSource.get} conventions for `dtype`.
 * @example formatScalar(42, '<i4') === '42'; formatScalar(13707n, '<M8[D]') === "numpy.datetime64('2007-07-13')"
 * @throws DtypeError for an unsupported dtype or a value that cannot be read as that dtype.
 */
export function formatScalar(value: unknown, dtype: string): string {
  return scalarRepr(value, printerDtype(dtype));
}
