/**
 * Small shared pieces of the read and write paths: strided views of chunks and outputs, value
 * classification (scalar or array), numpy broadcasting, and output-buffer checks.
 * @module
 */
import type { DType } from "../dtype/dtype.ts";
import type { DataArray } from "../dtype/elements.ts";
import { ShapeError } from "../errors.ts";
import type { ChunkProjection } from "../indexing/chunk-projection.ts";
import { NDArray } from "../ndarray/ndarray.ts";
import type { StridedView } from "../ndarray/strided.ts";

/** The part of a chunk a projection touches, as a lane-level strided view. */
export function chunkView(chunk: DataArray, p: ChunkProjection, cst: readonly number[], lanes: number): StridedView {
  let off = 0;
  p.dims.forEach((d, i) => (off += d.chunkStart * cst[i]));
  return { data: chunk, offset: off * lanes, strides: [...p.dims.map((d, i) => cst[i] * d.chunkStep * lanes), 1] };
}

/** Where a projection lands in the output, as a lane-level strided view (`fullOutStrides` per array axis). */
export function outView(out: NDArray, p: ChunkProjection, fullOutStrides: readonly number[], lanes: number): StridedView {
  let off = out.offset;
  p.dims.forEach((d, i) => (off += d.outStart * fullOutStrides[i]));
  return { data: out.data, offset: off * lanes, strides: [...fullOutStrides.map((s) => s * lanes), 1] };
}

/** True when `v` is written as one element (broadcast), not as an array of them. */
export function isScalar(v: unknown, dt: DType): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== "object") return true;
  if (v instanceof NDArray) return false;
  if (v instanceof Uint8Array && dt.kind === "S") return true;
  if (ArrayBuffer.isView(v)) return false;
  if (dt.kind === "c" && Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")) return true;
  if (dt.kind === "V" && !Array.isArray(v)) return true;
  if (v instanceof Date) return true;
  return false;
}

/** Strides (in elements) that broadcast `src` to `shape` as numpy does, or a ShapeError. */
export function broadcastStrides(src: NDArray, shape: readonly number[]): number[] {
  const out = new Array(shape.length).fill(0);
  // Leading length-1 axes of the value may be dropped, as numpy allows.
  let s = src.shape, st = src.strides;
  while (s.length > shape.length && s[0] === 1) {
    s = s.slice(1);
    st = st.slice(1);
  }
  const o = shape.length - s.length;
  if (o < 0) throw new ShapeError(`could not broadcast value of shape (${src.shape.join(", ")}) into selection of shape (${shape.join(", ")})`);
  for (let i = 0; i < s.length; i++) {
    if (s[i] === shape[i + o]) out[i + o] = st[i];
    else if (s[i] === 1) out[i + o] = 0;
    else throw new ShapeError(`could not broadcast value of shape (${src.shape.join(", ")}) into selection of shape (${shape.join(", ")})`);
  }
  return out;
}

/** The multi-index of flat C-order position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Check a caller's `out` against the array's dtype and the selection's shape (ShapeError otherwise). */
export function checkOut(out: NDArray, dt: DType, outShape: readonly number[]): void {
  if (out.dtype !== dt.str && !(out.dt.kind === dt.kind && out.dt.itemsize === dt.itemsize)) {
    throw new ShapeError(`out has dtype ${out.dtype} but the array has ${dt.str}`);
  }
  if (out.shape.length !== outShape.length || out.shape.some((n, i) => n !== outShape[i])) {
    throw new ShapeError(`out has shape (${out.shape.join(", ")}) but the selection has shape (${outShape.join(", ")})`);
  }
}

/** Call `fn` with element offsets of every position of a strided block (C order). */
export function forEachInBlock(shape: readonly number[], a: readonly number[], b: readonly number[], fn: (ao: number, bo: number) => void): void {
  const nd = shape.length;
  if (shape.some((n) => n === 0)) return;
  const idx = new Array(nd).fill(0);
  for (;;) {
    let ao = 0, bo = 0;
    for (let d = 0; d < nd; d++) {
      ao += idx[d] * a[d];
      bo += idx[d] * b[d];
    }
    fn(ao, bo);
    let d = nd - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Reject with the signal's AbortError when it has fired; used after an operation's chunk tasks settle. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
