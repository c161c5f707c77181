/**
 * The benchmark's workloads (issue 4, "Benchmark"), shared by every implementation. The specs are
 * plain JSON so the zarr-python module receives exactly the same ones on its command line.
 */

/** A numcodecs compressor config as stored in `.zarray`, or null. */
export type CompressorSpec =
  | { id: "blosc"; cname: string; clevel: number; shuffle: number; blocksize: number }
  | { id: "zstd"; level: number }
  | null;

/** W1–W4: one array written whole, then read whole, one row, one column. */
export interface ArrayWorkload {
  kind: "array";
  id: string;
  title: string;
  dtype: "<i4" | "<f8";
  shape: [number, number];
  chunks: [number, number];
  compressor: CompressorSpec;
  /** `arange`: values are the linear index; `normal`: standard normal, numpy default_rng(0). */
  data: "arange" | "normal";
  /** The row and column read by read_row / read_col. */
  row: number;
  col: number;
}

/** Append ingestion: rows arrive in slabs and are appended to a growing (N, width) array. */
export interface AppendWorkload {
  kind: "append";
  id: string;
  title: string;
  dtype: "<f4";
  rows: number;
  width: number;
  slab: number;
  chunkRows: number;
  compressor: CompressorSpec;
}

/** Rechunk: a W1-like array from source chunks to target chunks under a memory budget. */
export interface RechunkWorkload {
  kind: "rechunk";
  id: string;
  title: string;
  dtype: "<i4";
  shape: [number, number];
  sourceChunks: [number, number];
  targetChunks: [number, number];
  compressor: CompressorSpec;
  /** The memory budget handed to a rechunk operator, bytes. */
  budget: number;
}

/**
 * Every workload may raise the per-child timeout (`--timeout`) for itself: zarr-python's plain copy
 * of W6 decodes each tiny source chunk once per target chunk and needs minutes.
 */
export type Workload = (ArrayWorkload | AppendWorkload | RechunkWorkload) & { minTimeoutS?: number };

export const BLOSC_LZ4: CompressorSpec = { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 };
export const ZSTD_1: CompressorSpec = { id: "zstd", level: 1 };

export const WORKLOADS: Workload[] = [
  {
    kind: "array", id: "W1", title: "int32 (10000,10000) chunks (1000,1000) arange, Blosc(lz4,5,SHUFFLE)",
    dtype: "<i4", shape: [10000, 10000], chunks: [1000, 1000], compressor: BLOSC_LZ4, data: "arange", row: 5000, col: 5000,
  },
  {
    kind: "array", id: "W2", title: "W1 with Zstd(level=1)",
    dtype: "<i4", shape: [10000, 10000], chunks: [1000, 1000], compressor: ZSTD_1, data: "arange", row: 5000, col: 5000,
  },
  {
    kind: "array", id: "W3", title: "W1 with no compressor",
    dtype: "<i4", shape: [10000, 10000], chunks: [1000, 1000], compressor: null, data: "arange", row: 5000, col: 5000,
  },
  {
    kind: "array", id: "W4", title: "float64 normal (4000,4000) chunks (500,500), Blosc(lz4,5,SHUFFLE)",
    dtype: "<f8", shape: [4000, 4000], chunks: [500, 500], compressor: BLOSC_LZ4, data: "normal", row: 2000, col: 2000,
  },
  {
    kind: "array", id: "W5", title: "float64 normal (1000,1000) in tiny (10,10) chunks, Blosc(lz4,5,SHUFFLE)",
    dtype: "<f8", shape: [1000, 1000], chunks: [10, 10], compressor: BLOSC_LZ4, data: "normal", row: 500, col: 500,
  },
  {
    kind: "rechunk", id: "W6", title: "tiny chunks: plain copy of int32 (1000,1000) from (1000,1) to (1,1000) chunks, Blosc(lz4,5,SHUFFLE)",
    dtype: "<i4", shape: [1000, 1000], sourceChunks: [1000, 1], targetChunks: [1, 1000], compressor: BLOSC_LZ4,
    budget: 256 * 2 ** 20, minTimeoutS: 1200,
  },
  {
    kind: "append", id: "APPEND", title: "append 1M rows x 100 f4 in 1000-row slabs, chunks (10000,100), Blosc(lz4,5,SHUFFLE)",
    dtype: "<f4", rows: 1_000_000, width: 100, slab: 1000, chunkRows: 10_000, compressor: BLOSC_LZ4,
  },
  {
    kind: "rechunk", id: "RECHUNK", title: "rechunk W1 data (10000,100) -> (100,10000) chunks, 256 MB budget",
    dtype: "<i4", shape: [10000, 10000], sourceChunks: [10000, 100], targetChunks: [100, 10000], compressor: BLOSC_LZ4,
    budget: 256 * 2 ** 20,
  },
];

/** Operations per workload kind, in the order they run. */
export const OPS: Record<Workload["kind"], string[]> = {
  // read_into: `get(selection, { out })` into a caller's array (zarrflow's `out`, zarr-python's
  // `get_basic_selection(out=)`); the JS peers have no such parameter.
  array: ["write", "read", "read_into", "read_row", "read_col"],
  // append: the array's own append method in a loop (zarr-python `z.append`, zarrflow `z.append`);
  // append_op: zarrflow's streams `append` operator.
  append: ["append", "append_op"],
  // copy: plain `z2[...] = z1` (zarr-python) / `z2.set(null, z1)` (zarrflow);
  // rechunk_op: zarrflow's streams `rechunk` operator under the budget, fed the source array;
  // rechunk_blocks: the same operator fed the source's block stream (`readable(z1)`).
  rechunk: ["copy", "rechunk_op", "rechunk_blocks"],
};

/** The zarr-python op a ratio is taken against (zarr-python has no operator variants). */
export function baselineOp(op: string): string {
  if (op === "append_op") return "append";
  if (op === "rechunk_op" || op === "rechunk_blocks") return "copy";
  return op;
}

export const ITEMSIZE: Record<string, number> = { "<i4": 4, "<f4": 4, "<f8": 8 };

/** Uncompressed bytes an op moves, for MB/s. */
export function opBytes(w: Workload, op: string): number {
  if (w.kind === "array") {
    const item = ITEMSIZE[w.dtype];
    if (op === "read_row") return w.shape[1] * item;
    if (op === "read_col") return w.shape[0] * item;
    return w.shape[0] * w.shape[1] * item;
  }
  if (w.kind === "append") return w.rows * w.width * ITEMSIZE[w.dtype];
  return w.shape[0] * w.shape[1] * ITEMSIZE[w.dtype];
}

/** Points checked after a read: [i, j] pairs in array coordinates. */
export function checkPoints(w: ArrayWorkload, op: string): [number, number][] {
  const [n, m] = w.shape;
  if (op === "read_row") return [[w.row, 0], [w.row, w.col], [w.row, m - 1]];
  if (op === "read_col") return [[0, w.col], [w.row, w.col], [n - 1, w.col]];
  return [[0, 0], [w.row, w.col], [1234 % n, 4321 % m], [n - 1, m - 1]];
}

export function findWorkload(id: string): Workload {
  const w = WORKLOADS.find((x) => x.id === id);
  if (!w) throw new Error(`unknown workload ${id}`);
  return w;
}
