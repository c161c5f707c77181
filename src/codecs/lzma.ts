/**
 * LZMA, numcodecs id `lzma`: Python's `lzma.compress(buf, format, check, preset, filters)`.
 * @module
 */
import { CodecError, formatValue } from "../errors.ts";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { xzCompress } from "./fallback/xz.ts";
import { xzDecompress } from "./fallback/xz-decode.ts";
import { checkKeys, decodeLimit, guard, intoOut, intParam, nativeCodecs, nativeDecompress } from "./native.ts";
import { useFallback } from "./native-status.ts";

/** Container formats (Python's `lzma.FORMAT_*`). AUTO is for decoding only. */
export const FORMAT_AUTO = 0;
/** The .xz container. */
export const FORMAT_XZ = 1;
/** The legacy .lzma container. */
export const FORMAT_ALONE = 2;
/** A raw stream with no container; the filter chain must be given for decoding too. */
export const FORMAT_RAW = 3;
/** Integrity checks (Python's `lzma.CHECK_*`); -1 means CRC64 for xz and none otherwise. */
export const CHECK_NONE = 0;
/** CRC32 check. */
export const CHECK_CRC32 = 1;
/** CRC64 check (the xz default). */
export const CHECK_CRC64 = 4;
/** SHA-256 check. */
export const CHECK_SHA256 = 10;
/**
 * Filter ids (Python's `lzma.FILTER_*`). LZMA1's real id is 2^62 + 1, which a JS number cannot
 * hold; 2^62, what `JSON.parse` makes of it, is accepted in its place, and so is the exact
 * `FILTER_LZMA1_EXACT` bigint that zarrflow's JSON reader gives for a `.zarray` written by
 * numcodecs. Configs write it back as that exact bigint, so `.zarray` stays byte-identical.
 */
export const FILTER_LZMA1 = 2 ** 62;
/** LZMA1's exact filter id, 2^62 + 1 (`lzma.FILTER_LZMA1` in Python), as a bigint. */
export const FILTER_LZMA1_EXACT = 4611686018427387905n;
/** LZMA2 filter id. */
export const FILTER_LZMA2 = 0x21;
/** Delta filter id (option `dist`). */
export const FILTER_DELTA = 0x03;
/** x86 BCJ filter id (option `start_offset`, as for all BCJ filters). */
export const FILTER_X86 = 0x04;
/** PowerPC BCJ filter id. */
export const FILTER_POWERPC = 0x05;
/** IA-64 BCJ filter id. */
export const FILTER_IA64 = 0x06;
/** ARM BCJ filter id. */
export const FILTER_ARM = 0x07;
/** ARM-Thumb BCJ filter id. */
export const FILTER_ARMTHUMB = 0x08;
/** SPARC BCJ filter id. */
export const FILTER_SPARC = 0x09;
/** Flag to OR into a preset for the slower "extreme" variant. */
export const PRESET_EXTREME = 0x80000000;

const LZMA_OPTIONS = ["preset", "dict_size", "lc", "lp", "pb", "mode", "nice_len", "mf", "depth"];
const FILTER_OPTIONS = new Map<number, string[]>([
  [FILTER_LZMA1, LZMA_OPTIONS],
  [FILTER_LZMA2, LZMA_OPTIONS],
  [FILTER_DELTA, ["dist"]],
  ...[FILTER_X86, FILTER_POWERPC, FILTER_IA64, FILTER_ARM, FILTER_ARMTHUMB, FILTER_SPARC].map(
    (id) => [id, ["start_offset"]] as [number, string[]],
  ),
]);

/** One filter of a chain, e.g. `{ id: FILTER_LZMA2, preset: 1 }`; keys as in Python's lzma module. */
export interface LzmaFilter {
  id: number;
  /** Options left undefined are omitted, so literal arrays of differently shaped filters type-check. */
  [option: string]: number | undefined;
}

/** Constructor options, as numcodecs' `LZMA(format=1, check=-1, preset=None, filters=None)`. */
export interface LZMAOptions {
  format?: number;
  check?: number;
  /** 0–9, optionally `| PRESET_EXTREME`; null for liblzma's default (6). Exclusive with `filters`. */
  preset?: number | null;
  /** A filter chain of up to 4 filters, or null. Required for FORMAT_RAW. */
  filters?: LzmaFilter[] | null;
}

/**
 * Validates a preset. `9 | PRESET_EXTREME` is negative in JS's int32 bit arithmetic, so negative
 * int32 values are taken as their unsigned form, which is what Python would hold.
 */
function checkPreset(preset: unknown, where = "'preset'"): number | null {
  if (preset === undefined || preset === null) return null;
  const p = typeof preset === "number" && Number.isInteger(preset) && preset >= -(2 ** 31) ? preset >>> 0 : -1;
  if (p < 0 || (p & 0x7fffffff) > 9 || p > (PRESET_EXTREME | 9) >>> 0) {
    throw new CodecError(`lzma: ${where} must be null or 0-9, optionally | PRESET_EXTREME, got ${formatValue(preset)}`);
  }
  return p;
}

/**
 * A filter id as a number: the exact LZMA1 bigint (from a `.zarray` numcodecs wrote) becomes
 * {@link FILTER_LZMA1}; any other bigint, or a non-integer, is not a valid id (undefined).
 */
function filterIdNumber(id: unknown): number | undefined {
  if (typeof id === "bigint") return id === FILTER_LZMA1_EXACT ? FILTER_LZMA1 : undefined;
  return typeof id === "number" && Number.isInteger(id) ? id : undefined;
}

/** Validates a filter chain the way CPython's `_lzma` parses one, and copies it (ids as numbers). */
function checkFilters(filters: unknown): LzmaFilter[] | null {
  if (filters === undefined || filters === null) return null;
  if (!Array.isArray(filters)) throw new CodecError(`lzma: 'filters' must be a list of filter objects or null`);
  if (filters.length > 4) throw new CodecError(`lzma: 'filters' has ${filters.length} filters; liblzma supports at most 4`);
  return filters.map((f: unknown, i) => {
    if (f === null || typeof f !== "object" || Array.isArray(f)) throw new CodecError(`lzma: filters[${i}] must be an object`);
    const spec = f as Record<string, unknown>;
    const id = filterIdNumber(spec.id);
    const allowed = id === undefined ? undefined : FILTER_OPTIONS.get(id);
    if (!allowed) throw new CodecError(`lzma: filters[${i}] has invalid filter id ${formatValue(spec.id)}`);
    const copy: Record<string, unknown> = { ...spec, id };
    for (const [key, value] of Object.entries(spec)) {
      if (key === "id") continue;
      if (value === undefined) {
        delete copy[key];
        continue;
      }
      if (key === "preset" && allowed === LZMA_OPTIONS && typeof value === "number") {
        copy.preset = checkPreset(value, `filters[${i}] option 'preset'`);
        continue;
      }
      if (!allowed.includes(key)) {
        throw new CodecError(`lzma: filters[${i}] option '${key}' is not valid for filter id ${spec.id} (valid: ${allowed.join(", ")})`);
      }
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
        throw new CodecError(`lzma: filters[${i}] option '${key}' must be an unsigned 32-bit integer, got ${formatValue(value)}`);
      }
    }
    return copy as LzmaFilter;
  });
}

/** Python's repr of a JSON-like value, for numcodecs' `LZMA(...)` repr. */
function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return v === FILTER_LZMA1 ? "4611686018427387905" : String(v);
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
}

/**
 * LZMA/XZ codec, byte-identical to numcodecs (same liblzma). Decoding follows Python: concatenated
 * streams are joined, FORMAT_AUTO detects xz/lzma, FORMAT_RAW needs the filter chain. Without the
 * addon a pure-JS implementation reads and writes the same formats (LZMA1, LZMA2 and delta filters;
 * BCJ filters need the addon); its bytes differ from liblzma's but Python reads them.
 * @example
 * const z = await zeros([1000, 1000], { chunks: [100, 100], compressor: new LZMA({ preset: 1 }) });  // numcodecs.LZMA(preset=1)
 */
export class LZMA implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "lzma";
  readonly codecId = "lzma";
  readonly format: number;
  readonly check: number;
  readonly preset: number | null;
  readonly filters: LzmaFilter[] | null;

  /** Checks each parameter; combinations (preset with filters, RAW without filters) fail on use, as in Python. */
  constructor(options: LZMAOptions = {}) {
    this.format = intParam("lzma", "format", options.format, FORMAT_XZ, 0, 3);
    this.check = intParam("lzma", "check", options.check, -1, -1, 15);
    if (![-1, CHECK_NONE, CHECK_CRC32, CHECK_CRC64, CHECK_SHA256].includes(this.check)) {
      throw new CodecError(`lzma: 'check' must be -1, 0, 1, 4 or 10, got ${this.check}`);
    }
    this.preset = checkPreset(options.preset);
    this.filters = checkFilters(options.filters);
  }

  /** Builds from a `.zarray` config. */
  static fromConfig(config: CodecConfig): LZMA {
    checkKeys("lzma", config, ["format", "check", "preset", "filters"]);
    return new LZMA(config as LZMAOptions);
  }

  private nativeOptions() {
    return { format: this.format, check: this.check, preset: this.preset, filters: this.filters };
  }

  /** Compresses into one stream of `format`. */
  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("lzma", "encode", () => {
      if (nativeCodecs) return nativeCodecs.compressAsync("lzma", data, this.nativeOptions());
      useFallback("lzma");
      return xzCompress(data, this.nativeOptions());
    });
  }

  /** Decompresses like Python's `lzma.decompress`; with `out`, straight into it. */

  /** The native addon's decoder for this codec (used for decode-and-scatter), or null without it. */
  nativeDecode(): { codec: string; opts: Record<string, unknown> } | null {
    return nativeCodecs ? { codec: "lzma", opts: this.nativeOptions() } : null;
  }
  async decode(data: Uint8Array, out?: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array> {
    return guard("lzma", "decode", async () => {
      if (nativeCodecs) return nativeDecompress("lzma", data, this.nativeOptions(), out, ctx);
      useFallback("lzma");
      return intoOut("lzma", xzDecompress(data, this.nativeOptions(), decodeLimit(out, ctx)), out);
    });
  }

  /** Exactly numcodecs' `get_config()`. */
  getConfig(): CodecConfig {
    return {
      id: "lzma",
      format: this.format,
      check: this.check,
      preset: this.preset,
      // LZMA1's id as the exact bigint numcodecs writes (a number would print as a float).
      filters: this.filters ? this.filters.map((f) => ({ ...f, id: f.id === FILTER_LZMA1 ? FILTER_LZMA1_EXACT : f.id })) : null,
    };
  }

  /** Exactly numcodecs' repr, e.g. `LZMA(format=1, check=-1, preset=None, filters=None)`. */
  toString(): string {
    return `LZMA(format=${this.format}, check=${this.check}, preset=${pyRepr(this.preset)}, filters=${pyRepr(this.filters)})`;
  }
}
