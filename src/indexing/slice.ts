/**
 * Slices and basic selections (integers, slices with any non-zero step, `null` for a whole axis,
 * ellipsis), including numpy-style selection strings like `"0, :"` or `"::2, -1"`.
 * @module
 */
import { BoundsCheckError, IndexError } from "../errors.ts";

/**
 * A Python-style slice; `null` bounds mean "from the start" / "to the end".
 * @example
 * const s = new Slice(0, 100, 10);              // slice(0, 100, 10)
 * await z.get([s]);
 */
export class Slice {
  constructor(readonly start: number | null = null, readonly stop: number | null = null, readonly step: number | null = null) {
    if (step === 0) throw new IndexError("slice step cannot be zero");
  }

  /** Resolve against an axis length as Python's `slice.indices` does: (start, step, count). */
  indices(length: number): { start: number; step: number; count: number } {
    const step = this.step ?? 1;
    let start: number, stop: number;
    if (step > 0) {
      start = this.start === null ? 0 : this.start < 0 ? Math.max(0, this.start + length) : Math.min(this.start, length);
      stop = this.stop === null ? length : this.stop < 0 ? Math.max(0, this.stop + length) : Math.min(this.stop, length);
      return { start, step, count: stop > start ? Math.ceil((stop - start) / step) : 0 };
    }
    start = this.start === null ? length - 1 : this.start < 0 ? Math.max(-1, this.start + length) : Math.min(this.start, length - 1);
    stop = this.stop === null ? -1 : this.stop < 0 ? Math.max(-1, this.stop + length) : Math.min(this.stop, length - 1);
    return { start, step, count: start > stop ? Math.ceil((start - stop) / -step) : 0 };
  }

  /** Python's repr, e.g. `slice(0, 10, 2)`. */
  toString(): string {
    return `slice(${this.start}, ${this.stop}, ${this.step})`;
  }
}

/**
 * `slice(stop)` or `slice(start, stop, step?)`, as in Python.
 * @example
 * await z.get([slice(0, 5), slice(null, null, 1000)]);  // z[0:5, ::1000]
 * await z.get([slice(10), -1]);                         // z[:10, -1]
 */
export function slice(start: number | null, stop?: number | null, step?: number | null): Slice {
  if (stop === undefined) return new Slice(null, start, null);
  return new Slice(start, stop, step ?? null);
}

/** Marks "all remaining axes" in a selection, like Python's `...`. */
export const ellipsis = "..." as const;

/** One axis of a basic selection. */
export type DimSelection = number | Slice | null;

/** A basic selection: one per axis, an ellipsis, a numpy-style string, or null for everything. */
export type BasicSelection = null | undefined | string | DimSelection | readonly (DimSelection | typeof ellipsis)[];

/** An axis of a normalized selection: an integer (the axis is dropped) or a resolved slice. */
export type NormalizedDim =
  | { kind: "int"; index: number }
  | { kind: "slice"; start: number; step: number; count: number };

function parseIndexToken(tok: string, whole: string): DimSelection | typeof ellipsis {
  const t = tok.trim();
  if (t === "..." || t === "Ellipsis") return ellipsis;
  if (t === ":" || t === "::") return null;
  if (t.includes(":")) {
    const parts = t.split(":");
    if (parts.length > 3) throw new IndexError(`invalid slice '${t}' in selection '${whole}'`);
    const num = (p: string | undefined) => {
      if (p === undefined || p.trim() === "" || p.trim() === "None") return null;
      const n = Number(p.trim());
      if (!Number.isInteger(n)) throw new IndexError(`invalid slice bound '${p}' in selection '${whole}'`);
      return n;
    };
    return new Slice(num(parts[0]), num(parts[1]), num(parts[2]));
  }
  const n = Number(t);
  if (t === "" || !Number.isInteger(n)) throw new IndexError(`invalid index '${t}' in selection '${whole}'`);
  return n;
}

/**
 * Parse a numpy-style selection string such as `"0, :"`, `"1:5:2, ..."` or `"-1, -1"`.
 * @example
 * parseSelection("0:5, ::100");   // [slice(0, 5), slice(null, null, 100)]
 */
export function parseSelection(s: string): (DimSelection | typeof ellipsis)[] {
  const body = s.trim().replace(/^\[/, "").replace(/\]$/, "");
  if (body === "") return [];
  return body.split(",").filter((t, i, a) => !(t.trim() === "" && i === a.length - 1)).map((t) => parseIndexToken(t, s));
}

/**
 * Replace a single ellipsis with full-axis `null`s and pad missing trailing axes, in place, so every
 * selection kind has one item per axis. Refuses two ellipses or more items than axes.
 */
export function expandEllipsis<T>(items: (T | typeof ellipsis | null)[], ndim: number): void {
  const nEll = items.filter((x) => x === ellipsis).length;
  if (nEll > 1) throw new IndexError("a selection can only have a single ellipsis ('...')");
  if (nEll === 1) {
    const at = items.indexOf(ellipsis);
    const fill = ndim - (items.length - 1);
    if (fill < 0) throw new IndexError(`too many indices for array: array is ${ndim}-dimensional, but ${items.length - 1} were indexed`);
    items.splice(at, 1, ...new Array(fill).fill(null));
  }
  if (items.length > ndim) {
    throw new IndexError(`too many indices for array: array is ${ndim}-dimensional, but ${items.length} were indexed`);
  }
  while (items.length < ndim) items.push(null);
}

/**
 * Normalize a basic selection against a shape: expand the ellipsis, pad missing trailing axes with
 * full slices, resolve negative indices, and check bounds.
 */
export function normalizeBasicSelection(selection: BasicSelection, shape: readonly number[]): NormalizedDim[] {
  let items: (DimSelection | typeof ellipsis)[];
  if (selection === null || selection === undefined) items = [];
  else if (typeof selection === "string") items = parseSelection(selection);
  else if (Array.isArray(selection)) items = [...selection];
  else items = [selection as DimSelection];
  expandEllipsis(items, shape.length);
  return items.map((it, d) => {
    const n = shape[d];
    if (it === null || it === undefined) return { kind: "slice", start: 0, step: 1, count: n };
    if (typeof it === "number") {
      if (!Number.isInteger(it)) throw new IndexError(`index ${it} for axis ${d} is not an integer`);
      const i = it < 0 ? it + n : it;
      if (i < 0 || i >= n) throw new BoundsCheckError(`index ${it} is out of bounds for axis ${d} with size ${n}`);
      return { kind: "int", index: i };
    }
    if (it instanceof Slice) return { kind: "slice", ...it.indices(n) };
    if (typeof it === "object" && it !== null && ("start" in it || "stop" in it)) {
      const o = it as { start?: number | null; stop?: number | null; step?: number | null };
      return { kind: "slice", ...new Slice(o.start ?? null, o.stop ?? null, o.step ?? null).indices(n) };
    }
    throw new IndexError(`unsupported selection ${JSON.stringify(it, (_k, x) => (typeof x === "bigint" ? x.toString() : x))} for axis ${d}; use an integer, slice(...), null or '...'`);
  });
}
