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
import { nativePartialDecoders, type NativeCodecName } from "./native.ts";

export type { DirectDecoder, DirectEncoder, NativeSource, RegionCopy } from "./native-backend.ts";

/** What the backends need to know of the array's dtype. */
export interface ElementInfo {
  /** numpy dtype kind (`"O"` for object arrays, which only the JS codecs handle). */
  kind: string;
  itemsize: number;
  /** numpy dtype string, e.g. `"<f8"`. */
  str: string;
}

/**
 * Filters + compressor, with the dtype seen by each stage.
 * @example
 * const p = await CodecPipeline.fromConfig([{ id: "delta", dtype: "<i4" }], { id: "zlib", level: 1 }, "<i4");
 * const stored = await p.encode(new Uint8Array(new Int32Array([1, 2, 3]).buffer));
 */
export class CodecPipeline {
  private readonly contexts: ChunkContext[];

  constructor(readonly filters: Codec[], readonly compressor: Codec | null, dtype: string) {
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

  /** Encode chunk bytes (array order, stored byte order) into what goes into the store. */
  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    let b = bytes;
    for (let i = 0; i < this.filters.length; i++) b = await this.filters[i].encode(b, this.contexts[i]);
    if (this.compressor) b = await this.compressor.encode(b, this.contexts[this.filters.length]);
    return b;
  }

  /**
   * Decode stored bytes. `out` (the chunk's full size) lets the compressor decode straight into
   * caller memory when no filters follow; callers must use the returned bytes. `expectedBytes`, the
   * chunk's decoded size, bounds what every stage may produce (see {@link ChunkContext.maxBytes}),
   * so a decompression bomb fails at the size of a real chunk instead of being decoded whole.
   */
  async decode(bytes: Uint8Array, key: string, out?: Uint8Array, expectedBytes?: number): Promise<Uint8Array> {
    let b = bytes;
    try {
      const nf = this.filters.length;
      const ctxs = this.boundedContexts(out?.byteLength ?? expectedBytes);
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
