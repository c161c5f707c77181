/**
 * The numcodecs filters, checksums and Base64. The registry resolves them by id lazily
 * (`../builtins.ts`); {@link registerFilterCodecs} registers them eagerly (e.g. to restore defaults).
 * @module
 */
import { registerCodec } from "../registry.ts";
import { Base64 } from "../base64.ts";
import { Adler32 } from "../checksums/adler32.ts";
import { CRC32 } from "../checksums/crc32.ts";
import { AsType } from "./astype.ts";
import { BitRound } from "./bitround.ts";
import { Categorize } from "./categorize.ts";
import { Delta } from "./delta.ts";
import { FixedScaleOffset } from "./fixedscaleoffset.ts";
import { PackBits } from "./packbits.ts";
import { Quantize } from "./quantize.ts";
import { Shuffle } from "./shuffle.ts";
import { categorizeFromConfig } from "./categorize.ts";

export { AsType, type AsTypeOptions } from "./astype.ts";
export { BitRound, type BitRoundOptions } from "./bitround.ts";
export { Categorize, type CategorizeOptions } from "./categorize.ts";
export { Delta, type DeltaOptions } from "./delta.ts";
export { FixedScaleOffset, type FixedScaleOffsetOptions } from "./fixedscaleoffset.ts";
export { PackBits } from "./packbits.ts";
export { Quantize, type QuantizeOptions, quantizeScale } from "./quantize.ts";
export { Shuffle, type ShuffleOptions } from "./shuffle.ts";
export { Adler32, adler32 } from "../checksums/adler32.ts";
export { CRC32, crc32 } from "../checksums/crc32.ts";
export { Base64 } from "../base64.ts";

/**
 * Register every codec in this group eagerly, so a caller that replaced a registration can
 * restore the defaults.
 * @example
 * registerCodec("delta", myDeltaFactory);
 * registerFilterCodecs();   // back to zarrflow's Delta
 */
export function registerFilterCodecs(): void {
  registerCodec(Delta.codecId, (c) => Delta.fromConfig(c));
  registerCodec(FixedScaleOffset.codecId, (c) => FixedScaleOffset.fromConfig(c));
  registerCodec(Quantize.codecId, (c) => Quantize.fromConfig(c));
  registerCodec(PackBits.codecId, (c) => PackBits.fromConfig(c));
  registerCodec(AsType.codecId, (c) => AsType.fromConfig(c));
  registerCodec(Shuffle.codecId, (c) => Shuffle.fromConfig(c));
  registerCodec(BitRound.codecId, (c) => BitRound.fromConfig(c));
  registerCodec(Categorize.codecId, categorizeFromConfig);
  registerCodec(CRC32.codecId, (c) => CRC32.fromConfig(c));
  registerCodec(Adler32.codecId, (c) => Adler32.fromConfig(c));
  registerCodec(Base64.codecId, (c) => Base64.fromConfig(c));
}

