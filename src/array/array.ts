/**
 * ZarrArray, the facade: metadata getters and the public read/write/selection API, each delegating
 * to one module of this folder (read, write, advanced selections, fields, resize/append, info) over
 * the handle's {@link ChunkIO}. It never knows what kind of store or codec backend it got.
 * @module
 */
import { Attributes } from "../attributes.ts";
import type { Codec } from "../codecs/codec.ts";
import { CodecPipeline } from "../codecs/pipeline.ts";
import { dtypeName, type DType } from "../dtype/dtype.ts";
import { ArrayNotFoundError, IndexError, ShapeError } from "../errors.ts";
import { chunkGridShape } from "../indexing/chunk-projection.ts";
import { normalizeCoordinateSelection, normalizeMaskSelection, type CoordinateSelection, type MaskSelection } from "../indexing/coordinate.ts";
import { normalizeOrthogonalSelection, type OrthogonalSelection } from "../indexing/orthogonal.ts";
import { normalizeBasicSelection, type BasicSelection, type NormalizedDim } from "../indexing/slice.ts";
import { parseArrayMetadata, type ArrayMetadata } from "../metadata/array-metadata.ts";
import { asNDArray, NDArray } from "../ndarray/ndarray.ts";
import { timeValue } from "../dtype/datetime-value.ts";
import type { GetResult, OrthogonalResult } from "./get-result.ts";
import { product } from "../ndarray/strided.ts";
import type { Store } from "../stores/store.ts";
import { capabilitiesOf, closeStore, throwIfAborted } from "../stores/store.ts";
import type { Synchronizer } from "../synchronizer.ts";
import type { InfoReport } from "../info.ts";
import { getOrthogonal, getPoints, setOrthogonal, setPoints } from "./advanced.ts";
import { attachChunkAccess } from "./chunk-access.ts";
import { ChunkIO } from "./chunk-io.ts";
import { selectFields } from "./fields.ts";
import { arrayInfo, nbytesStored, nchunksInitialized } from "./info.ts";
import { readSelection } from "./read.ts";
import { checkShape, metaForUpdate, reloadMeta, resizeArray } from "./resize.ts";
import { copyFrom, writeFields, writeSelection } from "./write.ts";

export type { ArrayOpenOptions, GetOptions, SetOptions, ArrayValue, AdvancedIndexer } from "./options.ts";
import type { AdvancedIndexer, ArrayOpenOptions, ArrayValue, GetOptions, SetOptions } from "./options.ts";

/**
 * A chunked, compressed N-dimensional array stored in a zarr v2 store.
 *
 * The type parameters are the dtype `D` (a numpy dtype literal such as `"<f4"` or `">i8"`) and the
 * rank `N`. The creation functions infer both from literal options (`zeros([10, 10], { dtype: "<i8" })`
 * is a `ZarrArray<"<i8", 2>`); `openArray<D, N>()` and `group.getArray<D, N>()` take them from the
 * caller. With them, `get` gives the element type for one integer per axis and `NDArray<D>`
 * otherwise (see `GetResult` in `get-result.ts` for the rule); without them (`ZarrArray`) results
 * stay loosely typed as before.
 * @example
 * const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "<i4" });
 * await z.set(null, 42);                   // z[:] = 42; then z.shape, z.chunks, z.dtype, await z.get("-1, -1")
 * const y = await zeros([4, 3], { dtype: "<i8" });
 * const v = await y.get("1, 2");   // bigint
 * const row = await y.get(1);      // NDArray<"<i8">, row.data is a BigInt64Array
 */
export class ZarrArray<D extends string = string, N extends number = number> {
  readonly store: Store;
  /** Path of the array inside the store, without leading or trailing `/` ("" for the root). */
  readonly path: string;
  readonly readOnly: boolean;
  readonly synchronizer: Synchronizer | null;
  readonly writeEmptyChunks: boolean;
  /** User attributes (`.zattrs`). */
  readonly attrs: Attributes;
  readonly #io: ChunkIO;

  /** @internal use {@link ZarrArray.open} or the creation functions. */
  constructor(store: Store, path: string, meta: ArrayMetadata, pipeline: CodecPipeline, opts: ArrayOpenOptions = {}) {
    this.store = store;
    this.path = path;
    this.readOnly = opts.readOnly ?? false;
    this.synchronizer = opts.synchronizer ?? null;
    this.writeEmptyChunks = opts.writeEmptyChunks ?? true;
    this.#io = new ChunkIO(store, path, meta, pipeline, opts);
    this.attrs = new Attributes(store, this.#io.keyPrefix + ".zattrs", this.readOnly, this.synchronizer, opts.cachedMeta?.zattrs);
    attachChunkAccess(this, this.#io);
  }

  /**
   * Open the array at `path` in `store`; throws {@link ArrayNotFoundError} naming the path when absent.
   * @example
   * const z = await ZarrArray.open(new DirectoryStore("data/group.zarr"), { path: "foo/bar/baz", readOnly: true });
   */
  static async open<D extends string = string, N extends number = number>(store: Store, opts: ArrayOpenOptions = {}): Promise<ZarrArray<D, N>> {
    const path = opts.path ?? "";
    const key = (path ? path + "/" : "") + ".zarray";
    const raw = opts.cachedMeta?.zarray ?? (await store.get(key));
    if (raw === undefined) throw new ArrayNotFoundError(`no array at path '${path}' (missing '${key}')`);
    const meta = parseArrayMetadata(raw, key);
    const pipeline = await CodecPipeline.fromConfig(meta.filters, meta.compressor, meta.dtype.str);
    return new ZarrArray<D, N>(store, path, meta, pipeline, opts);
  }

  /** The array's metadata as parsed from `.zarray`. */
  get metadata(): Readonly<ArrayMetadata> {
    return this.#io.meta;
  }
  /** Length per axis. */
  get shape(): number[] {
    return [...this.#io.meta.shape];
  }
  /** Chunk length per axis. */
  get chunks(): number[] {
    return [...this.#io.meta.chunks];
  }
  /** numpy dtype string, e.g. `<i4`. */
  get dtype(): string {
    return this.#io.meta.dtype.str;
  }
  /** Parsed dtype. */
  get dt(): DType {
    return this.#io.meta.dtype;
  }
  /** The fill value of chunks never written, as in `.zarray`. */
  get fillValue(): unknown {
    return this.#io.meta.fillValue;
  }
  /** Memory order of chunks. */
  get order(): "C" | "F" {
    return this.#io.meta.order;
  }
  /** The compressor codec, or null. */
  get compressor(): Codec | null {
    return this.#io.pipeline.compressor;
  }
  /** Filter codecs, or null when there are none (as zarr-python). */
  get filters(): Codec[] | null {
    return this.#io.pipeline.filters.length ? this.#io.pipeline.filters : null;
  }
  /** The chunk-key separator: `.zarray`'s, else the store's default, else "." (as zarr-python). */
  get dimensionSeparator(): "." | "/" {
    return this.#io.dimensionSeparator;
  }
  /** Number of axes. */
  get ndim(): number {
    return this.#io.meta.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return product(this.#io.meta.shape);
  }
  /** Bytes per element. */
  get itemsize(): number {
    return this.#io.meta.dtype.itemsize;
  }
  /** Uncompressed size in bytes. */
  get nbytes(): number {
    return this.size * this.itemsize;
  }
  /** Number of chunks in the grid. */
  get nchunks(): number {
    return product(chunkGridShape(this.#io.meta.shape, this.#io.meta.chunks));
  }
  /** Number of chunks along each axis. */
  get cdataShape(): number[] {
    return chunkGridShape(this.#io.meta.shape, this.#io.meta.chunks);
  }
  /** `/path` as zarr-python's `name`, or null for an array at the store root. */
  get name(): string | null {
    return this.path ? "/" + this.path : null;
  }
  /** The last path segment, as zarr-python's `basename`. */
  get basename(): string | null {
    return this.path ? this.path.split("/").pop()! : null;
  }

  /**
   * The store key of a chunk, e.g. `foo/1.2` (or `foo/1/2` with the `/` separator), as the array's
   * chunk-key encoding gives it: where to look for a chunk's bytes from outside.
   * @example
   * z.chunkKey([1, 2]);  // "1.2" (or "foo/1.2" for an array at path "foo")
   */
  chunkKey(coords: readonly number[]): string {
    return this.#io.chunkKey(coords);
  }

  /**
   * Re-read `.zarray`, so a reader sees what other writers changed (an array growing by `append`
   * in another process or handle). zarr-python does the same when `cache_metadata=False`.
   * @example
   * await reader.refresh();
   * console.log(reader.shape); // the shape the writer last stored
   */
  async refresh(): Promise<void> {
    await reloadMeta(this.#io);
  }

  /**
   * zarr-python's `==` on arrays: the same array in the same store (same path, same access mode),
   * not equal contents. Two handles opened separately on one directory are equal.
   * @example
   * const a = await openArray("data/x.zarr"), b = await openArray("data/x.zarr");
   * a.equals(b); // true
   */
  equals(other: unknown): boolean {
    if (!(other instanceof ZarrArray)) return false;
    return this.path === other.path && this.readOnly === other.readOnly && sameStore(this.store, other.store);
  }

  /**
   * zarr-python's repr, e.g. `<zarr.core.Array '/foo/bar' (10, 10) int32>`.
   * @example
   * String(z);  // "<zarr.core.Array '/foo/bar' (10000, 10000) int32>"
   */
  toString(): string {
    const meta = this.#io.meta;
    const name = this.name ? ` '${this.name}'` : "";
    const shape = `(${meta.shape.join(", ")}${meta.shape.length === 1 ? "," : ""})`;
    return `<zarr.core.Array${name} ${shape} ${dtypeName(meta.dtype)}${this.readOnly ? " read-only" : ""}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ------------------------------------------------------------------ basic selections

  /**
   * Read a basic selection. With no selection the whole array is read; `"0, :"`, `[0, null]`,
   * `[slice(0, 5), -1]`, `"..."` and the like select parts. A selection of integers only returns the
   * element value (as zarr-python's `z[0, 0]`; datetimes as `Datetime64`/`Timedelta64`);
   * otherwise an NDArray in C order. The result type follows the selection's type (see the class notes).
   * @example
   * const row = await z.get("0, :"), one = await z.get([-1, -1]);  // z[0, :] (an NDArray), z[-1, -1] (a value)
   * const box = await z.get([slice(0, 5), slice(null, null, 100)]);  // z[0:5, ::100]
   */
  get(): Promise<NDArray<D>>;
  get(selection: BasicSelection, opts: GetOptions & { fields: string | string[] }): Promise<any>;
  get(selection: BasicSelection, opts: GetOptions & { out: NDArray }): Promise<NDArray<D>>;
  get<const S extends BasicSelection>(selection: S, opts?: GetOptions): Promise<GetResult<D, N, S>>;
  async get(selection?: BasicSelection, opts: GetOptions = {}): Promise<any> {
    // zarr-python's `z['foo']`: a field name of a structured dtype selects that field of everything.
    if (this.#isFieldName(selection)) return this.getBasicSelection(null, { ...opts, fields: selection as string });
    return this.getBasicSelection(selection ?? null, opts);
  }

  /** Whether a selection is a bare field name of this array's structured dtype. */
  #isFieldName(selection: unknown): boolean {
    return typeof selection === "string" && (this.#io.meta.dtype.fields ?? []).some((f) => f.name === selection);
  }

  /**
   * zarr-python's `get_basic_selection`; typed as {@link ZarrArray.get}.
   * @example
   * const part = await z.getBasicSelection([slice(0, 5), 0]);  // z.get_basic_selection((slice(0, 5), 0))
   */
  getBasicSelection(selection: BasicSelection, opts: GetOptions & { fields: string | string[] }): Promise<any>;
  getBasicSelection(selection: BasicSelection, opts: GetOptions & { out: NDArray }): Promise<NDArray<D>>;
  getBasicSelection<const S extends BasicSelection>(selection: S, opts?: GetOptions): Promise<GetResult<D, N, S>>;
  async getBasicSelection(selection: BasicSelection, opts: GetOptions = {}): Promise<any> {
    throwIfAborted(opts.signal);
    const shape = this.#io.meta.shape;
    const sel = normalizeBasicSelection(selection, shape);
    const out = await readSelection(this.#io, sel, opts);
    const result = opts.fields !== undefined ? selectFields(out, opts.fields) : out;
    // A 0-d array read whole (`get()`, `"..."`: zarr-python's `z[...]`) gives a 0-d NDArray; `get([])` (`z[()]`) the value.
    const zdWhole = shape.length === 0 && (selection === null || selection === undefined || selection === "..." || (Array.isArray(selection) && selection.includes("...")) || (typeof selection === "string" && selection.includes("...")));
    if (sel.every((d) => d.kind === "int") && !opts.out && !zdWhole) return result.shape.length === 0 ? result.get() : result;
    return result;
  }

  /**
   * Write a basic selection: `set(null, 42)` is `z[:] = 42`, `set("0, :", row)` is `z[0, :] = row`.
   * Values broadcast like numpy. Another ZarrArray is copied chunk by chunk without loading it whole.
   * @example
   * await z.set(null, 42);                                   // z[:] = 42
   * await z.set("0, :", arange(10000, undefined, 1, "<i4")); // z[0, :] = np.arange(10000)
   */
  async set(selection: BasicSelection, value: ArrayValue, opts: SetOptions = {}): Promise<void> {
    if (this.#isFieldName(selection)) return this.setBasicSelection(null, value, { ...opts, fields: selection as string });
    return this.setBasicSelection(selection, value, opts);
  }

  /**
   * zarr-python's `set_basic_selection`.
   * @example
   * await z.setBasicSelection([0, slice(null)], 7);   // z.set_basic_selection((0, slice(None)), 7)
   */
  async setBasicSelection(selection: BasicSelection, value: ArrayValue, opts: SetOptions = {}): Promise<void> {
    this.#io.assertWritable();
    throwIfAborted(opts.signal);
    const sel = normalizeBasicSelection(selection, this.#io.meta.shape);
    // A field write is a read-modify-write of whole records, chunk by chunk under each chunk's lock.
    if (opts.fields !== undefined) return writeFields(this.#io, sel, value, opts.fields, opts);
    if (value instanceof ZarrArray) {
      const src = value.#io;
      return copyFrom(this.#io, sel, value.shape, (s: NormalizedDim[], signal?: AbortSignal) => readSelection(src, s, { signal }), opts);
    }
    return writeSelection(this.#io, sel, value, opts);
  }

  // ------------------------------------------------------------------ shape changes

  /**
   * Change the shape. Chunks wholly outside the new shape are deleted; chunks cut by a shrinking
   * boundary have the cut-off part reset to the fill value, so growing again later shows the fill
   * value there rather than stale data (zarr-python 2.x leaves the stale data). The data is cleared
   * before the metadata is written, under the metadata lock, from `.zarray` re-read under it.
   * @example
   * await z.resize(20000, 5000);      // z.resize(20000, 5000); resize([20000, 5000]) is the same
   */
  async resize(...shape: (number | number[])[]): Promise<void> {
    const newShape = (shape.length === 1 && Array.isArray(shape[0]) ? shape[0] : shape) as number[];
    checkShape(newShape, this.ndim);
    await resizeArray(this.#io, newShape);
  }

  /**
   * Append data along an axis, growing the array; resolves to the new shape. The shape grown is the
   * one in the store (re-read under the metadata lock), so concurrent appenders never overwrite
   * each other's rows. Rows are written before the shape grows, so a crash or an abort (`signal`:
   * rejects with an AbortError) never leaves metadata pointing past written data.
   * @example
   * const z = await array(arange(10000).reshape(1000, 10), { chunks: [100, 10] });
   * await z.append(arange(10000).reshape(1000, 10));     // z.append(a): shape now [2000, 10]
   */
  async append(data: ArrayValue, axisOrOptions: number | { axis?: number; signal?: AbortSignal } = 0): Promise<number[]> {
    // `append(a, 1)` as zarr-python's positional axis, or `append(a, { axis: 1 })` as its keyword.
    let axis = typeof axisOrOptions === "number" ? axisOrOptions : (axisOrOptions?.axis ?? 0);
    const signal = typeof axisOrOptions === "number" ? undefined : axisOrOptions?.signal;
    throwIfAborted(signal);
    if (!Number.isInteger(axis)) throw new IndexError(`axis must be an integer, got ${String(axis)}`);
    const io = this.#io;
    io.assertWritable();
    const value = data instanceof ZarrArray ? ((await data.get(null, { signal })) as NDArray) : asNDArray(data, io.meta.dtype.str);
    const nd = io.meta.shape.length;
    if (axis < 0) axis += nd;
    if (axis < 0 || axis >= nd) throw new IndexError(`axis ${axis} is out of bounds for an array of ${nd} dimensions`);
    return io.locked(io.metaKey, async () => {
      const shape = (await metaForUpdate(io)).shape;
      if (value.shape.length !== shape.length || value.shape.some((n, i) => i !== axis && n !== shape[i])) {
        throw new ShapeError(`shape of data to append (${value.shape.join(", ")}) is not compatible with the array's shape (${shape.join(", ")}) along axis ${axis}`);
      }
      const oldLen = shape[axis];
      const newShape = shape.map((n, i) => (i === axis ? n + value.shape[axis] : n));
      const sel: NormalizedDim[] = newShape.map((n, i) => (i === axis ? { kind: "slice", start: oldLen, step: 1, count: value.shape[axis] } : { kind: "slice", start: 0, step: 1, count: n }));
      await writeSelection(io, sel, value, { signal, beyondShape: true }); // rejects if aborted
      await io.writeMeta({ ...io.meta, shape: newShape });
      return newShape;
    });
  }

  // ------------------------------------------------------------------ diagnostics

  /**
   * Bytes stored for this array: metadata, attributes and chunks.
   * @example
   * console.log(`ratio ${(z.nbytes / (await z.nbytesStored())).toFixed(1)}`);  // z.nbytes / z.nbytes_stored
   */
  async nbytesStored(): Promise<number> {
    return nbytesStored(this.#io);
  }

  /**
   * Number of chunks present in the store.
   * @example
   * console.log(`${await z.nchunksInitialized()} of ${z.nchunks} chunks written`);  // z.nchunks_initialized
   */
  async nchunksInitialized(): Promise<number> {
    return nchunksInitialized(this.#io);
  }

  /**
   * Close the array's store when it holds a resource; `await using` does it at the end of a block.
   * @example
   * await using z = await openArray("data/example.sqlite", { mode: "r" });
   */
  async close(): Promise<void> {
    await closeStore(this.store);
  }

  /** {@link ZarrArray.close} at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The diagnostics table zarr-python prints as `z.info`.
   * @example
   * console.log(String(await z.info()));  // z.info: Type, Data type, Shape, Chunk shape, Compressor, Store type, ...
   */
  async info(): Promise<InfoReport> {
    return arrayInfo(this.#io, this.name);
  }

  // ------------------------------------------------------------------ advanced selections

  /**
   * zarr-python's `get_orthogonal_selection`: each axis is selected independently (integer, slice,
   * integer array in any order with repeats, or boolean array), so rows × columns style picks need
   * no intermediate full read. Integer axes are dropped; all-integer selections give the value
   * (typed as {@link ZarrArray.get}: an index list or mask on an axis always keeps that axis).
   * @example
   * const rows = await z.getOrthogonalSelection([[2, 3], null]);   // z.oindex[[2, 3], :]
   */
  getOrthogonalSelection<const S extends OrthogonalSelection>(selection: S, opts?: GetOptions): Promise<OrthogonalResult<D, N, S>>;
  async getOrthogonalSelection(selection: OrthogonalSelection, opts: GetOptions = {}): Promise<any> {
    const r = await getOrthogonal(this.#io, normalizeOrthogonalSelection(selection, this.#io.meta.shape), opts);
    const dt = this.#io.meta.dtype;
    // One element read by integers: a datetime count gets its value type, as from `get`.
    return (dt.kind === "M" || dt.kind === "m") && typeof r === "bigint" && opts.fields === undefined ? timeValue(dt.kind, r, dt.unit!) : r;
  }

  /**
   * zarr-python's `set_orthogonal_selection`. The value broadcasts to the selection's shape like
   * numpy; with repeated indices the last occurrence wins.
   * @example
   * await z.setOrthogonalSelection([[2, 3], null], 0);  // z.oindex[[2, 3], :] = 0
   */
  async setOrthogonalSelection(selection: OrthogonalSelection, value: ArrayValue, opts: SetOptions = {}): Promise<void> {
    this.#io.assertWritable();
    const sel = normalizeOrthogonalSelection(selection, this.#io.meta.shape);
    return setOrthogonal(this.#io, sel, await resolveValue(value), opts);
  }

  /**
   * zarr-python's `get_coordinate_selection`: pick individual points, one integer array per axis
   * (broadcast together). The result has the broadcast shape, in the order the points were given.
   * @example
   * const pts = await z.getCoordinateSelection([[0, 2], [1, 3]]);  // z.vindex[[0, 2], [1, 3]]: points (0, 1), (2, 3)
   */
  async getCoordinateSelection(selection: CoordinateSelection, opts: GetOptions = {}): Promise<NDArray<D>> {
    return getPoints(this.#io, normalizeCoordinateSelection(selection, this.#io.meta.shape), opts);
  }

  /**
   * zarr-python's `set_coordinate_selection`: the value is flattened and matched to the points in
   * order (a single value also broadcasts). With repeated points the last one given wins.
   * @example
   * await z.setCoordinateSelection([[0, 2], [1, 3]], [10, 20]);  // z.vindex[[0, 2], [1, 3]] = [10, 20]
   */
  async setCoordinateSelection(selection: CoordinateSelection, value: ArrayValue, opts: SetOptions = {}): Promise<void> {
    this.#io.assertWritable();
    const nc = normalizeCoordinateSelection(selection, this.#io.meta.shape);
    return setPoints(this.#io, nc, await resolveValue(value), opts);
  }

  /**
   * zarr-python's `get_mask_selection`: the elements where a boolean mask of the array's shape is true, in C order.
   * @example
   * const picked = await z.getMaskSelection(mask);  // z.get_mask_selection(mask): mask is a "|b1" NDArray of z's shape
   */
  async getMaskSelection(mask: MaskSelection, opts: GetOptions = {}): Promise<NDArray<D>> {
    return getPoints(this.#io, normalizeMaskSelection(mask, this.#io.meta.shape), opts);
  }

  /**
   * zarr-python's `set_mask_selection`: the value is matched to the true entries in C order.
   * @example
   * await z.setMaskSelection(mask, 0);  // z.set_mask_selection(mask, 0): zero every element where mask is true
   */
  async setMaskSelection(mask: MaskSelection, value: ArrayValue, opts: SetOptions = {}): Promise<void> {
    this.#io.assertWritable();
    const nc = normalizeMaskSelection(mask, this.#io.meta.shape);
    return setPoints(this.#io, nc, await resolveValue(value), opts);
  }

  /**
   * zarr-python's `vindex`: point selection. A boolean selection (NDArray or nested JS booleans) is
   * a mask, anything else a coordinate selection.
   */
  get vindex(): AdvancedIndexer<CoordinateSelection | MaskSelection> {
    const isMask = (s: unknown) => (s instanceof NDArray ? s.dt.kind === "b" : Array.isArray(s) && allBooleanLeaves(s));
    return {
      get: (sel, opts) => (isMask(sel) ? this.getMaskSelection(sel as MaskSelection, opts) : this.getCoordinateSelection(sel as CoordinateSelection, opts)),
      set: (sel, value, opts) => (isMask(sel) ? this.setMaskSelection(sel as MaskSelection, value, opts) : this.setCoordinateSelection(sel as CoordinateSelection, value, opts)),
    };
  }

  /** zarr-python's `oindex`: orthogonal selection, e.g. `z.oindex.get([[0, 2], null])` for rows 0 and 2. */
  get oindex(): AdvancedIndexer<OrthogonalSelection> {
    return {
      get: (sel, opts) => this.getOrthogonalSelection(sel, opts),
      set: (sel, value, opts) => this.setOrthogonalSelection(sel, value, opts),
    };
  }
}

/** Another array as a written value is read whole first (advanced writes scatter arbitrarily). */
async function resolveValue(value: ArrayValue): Promise<unknown> {
  return value instanceof ZarrArray ? value.get() : value;
}

/** True when a (nested) JS array is non-empty and holds only booleans: a mask for `vindex`. */
function allBooleanLeaves(a: unknown[]): boolean {
  const flat = a.flat(Infinity as 1) as unknown[];
  return flat.length > 0 && flat.every((x) => typeof x === "boolean");
}

/** Whether two stores are the same: one object, or descriptors naming the same place (a directory). */
function sameStore(a: object, b: object): boolean {
  if (a === b) return true;
  const da = capabilitiesOf(a as Store).descriptor?.(), db = capabilitiesOf(b as Store).descriptor?.();
  if (!da || !db || da.type === "MemoryStore" || da.type === "KVStore") return false;
  return JSON.stringify(da) === JSON.stringify(db);
}
