/**
 * Array creation and opening: create, zeros, ones, full, empty, array, *Like, openArray, open,
 * save, load — zarr-python's creation routines with camelCase options.
 * @module
 */
import { ZarrArray } from "./array.ts";
import type { Codec, CodecConfig } from "./codecs/codec.ts";
import { getCodec } from "./codecs/registry.ts";
import { parseDtype, type DtypeLike } from "./dtype/dtype.ts";
import { objectDtypeShorthand } from "./codecs/object/index.ts";
import { capabilitiesOf } from "./stores/store.ts";
import { ArrayNotFoundError, ContainsArrayError, ContainsGroupError, ShapeError, ZarrError } from "./errors.ts";
import { containsArray, containsGroup, pathPrefix, prepareNode } from "./hierarchy-keys.ts";
import { encodeArrayMetadata, parseArrayMetadata, type ArrayMetadata } from "./metadata/array-metadata.ts";
import { normalizeFillValue } from "./metadata/fill-value.ts";
import { asNDArray, NDArray } from "./ndarray/ndarray.ts";
import type { DtypeOfData } from "./dtype/typed.ts";
import type { RankOf } from "./array/get-result.ts";
import { asStore, type StoreLike } from "./stores/adapt.ts";
import { normalizeStoragePath } from "./stores/keys.ts";
import { KVStore, MemoryStore } from "./stores/memory.ts";
import type { Store } from "./stores/store.ts";
import type { Synchronizer } from "./synchronizer.ts";
import { encodeJson } from "./metadata/json.ts";
import { CodecPipeline } from "./codecs/pipeline.ts";

/** A chunk shape: lengths per axis (`null`/`-1` = the whole axis), one length for every axis, `true` to guess, `false` for one chunk. */
export type ChunksLike = readonly (number | null)[] | number | boolean | null | undefined;

/** Options shared by the creation routines (zarr-python's keywords in camelCase). */
export interface CreateOptions {
  shape?: number | readonly number[];
  chunks?: ChunksLike;
  dtype?: DtypeLike;
  /** A codec, a numcodecs config, or null for no compression. Defaults to the default compressor (Blosc lz4, see `setDefaultCompressor`). */
  compressor?: Codec | CodecConfig | null;
  fillValue?: unknown;
  order?: "C" | "F";
  filters?: (Codec | CodecConfig)[] | null;
  /** Codec for object dtypes (VLenUTF8 and friends). */
  objectCodec?: Codec | CodecConfig;
  dimensionSeparator?: "." | "/";
  writeEmptyChunks?: boolean;
  overwrite?: boolean;
  synchronizer?: Synchronizer | null;
  path?: string;
  store?: StoreLike;
  readOnly?: boolean;
  /** User attributes to write with the array. */
  attributes?: Record<string, unknown>;
}

/** Mode strings of zarr-python's open functions. */
export type OpenMode = "r" | "r+" | "a" | "w" | "w-" | "x";

/** Options for opening. */
export interface OpenOptions extends CreateOptions {
  mode?: OpenMode;
}

/**
 * The dtype literal that creation options give an array: their `dtype` when it is a string
 * literal, `"<f8"` (the default) when there is none, a plain `string` otherwise (a structured list,
 * a DType, a non-literal string).
 */
export type DtypeOfOptions<O> = "dtype" extends keyof O ? DtypeOfValue<O["dtype" & keyof O]> : "<f8";
type DtypeOfValue<X> = X extends undefined ? "<f8" : X extends string ? X : string;

/** The rank that creation options give an array: from a literal `shape`, else `number` (unknown). */
export type RankOfOptions<O> = "shape" extends keyof O ? RankOf<O["shape" & keyof O]> : number;

/** The array `create(opts)` gives: typed by the options' `dtype` and `shape` literals. */
export type ArrayFor<O> = ZarrArray<DtypeOfOptions<O>, RankOfOptions<O>>;

/** The array of `zeros(shape, opts)` and friends, whose first argument is a shape or all the options. */
export type ArrayForShape<S, O> = S extends number | readonly number[] ? ZarrArray<DtypeOfOptions<O>, RankOf<S>> : ArrayFor<S>;

/** Shape or options: the first argument of `zeros`, `ones`, `full`, `empty`. */
export type ShapeOrOptions = number | readonly number[] | CreateOptions;

function normalizeShape(shape: number | readonly number[] | undefined): number[] {
  if (shape === undefined) throw new ShapeError("shape is required");
  const s = typeof shape === "number" ? [shape] : [...shape];
  for (const n of s) if (!Number.isInteger(n) || n < 0) throw new ShapeError(`shape (${s.join(", ")}) must hold non-negative integers`);
  return s;
}

/**
 * zarr-python's guess_chunks: halve axes in turn until a chunk is near a size that grows with the array.
 * @example
 * guessChunks([10000, 10000], 4);   // what zarr.util.guess_chunks((10000, 10000), 4) picks
 */
export function guessChunks(shape: readonly number[], typesize: number): number[] {
  const CHUNK_BASE = 256 * 1024, CHUNK_MIN = 128 * 1024, CHUNK_MAX = 64 * 1024 * 1024;
  const nd = shape.length;
  const chunks = shape.map((n) => Math.max(n, 1));
  const dsetSize = chunks.reduce((a, b) => a * b, 1) * typesize;
  let target = CHUNK_BASE * 2 ** Math.log10(dsetSize / (1024 * 1024));
  target = Math.min(CHUNK_MAX, Math.max(CHUNK_MIN, target));
  let idx = 0;
  for (;;) {
    const n = chunks.reduce((a, b) => a * b, 1);
    const bytes = n * typesize;
    if ((bytes < target || Math.abs(bytes - target) / target < 0.5) && bytes < CHUNK_MAX) break;
    if (n === 1) break;
    chunks[idx % nd] = Math.ceil(chunks[idx % nd] / 2);
    idx++;
  }
  return chunks;
}

/**
 * zarr-python's normalize_chunks.
 * @example
 * normalizeChunks([1000, -1], [10000, 500], 4);   // [1000, 500]
 * normalizeChunks(true, [10000, 500], 4);         // guessed
 */
export function normalizeChunks(chunks: ChunksLike, shape: readonly number[], typesize: number): number[] {
  if (chunks === null || chunks === undefined || chunks === true) return shape.length ? guessChunks(shape, typesize) : [];
  if (chunks === false) return [...shape];
  let c: (number | null)[] = typeof chunks === "number" ? shape.map(() => chunks) : [...chunks];
  if (c.length > shape.length) throw new ShapeError(`chunks (${c.join(", ")}) has more dimensions than shape (${shape.join(", ")})`);
  while (c.length < shape.length) c.push(shape[c.length]);
  c = c.map((n, i) => (n === null || n === -1 ? shape[i] : n));
  for (const [i, n] of c.entries()) if (!Number.isInteger(n) || (n as number) < 1) {
    // A chunk length of 0 only makes sense on a zero-length axis, where it becomes 1; elsewhere
    // it would silently turn into one-element chunks, so it is refused.
    if (n === 0 && shape[i] === 0) continue;
    throw new ShapeError(`chunks (${c.join(", ")}) must be positive integers (or null/-1 for a whole axis)`);
  }
  return (c as number[]).map((n) => (n === 0 ? 1 : n));
}

async function toConfig(c: Codec | CodecConfig): Promise<CodecConfig> {
  if (typeof (c as Codec).getConfig === "function") return (c as Codec).getConfig();
  const codec = await getCodec(c as CodecConfig); // validates the id now rather than at first read
  return codec.getConfig();
}

/** The array's store and path from options. */
function resolveStore(opts: CreateOptions): { store: Store; path: string } {
  return { store: opts.store === undefined ? new KVStore() : asStore(opts.store), path: normalizeStoragePath(opts.path ?? "") };
}

/** Build `.zarray` metadata from creation options, validating everything before anything is written. */
export async function buildArrayMetadata(opts: CreateOptions): Promise<ArrayMetadata> {
  const shape = normalizeShape(opts.shape);
  // Object-dtype shorthands ("str", "bytes", "array:i8") as in zarr-python's normalize_dtype.
  const shorthand = objectDtypeShorthand(opts.dtype);
  const dtype = parseDtype(shorthand ? shorthand.dtype : opts.dtype ?? "<f8");
  const objectCodec = opts.objectCodec ?? shorthand?.codec;
  const chunks = normalizeChunks(opts.chunks, shape, dtype.itemsize);
  const order = opts.order ?? "C";
  if (order !== "C" && order !== "F") throw new ZarrError(`order must be "C" or "F", got ${JSON.stringify(order)}`);
  const compressor = opts.compressor === undefined ? (await import("./codecs/compressors.ts")).getDefaultCompressor() : opts.compressor;
  const filters = [...(opts.filters ?? [])];
  if (dtype.kind === "O") {
    if (!objectCodec && !filters.length) throw new ZarrError("an object dtype needs an objectCodec (e.g. VLenUTF8)");
    if (objectCodec) filters.unshift(objectCodec);
  }
  const sep = opts.dimensionSeparator;
  if (sep !== undefined && sep !== "." && sep !== "/") throw new ZarrError(`dimensionSeparator must be "." or "/", got ${JSON.stringify(sep)}`);
  return {
    zarrFormat: 2,
    shape,
    chunks,
    dtype,
    compressor: compressor ? await toConfig(compressor) : null,
    fillValue: normalizeFillValue(opts.fillValue === undefined ? 0 : opts.fillValue, dtype),
    order,
    filters: filters.length ? await Promise.all(filters.map(toConfig)) : null,
    dimensionSeparator: sep,
  };
}

/**
 * Create an array (zarr-python's `zarr.create`). Literal `dtype` and `shape` options type the
 * result: `create({ shape: [5], dtype: "<i8" })` is a `ZarrArray<"<i8", 1>`.
 * @example
 * const z = await create({ shape: [10000, 10000], chunks: [1000, 1000], dtype: "<i4" });  // zarr.create(...)
 * await z.set(null, 42);
 */
export async function create<const O extends CreateOptions>(opts: O): Promise<ArrayFor<O>>;
export async function create(opts: CreateOptions): Promise<ZarrArray> {
  const { store, path } = resolveStore(opts);
  // As zarr-python's init_array: the store's separator (NestedDirectoryStore, DirectoryStore with
  // dimensionSeparator "/") is the default, and an explicit one that conflicts with it is refused.
  const storeSep = (store as { dimensionSeparator?: "." | "/" }).dimensionSeparator;
  if (opts.dimensionSeparator !== undefined && storeSep !== undefined && opts.dimensionSeparator !== storeSep) {
    throw new ZarrError(`dimensionSeparator ${JSON.stringify(opts.dimensionSeparator)} conflicts with the store's separator ${JSON.stringify(storeSep)}`);
  }
  const meta = await buildArrayMetadata(storeSep !== undefined && opts.dimensionSeparator === undefined ? { ...opts, dimensionSeparator: storeSep } : opts);
  const encoded = encodeArrayMetadata(meta);
  // Codecs are built from the configs as stored (JSON, sorted keys), as zarr-python re-reads its
  // `.zarray`: e.g. an LZMA filter chain then prints `{'dist': 4, 'id': 3}` as numcodecs does.
  const stored = parseArrayMetadata(encoded, (path ? path + "/" : "") + ".zarray");
  meta.compressor = stored.compressor;
  meta.filters = stored.filters;
  // Build the pipeline first so a bad codec fails before anything touches the store.
  const pipeline = await CodecPipeline.fromConfig(meta.filters, meta.compressor, meta.dtype.str);
  await prepareNode(store, path, opts.overwrite ?? false);
  const prefix = path ? path + "/" : "";
  await store.set(prefix + ".zarray", encoded);
  if (opts.attributes && Object.keys(opts.attributes).length) await store.set(prefix + ".zattrs", encodeJson(opts.attributes));
  const arrayOpts = { readOnly: opts.readOnly, synchronizer: opts.synchronizer, writeEmptyChunks: opts.writeEmptyChunks };
  // A store that rewrites metadata (N5) is read back, as zarr-python re-reads `.zarray`.
  if (capabilitiesOf(store).translatesMetadata) return ZarrArray.open(store, { path, ...arrayOpts });
  return new ZarrArray(store, path, meta, pipeline, arrayOpts);
}

function shapeArgs(shape: number | readonly number[] | CreateOptions, opts: CreateOptions): CreateOptions {
  if (typeof shape === "object" && !Array.isArray(shape)) return shape as CreateOptions;
  return { ...opts, shape: shape as number | number[] };
}

/**
 * An array whose every element starts as the fill value 0; `zeros([10, 10], { dtype: "<i4" })` is a `ZarrArray<"<i4", 2>`.
 * @example
 * const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "<i4" });  // zarr.zeros((10000, 10000), chunks=(1000, 1000), dtype='i4')
 * await z.get("0, 0");  // 0
 */
export async function zeros<const S extends ShapeOrOptions, const O extends CreateOptions = {}>(shape: S, opts?: O): Promise<ArrayForShape<S, O>>;
export async function zeros(shape: ShapeOrOptions, opts: CreateOptions = {}): Promise<ZarrArray> {
  return create({ ...shapeArgs(shape, opts), fillValue: 0 });
}

/**
 * An array of ones (typed as {@link zeros}).
 * @example
 * const z = await ones([100, 100], { chunks: [10, 10], dtype: "<f8" });  // zarr.ones((100, 100), chunks=(10, 10))
 * await z.get("5, 5");  // 1
 */
export async function ones<const S extends ShapeOrOptions, const O extends CreateOptions = {}>(shape: S, opts?: O): Promise<ArrayForShape<S, O>>;
export async function ones(shape: ShapeOrOptions, opts: CreateOptions = {}): Promise<ZarrArray> {
  return create({ ...shapeArgs(shape, opts), fillValue: 1 });
}

/**
 * An array whose every element starts as `fillValue` (typed as {@link zeros}).
 * @example
 * const z = await full([100, 100], 42, { chunks: [10, 10], dtype: "<i4" });  // zarr.full((100, 100), fill_value=42, chunks=(10, 10), dtype='i4')
 * await z.get("0, 0");  // 42
 */
export async function full<const S extends ShapeOrOptions, const O extends CreateOptions = {}>(shape: S, fillValue: unknown, opts?: O): Promise<ArrayForShape<S, O>>;
export async function full(shape: ShapeOrOptions, fillValue: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
  return create({ ...shapeArgs(shape, opts), fillValue });
}

/**
 * An array with no fill value (zarr-python's `empty`: fill_value None). Unwritten chunks read as zeros. Typed as {@link zeros}.
 * @example
 * const z = await empty([100, 100], { chunks: [10, 10], dtype: "<f8" });  // zarr.empty(...): fill_value None
 * await z.set("0:10, :", 1.5);  // write before reading: unwritten chunks have no defined value
 */
export async function empty<const S extends ShapeOrOptions, const O extends CreateOptions = {}>(shape: S, opts?: O): Promise<ArrayForShape<S, O>>;
export async function empty(shape: ShapeOrOptions, opts: CreateOptions = {}): Promise<ZarrArray> {
  return create({ ...shapeArgs(shape, opts), fillValue: null });
}

/**
 * Create an array holding `data` (an NDArray, typed array, nested arrays, or another ZarrArray).
 * Its dtype type is the `dtype` option's literal, else the data's (`NDArray<D>`, `ZarrArray<D>`, a
 * typed array); nested JS arrays give a plain `ZarrArray` (their dtype is decided at run time)
 * unless `dtype` is given. The rank is the nesting depth of JS arrays, 1 for a typed array.
 * @example
 * const z = await array(arange(100).reshape(10, 10), { chunks: [5, 5] });  // zarr.array(np.arange(100).reshape(10, 10), chunks=(5, 5))
 * const z2 = await array([[1, 2], [3, 4]], { dtype: "<i4" });
 */
export async function array<const T, const O extends CreateOptions = {}>(data: T, opts?: O): Promise<ZarrArray<ArrayDataDtype<T, O>, ArrayDataRank<T>>>;
export async function array(data: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
  if (data instanceof ZarrArray) {
    const z = await create({ shape: data.shape, chunks: data.chunks, dtype: data.dtype, compressor: data.compressor, fillValue: data.fillValue, order: data.order, filters: data.filters, ...opts });
    await z.set(null, data);
    return z;
  }
  const nd = data instanceof NDArray ? data : asNDArray(data, objectDtypeShorthand(opts.dtype) ? "|O" : opts.dtype); // "str" etc. hold objects
  const z = await create({ chunks: opts.chunks ?? (nd.shape.length ? undefined : []), ...opts, shape: nd.shape, dtype: opts.dtype ?? nd.dtype });
  await z.set(null, nd);
  return z;
}

/** The dtype type of `array(data, opts)`. */
export type ArrayDataDtype<T, O> = "dtype" extends keyof O ? DtypeOfOptions<O>
  : T extends NDArray<infer D> ? D : T extends ZarrArray<infer D, number> ? D : T extends ArrayBufferView ? DtypeOfData<T> : string;

/** The rank of `array(data)`: nesting depth of JS arrays, 1 for a typed array, unknown for an NDArray or ZarrArray. */
export type ArrayDataRank<T, Depth extends unknown[] = []> =
  [T] extends [never] ? Depth["length"]
  : unknown extends T ? number
  : T extends ArrayBufferView ? [...Depth, 1]["length"]
  : T extends readonly (infer E)[] ? ArrayDataRank<E, [...Depth, 1]>
  : T extends number | bigint | string | boolean | null | undefined ? Depth["length"]
  : number;

/** Options copied from an existing array by the *Like functions. */
function likeOptions(a: ZarrArray | NDArray, opts: CreateOptions): CreateOptions {
  if (a instanceof ZarrArray) {
    return { shape: a.shape, chunks: a.chunks, dtype: a.dtype, compressor: a.compressor, fillValue: a.fillValue, order: a.order, filters: a.filters, ...opts };
  }
  return { shape: a.shape, dtype: a.dtype, ...opts };
}

/**
 * `zeros` with another array's shape, chunks, dtype and codecs.
 * @example
 * const z2 = await zerosLike(z);  // zarr.zeros_like(z): same shape, chunks, dtype and compressor
 */
export async function zerosLike(a: ZarrArray | NDArray, opts: CreateOptions = {}): Promise<ZarrArray> {
  return zeros(likeOptions(a, opts));
}
/**
 * `ones` with another array's shape, chunks, dtype and codecs.
 * @example
 * const z2 = await onesLike(z, { store: "data/ones.zarr" });  // zarr.ones_like(z, store=...)
 */
export async function onesLike(a: ZarrArray | NDArray, opts: CreateOptions = {}): Promise<ZarrArray> {
  return ones(likeOptions(a, opts));
}
/**
 * `empty` with another array's shape, chunks, dtype and codecs.
 * @example
 * const z2 = await emptyLike(z);  // zarr.empty_like(z)
 */
export async function emptyLike(a: ZarrArray | NDArray, opts: CreateOptions = {}): Promise<ZarrArray> {
  return empty(likeOptions(a, opts));
}
/**
 * `full` with another array's shape, chunks, dtype and codecs.
 * @example
 * const z2 = await fullLike(z, 7);  // zarr.full_like(z, fill_value=7)
 */
export async function fullLike(a: ZarrArray | NDArray, fillValue: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
  return full(likeOptions(a, opts), fillValue);
}

/**
 * Open an array, creating it where the mode allows (zarr-python's `open_array`):
 * `r` read-only, `r+` must exist, `a` open or create, `w` create (overwrite), `w-`/`x` create, fail if present.
 * A group at the path is a {@link ContainsGroupError}, so the result is always an array. The type
 * arguments are the caller's word for the stored dtype and rank (they are not checked against
 * `.zarray`; compare `z.dtype` when the data comes from elsewhere).
 * @example
 * const z = await openArray<"<f4", 2>("data/temp.zarr", { mode: "r" });
 * const t = await z.get("0, 0"); // number
 * const again = await openArray("data/example.zarr", { mode: "r" });  // zarr.open_array("data/example.zarr", mode="r")
 */
export async function openArray<D extends string = string, N extends number = number>(store: StoreLike | undefined, opts?: OpenOptions): Promise<ZarrArray<D, N>>;
export async function openArray(store: StoreLike | undefined, opts: OpenOptions = {}): Promise<ZarrArray> {
  const mode = opts.mode ?? "a";
  const s = store === undefined ? (opts.store !== undefined ? asStore(opts.store) : new MemoryStore()) : asStore(store);
  const path = normalizeStoragePath(opts.path ?? "");
  // `.zarray` is read once: its bytes both say that an array is there and open it (one store
  // request, where a `has` first would be two).
  const open = (zarray: Uint8Array) =>
    ZarrArray.open(s, { path, readOnly: mode === "r" || opts.readOnly, synchronizer: opts.synchronizer, writeEmptyChunks: opts.writeEmptyChunks, cachedMeta: { zarray } });
  const zarrayOf = () => s.get(pathPrefix(path) + ".zarray");
  switch (mode) {
    case "r":
    case "r+": {
      const zarray = await zarrayOf();
      if (zarray === undefined) {
        if (await containsGroup(s, path)) throw new ContainsGroupError(`path '${path}' contains a group, not an array`);
        throw new ArrayNotFoundError(`no array at path '${path}'`);
      }
      return open(zarray);
    }
    case "a": {
      const zarray = await zarrayOf();
      if (zarray !== undefined) return open(zarray);
      if (await containsGroup(s, path)) throw new ContainsGroupError(`path '${path}' contains a group, not an array`);
      return create({ ...opts, store: s, path });
    }
    case "w":
      return create({ ...opts, store: s, path, overwrite: true });
    case "w-":
    case "x":
      if (await containsArray(s, path)) throw new ContainsArrayError(`an array already exists at path '${path}'`);
      if (await containsGroup(s, path)) throw new ContainsGroupError(`a group already exists at path '${path}'`);
      return create({ ...opts, store: s, path });
    default:
      throw new ZarrError(`unknown mode '${mode}'; use r, r+, a, w or w-`);
  }
}

/**
 * Save one array to a store, replacing what is there (zarr-python's `save_array`/`save`).
 * @example
 * await save("data/example.zarr", arange(10000));  // zarr.save("data/example.zarr", np.arange(10000))
 * const a = await load("data/example.zarr");        // the NDArray back
 */
export async function save(store: StoreLike, data: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
  return array(data, { ...opts, store, overwrite: true });
}

/**
 * Load a whole array into memory (zarr-python's `load` for an array).
 * @example
 * const a = await load("data/example.zarr");              // zarr.load("data/example.zarr")
 * const b = await load("data/group.zarr", { path: "foo/bar" });
 * console.log(String(a));
 */
export async function load(store: StoreLike, opts: { path?: string } = {}): Promise<NDArray> {
  const z = await ZarrArray.open(asStore(store), { path: normalizeStoragePath(opts.path ?? ""), readOnly: true });
  return z.get();
}
