/**
 * The one datetime64/timedelta64 model: units, NaT, conversion of user values to int64 counts and
 * numpy's ISO rendering of counts. Shared by the element model, fill values and the printer.
 * @module
 */
import { DtypeError } from "../errors.ts";
import { describeValue } from "./describe.ts";

/** NaT: numpy's "not a time", the minimum int64. */
export const NAT = -(2n ** 63n);

/** Per-unit facts numpy's datetime code uses: ticks per day (0 for calendar units), fraction digits, long name. */
export const UNIT_INFO: Readonly<Record<string, { perDay: bigint; fracDigits: number; name: string }>> = {
  Y: { perDay: 0n, fracDigits: 0, name: "years" },
  M: { perDay: 0n, fracDigits: 0, name: "months" },
  W: { perDay: 0n, fracDigits: 0, name: "weeks" },
  D: { perDay: 1n, fracDigits: 0, name: "days" },
  h: { perDay: 24n, fracDigits: 0, name: "hours" },
  m: { perDay: 1440n, fracDigits: 0, name: "minutes" },
  s: { perDay: 86400n, fracDigits: 0, name: "seconds" },
  ms: { perDay: 86400n * 10n ** 3n, fracDigits: 3, name: "milliseconds" },
  us: { perDay: 86400n * 10n ** 6n, fracDigits: 6, name: "microseconds" },
  ns: { perDay: 86400n * 10n ** 9n, fracDigits: 9, name: "nanoseconds" },
  ps: { perDay: 86400n * 10n ** 12n, fracDigits: 12, name: "picoseconds" },
  fs: { perDay: 86400n * 10n ** 15n, fracDigits: 15, name: "femtoseconds" },
  as: { perDay: 86400n * 10n ** 18n, fracDigits: 18, name: "attoseconds" },
};

/** A datetime unit split into numpy's base unit and multiplier (`"10s"` → `s` × 10); `""` base is generic. */
export interface UnitParts {
  base: string;
  mult: bigint;
}

/**
 * Split a unit string as written in a dtype (`"ns"`, `"15m"`, `"generic"`, undefined). Returns
 * null for an unknown base so callers can name the dtype in their own error.
 */
export function unitParts(unit: string | undefined): UnitParts | null {
  if (unit === undefined || unit === "" || unit === "generic") return { base: "", mult: 1n };
  const m = /^(\d*)(.+)$/.exec(unit);
  if (!m) return null;
  const base = m[2] === "μs" ? "us" : m[2];
  if (!(base in UNIT_INFO)) return null;
  return { base, mult: m[1] ? BigInt(m[1]) : 1n };
}

/** Floor division of bigints (Python's `//`), which calendar arithmetic before 1970 needs. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * Brand of the element value types (`Datetime64`, `Timedelta64`): its value is the kind letter.
 * Lets {@link datetimeCount} take a value read from another array without importing the classes.
 */
export const TIME_VALUE: unique symbol = Symbol.for("zarrflow.timeValue");

/** Attoseconds per tick of each linear (fixed-length) unit; calendar units (Y, M) have none. */
export const AS_PER: Readonly<Record<string, bigint>> = {
  W: 7n * 86400n * 10n ** 18n, D: 86400n * 10n ** 18n, h: 3600n * 10n ** 18n, m: 60n * 10n ** 18n, s: 10n ** 18n,
  ms: 10n ** 15n, us: 10n ** 12n, ns: 10n ** 9n, ps: 10n ** 6n, fs: 10n ** 3n, as: 1n,
};

/** {@link unitParts} for a known, non-generic unit; throws {@link DtypeError} naming `what` otherwise. */
export function partsOf(unit: string, what: string): UnitParts {
  const p = unitParts(unit);
  if (!p || p.base === "") throw new DtypeError(`${what}: unknown or generic unit '${unit}'`);
  return p;
}

/**
 * Convert a count from one unit to another as numpy's casting does (floor for datetimes, so
 * instants before 1970 round down). Linear units convert exactly through attoseconds; years and
 * months convert only between each other. Throws {@link DtypeError} naming both units otherwise.
 */
export function convertCount(count: bigint, from: string, to: string, floor = true): bigint {
  if (count === NAT || from === to) return count;
  const a = partsOf(from, "datetime conversion"), b = partsOf(to, "datetime conversion");
  const div = (x: bigint, y: bigint) => (floor ? floorDiv(x, y) : x / y);
  if (AS_PER[a.base] !== undefined && AS_PER[b.base] !== undefined) return div(count * a.mult * AS_PER[a.base], AS_PER[b.base] * b.mult);
  const months = (p: UnitParts) => (p.base === "Y" ? 12n : p.base === "M" ? 1n : undefined);
  const ma = months(a), mb = months(b);
  if (ma !== undefined && mb !== undefined) return div(count * a.mult * ma, mb * b.mult);
  throw new DtypeError(`cannot convert a count of '${from}' to '${to}': calendar units (Y, M) convert only to each other`);
}

const UNIT_MS: Record<string, bigint> = { D: 86_400_000n, h: 3_600_000n, m: 60_000n, s: 1000n, ms: 1n };

/**
 * Convert a value to the int64 count of a datetime/timedelta unit, so users can assign dates the
 * way they would in numpy. Accepts bigint, number, ISO date strings, Date, "NaT" and the element
 * value types (`Datetime64`/`Timedelta64`, converted from their own unit); `dtypeStr` names the
 * dtype in errors and tells a timedelta (`m8`) from a datetime.
 */
export function datetimeCount(v: unknown, unit: string | undefined, dtypeStr: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "object" && v !== null && TIME_VALUE in v) {
    // A Datetime64/Timedelta64 keeps its meaning: its count is converted to this dtype's unit.
    const tv = v as { count: bigint; unit: string; [TIME_VALUE]: "M" | "m" };
    const want = /(^|[<>|=])m8|timedelta/.test(dtypeStr) ? "m" : "M";
    if (tv[TIME_VALUE] !== want) throw new DtypeError(`a ${tv[TIME_VALUE] === "M" ? "Datetime64" : "Timedelta64"} does not fit dtype '${dtypeStr}'`);
    return unit === undefined ? tv.count : convertCount(tv.count, tv.unit, unit, want === "M");
  }
  if (typeof v === "number") {
    if (Number.isNaN(v)) return NAT;
    return BigInt(Math.trunc(v));
  }
  if (v === "NaT" || v === null) return NAT;
  let ms: number | undefined;
  let extraNs = 0n;
  if (v instanceof Date) ms = v.getTime();
  else if (typeof v === "string") {
    const m = /^(-?\d{4,})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?)?)?$/.exec(v.trim());
    if (!m) throw new DtypeError(`cannot parse '${v}' as ${dtypeStr}`);
    const [, y, mo, d, h, mi, s, frac] = m;
    ms = Date.UTC(Number(y), Number(mo ?? 1) - 1, Number(d ?? 1), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
    if (Number(y) < 100 && Number(y) >= 0) ms = new Date(ms).setUTCFullYear(Number(y));
    if (frac) {
      const f9 = (frac + "000000000").slice(0, 9);
      ms += Number(f9.slice(0, 3));
      extraNs = BigInt(f9.slice(3));
    }
    if (unit === "Y" && !mo) return BigInt(Number(y) - 1970);
    if (unit === "M" && !d) return BigInt((Number(y) - 1970) * 12 + Number(mo ?? 1) - 1);
  }
  if (ms === undefined || Number.isNaN(ms)) throw new DtypeError(`value ${describeValue(v)} does not fit dtype '${dtypeStr}'`);
  const u = unit ?? "ms";
  const m = /^(\d*)(.*)$/.exec(u)!;
  const mult = BigInt(m[1] || "1");
  const base = m[2] === "μs" ? "us" : m[2];
  const msB = BigInt(ms);
  let count: bigint;
  if (UNIT_MS[base] !== undefined) count = floorDiv(msB, UNIT_MS[base]);
  else if (base === "us") count = msB * 1000n + extraNs / 1000n;
  else if (base === "ns") count = msB * 1_000_000n + extraNs;
  else if (base === "W") count = floorDiv(msB, 7n * 86_400_000n);
  else if (base === "M") { const d = new Date(ms); count = BigInt((d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth()); }
  else if (base === "Y") count = BigInt(new Date(ms).getUTCFullYear() - 1970);
  else throw new DtypeError(`cannot convert ${describeValue(v)} to unit '${u}'`);
  return floorDiv(count, mult);
}

/** True for the values the printer treats as NaT (the sentinel, NaN, null, `"NaT"`). */
export function isNat(v: unknown): boolean {
  if (typeof v === "bigint") return v === NAT;
  if (typeof v === "number") return Number.isNaN(v) || v === -(2 ** 63);
  return v === null || v === undefined || v === "NaT";
}

function pad2(n: bigint): string {
  return n.toString().padStart(2, "0");
}

/** C's `"%04lld"`: zero-padded to 4 characters including the sign, as numpy prints years. */
export function yearText(y: bigint): string {
  return y < 0n ? "-" + (-y).toString().padStart(3, "0") : y.toString().padStart(4, "0");
}

/** Proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's civil_from_days). */
export function dateText(days: bigint): string {
  const z = days + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  let y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const m = mp < 10n ? mp + 3n : mp - 9n;
  if (m <= 2n) y += 1n;
  return `${yearText(y)}-${pad2(m)}-${pad2(d)}`;
}

/**
 * `numpy.datetime_as_string` of a count in the given unit (no timezone): what numpy prints for a
 * datetime64 element, so our output can be compared with a numpy session.
 */
export function datetimeText(count: bigint, parts: UnitParts): string {
  const n = count * parts.mult;
  switch (parts.base) {
    case "":
      return n.toString();
    case "Y":
      return yearText(1970n + n);
    case "M": {
      const y = floorDiv(n, 12n);
      return `${yearText(1970n + y)}-${pad2(n - y * 12n + 1n)}`;
    }
    case "W":
      return dateText(n * 7n);
    case "D":
      return dateText(n);
  }
  const info = UNIT_INFO[parts.base];
  const days = floorDiv(n, info.perDay);
  const rem = n - days * info.perDay;
  let s = dateText(days);
  if (parts.base === "h") return `${s}T${pad2(rem)}`;
  if (parts.base === "m") return `${s}T${pad2(rem / 60n)}:${pad2(rem % 60n)}`;
  const sub = 10n ** BigInt(info.fracDigits);
  const secs = rem / sub;
  const frac = rem % sub;
  s += `T${pad2(secs / 3600n)}:${pad2((secs / 60n) % 60n)}:${pad2(secs % 60n)}`;
  if (info.fracDigits > 0) s += "." + frac.toString().padStart(info.fracDigits, "0");
  return s;
}
