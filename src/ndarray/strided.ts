/**
 * Strided copy and fill kernels. Every read and write of the array layer ends here, so they merge
 * contiguous dimensions first and use `TypedArray.set` / `fill` for contiguous runs.
 * Offsets and strides are in lanes (typed-array elements), so complex numbers and fixed-size byte
 * strings are handled by adding an innermost lane dimension.
 * @module
 */
import type { DataArray, TypedArray } from "../dtype/elements.ts";

/** A strided view into element storage. */
export interface StridedView {
  data: DataArray;
  offset: number;
  strides: number[];
}

/** Merge adjacent dimensions that are contiguous in both views, dropping length-1 dimensions. */
function coalesce(shape: number[], a: number[], b: number[]): [number[], number[], number[]] {
  const s: number[] = [], sa: number[] = [], sb: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = s.length - 1;
    if (k >= 0 && sa[k] === a[d] * shape[d] && sb[k] === b[d] * shape[d]) {
      s[k] *= shape[d];
      sa[k] = a[d];
      sb[k] = b[d];
    } else {
      s.push(shape[d]);
      sa.push(a[d]);
      sb.push(b[d]);
    }
  }
  if (s.length === 0) return [[1], [1], [1]];
  return [s, sa, sb];
}

/** Copy `shape` elements from `src` to `dst`; both views may have any strides (including 0 or negative). */
export function copyStrided(dst: StridedView, src: StridedView, shape: number[]): void {
  for (const n of shape) if (n === 0) return;
  const [s, sd, ss] = coalesce(shape, dst.strides, src.strides);
  const nd = s.length;
  const D = dst.data as TypedArray, S = src.data as TypedArray;
  const typed = !Array.isArray(D) && !Array.isArray(S) && D.constructor === S.constructor;
  const inner = s[nd - 1], di = sd[nd - 1], si = ss[nd - 1];
  const idx = new Array(nd - 1).fill(0);
  let doff = dst.offset, soff = src.offset;
  for (;;) {
    if (typed && di === 1 && si === 1) {
      (D as Uint8Array).set((S as Uint8Array).subarray(soff, soff + inner), doff);
    } else if (typed && di === 1 && si === 0) {
      (D as Uint8Array).fill((S as Uint8Array)[soff] as number, doff, doff + inner);
    } else {
      const Dd = D as unknown as unknown[], Sd = S as unknown as unknown[];
      for (let k = 0, p = doff, q = soff; k < inner; k++, p += di, q += si) Dd[p] = Sd[q];
    }
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      doff += sd[d];
      soff += ss[d];
      if (idx[d] < s[d]) break;
      doff -= sd[d] * s[d];
      soff -= ss[d] * s[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Fill a strided region with one element, given as its lanes (`pattern.length` lanes per element,
 * laid out along the last dimension of `shape` with stride `lanesStride`).
 */
export function fillStrided(dst: StridedView, shape: number[], pattern: ArrayLike<unknown>): void {
  const lanes = pattern.length;
  if (lanes === 1) {
    const src: StridedView = { data: [pattern[0]] as unknown[], offset: 0, strides: shape.map(() => 0) };
    const typed = !Array.isArray(dst.data);
    if (typed) {
      const one = new ((dst.data as TypedArray).constructor as { new (n: number): TypedArray })(1);
      (one as unknown as unknown[])[0] = pattern[0];
      src.data = one;
    }
    copyStrided(dst, src, shape);
    return;
  }
  const one = new ((dst.data as TypedArray).constructor as { new (n: number): TypedArray })(lanes);
  for (let k = 0; k < lanes; k++) (one as unknown as unknown[])[k] = pattern[k];
  copyStrided(dst, { data: one, offset: 0, strides: [...shape.slice(0, -1).map(() => 0), 1] }, shape);
}

/** C-order (row-major) strides for a shape. */
export function cStrides(shape: readonly number[]): number[] {
  const st = new Array(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d];
  }
  return st;
}

/** F-order (column-major) strides for a shape. */
export function fStrides(shape: readonly number[]): number[] {
  const st = new Array(shape.length);
  let acc = 1;
  for (let d = 0; d < shape.length; d++) {
    st[d] = acc;
    acc *= shape[d];
  }
  return st;
}

/** Product of a shape's lengths. */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
