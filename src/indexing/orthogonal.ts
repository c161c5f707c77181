/**
 * Orthogonal ("outer") selections: each axis is chosen independently by an integer, a slice, an
 * integer array or a boolean array, as zarr-python's `get_orthogonal_selection` / `oindex`.
 * Everything here is pure (no I/O) so reads and writes share one projection and the chunk grid can
 * be tested without a store.
 * @module
 */
import { BoundsCheckError, IndexError } from "../errors.ts";
import { NDArray } from "../ndarray/ndarray.ts";
import { cartesian, projectDim, type DimProjection } from "./chunk-projection.ts";
import { ellipsis, expandEllipsis, Slice } from "./slice.ts";

/**
 * An index array given by the caller: a JS array, a typed array or a 1-D NDArray. Kept loose on
 * purpose, because selections usually come straight from user data (numpy-like arrays, JSON).
 */
export type IndexArrayLike = readonly (number | bigint | boolean)[] | ArrayLike<number> | BigInt64Array | NDArray;

/** One axis of an orthogonal selection: integer, slice (`null` = whole axis), integer or boolean array. */
export type OrthogonalDimSelection = number | Slice | null | IndexArrayLike;

/**
 * An orthogonal selection: one entry per axis (missing trailing axes are whole), optionally with a
 * single `"..."`. The one rule of every selection method: a top-level JS array is a per-axis tuple,
 * and an index list for one axis is an array inside it, so on a 2-d array `[[0, 2], null]` picks
 * rows 0 and 2 and `[0, 2]` is the element (0, 2). Only on a 1-d array is a flat array of integers
 * (or booleans) the index list itself, as in the tutorial's `z.oindex[[0, 2]]`.
 */
export type OrthogonalSelection = OrthogonalDimSelection | readonly (OrthogonalDimSelection | typeof ellipsis)[];

/**
 * A normalized orthogonal axis. Index arrays are kept as resolved (non-negative, bounds-checked)
 * positions in caller order so duplicates and any order keep numpy's meaning.
 */
export type OrthoDim =
  | { kind: "int"; index: number }
  | { kind: "slice"; start: number; step: number; count: number }
  | { kind: "array"; indices: Int32Array | number[] };

/**
 * The part of one chunk an orthogonal axis touches. Regular parts reuse the basic-selection
 * projection (a strided run); array parts list the in-chunk positions and where each lands, so
 * unsorted and repeated indices need no sorting or de-duplication.
 */
export type OrthoDimProjection =
  | ({ kind: "regular" } & DimProjection)
  | { kind: "points"; chunkIndex: number; chunkIdx: number[]; outIdx: number[] };

/** One chunk touched by an orthogonal selection and its per-axis parts. */
export interface OrthoChunkProjection {
  chunkCoords: number[];
  dims: OrthoDimProjection[];
}

function isIndexArray(x: unknown): x is IndexArrayLike {
  return Array.isArray(x) || x instanceof NDArray || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/**
 * Flatten an index array into plain values, refusing anything but 1-D. Booleans stay booleans so the
 * caller can tell a mask from integer positions (numpy does the same by dtype).
 */
export function indexArrayValues(x: IndexArrayLike, axis: number, what = "orthogonal"): { values: unknown[]; bool: boolean } {
  let values: unknown[];
  let bool = false;
  if (x instanceof NDArray) {
    if (x.ndim !== 1) throw new IndexError(`${what} selection for axis ${axis} must be 1-D, got an array of shape (${x.shape.join(", ")})`);
    values = x.toList();
    bool = x.dt.kind === "b";
  } else if (Array.isArray(x)) {
    if (x.some((v) => isIndexArray(v))) throw new IndexError(`${what} selection for axis ${axis} must be 1-D, got nested arrays`);
    values = [...x];
  } else values = Array.from(x as ArrayLike<number>);
  if (!bool && values.length > 0 && values.every((v) => typeof v === "boolean")) bool = true;
  return { values, bool };
}

/**
 * Resolve integer positions against an axis: wrap negatives and bounds-check, naming the axis.
 * Non-integers are an IndexError (numpy refuses float indices).
 */
export function resolveIndices(values: readonly unknown[], axis: number, length: number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new IndexError(`index ${String(v)} for axis ${axis} is not an integer`);
    }
    const j = n < 0 ? n + length : n;
    if (j < 0 || j >= length) throw new BoundsCheckError(`index ${n} is out of bounds for axis ${axis} with size ${length}`);
    out[i] = j;
  }
  return out;
}

/** Positions of the true entries of a boolean mask for one axis, which must match the axis length. */
function maskIndices(values: readonly unknown[], axis: number, length: number): number[] {
  if (values.length !== length) {
    throw new IndexError(`boolean index for axis ${axis} has length ${values.length} but the axis has size ${length}`);
  }
  const out: number[] = [];
  values.forEach((v, i) => {
    if (typeof v !== "boolean") throw new IndexError(`boolean index for axis ${axis} mixes booleans and ${typeof v}s`);
    if (v) out.push(i);
  });
  return out;
}

/**
 * Split the caller's selection into per-axis items by the one selection rule (see
 * {@link OrthogonalSelection}): a top-level JS array is a per-axis tuple, except that on a 1-d array
 * a flat array of scalars is the index list of axis 0. A typed array or NDArray alone is an index
 * array for axis 0.
 */
function splitSelection(selection: OrthogonalSelection, ndim: number): (OrthogonalDimSelection | typeof ellipsis)[] {
  if (selection === null || selection === undefined) return [];
  if (!Array.isArray(selection)) return [selection as OrthogonalDimSelection];
  const items = selection as unknown[];
  if (ndim === 1 && isScalarList(items)) return [items as IndexArrayLike];
  return items as (OrthogonalDimSelection | typeof ellipsis)[];
}

/** Whether a JS array holds only integers/booleans (a candidate index list for a 1-d array). */
export function isScalarList(items: readonly unknown[]): boolean {
  return items.length > 0 && items.every((v) => typeof v === "number" || typeof v === "bigint" || typeof v === "boolean");
}

/**
 * Normalize an orthogonal selection against a shape: expand `"..."`, pad with whole axes, resolve
 * negative indices, turn boolean arrays into positions, and bounds-check, naming the axis at fault.
 * @example
 * const sel = normalizeOrthogonalSelection([[2, 3], null], [10, 10]);
 * orthogonalShape(sel);   // [2, 10]
 */
export function normalizeOrthogonalSelection(selection: OrthogonalSelection, shape: readonly number[]): OrthoDim[] {
  const items = splitSelection(selection, shape.length);
  expandEllipsis(items as unknown[], shape.length);
  return items.map((it, d): OrthoDim => {
    const n = shape[d];
    if (it === null || it === undefined) return { kind: "slice", start: 0, step: 1, count: n };
    if (typeof it === "number" || typeof it === "bigint") {
      const [i] = resolveIndices([it], d, n);
      return { kind: "int", index: i };
    }
    if (typeof it === "boolean") throw new IndexError(`a single boolean is not a valid selection for axis ${d}; use a boolean array`);
    if (it instanceof Slice) return { kind: "slice", ...it.indices(n) };
    if (isIndexArray(it)) {
      const { values, bool } = indexArrayValues(it, d);
      return { kind: "array", indices: bool ? maskIndices(values, d, n) : resolveIndices(values, d, n) };
    }
    if (typeof it === "object" && it !== null && ("start" in it || "stop" in it)) {
      const o = it as { start?: number | null; stop?: number | null; step?: number | null };
      return { kind: "slice", ...new Slice(o.start ?? null, o.stop ?? null, o.step ?? null).indices(n) };
    }
    throw new IndexError(`unsupported orthogonal selection ${JSON.stringify(it, (_k, x) => (typeof x === "bigint" ? x.toString() : x))} for axis ${d}; use an integer, slice(...), null, or an integer or boolean array`);
  });
}

/**
 * The result shape: integer axes are dropped, as in zarr-python.
 * @example
 * orthogonalShape(normalizeOrthogonalSelection([0, [1, 5, 7]], [10, 10]));   // [3]: the integer axis is dropped
 */
export function orthogonalShape(sel: readonly OrthoDim[]): number[] {
  const out: number[] = [];
  for (const d of sel) {
    if (d.kind === "slice") out.push(d.count);
    else if (d.kind === "array") out.push(d.indices.length);
  }
  return out;
}

/**
 * Per-chunk parts of one orthogonal axis, in chunk order. Array axes are grouped by chunk while
 * keeping each position's output slot, so a chunk is visited once however the indices are ordered.
 * @example
 * projectOrthoDim(normalizeOrthogonalSelection([[1, 15]], [20])[0]!, 20, 10);   // one part for chunk 0, one for chunk 1
 */
export function projectOrthoDim(sel: OrthoDim, length: number, chunk: number): OrthoDimProjection[] {
  if (sel.kind !== "array") return projectDim(sel, length, chunk).map((p) => ({ kind: "regular" as const, ...p }));
  const groups = new Map<number, { chunkIdx: number[]; outIdx: number[] }>();
  const idx = sel.indices;
  for (let j = 0; j < idx.length; j++) {
    const k = Math.floor(idx[j] / chunk);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { chunkIdx: [], outIdx: [] }));
    g.chunkIdx.push(idx[j] - k * chunk);
    g.outIdx.push(j);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((k) => ({ kind: "points" as const, chunkIndex: k, ...groups.get(k)! }));
}

/**
 * Every chunk an orthogonal selection touches (cartesian product of the per-axis parts), lazily.
 * @example
 * for (const p of projectOrthogonalSelection(normalizeOrthogonalSelection([[1, 15], null], [20, 20]), [20, 20], [10, 10])) console.log(p.chunkCoords);
 */
export function* projectOrthogonalSelection(sel: readonly OrthoDim[], shape: readonly number[], chunks: readonly number[]): Generator<OrthoChunkProjection> {
  for (const dims of cartesian(sel.map((s, d) => projectOrthoDim(s, shape[d], chunks[d])))) yield { chunkCoords: dims.map((p) => p.chunkIndex), dims };
}

/**
 * Visit every (chunk element, output element) pair of one chunk projection, in element units.
 * `chunkStrides` are the chunk's element strides; `outStrides` the output's strides per *array*
 * axis (0 for dropped integer axes, or for broadcast value axes on writes). Trailing regular axes
 * are handed to `run` as one strided block so callers can use the fast strided kernels there.
 * @example
 * forEachOrthoBlock(p, [10, 1], [20, 1], (chunkOffset, outOffset, shape) => {
 *   // copy one strided block of `shape` elements
 * });
 */
export function forEachOrthoBlock(
  p: OrthoChunkProjection,
  chunkStrides: readonly number[],
  outStrides: readonly number[],
  run: (chunkOffset: number, outOffset: number, blockShape: number[], chunkBlockStrides: number[], outBlockStrides: number[]) => void,
): void {
  const dims = p.dims;
  const nd = dims.length;
  // First axis from which every remaining axis is regular.
  let tail = nd;
  while (tail > 0 && dims[tail - 1].kind === "regular") tail--;
  const blockShape: number[] = [], cbs: number[] = [], obs: number[] = [];
  let cBase = 0, oBase = 0;
  for (let d = tail; d < nd; d++) {
    const r = dims[d] as { kind: "regular" } & DimProjection;
    blockShape.push(r.count);
    cbs.push(chunkStrides[d] * r.chunkStep);
    obs.push(outStrides[d]);
    cBase += r.chunkStart * chunkStrides[d];
    oBase += r.outStart * outStrides[d];
  }
  const rec = (d: number, c: number, o: number) => {
    if (d === tail) {
      run(c + cBase, o + oBase, blockShape, cbs, obs);
      return;
    }
    const p = dims[d];
    if (p.kind === "points") {
      for (let j = 0; j < p.chunkIdx.length; j++) rec(d + 1, c + p.chunkIdx[j] * chunkStrides[d], o + p.outIdx[j] * outStrides[d]);
    } else {
      for (let j = 0; j < p.count; j++) rec(d + 1, c + (p.chunkStart + j * p.chunkStep) * chunkStrides[d], o + (p.outStart + j) * outStrides[d]);
    }
  };
  rec(0, 0, 0);
}
