/**
 * One array's chunk I/O: the state every array operation shares (store, metadata, codec pipeline,
 * key encoding, chunk format, synchronizer) and the chunk-level primitives built on it: fetch and
 * decode a chunk, encode and store one, fill-value chunks, locks. Read, write, resize and the
 * streams layer all go through here, so keys, formats and locking are decided in one place.
 * @module
 */
import { chunkKeyPattern, defaultSeparatorOf, v2KeyEncoding, type ChunkKeyEncoding, type DimensionSeparator } from "../chunk/key-encoding.ts";
import { rawV2Format, type ChunkFormat } from "../chunk/format.ts";
import { getStoredChunk, storedChunkLimit } from "../chunk/stored-size.ts";
import type { CodecPipeline } from "../codecs/pipeline.ts";
import { allocate, asBytes, byteswapInPlace, elementLanes, laneInfo, swapWidth, viewBytes, type DataArray, type TypedArray } from "../dtype/elements.ts";
import { CodecError, ReadOnlyError } from "../errors.ts";
import { encodeArrayMetadata, type ArrayMetadata } from "../metadata/array-metadata.ts";
import { cStrides, fillStrided, fStrides, product } from "../ndarray/strided.ts";
import { capabilitiesOf, throwIfAborted, type LocalFileCapability, type Store } from "../stores/store.ts";
import { withLock, type Synchronizer } from "../synchronizer.ts";
import { withCodecSlot } from "../util/concurrency.ts";
import { tempPathFor } from "../stores/temp-files.ts";
import type { DirectDecoder } from "../codecs/native-backend.ts";
import type { NativeSource, RegionCopy } from "../codecs/native-job.ts";

/** How an array handle was opened; the options of {@link ChunkIO}. */
export interface ChunkIOOptions {
  readOnly?: boolean;
  synchronizer?: Synchronizer | null;
  writeEmptyChunks?: boolean;
}

/** Options of the chunk primitives: a signal that cancels the operation (it then rejects with an AbortError). */
export interface ChunkCallOptions {
  signal?: AbortSignal;
}

/** Chunk layout in memory: lanes per element, element strides of a chunk, elements per chunk. */
export interface ChunkLayout {
  lanes: number;
  strides: number[];
  size: number;
}


/** The state and chunk primitives of one array handle. */
export class ChunkIO {
  readonly store: Store;
  readonly path: string;
  /** `path/` or "" for the root: every key of the array starts with it. */
  readonly keyPrefix: string;
  readonly readOnly: boolean;
  readonly synchronizer: Synchronizer | null;
  readonly writeEmptyChunks: boolean;
  readonly pipeline: CodecPipeline;
  readonly format: ChunkFormat = rawV2Format;
  /** The metadata this handle works with; replaced (never mutated) by resize. */
  meta: ArrayMetadata;
  #encoding: ChunkKeyEncoding | null = null;

  constructor(store: Store, path: string, meta: ArrayMetadata, pipeline: CodecPipeline, opts: ChunkIOOptions = {}) {
    this.store = store;
    this.path = path;
    this.keyPrefix = path ? path + "/" : "";
    this.meta = meta;
    this.pipeline = pipeline;
    this.readOnly = opts.readOnly ?? false;
    this.synchronizer = opts.synchronizer ?? null;
    this.writeEmptyChunks = opts.writeEmptyChunks ?? true;
  }

  /** The `.zarray` key of this array. */
  get metaKey(): string {
    return this.keyPrefix + ".zarray";
  }

  /** As zarr-python's _load_metadata_nosync: `.zarray`'s separator, else the store's default, else ".". */
  get dimensionSeparator(): DimensionSeparator {
    return this.meta.dimensionSeparator ?? defaultSeparatorOf(this.store);
  }

  /** The chunk-key encoding in force (follows the separator). */
  get keyEncoding(): ChunkKeyEncoding {
    const sep = this.dimensionSeparator;
    if (this.#encoding?.separator !== sep) this.#encoding = v2KeyEncoding(sep);
    return this.#encoding;
  }

  /** The store key of a chunk. */
  chunkKey(coords: readonly number[]): string {
    return this.keyPrefix + this.keyEncoding.encode(coords);
  }

  /** Keys of the chunks actually stored, relative to the store root (needs a listable store). */
  chunkKeyMatcher(): RegExp {
    return chunkKeyPattern(this.keyEncoding, this.meta.shape.length);
  }

  /** Throws {@link ReadOnlyError} naming the array when it was opened read-only. */
  assertWritable(): void {
    if (this.readOnly) throw new ReadOnlyError(`array '${this.path || "/"}' is read-only`);
  }

  /** Run `fn` holding the synchronizer's lock for `key` (no lock without a synchronizer). */
  locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return withLock(this.synchronizer, key, fn);
  }

  /**
   * The store's local files, when a native backend may read and write chunks directly: the
   * declared `localFile` capability (which store wrappers forward), else — transitional, until
   * every file-backed store declares the capability — the legacy `filePath` method.
   */
  localFile(): LocalFileCapability | null {
    const cap = capabilitiesOf(this.store).localFile;
    if (cap) return cap;
    const legacy = this.store.filePath;
    if (typeof legacy !== "function") return null;
    const store = this.store;
    return {
      readPath: (key) => legacy.call(store, key),
      prepareWrite: (key) => {
        const file = legacy.call(store, key);
        return { file, temp: tempPathFor(file) };
      },
    };
  }

  /** Lanes, element strides and size of one chunk in the array's order. */
  layout(): ChunkLayout {
    const dt = this.meta.dtype;
    const { lanes } = dt.kind === "O" ? { lanes: 1 } : laneInfo(dt); // object dtype: one JS value per element
    const strides = (this.meta.order === "F" ? fStrides : cStrides)(this.meta.chunks);
    return { lanes, strides, size: product(this.meta.chunks) };
  }

  /**
   * Fetch and decode one chunk into element storage in the array's order, or null when it is not
   * stored. Corrupt or wrongly sized chunks raise {@link CodecError} naming the key.
   */
  readChunk(coords: readonly number[], opts: ChunkCallOptions = {}): Promise<DataArray | null> {
    return this.#readChunk(coords, opts, false);
  }

  /**
   * The chunk to modify in a read-modify-write: the stored one decoded, or a new one of fill values
   * when it is not stored (in the storage allocated for the decode, not a second allocation).
   */
  async readChunkOrNew(coords: readonly number[], opts: ChunkCallOptions = {}): Promise<DataArray> {
    return (await this.#readChunk(coords, opts, true))!;
  }

  /** {@link readChunk}; with `orNew`, a missing chunk is a new one of fill values instead of null. */
  async #readChunk(coords: readonly number[], opts: ChunkCallOptions, orNew: boolean): Promise<DataArray | null> {
    throwIfAborted(opts.signal);
    const key = this.chunkKey(coords);
    const direct = this.format.payloadIsStored ? this.pipeline.directDecoder(this.meta.dtype) : null;
    if (direct) return this.#readDirect(key, direct, orNew, opts.signal);
    const raw = await this.getStored(key, opts.signal);
    throwIfAborted(opts.signal);
    if (raw === undefined) return orNew ? this.newChunk() : null;
    return this.decodeChunkBytes(raw, key, opts);
  }

  /**
   * Where the native backend finds a chunk: the file itself for a local-file store (read on the
   * pool thread, size-checked there), else the stored bytes (size-checked here); null when not stored.
   */
  async nativeSource(key: string, signal?: AbortSignal): Promise<NativeSource | null> {
    const files = this.localFile();
    if (files) return { file: files.readPath(key) };
    const raw = await this.getStored(key, signal);
    throwIfAborted(signal);
    return raw === undefined ? null : { bytes: raw };
  }

  /**
   * A whole chunk decoded by the native backend straight into fresh element storage (a local file is
   * read on the pool thread). The codec-only decode would return a new native buffer per chunk, whose
   * pages the kernel faults in every time: a read-modify-write per append cost 1.5x its CPU.
   */
  async #readDirect(key: string, direct: DirectDecoder, orNew: boolean, signal?: AbortSignal): Promise<DataArray | null> {
    const source = await this.nativeSource(key, signal);
    if (!source) return orNew ? this.newChunk() : null;
    const dt = this.meta.dtype;
    const { size, strides } = this.layout();
    const chunk = allocate(dt, size);
    const byteStrides = strides.map((s) => s * dt.itemsize);
    const copy: RegionCopy = {
      elemBytes: dt.itemsize, swapWidth: swapWidth(dt), chunkBytes: size * dt.itemsize,
      chunkOffset: 0, chunkStrides: byteStrides, arrayOffset: 0, arrayStrides: byteStrides, shape: [...this.meta.chunks],
    };
    const found = await withCodecSlot(() => direct.decodeInto(source, asBytes(chunk as TypedArray), copy, key));
    throwIfAborted(signal);
    return found ? chunk : orNew ? this.#fillNew(chunk) : null;
  }

  /**
   * The stored bytes of one chunk, refused unread (a typed `StoreIOError` naming the key and both
   * sizes) when larger than a chunk of this array may be stored (`storedChunkLimit`).
   */
  getStored(key: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const decoded = product(this.meta.chunks) * this.meta.dtype.itemsize;
    const expanding = this.pipeline.filters.length > 0 || this.meta.dtype.kind === "O";
    return getStoredChunk(this.store, key, storedChunkLimit(decoded, expanding), decoded, signal);
  }

  /** Decode stored bytes of one chunk into element storage (machine byte order). */
  async decodeChunkBytes(stored: Uint8Array, key: string, opts: ChunkCallOptions = {}): Promise<DataArray> {
    const dt = this.meta.dtype;
    const raw = this.format.unwrap(stored, key);
    // Object dtype: the first filter (an object codec) yields the element values themselves.
    if (dt.kind === "O") {
      const layout = { shape: this.meta.chunks, order: this.meta.order };
      return (await withCodecSlot(() => this.pipeline.decodeObjects(raw, key, product(this.meta.chunks), layout))) as unknown as DataArray;
    }
    const expected = product(this.meta.chunks) * dt.itemsize;
    // Bounded by the chunk's size: a decompression bomb fails here instead of being decoded whole.
    let bytes = await withCodecSlot(() => this.pipeline.decode(raw, key, undefined, { expectedSize: expected, signal: opts.signal }));
    // A codec may hand back a Node Buffer; chunk storage must be a plain typed array (`new
    // Buffer(n)` through `.constructor` is deprecated, and Buffer's `slice` shares memory).
    if (Buffer.isBuffer(bytes)) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.byteLength !== expected) {
      throw new CodecError(`chunk '${key}' decoded to ${bytes.byteLength} bytes, expected ${expected} (${this.meta.chunks.join("x")} of ${dt.str})`);
    }
    const sw = swapWidth(dt);
    if (sw) {
      // The decoded bytes may be the store's own buffer (no compressor): swap a copy.
      bytes = bytes.slice();
      byteswapInPlace(bytes, sw);
    } else if (bytes.buffer === raw.buffer) {
      // No codecs: these are the store's own bytes, and partial writes modify chunks in place.
      bytes = bytes.slice();
    }
    return viewBytes(dt, bytes);
  }

  /** Encode element storage of one full chunk (machine byte order) into stored bytes. */
  async encodeChunkData(data: DataArray, opts: ChunkCallOptions = {}): Promise<Uint8Array> {
    const dt = this.meta.dtype;
    // Object dtype: element values go through the object codec (first filter), then bytes as usual.
    if (dt.kind === "O") {
      const layout = { shape: this.meta.chunks, order: this.meta.order };
      return this.format.wrap(await withCodecSlot(() => this.pipeline.encodeObjects(data as unknown as unknown[], layout)));
    }
    let bytes = asBytes(data as TypedArray);
    const sw = swapWidth(dt);
    if (sw) {
      bytes = bytes.slice();
      byteswapInPlace(bytes, sw);
    }
    return this.format.wrap(await withCodecSlot(() => this.pipeline.encode(bytes, { signal: opts.signal })));
  }

  /** Encode and store one full chunk (or delete it when it is all fill and empty chunks are skipped). */
  async storeChunk(key: string, chunk: DataArray, opts: ChunkCallOptions = {}): Promise<void> {
    throwIfAborted(opts.signal);
    const so = opts.signal ? { signal: opts.signal } : undefined;
    if (!this.writeEmptyChunks && this.meta.fillValue !== null && this.isAllFill(chunk)) {
      await this.store.delete(key, so);
      return;
    }
    const encoded = await this.encodeChunkData(chunk, opts);
    throwIfAborted(opts.signal);
    await this.store.set(key, encoded, so);
  }

  /** The fill value's lanes (one element), or a JS value for object arrays. */
  fillLanes(): TypedArray {
    // Object dtype: one lane holding the fill value itself (0, null, a string, ...), as zarr-python.
    if (this.meta.dtype.kind === "O") return [this.meta.fillValue] as unknown as TypedArray;
    return elementLanes(this.meta.dtype, this.meta.fillValue ?? 0);
  }

  /** Lanes of the element that stands in for a chunk that is not stored, for output storage `out`. */
  missingLanes(out: DataArray): unknown[] {
    const { lanes } = this.layout();
    if (this.meta.fillValue !== null) return Array.from(this.fillLanes() as unknown as ArrayLike<unknown>);
    const zero = out instanceof BigInt64Array || out instanceof BigUint64Array ? 0n : 0;
    return new Array(lanes).fill(this.meta.dtype.kind === "O" ? null : zero);
  }

  /** A full chunk's storage filled with the fill value. */
  newChunk(): DataArray {
    return this.#fillNew(allocate(this.meta.dtype, this.layout().size));
  }

  /** Fresh (zeroed) chunk storage `data` set to the fill value. */
  #fillNew(data: DataArray): DataArray {
    const dt = this.meta.dtype;
    const { lanes, size } = this.layout();
    const fv = this.meta.fillValue;
    if (fv !== null && fv !== undefined) {
      const pat = this.fillLanes();
      if (dt.kind === "O" || !(pat as Uint8Array).every((x: number | bigint) => x === 0 || x === 0n) || Object.is((pat as unknown as number[])[0], -0)) {
        fillStrided({ data, offset: 0, strides: [lanes, 1] }, [size, lanes], pat as unknown as ArrayLike<unknown>);
      }
    }
    return data;
  }

  /** True when every element of a chunk equals the fill value (NaN equals NaN). */
  isAllFill(data: DataArray): boolean {
    const pat = this.fillLanes();
    const lanes = pat.length;
    const d = data as TypedArray;
    const n = d.length;
    for (let i = 0; i < n; i++) {
      const a = d[i], b = pat[i % lanes];
      if (a !== b && !(typeof a === "number" && a !== a && (b as number) !== (b as number))) return false;
    }
    return true;
  }

  /** Write `.zarray` and adopt the new metadata. */
  async writeMeta(meta: ArrayMetadata): Promise<void> {
    this.assertWritable();
    await this.store.set(this.metaKey, encodeArrayMetadata(meta));
    this.meta = meta;
  }
}
