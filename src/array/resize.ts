/**
 * Shape changes. Both take the metadata lock and (with a synchronizer) re-read `.zarray` under it, so two handles growing
 * the same array never compute from a stale shape. Shrinking clears the cut-off data first and
 * writes the metadata last: a crash in between leaves the old (larger) shape over fill values,
 * never a shape that later regrows over stale data.
 * @module
 */
import { ArrayNotFoundError, ShapeError } from "../errors.ts";
import { chunkGridShape, gridCoords } from "../indexing/chunk-projection.ts";
import { parseArrayMetadata, type ArrayMetadata } from "../metadata/array-metadata.ts";
import { fillStrided, type StridedView } from "../ndarray/strided.ts";
import { listKeys } from "../stores/list-keys.ts";
import { forEachConcurrent, getIoConcurrency } from "../util/concurrency.ts";
import type { ChunkIO } from "./chunk-io.ts";

/** Re-read `.zarray` (call under the metadata lock) and adopt it; ArrayNotFoundError when it is gone. */
export async function reloadMeta(io: ChunkIO): Promise<ArrayMetadata> {
  const raw = await io.store.get(io.metaKey);
  if (raw === undefined) throw new ArrayNotFoundError(`no array at path '${io.path}' (missing '${io.metaKey}')`);
  io.meta = parseArrayMetadata(raw, io.metaKey);
  return io.meta;
}

/**
 * The metadata a shape change computes from. With a synchronizer other writers may have grown the
 * array, so `.zarray` is re-read under the lock; without one there is no lock to make a re-read
 * meaningful (zarr-python does not re-read either), and skipping it saves a store read per append.
 */
export async function metaForUpdate(io: ChunkIO): Promise<ArrayMetadata> {
  return io.synchronizer ? reloadMeta(io) : io.meta;
}

/** Check a requested shape against the array's rank. */
export function checkShape(newShape: readonly number[], ndim: number): void {
  if (newShape.length !== ndim) throw new ShapeError(`new shape (${newShape.join(", ")}) must have ${ndim} dimensions`);
  if (newShape.some((n) => !Number.isInteger(n) || n < 0)) throw new ShapeError(`new shape (${newShape.join(", ")}) must be non-negative integers`);
}

/**
 * Change the shape to `newShape`, or to what `compute(currentShape)` gives from the shape read
 * under the lock. Resolves to the shape set.
 */
export async function resizeArray(io: ChunkIO, target: readonly number[] | ((current: readonly number[]) => number[])): Promise<number[]> {
  io.assertWritable();
  return io.locked(io.metaKey, async () => {
    const meta = await metaForUpdate(io);
    const old = meta.shape;
    const newShape = typeof target === "function" ? target(old) : [...target];
    checkShape(newShape, old.length);
    if (newShape.some((n, i) => n < old[i])) await clearCutOff(io, old, newShape);
    await io.writeMeta({ ...io.meta, shape: [...newShape] });
    return [...newShape];
  });
}

/**
 * Delete the stored chunks wholly outside `newShape` and reset the cut-off part of chunks the new
 * boundary crosses to the fill value (zarr-python 2.x leaves that stale data, which reappears when
 * the array grows again). Only chunks that exist are touched: listed first when the store can list.
 */
async function clearCutOff(io: ChunkIO, old: readonly number[], newShape: readonly number[]): Promise<void> {
  const chunks = io.meta.chunks;
  const newGrid = chunkGridShape(newShape, chunks);
  const affected = (c: readonly number[]) => c.some((ci, i) => newShape[i] < old[i] && (ci + 1) * chunks[i] > newShape[i]);
  let coords: Iterable<number[]>;
  const canList = typeof io.store.list === "function" || typeof io.store.keys === "function";
  if (canList) {
    const enc = io.keyEncoding;
    const nd = old.length;
    const stored: number[][] = [];
    for (const k of await listKeys(io.store, io.keyPrefix)) {
      const c = enc.decode(k.slice(io.keyPrefix.length), nd);
      if (c && affected(c)) stored.push(c);
    }
    coords = stored;
  } else {
    coords = (function* () {
      for (const c of gridCoords(chunkGridShape(old, chunks))) if (affected(c)) yield c;
    })();
  }
  const { lanes, strides: cst } = io.layout();
  const fill = io.meta.fillValue === null ? new Array(lanes).fill(0) : (io.fillLanes() as unknown as ArrayLike<unknown>);
  await forEachConcurrent(coords, getIoConcurrency(), async (c) => {
    const key = io.chunkKey(c);
    await io.locked(key, async () => {
      if (c.some((ci, i) => ci >= newGrid[i])) {
        await io.store.delete(key);
        return;
      }
      // A chunk cut by the new boundary: reset the part beyond it.
      const data = await io.readChunk(c);
      if (data === null) return;
      for (let d = 0; d < c.length; d++) {
        const keep = newShape[d] - c[d] * chunks[d];
        if (keep >= chunks[d]) continue;
        const region = chunks.map((n, i) => (i === d ? n - keep : n));
        const view: StridedView = { data, offset: keep * cst[d] * lanes, strides: [...cst.map((s) => s * lanes), 1] };
        fillStrided(view, [...region, lanes], fill);
      }
      await io.storeChunk(key, data);
    });
  });
}
