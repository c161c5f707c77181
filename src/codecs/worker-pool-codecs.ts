/**
 * Which codec instances the worker pool can rebuild from their config: the classes of zarrflow's
 * built-in codecs (a worker resolves ids through the same built-in loaders). A codec registered at run time, or a
 * subclass, is unknown to a worker, so its chain stays in the calling thread. Imported lazily by
 * the pipeline, only when the native addon is missing.
 * @module
 */
import type { Codec } from "./codec.ts";
import { Base64 } from "./base64.ts";
import { Blosc } from "./blosc.ts";
import { BZ2 } from "./bz2.ts";
import { Adler32 } from "./checksums/adler32.ts";
import { CRC32 } from "./checksums/crc32.ts";
import { AsType } from "./filters/astype.ts";
import { BitRound } from "./filters/bitround.ts";
import { Categorize } from "./filters/categorize.ts";
import { Delta } from "./filters/delta.ts";
import { FixedScaleOffset } from "./filters/fixedscaleoffset.ts";
import { PackBits } from "./filters/packbits.ts";
import { Quantize } from "./filters/quantize.ts";
import { Shuffle } from "./filters/shuffle.ts";
import { GZip } from "./gzip.ts";
import { LZ4 } from "./lz4.ts";
import { LZMA } from "./lzma.ts";
import { Zlib } from "./zlib.ts";
import { Zstd } from "./zstd.ts";

// The byte codecs of builtins.ts (object codecs never reach the pool: their chunks are JS values).
const poolClasses = new Set<unknown>([
  Blosc, Zstd, LZ4, Zlib, GZip, BZ2, LZMA,
  AsType, Base64, BitRound, Categorize, CRC32, Adler32, Delta, FixedScaleOffset, PackBits, Quantize, Shuffle,
]);

/** Whether a worker builds the same codec from `codec.getConfig()`. */
export function isPoolCodec(codec: Codec): boolean {
  return poolClasses.has(Object.getPrototypeOf(codec)?.constructor);
}
