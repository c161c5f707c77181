/**
 * Point selections: coordinate selections (one integer array per axis, broadcast like numpy) and
 * mask selections (a boolean array of the array's shape), as zarr-python's
 * `get_coordinate_selection` / `get_mask_selection` / `vindex`. A mask is turned into coordinates,
 * so both share one pure per-chunk projection.
 * @module
 */
import { IndexError } from "../errors.ts";
import { asNDArray, NDArray } from "../ndarray/ndarray.ts";
import { product } from "../ndarray/strided.ts";
import { resolveIndices } from "./orthogonal.ts";

/** One axis of a coordinate selection: an integer, or an integer array of any shape (JS, typed, NDArray). */
export type CoordinateDimSelection = number | bigint | readonly unknown[] | ArrayLike<number> | NDArray;

/**
 * A coordinate selection: one entry per axis, by the one selection rule (a top-level JS array is a
 * per-axis tuple; an index list for an axis is an array inside it: `[[0, 2], [1, 3]]` on a 2-d
 * array). On a 1-d array a flat JS array of integers is the index list itself, as in the tutorial's
 * `getCoordinateSelection([1, 4])`. A typed array or NDArray alone is the entry for axis 0.
 */
export type CoordinateSelection = CoordinateDimSelection | readonly CoordinateDimSelection[];

/** A boolean mask: nested JS booleans, a 1-D boolean JS array, or a boolean NDArray, of the array's shape. */
export type MaskSelection = readonly unknown[] | NDArray;

/**
 * Coordinates resolved against a shape: `coords[axis][point]` (non-negative, bounds-checked) and
 * the broadcast shape the result takes.
 */
export interface NormalizedCoordinates {
  coords: number[][];
  /** Result shape: the broadcast shape of the coordinate arrays, `(1,)` for all-scalar coordinates, as zarr-python. */
  shape: number[];
}

/** The points of a coordinate selection that fall into one chunk. */
export interface PointChunkProjection {
  chunkCoords: number[];
  /** Element offset of each point inside the chunk (with the chunk's own strides). */
  chunkOffsets: number[];
  /** Flat (C-order) position of each point in the result. */
  outIdx: number[];
}

function isArrayish(x: unknown): boolean {
  return Array.isArray(x) || x instanceof NDArray || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function toShapedValues(x: CoordinateDimSelection, axis: number): { shape: number[]; values: unknown[] } {
  if (typeof x === "number" || typeof x === "bigint") return { shape: [], values: [x] };
  if (x instanceof NDArray) {
    if (x.dt.kind === "b") throw new IndexError(`coordinate selection for axis ${axis} is boolean; use a mask selection instead`);
    return { shape: x.shape, values: x.toList() };
  }
  if (ArrayBuffer.isView(x)) return { shape: [(x as unknown as ArrayLike<number>).length], values: Array.from(x as unknown as ArrayLike<number>) };
  if (Array.isArray(x)) {
    let a: NDArray;
    try {
      a = asNDArray(x);
    } catch (e) {
      throw new IndexError(`coordinate selection for axis ${axis} is not a rectangular integer array: ${(e as Error).message}`);
    }
    if (a.dt.kind === "b") throw new IndexError(`coordinate selection for axis ${axis} is boolean; use a mask selection instead`);
    return { shape: a.shape, values: a.toList() };
  }
  throw new IndexError(`unsupported coordinate selection ${JSON.stringify(x, (_k, x) => (typeof x === "bigint" ? x.toString() : x))} for axis ${axis}; expected an integer or an integer array`);
}

/**
 * numpy broadcasting of several shapes, or an IndexError naming the shapes.
 * @example
 * broadcastShapes([[3, 1], [1, 4]]);   // [3, 4]
 */
export function broadcastShapes(shapes: readonly number[][]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array(nd).fill(1);
  for (const s of shapes) {
    const o = nd - s.length;
    s.forEach((n, i) => {
      if (out[o + i] === 1) out[o + i] = n;
      else if (n !== 1 && n !== out[o + i]) {
        throw new IndexError(`coordinate arrays could not be broadcast together with shapes ${shapes.map((x) => `(${x.join(",")})`).join(" ")}`);
      }
    });
  }
  return out;
}

/** Values of a C-order array of `shape` read at every position of the broadcast shape `to`. */
function broadcastValues(values: unknown[], shape: number[], to: number[]): unknown[] {
  const n = product(to);
  if (shape.length === to.length && shape.every((s, i) => s === to[i])) return values;
  const o = to.length - shape.length;
  const st = new Array(to.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[o + i] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i];
  }
  const out = new Array(n);
  const idx = new Array(to.length).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < to.length; d++) off += idx[d] * st[d];
    out[k] = values[off];
    for (let d = to.length - 1; d >= 0; d--) {
      if (++idx[d] < to[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Normalize a coordinate selection: one integer (array) per axis, broadcast together, negatives
 * wrapped and bounds checked per axis. Slices, booleans and missing axes are IndexErrors, since
 * point selection has no meaning for them.
 * @example
 * normalizeCoordinateSelection([[0, 2], [1, -1]], [10, 10]);   // { coords: [[0, 2], [1, 9]], shape: [2] }
 */
export function normalizeCoordinateSelection(selection: CoordinateSelection, shape: readonly number[]): NormalizedCoordinates {
  let items: CoordinateDimSelection[];
  if (!Array.isArray(selection)) items = [selection as CoordinateDimSelection];
  else {
    const arr = selection as unknown[];
    const flat = arr.length === 0 || !arr.some((v) => isArrayish(v));
    items = flat && (shape.length === 1 || arr.length === 0) ? [arr] : (arr as CoordinateDimSelection[]);
  }
  if (items.length !== shape.length) {
    throw new IndexError(`invalid coordinate selection; expected one integer (array) per axis of the ${shape.length}-dimensional array, got ${items.length}`);
  }
  const parts = items.map((x, d) => toShapedValues(x, d));
  const bshape = broadcastShapes(parts.map((p) => p.shape));
  const coords = parts.map((p, d) => resolveIndices(broadcastValues(p.values, p.shape, bshape), d, shape[d]));
  return { coords, shape: bshape.length ? bshape : [1] };
}

/**
 * Normalize a mask selection to coordinates of its true entries (C order). The mask must be
 * boolean and exactly the array's shape, as zarr-python requires.
 * @example
 * normalizeMaskSelection(mask, [10, 10]);   // the coordinates of mask's true entries
 */
export function normalizeMaskSelection(mask: MaskSelection, shape: readonly number[]): NormalizedCoordinates {
  let a: NDArray;
  if (mask instanceof NDArray) a = mask;
  else if (Array.isArray(mask)) {
    try {
      a = asNDArray(mask);
    } catch (e) {
      throw new IndexError(`mask selection is not a rectangular boolean array: ${(e as Error).message}`);
    }
  } else throw new IndexError("mask selection must be a boolean array or NDArray of the array's shape");
  if (a.dt.kind !== "b" && !(a.size === 0 && Array.isArray(mask))) {
    throw new IndexError(`mask selection must be boolean, got dtype ${a.dtype}`);
  }
  if (a.shape.length !== shape.length || a.shape.some((n, i) => n !== shape[i])) {
    throw new IndexError(`mask selection has shape (${a.shape.join(", ")}) but the array has shape (${shape.join(", ")})`);
  }
  const coords: number[][] = shape.map(() => []);
  const n = a.size;
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    if (a.getFlat(k)) for (let d = 0; d < shape.length; d++) coords[d].push(idx[d]);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { coords, shape: [coords.length ? coords[0].length : 0] };
}

/**
 * Group the points of a normalized coordinate selection by chunk (in chunk-grid C order), so each
 * chunk is read or rewritten exactly once whatever order the points come in.
 * @example
 * projectPoints(normalizeCoordinateSelection([[0, 15], [0, 15]], [20, 20]), [10, 10], [10, 1]);   // points grouped by chunk
 */
export function projectPoints(sel: NormalizedCoordinates, chunks: readonly number[], chunkStrides: readonly number[]): PointChunkProjection[] {
  const nd = chunks.length;
  const npts = nd ? sel.coords[0].length : 0;
  const groups = new Map<string, PointChunkProjection>();
  const cc = new Array<number>(nd);
  for (let j = 0; j < npts; j++) {
    let off = 0;
    for (let d = 0; d < nd; d++) {
      const i = sel.coords[d][j];
      cc[d] = Math.floor(i / chunks[d]);
      off += (i - cc[d] * chunks[d]) * chunkStrides[d];
    }
    const key = cc.join(",");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { chunkCoords: [...cc], chunkOffsets: [], outIdx: [] }));
    g.chunkOffsets.push(off);
    g.outIdx.push(j);
  }
  return [...groups.values()].sort((a, b) => {
    for (let d = 0; d < nd; d++) if (a.chunkCoords[d] !== b.chunkCoords[d]) return a.chunkCoords[d] - b.chunkCoords[d];
    return 0;
  });
}
