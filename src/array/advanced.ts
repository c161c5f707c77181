/**
 * Orthogonal, coordinate and mask selections (zarr-python's get/set_*_selection, oindex, vindex).
 * Projections live in src/indexing/; this only fetches each touched chunk once and copies. Writes
 * are read-modify-write under the chunk lock.
 * @module
 */
import type { DType } from "../dtype/dtype.ts";
import { allocate, elementLanes, getElement, setElement, type DataArray, type TypedArray } from "../dtype/elements.ts";
import { ShapeError } from "../errors.ts";
import type { NormalizedCoordinates } from "../indexing/coordinate.ts";
import { projectPoints } from "../indexing/coordinate.ts";
import { forEachOrthoBlock, orthogonalShape, projectOrthogonalSelection, type OrthoDim } from "../indexing/orthogonal.ts";
import { asNDArray, NDArray } from "../ndarray/ndarray.ts";
import { copyStrided, fillStrided, product, type StridedView } from "../ndarray/strided.ts";
import { throwIfAborted } from "../stores/store.ts";
import { forEachConcurrent, getIoConcurrency } from "../util/concurrency.ts";
import type { ChunkIO } from "./chunk-io.ts";
import { selectFields, valueDtype } from "./fields.ts";
import { broadcastStrides, checkOut, checkSignal, forEachInBlock, isScalar, unravel } from "./values.ts";

/** Options of advanced reads. */
export interface AdvancedReadOptions {
  out?: NDArray;
  fields?: string | string[];
  concurrency?: number;
  signal?: AbortSignal;
}

/** Options of advanced writes. */
export interface AdvancedWriteOptions {
  fields?: string | string[];
  concurrency?: number;
  signal?: AbortSignal;
}

/** A written value prepared for an advanced write. */
interface PreparedValue {
  scalar?: TypedArray;
  array?: NDArray;
  strides?: number[];
  merge?: (chunk: DataArray, c: number, o: number) => void;
}

/** Read an orthogonal selection; all-integer selections give the element value. */
export async function getOrthogonal(io: ChunkIO, sel: OrthoDim[], opts: AdvancedReadOptions): Promise<any> {
  throwIfAborted(opts.signal);
  const outShape = orthogonalShape(sel);
  const out = advancedOut(io.meta.dtype, outShape, opts);
  const fullOutStrides: number[] = [];
  let k = 0;
  for (const d of sel) fullOutStrides.push(d.kind === "int" ? 0 : out.strides[k++]);
  const { lanes, strides: cst } = io.layout();
  const fill = io.missingLanes(out.data);
  await forEachConcurrent(projectOrthogonalSelection(sel, io.meta.shape, io.meta.chunks), opts.concurrency ?? getIoConcurrency(), async (p) => {
    const chunk = await io.readChunk(p.chunkCoords, { signal: opts.signal });
    forEachOrthoBlock(p, cst, fullOutStrides, (c, o, shape, cbs, obs) => {
      const dst: StridedView = { data: out.data, offset: (out.offset + o) * lanes, strides: [...obs.map((s) => s * lanes), 1] };
      if (chunk === null) fillStrided(dst, [...shape, lanes], fill);
      else copyStrided(dst, { data: chunk, offset: c * lanes, strides: [...cbs.map((s) => s * lanes), 1] }, [...shape, lanes]);
    });
  });
  checkSignal(opts.signal);
  return advancedResult(out, opts, outShape.length === 0);
}

/** Write an orthogonal selection; the value broadcasts like numpy, repeated indices: last wins. */
export async function setOrthogonal(io: ChunkIO, sel: OrthoDim[], value: unknown, opts: AdvancedWriteOptions): Promise<void> {
  throwIfAborted(opts.signal);
  const outShape = orthogonalShape(sel);
  const src = prepareValue(io.meta.dtype, value, outShape, opts);
  const fullSrcStrides: number[] = [];
  let k = 0;
  for (const d of sel) fullSrcStrides.push(d.kind === "int" || !src.strides ? 0 : src.strides[k++]);
  const { lanes, strides: cst } = io.layout();
  await forEachConcurrent(projectOrthogonalSelection(sel, io.meta.shape, io.meta.chunks), opts.concurrency ?? getIoConcurrency(), async (p) => {
    throwIfAborted(opts.signal);
    const key = io.chunkKey(p.chunkCoords);
    await io.locked(key, async () => {
      const chunk = await io.readChunkOrNew(p.chunkCoords, { signal: opts.signal });
      forEachOrthoBlock(p, cst, fullSrcStrides, (c, o, shape, cbs, obs) => {
        if (src.merge) {
          forEachInBlock(shape, cbs, obs, (ci, oi) => src.merge!(chunk, c + ci, o + oi));
          return;
        }
        const dst: StridedView = { data: chunk, offset: c * lanes, strides: [...cbs.map((s) => s * lanes), 1] };
        if (src.scalar) fillStrided(dst, [...shape, lanes], src.scalar as unknown as ArrayLike<unknown>);
        else copyStrided(dst, { data: src.array!.data, offset: (src.array!.offset + o) * lanes, strides: [...obs.map((s) => s * lanes), 1] }, [...shape, lanes]);
      });
      await io.storeChunk(key, chunk, { signal: opts.signal });
    });
  });
  checkSignal(opts.signal);
}

/** Read points (a coordinate or mask selection) in the order given. */
export async function getPoints(io: ChunkIO, nc: NormalizedCoordinates, opts: AdvancedReadOptions): Promise<NDArray> {
  throwIfAborted(opts.signal);
  const out = advancedOut(io.meta.dtype, nc.shape, opts);
  if (!out.isCContiguous) throw new ShapeError("out must be C-contiguous for a point selection");
  const { lanes, strides: cst } = io.layout();
  const fill = io.missingLanes(out.data);
  const D = out.data as unknown as unknown[];
  await forEachConcurrent(projectPoints(nc, io.meta.chunks, cst), opts.concurrency ?? getIoConcurrency(), async (g) => {
    const chunk = (await io.readChunk(g.chunkCoords, { signal: opts.signal })) as unknown as unknown[] | null;
    for (let j = 0; j < g.outIdx.length; j++) {
      const o = (out.offset + g.outIdx[j]) * lanes, c = g.chunkOffsets[j] * lanes;
      for (let l = 0; l < lanes; l++) D[o + l] = chunk === null ? fill[l] : chunk[c + l];
    }
  });
  checkSignal(opts.signal);
  return advancedResult(out, opts, false);
}

/** Write points; an array value is flattened and matched to the points in order, the last repeat wins. */
export async function setPoints(io: ChunkIO, nc: NormalizedCoordinates, value: unknown, opts: AdvancedWriteOptions): Promise<void> {
  throwIfAborted(opts.signal);
  const dt = io.meta.dtype;
  const n = nc.coords.length ? nc.coords[0].length : 0;
  // As zarr-python: an array value is flattened and matched to the points in order.
  let v = value;
  if (!isScalar(value, valueDtype(dt, opts.fields))) {
    const a = asNDArray(value, valueDtype(dt, opts.fields).str);
    v = a.ndim > 1 ? a.reshape(-1) : a;
  }
  const src = prepareValue(dt, v, [n], opts);
  const st = src.strides ? src.strides[0] : 0;
  const { lanes, strides: cst } = io.layout();
  await forEachConcurrent(projectPoints(nc, io.meta.chunks, cst), opts.concurrency ?? getIoConcurrency(), async (g) => {
    throwIfAborted(opts.signal);
    const key = io.chunkKey(g.chunkCoords);
    await io.locked(key, async () => {
      const chunk = await io.readChunkOrNew(g.chunkCoords, { signal: opts.signal });
      const C = chunk as unknown as unknown[];
      for (let j = 0; j < g.outIdx.length; j++) {
        const c = g.chunkOffsets[j], o = g.outIdx[j] * st;
        if (src.merge) src.merge(chunk, c, o);
        else if (src.scalar) for (let l = 0; l < lanes; l++) C[c * lanes + l] = src.scalar[l];
        else {
          const S = src.array!.data as unknown as unknown[], so = (src.array!.offset + o) * lanes;
          for (let l = 0; l < lanes; l++) C[c * lanes + l] = S[so + l];
        }
      }
      await io.storeChunk(key, chunk, { signal: opts.signal });
    });
  });
  checkSignal(opts.signal);
}

/** The result buffer of an advanced read: `opts.out` (checked) or a fresh C-order array of the full dtype. */
function advancedOut(dt: DType, outShape: number[], opts: AdvancedReadOptions): NDArray {
  if (!opts.out || opts.fields !== undefined) return new NDArray(allocate(dt, product(outShape)), outShape, dt);
  checkOut(opts.out, dt, outShape);
  return opts.out;
}

/** Apply `fields` and unwrap all-integer selections to a value, as zarr-python does. */
function advancedResult(out: NDArray, opts: AdvancedReadOptions, scalar: boolean): any {
  let r = opts.fields !== undefined ? selectFields(out, opts.fields) : out;
  if (opts.fields !== undefined && opts.out) r = copyIntoOut(r, opts.out);
  return scalar && !opts.out ? r.getFlat(0) : r;
}

function copyIntoOut(r: NDArray, out: NDArray): NDArray {
  if (out.shape.length !== r.shape.length || out.shape.some((n, i) => n !== r.shape[i]) || out.dt.itemsize !== r.dt.itemsize) {
    throw new ShapeError(`out has shape (${out.shape.join(", ")}) and dtype ${out.dtype} but the selection gives (${r.shape.join(", ")}) ${r.dtype}`);
  }
  for (let i = 0; i < r.size; i++) out.set(unravel(i, r.shape), r.getFlat(i));
  return out;
}

/**
 * Prepare a written value for an advanced write: a scalar's lanes, or an NDArray with strides
 * broadcast to the selection's shape; with `fields`, a per-element merge into existing records.
 * (A ZarrArray value is read by the facade before it gets here.)
 */
function prepareValue(dt: DType, value: unknown, outShape: number[], opts: AdvancedWriteOptions): PreparedValue {
  const vdt = valueDtype(dt, opts.fields);
  if (opts.fields === undefined) {
    if (isScalar(value, dt)) return { scalar: elementLanes(dt, value) };
    let a = asNDArray(value, dt.str);
    if (a.dtype !== dt.str && !(a.dt.kind === dt.kind && a.dt.itemsize === dt.itemsize)) a = asNDArray(a, dt.str);
    return { array: a, strides: broadcastStrides(a, outShape) };
  }
  const names = typeof opts.fields === "string" ? [opts.fields] : opts.fields;
  const single = typeof opts.fields === "string";
  const scalarValue = isScalar(value, vdt) ? value : undefined;
  const a = scalarValue === undefined && !isScalar(value, vdt) ? asNDArray(value, vdt.str) : null;
  const strides = a ? broadcastStrides(a, outShape) : outShape.map(() => 0);
  const merge = (chunk: DataArray, c: number, o: number) => {
    const rec = { ...(getElement(dt, chunk, c) as Record<string, unknown>) };
    const v = a ? getElement(a.dt, a.data, a.offset + o) : scalarValue;
    if (single) rec[names[0]] = v;
    else for (const f of names) rec[f] = (v as Record<string, unknown>)[f];
    setElement(dt, chunk, c, rec);
  };
  return { strides, merge };
}
