/**
 * Value types for one datetime64/timedelta64 element. A bare bigint count loses its unit (is `13707n`
 * days or nanoseconds?), so single-element reads give a {@link Datetime64} or {@link Timedelta64}
 * that keeps the count (`count`), names its unit, prints as numpy does and converts to a `Date`
 * where it can. Bulk storage (an NDArray's `data`) stays a `BigInt64Array` of counts.
 * @module
 */
import { DtypeError } from "../errors.ts";
import { AS_PER, convertCount, datetimeText, floorDiv, NAT, partsOf, TIME_VALUE, UNIT_INFO, unitParts } from "./datetime.ts";

/** Shared part of both value types. */
abstract class TimeValue {
  /** The int64 count of `unit`s (from the epoch for datetimes); `NAT` (-2^63) is NaT. */
  readonly count: bigint;
  /** numpy unit, e.g. `"ns"`, `"D"`, `"15m"`. */
  readonly unit: string;
  /** Brand read by the element converters, so a value written back keeps its meaning. @internal */
  readonly [TIME_VALUE]: "M" | "m";

  constructor(count: bigint, unit: string, kind: "M" | "m") {
    if (typeof count !== "bigint") throw new DtypeError(`count must be a bigint, got ${typeof count}`);
    partsOf(unit, kind === "M" ? "Datetime64" : "Timedelta64");
    this.count = count;
    this.unit = unit;
    this[TIME_VALUE] = kind;
  }

  /** True for NaT ("not a time"). */
  get isNaT(): boolean {
    return this.count === NAT;
  }

  /** The count in another unit (numpy's `astype('M8[unit]')`), e.g. to compare values of two arrays. */
  countIn(unit: string): bigint {
    return convertCount(this.count, this.unit, unit, this[TIME_VALUE] === "M");
  }

  /** Same kind, same instant or duration (NaT equals nothing, as in numpy). */
  equals(other: unknown): boolean {
    if (!(other instanceof TimeValue) || other[TIME_VALUE] !== this[TIME_VALUE] || this.isNaT || other.isNaT) return false;
    try {
      return this.countIn("as") === other.countIn("as");
    } catch {
      return this.unit === other.unit && this.count === other.count;
    }
  }

  /** The count, so `JSON.stringify` and `BigInt(v)` callers get the number they stored. */
  valueOf(): bigint {
    return this.count;
  }
}

/**
 * One `datetime64` element: an instant as a count of `unit`s since 1970-01-01T00:00 (no timezone).
 * @example
 * const d = await z.get(0);        // z: ZarrArray<"<M8[D]">
 * d.count;                          // 13707n
 * d.toString();                     // "2007-07-13"
 * d.toDate()?.toISOString();        // "2007-07-13T00:00:00.000Z"
 */
export class Datetime64 extends TimeValue {
  declare readonly [TIME_VALUE]: "M";
  constructor(count: bigint, unit: string) {
    super(count, unit, "M");
  }

  /** NaT in a unit. */
  static nat(unit: string): Datetime64 {
    return new Datetime64(NAT, unit);
  }

  /**
   * The instant as a `Date` (millisecond precision, sub-millisecond parts floored); undefined for
   * NaT or instants outside the range a `Date` holds.
   */
  toDate(): Date | undefined {
    if (this.isNaT) return undefined;
    const p = unitParts(this.unit)!;
    let ms: number;
    if (p.base === "Y" || p.base === "M") {
      const months = this.count * p.mult * (p.base === "Y" ? 12n : 1n);
      const y = floorDiv(months, 12n);
      if (y < -300000n || y > 300000n) return undefined;
      const d = new Date(0);
      d.setUTCFullYear(1970 + Number(y), Number(months - y * 12n), 1);
      ms = d.getTime();
    } else {
      const msCount = convertCount(this.count, this.unit, "ms");
      if (msCount > 8_640_000_000_000_000n || msCount < -8_640_000_000_000_000n) return undefined;
      ms = Number(msCount);
    }
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }

  /** numpy's `str()`: ISO text in the unit's precision (`"2007-07-13"`, `"2001-02-03T04:05:06.123456789"`), or `"NaT"`. */
  toString(): string {
    return this.isNaT ? "NaT" : datetimeText(this.count, unitParts(this.unit)!);
  }

  /** The ISO text, as `toString()`. */
  toJSON(): string {
    return this.toString();
  }

  /** numpy's repr: `numpy.datetime64('2007-07-13')`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `numpy.datetime64('${this.toString()}')`;
  }
}

/**
 * One `timedelta64` element: a duration as a count of `unit`s.
 * @example
 * const t = await z.get(0);        // z: ZarrArray<"<m8[s]">
 * t.count;                          // 7n
 * t.toString();                     // "7 seconds"
 * t.toMilliseconds();               // 7000
 */
export class Timedelta64 extends TimeValue {
  declare readonly [TIME_VALUE]: "m";
  constructor(count: bigint, unit: string) {
    super(count, unit, "m");
  }

  /** NaT in a unit. */
  static nat(unit: string): Timedelta64 {
    return new Timedelta64(NAT, unit);
  }

  /** The duration in milliseconds (a float for sub-millisecond units); undefined for NaT and calendar units (Y, M). */
  toMilliseconds(): number | undefined {
    if (this.isNaT) return undefined;
    const p = unitParts(this.unit)!;
    if (AS_PER[p.base] === undefined) return undefined;
    return Number(this.count * p.mult * AS_PER[p.base]) / 1e15;
  }

  /** numpy's `str()`: `"7 seconds"`, `"1 days"`, or `"NaT"`. */
  toString(): string {
    if (this.isNaT) return "NaT";
    const p = unitParts(this.unit)!;
    return `${this.count * p.mult} ${UNIT_INFO[p.base].name}`;
  }

  /** The `toString()` text. */
  toJSON(): string {
    return this.toString();
  }

  /** numpy's repr: `numpy.timedelta64(7,'s')`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.isNaT ? `numpy.timedelta64('NaT','${this.unit}')` : `numpy.timedelta64(${this.count},'${this.unit}')`;
  }
}

/** Wrap a raw count read from storage as the element value of a datetime/timedelta dtype. */
export function timeValue(kind: "M" | "m", count: bigint, unit: string): Datetime64 | Timedelta64 {
  return kind === "M" ? new Datetime64(count, unit) : new Timedelta64(count, unit);
}
