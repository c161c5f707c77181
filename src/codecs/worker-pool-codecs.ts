/**
 * Which codec instances the worker pool can rebuild from their config: the classes zarrflow itself
 * registers (the worker imports the same registrations). A codec registered at run time, or a
 * subclass, is unknown to a worker, so its chain stays in the calling thread. Imported lazily by
 * the pipeline, only when the native addon is missing.
 * @module
 */
import type { Codec } from "./codec.ts";
import { compressorClasses } from "./compressors.ts";
import { AsType, Base64, BitRound, Categorize, CRC32, Adler32, Delta, FixedScaleOffset, PackBits, Quantize, Shuffle } from "./filters/index.ts";

const poolClasses = new Set<unknown>([
  ...Object.values(compressorClasses),
  AsType, Base64, BitRound, Categorize, CRC32, Adler32, Delta, FixedScaleOffset, PackBits, Quantize, Shuffle,
]);

/** Whether a worker builds the same codec from `codec.getConfig()`. */
export function isPoolCodec(codec: Codec): boolean {
  return poolClasses.has(Object.getPrototypeOf(codec)?.constructor);
}
