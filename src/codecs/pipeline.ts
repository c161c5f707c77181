/**
 * The explicit codec pipeline of one array: filters in order, then the compressor on encode; the
 * reverse on decode. It tracks the dtype through filters that change it, because numcodecs hands
 * each codec a typed array and Blosc's shuffle needs the real item size.
 * @module
 */
import { parseDtype } from "../dtype/dtype.ts";
import { CodecError } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { getCodec } from "./registry.ts";
import { isObjectCodec, type ObjectLayout } from "./object/object-codec.ts";
import { nativeDecoder, nativeEncoder, type DirectDecoder, type DirectEncoder } from "./native-backend.ts";
import { nativeBatchDecoder, nativeBatchEncoder, type BatchDecoder, type BatchEncoder } from "./pipeline-batch.ts";
import { nativeCodecs, nativePartialDecoders, type NativeCodecName } from "./native.ts";
import { useFallback } from "./native-status.ts";
import { runChainInPool, type ChainSpec } from "./worker-pool.ts";

export type { DirectDecoder, DirectEncoder, NativeSource, RegionCopy } from "./native-backend.ts";
export type { BatchCopy, BatchDecoder, BatchEncoder, ChunkBatch } from "./pipeline-batch.ts";

/** What the backends need to know of the array's dtype. */
export interface ElementInfo {
  /** numpy dtype kind (`"O"` for object arrays, which only the JS codecs handle). */
  kind: string;
  itemsize: number;
  /** numpy dtype string, e.g. `"<f8"`. */
  str: string;
}

/** Options of {@link CodecPipeline.encode} and {@link CodecPipeline.decode}. */
export interface PipelineCallOptions {
  /**
   * For decode: the chunk's exact decoded size. A chain decoded in the worker pool is bounded by it
   * (the worker allocates this much and fails rather than produce more).
   */
  expectedSize?: number;
  /** Cancels a job waiting for or running in the worker pool; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Run the chain in this thread even without the native addon (the pool workers themselves do). */
  inline?: boolean;
}

/** Codec ids that have a native implementation, so running them in JS is "the fallback". */
const nativeIds: ReadonlySet<string> = new Set<NativeCodecName>(["blosc", "zstd", "lz4", "zlib", "gzip", "bz2", "lzma"]);

/**
 * Chunks smaller than this run their (fallback) chain in the calling thread: for them a round trip
 * to a worker costs more than the codec work it moves.
 */
let poolMinBytes = envInt("ZARRFLOW_POOL_MIN_BYTES", 64 * 1024);

function envInt(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v >= 0 ? v : dflt;
}

/**
 * Sets the chunk size (bytes, decoded) from which the fallback codecs run in the worker pool
 * instead of the calling thread; 0 sends every chunk to the pool. Only matters without the native
 * addon. Returns the previous value.
 */
export function setPoolMinBytes(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new CodecError(`pool minimum chunk size must be a non-negative integer, got ${String(n)}`);
  const prev = poolMinBytes;
  poolMinBytes = n;
  return prev;
}

/**
 * Filters + compressor, with the dtype seen by each stage.
 * @example
 * const p = await CodecPipeline.fromConfig([{ id: "delta", dtype: "<i4" }], { id: "zlib", level: 1 }, "<i4");
 * const stored = await p.encode(new Uint8Array(new Int32Array([1, 2, 3]).buffer));
 */
export class CodecPipeline {
  private readonly contexts: ChunkContext[];
  private readonly dtype: string;
  /** The chain as the worker pool rebuilds it, or null when it must stay in this thread. */
  #pool: Promise<ChainSpec | null> | undefined;

  constructor(readonly filters: Codec[], readonly compressor: Codec | null, dtype: string) {
    this.dtype = dtype;
    const ctxs: ChunkContext[] = [];
    let cur = dtype;
    for (const f of filters) {
      ctxs.push(ctxFor(cur));
      cur = f.encodedDtype ? f.encodedDtype(cur) : cur;
    }
    ctxs.push(ctxFor(cur));
    this.contexts = ctxs;
  }

  /** Build from `.zarray` configs. */
  static async fromConfig(filters: CodecConfig[] | null, compressor: CodecConfig | null, dtype: string): Promise<CodecPipeline> {
    const fs = await Promise.all((filters ?? []).map((c) => getCodec(c)));
    const comp = compressor ? await getCodec(compressor) : null;
    return new CodecPipeline(fs, comp, dtype);
  }

  /**
   * The chain for the worker pool, or null: with the native addon (its codecs already run off the
   * main thread), for an empty chain, or when a codec is not one a worker can rebuild.
   */
  private poolChain(): Promise<ChainSpec | null> {
    this.#pool ??= (async () => {
      const codecs = [...this.filters, ...(this.compressor ? [this.compressor] : [])];
      if (nativeCodecs || codecs.length === 0) return null;
      const { isPoolCodec } = await import("./worker-pool-codecs.ts");
      if (!codecs.every(isPoolCodec)) return null;
      return { filters: this.filters.map((f) => f.getConfig()), compressor: this.compressor?.getConfig() ?? null, dtype: this.dtype };
    })();
    return this.#pool;
  }

  /** The pool chain when this job goes to the pool; warns (or fails) as a fallback codec would. */
  private async offload(size: number, opts: PipelineCallOptions): Promise<ChainSpec | null> {
    if (opts.inline || nativeCodecs || size < poolMinBytes) return null;
    const chain = await this.poolChain();
    if (!chain) return null;
    // The codecs' own fallback paths warn (or, with ZARRFLOW_REQUIRE_NATIVE=1, throw); they now
    // run in a worker, so do it here.
    for (const c of [...this.filters, this.compressor]) if (c && nativeIds.has(c.codecId)) useFallback(c.codecId);
    return chain;
  }

  /**
   * Encode chunk bytes (array order, stored byte order) into what goes into the store. Without the
   * native addon, chunks from {@link setPoolMinBytes} up are encoded by the whole chain in one
   * worker-pool job.
   */
  async encode(bytes: Uint8Array, opts: PipelineCallOptions = {}): Promise<Uint8Array> {
    const chain = await this.offload(bytes.byteLength, opts);
    if (chain) return runChainInPool(chain, "encode", bytes, { signal: opts.signal });
    let b = bytes;
    for (let i = 0; i < this.filters.length; i++) b = await this.filters[i].encode(b, this.contexts[i]);
    if (this.compressor) b = await this.compressor.encode(b, this.contexts[this.filters.length]);
    return b;
  }

  /**
   * Decode stored bytes. `out` (the chunk's full size) lets the compressor decode straight into
   * caller memory when no filters follow; callers must use the returned bytes. `opts.expectedSize`,
   * the chunk's decoded size, bounds what every stage may produce (see {@link ChunkContext.maxBytes}),
   * so a decompression bomb fails at the size of a real chunk instead of being decoded whole. Without
   * the native addon, chunks from {@link setPoolMinBytes} up (by `opts.expectedSize`, else the stored size)
   * are decoded by the whole chain in one worker-pool job, bounded by `opts.expectedSize`.
   */
  async decode(bytes: Uint8Array, key: string, out?: Uint8Array, opts: PipelineCallOptions = {}): Promise<Uint8Array> {
    const chain = await this.offload(opts.expectedSize ?? out?.byteLength ?? bytes.byteLength, opts);
    if (chain) {
      const expectedSize = opts.expectedSize ?? out?.byteLength;
      let result: Uint8Array;
      try {
        result = await runChainInPool(chain, "decode", bytes, { expectedSize, signal: opts.signal, key });
      } catch (e) {
        if (opts.signal?.aborted && e === opts.signal.reason) throw e;
        if (e instanceof CodecError && e.message.startsWith(`chunk '${key}'`)) throw e;
        throw new CodecError(`chunk '${key}' could not be decoded: ${(e as Error).message ?? e}`);
      }
      if (!out) return result;
      if (result.byteLength > out.byteLength) throw new CodecError(`chunk '${key}': decoded ${result.byteLength} bytes, more than the ${out.byteLength} expected`);
      out.set(result);
      return out.subarray(0, result.byteLength);
    }
    let b = bytes;
    try {
      const nf = this.filters.length;
      const ctxs = this.boundedContexts(out?.byteLength ?? opts.expectedSize);
      if (this.compressor) b = await this.compressor.decode(b, nf === 0 ? out : undefined, ctxs[nf]);
      for (let i = nf - 1; i >= 0; i--) b = await this.filters[i].decode(b, i === 0 ? out : undefined, ctxs[i]);
    } catch (e) {
      if (e instanceof CodecError) throw new CodecError(`chunk '${key}': ${e.message}`);
      throw new CodecError(`chunk '${key}' could not be decoded: ${(e as Error).message ?? e}`);
    }
    return b;
  }

  /**
   * The stage contexts with `maxBytes` set from the chunk's decoded size: exact for the last decode
   * stage; for the stages before it, the size scaled by the dtype change plus a third and 1 KiB of
   * slack, which covers every numcodecs filter's encoded growth (Base64's 4/3 is the largest).
   */
  private boundedContexts(expected: number | undefined): ChunkContext[] {
    if (expected === undefined) return this.contexts;
    const out: ChunkContext[] = [];
    let bound = expected;
    for (let i = 0; i < this.contexts.length; i++) {
      out.push({ ...this.contexts[i], maxBytes: bound });
      if (i < this.filters.length) {
        const ratio = this.contexts[i + 1].itemsize / Math.max(1, this.contexts[i].itemsize);
        bound = Math.ceil((bound * ratio * 4) / 3) + 1024;
      }
    }
    return out;
  }

  // ---- backends

  /**
   * A backend that decodes chunks straight into caller memory on a pool thread: the native addon,
   * when every codec of the chain has a native decoder and elements have a fixed size. Null means
   * the JS/WASM codecs ({@link decode}), one chunk at a time. Whether a small region is decoded from
   * part of the container is the codec's capability, asked here, not the caller's concern.
   */
  directDecoder(elem: ElementInfo): DirectDecoder | null {
    if (this.filters.length || elem.kind === "O") return null;
    const comp = this.compressor;
    if (!comp) return nativeDecoder(null, {}, false);
    const nd = comp.nativeDecode?.();
    if (!nd) return null;
    const name = nd.codec as NativeCodecName;
    return nativeDecoder(name, nd.opts, nd.partialDecode ?? nativePartialDecoders.has(name));
  }

  /**
   * A backend that gathers a chunk from caller memory and encodes it on a pool thread (the native
   * addon), when every codec of the chain has a native encoder; null means {@link encode}.
   */
  directEncoder(elem: ElementInfo): DirectEncoder | null {
    if (this.filters.length || elem.kind === "O") return null;
    const comp = this.compressor;
    if (!comp) return nativeEncoder(null, {});
    const ne = comp.nativeEncode?.({ dtype: elem.str, itemsize: elem.itemsize });
    if (!ne) return null;
    return nativeEncoder(ne.codec as NativeCodecName, ne.opts);
  }

  /**
   * The batch form of {@link directDecoder}: many small chunks of local files decoded in one
   * pool-thread job (see pipeline-batch.ts). Null when the chain has no native decoder or the addon
   * has no batches.
   */
  batchDecoder(elem: ElementInfo): BatchDecoder | null {
    if (this.filters.length || elem.kind === "O") return null;
    const comp = this.compressor;
    if (!comp) return nativeBatchDecoder(null, {}, false);
    const nd = comp.nativeDecode?.();
    if (!nd) return null;
    const name = nd.codec as NativeCodecName;
    return nativeBatchDecoder(name, nd.opts, nd.partialDecode ?? nativePartialDecoders.has(name));
  }

  /** The batch form of {@link directEncoder}: many small chunks encoded and written in one pool-thread job. */
  batchEncoder(elem: ElementInfo): BatchEncoder | null {
    if (this.filters.length || elem.kind === "O") return null;
    const comp = this.compressor;
    if (!comp) return nativeBatchEncoder(null, {});
    const ne = comp.nativeEncode?.({ dtype: elem.str, itemsize: elem.itemsize });
    if (!ne) return null;
    return nativeBatchEncoder(ne.codec as NativeCodecName, ne.opts);
  }

  // ---- object dtype (`|O`): the first filter is an object codec turning values into bytes.

  /** The first filter as an object codec, or a {@link CodecError} when there is none. */
  private objectCodec() {
    const f = this.filters[0];
    if (!isObjectCodec(f)) throw new CodecError("missing object_codec for object array (the first filter must be an object codec such as VLenUTF8)");
    return f;
  }

  /** Encode an object chunk's values (flat, memory order): object codec, remaining filters, compressor. */
  async encodeObjects(values: unknown[], layout: ObjectLayout): Promise<Uint8Array> {
    let b = await this.objectCodec().encodeObjects(values, layout);
    for (let i = 1; i < this.filters.length; i++) b = await this.filters[i].encode(b, this.contexts[i]);
    if (this.compressor) b = await this.compressor.encode(b, this.contexts[this.filters.length]);
    return b;
  }

  /** Decode stored bytes of an object chunk into `count` values (flat, memory order). */
  async decodeObjects(bytes: Uint8Array, key: string, count: number, layout: ObjectLayout): Promise<unknown[]> {
    try {
      const codec = this.objectCodec();
      let b = bytes;
      const nf = this.filters.length;
      if (this.compressor) b = await this.compressor.decode(b, undefined, this.contexts[nf]);
      for (let i = nf - 1; i >= 1; i--) b = await this.filters[i].decode(b, undefined, this.contexts[i]);
      return await codec.decodeObjects(b, count, layout);
    } catch (e) {
      if (e instanceof CodecError) throw new CodecError(`chunk '${key}': ${e.message}`);
      throw new CodecError(`chunk '${key}' could not be decoded: ${(e as Error).message ?? e}`);
    }
  }
}

function ctxFor(dtype: string): ChunkContext {
  try {
    const dt = parseDtype(dtype);
    return { dtype: dt.str, itemsize: dt.itemsize };
  } catch {
    return { dtype, itemsize: 1 };
  }
}
