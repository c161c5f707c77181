/**
 * Every compressor codec (resolved lazily by the codec registry by id), plus the process-wide
 * default compressor and codec thread settings.
 * @module
 */
import { CodecError } from "../errors.ts";
import { Blosc, SHUFFLE } from "./blosc.ts";
import { BZ2 } from "./bz2.ts";
import type { Codec, CodecConfig } from "./codec.ts";
import { GZip } from "./gzip.ts";
import { LZ4 } from "./lz4.ts";
import { LZMA } from "./lzma.ts";
import { Zlib } from "./zlib.ts";
import { Zstd } from "./zstd.ts";

export { AUTOSHUFFLE, BITSHUFFLE, Blosc, type BloscOptions, listCompressors, NOSHUFFLE, SHUFFLE } from "./blosc.ts";
export { BZ2, type BZ2Options } from "./bz2.ts";
export { GZip, type GZipOptions } from "./gzip.ts";
export { LZ4, type LZ4Options } from "./lz4.ts";
export {
  LZMA, type LZMAOptions, type LzmaFilter, FORMAT_AUTO, FORMAT_XZ, FORMAT_ALONE, FORMAT_RAW, CHECK_NONE, CHECK_CRC32, CHECK_CRC64,
  CHECK_SHA256, FILTER_LZMA1, FILTER_LZMA2, FILTER_DELTA, FILTER_X86, FILTER_POWERPC, FILTER_IA64, FILTER_ARM, FILTER_ARMTHUMB,
} from "./lzma.ts";
export { getCodecThreads, hasNativeCodecs, nativeUnavailableReason, setCodecThreads } from "./native.ts";
export { Zlib, type ZlibOptions } from "./zlib.ts";
export { Zstd, type ZstdOptions } from "./zstd.ts";

/** The compressor classes by numcodecs id. */
export const compressorClasses = { blosc: Blosc, zstd: Zstd, lz4: LZ4, zlib: Zlib, gzip: GZip, bz2: BZ2, lzma: LZMA } as const;

function builtinDefault(): Blosc {
  return new Blosc({ cname: "lz4", clevel: 5, shuffle: SHUFFLE, blocksize: 0 });
}

let defaultCompressor: Codec | null = builtinDefault();

/**
 * The compressor new arrays get when none is specified: `Blosc(cname='lz4', clevel=5,
 * shuffle=SHUFFLE, blocksize=0)` unless changed, as zarr-python's `zarr.storage.default_compressor`.
 * Null means new arrays are uncompressed by default.
 * @example
 * String(getDefaultCompressor());   // "Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)"
 */
export function getDefaultCompressor(): Codec | null {
  return defaultCompressor;
}

/**
 * Changes the process-wide default compressor, as assigning `zarr.storage.default_compressor`
 * does. Accepts a codec, a numcodecs config such as `{ id: "zstd", level: 3 }`, or null for none;
 * `undefined` restores the built-in Blosc default.
 * @example
 * setDefaultCompressor({ id: "zstd", level: 3 });   // zarr.storage.default_compressor = Zstd(level=3)
 * setDefaultCompressor(undefined);                  // back to Blosc
 */
export function setDefaultCompressor(codec: Codec | CodecConfig | null | undefined): void {
  if (codec === undefined) {
    defaultCompressor = builtinDefault();
  } else if (codec === null) {
    defaultCompressor = null;
  } else if (typeof (codec as Codec).encode === "function" && typeof (codec as Codec).getConfig === "function") {
    defaultCompressor = codec as Codec;
  } else if (typeof codec === "object" && typeof (codec as CodecConfig).id === "string") {
    const id = (codec as CodecConfig).id;
    if (!Object.hasOwn(compressorClasses, id)) throw new CodecError(`default compressor id '${id}' is not one of ${Object.keys(compressorClasses).join(", ")}; pass a codec instance instead`);
    defaultCompressor = compressorClasses[id as keyof typeof compressorClasses].fromConfig(codec as CodecConfig);
  } else {
    throw new CodecError(`default compressor must be a codec, a codec config or null, got ${JSON.stringify(codec)}`);
  }
}
