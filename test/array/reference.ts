/**
 * A plain reference for basic selections: a flat JS array in C order plus Python's slice rules,
 * written independently of zarrflow's indexing code. Not a test file itself.
 */

/** One axis of a selection as the tests write it. */
export type RefDim = number | { start: number | null; stop: number | null; step: number | null } | null;
export type RefSel = (RefDim | "...")[];

/** Python's `slice(start, stop, step).indices(n)` → the list of indices it selects. */
export function pySliceRange(start: number | null, stop: number | null, step: number | null, n: number): number[] {
  const st = step ?? 1;
  if (st === 0) throw new Error("step 0");
  let lo: number, hi: number;
  if (st > 0) {
    lo = start === null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    hi = stop === null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
    const out: number[] = [];
    for (let i = lo; i < hi; i += st) out.push(i);
    return out;
  }
  lo = start === null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
  hi = stop === null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
  const out: number[] = [];
  for (let i = lo; i > hi; i += st) out.push(i);
  return out;
}

/** Expand an ellipsis and pad with full axes: one entry per axis. */
function expand(sel: RefSel, ndim: number): RefDim[] {
  const items = [...sel];
  const at = items.indexOf("...");
  if (at >= 0) items.splice(at, 1, ...new Array(ndim - (items.length - 1)).fill(null));
  while (items.length < ndim) items.push(null);
  return items as RefDim[];
}

/** Per axis: the indices selected and whether the axis is kept in the result. */
export function refAxes(sel: RefSel, shape: readonly number[]): { idx: number[]; keep: boolean }[] {
  return expand(sel, shape.length).map((d, i) => {
    const n = shape[i];
    if (d === null) return { idx: pySliceRange(null, null, null, n), keep: true };
    if (typeof d === "number") {
      const j = d < 0 ? d + n : d;
      if (j < 0 || j >= n) throw new RangeError(`index ${d} out of range for axis ${i}`);
      return { idx: [j], keep: false };
    }
    return { idx: pySliceRange(d.start, d.stop, d.step, n), keep: true };
  });
}

/** A C-order flat array with a shape. */
export class RefArray {
  readonly data: number[];
  constructor(readonly shape: number[], fill = 0) {
    this.data = new Array(shape.reduce((a, b) => a * b, 1)).fill(fill);
  }

  private strides(): number[] {
    const s = new Array(this.shape.length);
    let acc = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      s[d] = acc;
      acc *= this.shape[d];
    }
    return s;
  }

  /** Visit every selected element in C order of the result: (flat index in data, flat index in result). */
  private visit(sel: RefSel, fn: (src: number, k: number) => void): number[] {
    const axes = refAxes(sel, this.shape);
    const st = this.strides();
    const outShape = axes.filter((a) => a.keep).map((a) => a.idx.length);
    if (axes.some((a) => a.idx.length === 0)) return outShape;
    let k = 0;
    const rec = (d: number, off: number) => {
      if (d === axes.length) {
        fn(off, k++);
        return;
      }
      for (const i of axes[d].idx) rec(d + 1, off + i * st[d]);
    };
    rec(0, 0);
    return outShape;
  }

  /** The selected elements (C order) and the result shape. */
  get(sel: RefSel): { shape: number[]; values: number[] } {
    const values: number[] = [];
    const shape = this.visit(sel, (src) => values.push(this.data[src]));
    return { shape, values };
  }

  /** Assign a scalar or a flat list (already broadcast to the selection's shape, C order). */
  set(sel: RefSel, value: number | number[]): void {
    this.visit(sel, (dst, k) => (this.data[dst] = typeof value === "number" ? value : value[k]));
  }

  /** Resize as numpy arrays would be grown/shrunk: kept region copied, the rest `fill`. */
  resized(shape: number[], fill: number): RefArray {
    const out = new RefArray(shape, fill);
    const common = shape.map((n, i) => Math.min(n, this.shape[i]));
    const sel: RefSel = common.map((n) => ({ start: 0, stop: n, step: 1 }));
    const { values } = this.get(sel);
    out.set(sel, values);
    return out;
  }
}

/** A small seeded PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number): { int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

/** A Python-ish rendering of a selection, for failure messages. */
export function selText(sel: RefSel): string {
  return (
    "[" +
    sel
      .map((d) => (d === null ? ":" : d === "..." ? "..." : typeof d === "number" ? String(d) : `${d.start ?? ""}:${d.stop ?? ""}${d.step === null ? "" : ":" + d.step}`))
      .join(", ") +
    "]"
  );
}
