/**
 * Shape changes. Both take the metadata lock and (with a synchronizer) re-read `.zarray` under it, so two handles growing
 * the same array never compute from a stale shape. Every row inside the stored shape always holds
 * what was written there; data beyond it is never trusted, only ever overwritten or cleared:
 * - shrinking writes the smaller shape first and clears the cut-off data after (as zarr-python
 *   orders it), so a crash in between leaves the new shape with stale data beyond it, hidden;
 *   clearing first would leave the old shape over rows already reset to the fill value (the crash
 *   matrix's append kind caught exactly that: rows inside the shape never written);
 * - growing clears whatever lies beyond the old shape in stored chunks (rows of an append that
 *   crashed before its metadata write, or of a shrink that crashed before its clearing) before the
 *   new shape exposes it;
 * - appending writes the new rows first (past the stored shape) and the shape after, so metadata
 *   never points past written data; the rows it exposes are exactly the ones just written.
 * @module
 */
import { ArrayNotFoundError, ShapeError } from "../errors.ts";
import { chunkGridShape, gridCoords } from "../indexing/chunk-projection.ts";
import { parseArrayMetadata, type ArrayMetadata } from "../metadata/array-metadata.ts";
import { fillStrided, type StridedView } from "../ndarray/strided.ts";
import { asBytes, type TypedArray } from "../dtype/elements.ts";
import { listKeys } from "../stores/list-keys.ts";
import { throwIfAborted } from "../stores/store.ts";
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
export async function resizeArray(
  io: ChunkIO,
  target: readonly number[] | ((current: readonly number[]) => number[]),
  opts: { written?: boolean; signal?: AbortSignal } = {},
): Promise<number[]> {
  io.assertWritable();
  return io.locked(io.metaKey, async () => {
    const meta = await metaForUpdate(io);
    const old = meta.shape;
    const newShape = typeof target === "function" ? target(old) : [...target];
    checkShape(newShape, old.length);
    const shrinks = newShape.some((n, i) => n < old[i]);
    // Growing exposes what lies past the old shape: clear it first, unless the caller (an appender)
    // has just written exactly that region.
    if (!shrinks && !opts.written && newShape.some((n, i) => n > old[i])) await clearBeyond(io, old, newShape);
    throwIfAborted(opts.signal);
    await io.writeMeta({ ...io.meta, shape: [...newShape] });
    if (shrinks) await clearBeyond(io, newShape.map((n, i) => Math.min(n, old[i])), old);
    return [...newShape];
  });
}

/**
 * Make every stored chunk hold the fill value outside `keep`: chunks wholly outside it are deleted,
 * chunks it cuts have the outside part reset (zarr-python 2.x leaves that stale data, which
 * reappears when the array grows again). Only chunks that exist are touched: listed when the store
 * can list, else enumerated over the grid of `extent`. A chunk already clean is not rewritten, so
 * growing a clean array costs a listing and a read of its boundary chunks.
 */
async function clearBeyond(io: ChunkIO, keep: readonly number[], extent: readonly number[]): Promise<void> {
  const chunks = io.meta.chunks;
  const keepGrid = chunkGridShape(keep, chunks);
  const affected = (c: readonly number[]) => c.some((ci, i) => (ci + 1) * chunks[i] > keep[i]);
  let coords: Iterable<number[]>;
  const canList = typeof io.store.list === "function" || typeof io.store.keys === "function";
  if (canList) {
    const enc = io.keyEncoding;
    const nd = keep.length;
    const stored: number[][] = [];
    for (const k of await listKeys(io.store, io.keyPrefix)) {
      const c = enc.decode(k.slice(io.keyPrefix.length), nd);
      if (c && affected(c)) stored.push(c);
    }
    coords = stored;
  } else {
    coords = (function* () {
      for (const c of gridCoords(chunkGridShape(extent, chunks))) if (affected(c)) yield c;
    })();
  }
  const { lanes, strides: cst } = io.layout();
  const fill = io.meta.fillValue === null ? new Array(lanes).fill(0) : (io.fillLanes() as unknown as ArrayLike<unknown>);
  await forEachConcurrent(coords, getIoConcurrency(), async (c) => {
    const key = io.chunkKey(c);
    await io.locked(key, async () => {
      if (c.some((ci, i) => ci >= keepGrid[i])) {
        await io.store.delete(key);
        return;
      }
      // A chunk cut by `keep`: reset the part beyond it.
      const data = await io.readChunk(c);
      if (data === null) return;
      const before = Array.isArray(data) ? null : asBytes(data as TypedArray).slice();
      for (let d = 0; d < c.length; d++) {
        const kept = keep[d] - c[d] * chunks[d];
        if (kept >= chunks[d]) continue;
        const region = chunks.map((n, i) => (i === d ? n - kept : n));
        const view: StridedView = { data, offset: kept * cst[d] * lanes, strides: [...cst.map((s) => s * lanes), 1] };
        fillStrided(view, [...region, lanes], fill);
      }
      if (before && Buffer.compare(before, asBytes(data as TypedArray)) === 0) return;
      await io.storeChunk(key, data);
    });
  });
}
