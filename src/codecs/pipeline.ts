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

/** Filters + compressor, with the dtype seen by each stage. */
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
   * caller memory when no filters follow; callers must use the returned bytes.
   */
  async decode(bytes: Uint8Array, key: string, out?: Uint8Array): Promise<Uint8Array> {
    let b = bytes;
    try {
      const nf = this.filters.length;
      if (this.compressor) b = await this.compressor.decode(b, nf === 0 ? out : undefined, this.contexts[nf]);
      for (let i = nf - 1; i >= 0; i--) b = await this.filters[i].decode(b, i === 0 ? out : undefined, this.contexts[i]);
    } catch (e) {
      if (e instanceof CodecError) throw new CodecError(`chunk '${key}': ${e.message}`);
      throw new CodecError(`chunk '${key}' could not be decoded: ${(e as Error).message ?? e}`);
    }
    return b;
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
