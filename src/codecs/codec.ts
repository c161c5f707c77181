/**
 * The codec contract shared by compressors and filters.
 * @module
 */

/** A numcodecs configuration object, as stored in `.zarray` (`compressor` or an entry of `filters`). */
export interface CodecConfig {
  /** The numcodecs codec id, e.g. `"blosc"`, `"zstd"`, `"delta"`. */
  id: string;
  [key: string]: unknown;
}

/**
 * What the pipeline knows about the bytes handed to a codec. Filters and compressors need it because
 * numcodecs hands them a typed numpy array: Blosc shuffles with the item size, BitRound needs to know
 * whether the floats are 4 or 8 bytes wide.
 */
export interface ChunkContext {
  /** numpy dtype string of the bytes given to `encode` (and produced by `decode`), e.g. `"<f8"`. */
  dtype: string;
  /** Size in bytes of one element of `dtype`. */
  itemsize: number;
  /**
   * Most bytes `decode` may produce when it has no `out`: the chunk's expected decoded size where
   * the chunk layer knows it (the pipeline sets it per stage). A decoder stops with a
   * `CodecError` as soon as its output would exceed it, so a decompression bomb costs no
   * more than a real chunk. Absent: `maxChunkBytes` (see `setLimits`).
   */
  maxBytes?: number;
}

/**
 * A codec transforms chunk bytes. Filters and compressors share this shape; numcodecs makes no
 * distinction either. Methods are async so a codec may run in a worker or a native thread.
 */
export interface Codec {
  /** The numcodecs id this codec registers under. */
  readonly codecId: string;
  /** Encode raw bytes (in the array's memory order) into the stored form. */
  encode(data: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array>;
  /**
   * Decode stored bytes. When `out` is given and the codec can, it decodes straight into it and
   * returns a view of it; callers must use the returned array either way.
   */
  decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array>;
  /** The configuration as written to `.zarray`, with keys as numcodecs writes them. */
  getConfig(): CodecConfig;
  /** The numcodecs repr, e.g. `Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)`. */
  toString(): string;
  /**
   * For filters that change the element type (AsType, Delta with astype, Quantize, PackBits,
   * FixedScaleOffset), the dtype of the encoded output given the input dtype.
   */
  encodedDtype?(inputDtype: string): string;
  /**
   * How the native addon decodes this codec (its name and options), or null when it cannot. The
   * pipeline's native backend uses it to decode and scatter a chunk into the output in one
   * pool-thread job; `partialDecode` says the codec can decode only the part a small selection needs.
   */
  nativeDecode?(): { codec: string; opts: Record<string, unknown>; partialDecode?: boolean } | null;
  /** How the native addon encodes this codec for the given input, or null when it cannot. */
  nativeEncode?(ctx?: ChunkContext): { codec: string; opts: Record<string, unknown> } | null;
}

/** Builds a codec from its configuration. */
export type CodecFactory = (config: CodecConfig) => Codec;
