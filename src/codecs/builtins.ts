/**
 * The codecs that ship with zarrflow, by numcodecs id, each behind a lazy loader: importing
 * zarrflow registers nothing and loads no compression library until an array (or `getCodec`) names
 * the codec. This is what lets the package declare `"sideEffects": false`.
 * @module
 */
import type { CodecConfig, CodecFactory } from "./codec.ts";

type Loader = () => Promise<CodecFactory>;

/** Load `mod` and build codecs from configs with the class it exports as `name`. */
function lazy<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M & string): Loader {
  return () => load().then((m) => {
    const cls = m[name] as unknown as { fromConfig(c: CodecConfig): ReturnType<CodecFactory> };
    return (c: CodecConfig) => cls.fromConfig(c);
  });
}

/** numcodecs id → loader of its factory. Registrations with {@link registerCodec} take precedence. */
export const builtinCodecLoaders: Readonly<Record<string, Loader>> = Object.freeze({
  blosc: lazy(() => import("./blosc.ts"), "Blosc"),
  zstd: lazy(() => import("./zstd.ts"), "Zstd"),
  lz4: lazy(() => import("./lz4.ts"), "LZ4"),
  zlib: lazy(() => import("./zlib.ts"), "Zlib"),
  gzip: lazy(() => import("./gzip.ts"), "GZip"),
  bz2: lazy(() => import("./bz2.ts"), "BZ2"),
  lzma: lazy(() => import("./lzma.ts"), "LZMA"),
  delta: lazy(() => import("./filters/delta.ts"), "Delta"),
  fixedscaleoffset: lazy(() => import("./filters/fixedscaleoffset.ts"), "FixedScaleOffset"),
  quantize: lazy(() => import("./filters/quantize.ts"), "Quantize"),
  packbits: lazy(() => import("./filters/packbits.ts"), "PackBits"),
  astype: lazy(() => import("./filters/astype.ts"), "AsType"),
  shuffle: lazy(() => import("./filters/shuffle.ts"), "Shuffle"),
  bitround: lazy(() => import("./filters/bitround.ts"), "BitRound"),
  // numcodecs has one Categorize; zarrflow's object-label variant takes `|O` configs.
  categorize: async () => (await import("./filters/categorize.ts")).categorizeFromConfig,
  crc32: lazy(() => import("./checksums/crc32.ts"), "CRC32"),
  adler32: lazy(() => import("./checksums/adler32.ts"), "Adler32"),
  base64: lazy(() => import("./base64.ts"), "Base64"),
  "vlen-utf8": lazy(() => import("./object/vlen.ts"), "VLenUTF8"),
  "vlen-bytes": lazy(() => import("./object/vlen.ts"), "VLenBytes"),
  "vlen-array": lazy(() => import("./object/vlen.ts"), "VLenArray"),
  json2: lazy(() => import("./object/json.ts"), "JSONCodec"),
  msgpack2: lazy(() => import("./object/msgpack.ts"), "MsgPack"),
  pickle: lazy(() => import("./object/pickle.ts"), "Pickle"),
  n5_wrapper: lazy(() => import("./n5-wrapper.ts"), "N5ChunkWrapper"),
  "n5-lz4": lazy(() => import("./n5-wrapper.ts"), "N5LZ4Block"),
});
