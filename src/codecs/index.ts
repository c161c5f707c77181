/**
 * `zarrflow/codecs`: every codec zarrflow ships under its numcodecs name (compressors, filters,
 * checksums, object codecs), the codec registry, and the codec thread settings — the counterpart of
 * the `numcodecs` package. Only re-exports; codecs load lazily by id.
 * @module zarrflow/codecs
 */
export * from "./compressors.ts";
export * from "./filters/index.ts";
export * from "./object/index.ts";
export { getCodec, registerCodec, registerCodecLoader, listCodecs } from "./registry.ts";
export type { Codec, CodecConfig, ChunkContext, CodecFactory } from "./codec.ts";
