/**
 * Diagnostics of an array: bytes stored, chunks initialized, and zarr-python's `info` table.
 * @module
 */
import { dtypeName } from "../dtype/dtype.ts";
import { humanBytes, InfoReport, storeTypeName } from "../info.ts";
import { product } from "../ndarray/strided.ts";
import { chunkGridShape } from "../indexing/chunk-projection.ts";
import { listKeys } from "../stores/list-keys.ts";
import type { ChunkIO } from "./chunk-io.ts";

/** Bytes stored for the array: metadata, attributes and chunks. */
export async function nbytesStored(io: ChunkIO): Promise<number> {
  const s = io.store;
  if (s.getSize) return await s.getSize(io.path);
  let total = 0;
  for (const k of await listKeys(s, io.keyPrefix)) {
    const v = await s.get(k);
    if (v) total += v.byteLength;
  }
  return total;
}

/** Number of chunks present in the store. */
export async function nchunksInitialized(io: ChunkIO): Promise<number> {
  const re = io.chunkKeyMatcher();
  const keys = await listKeys(io.store, io.keyPrefix);
  return keys.filter((k) => re.test(k.slice(io.keyPrefix.length))).length;
}

/** The diagnostics table zarr-python prints as `z.info`. */
export async function arrayInfo(io: ChunkIO, name: string | null): Promise<InfoReport> {
  const meta = io.meta;
  const items: [string, string][] = [];
  if (name) items.push(["Name", name]);
  const tup = (a: number[]) => `(${a.join(", ")}${a.length === 1 ? "," : ""})`;
  items.push(["Type", "zarr.core.Array"], ["Data type", dtypeName(meta.dtype)], ["Shape", tup(meta.shape)], ["Chunk shape", tup(meta.chunks)], ["Order", meta.order], ["Read-only", io.readOnly ? "True" : "False"]);
  io.pipeline.filters.forEach((f, i) => items.push([`Filter [${i}]`, f.toString()]));
  items.push(["Compressor", io.pipeline.compressor ? io.pipeline.compressor.toString() : "None"]);
  if (io.synchronizer) items.push(["Synchronizer type", (io.synchronizer as object).constructor.name]);
  items.push(["Store type", storeTypeName(io.store)]);
  const nbytes = product(meta.shape) * meta.dtype.itemsize;
  items.push(["No. bytes", humanBytes(nbytes)]);
  const stored = await nbytesStored(io);
  if (stored > 0) items.push(["No. bytes stored", humanBytes(stored)], ["Storage ratio", (nbytes / stored).toFixed(1)]);
  items.push(["Chunks initialized", `${await nchunksInitialized(io)}/${product(chunkGridShape(meta.shape, meta.chunks))}`]);
  return new InfoReport(items);
}
