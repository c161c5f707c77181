/**
 * Parsing of option values: integer lists (`100,100`), memory sizes (`256MB`), compressor specs
 * (`zstd:3`, `blosc:lz4:5:shuffle`, `none`) and fill values. Every failure is a {@link UsageError}
 * naming the option.
 * @module
 */
import type { CodecConfig } from "../src/internal.ts";
import { UsageError } from "./errors.ts";

/**
 * `"100,100"` → `[100, 100]`. With `allowWhole`, `-1` stands for "the whole axis" (as zarr's chunks).
 * @example
 * parseIntList("--shape", "100, 200"); // [100, 200]
 */
export function parseIntList(option: string, text: string, allowWhole = false): number[] {
  const parts = String(text).split(",").map((s) => s.trim());
  if (parts.length === 1 && parts[0] === "") return []; // a 0-d shape
  return parts.map((p) => {
    const n = Number(p);
    const ok = /^-?\d+$/.test(p) && Number.isSafeInteger(n) && (n >= 0 || (allowWhole && n === -1));
    if (!ok) throw new UsageError(`${option} must be non-negative integers separated by commas${allowWhole ? " (-1 for a whole axis)" : ""}, got '${text}'`);
    return n;
  });
}

const SIZE_UNITS: Record<string, number> = {
  "": 1, b: 1,
  k: 2 ** 10, kb: 1e3, kib: 2 ** 10,
  m: 2 ** 20, mb: 1e6, mib: 2 ** 20,
  g: 2 ** 30, gb: 1e9, gib: 2 ** 30,
  t: 2 ** 40, tb: 1e12, tib: 2 ** 40,
};

/**
 * A memory size: a number of bytes, or a number with a unit. `KB`/`MB`/`GB` are decimal (1e6),
 * `KiB`/`MiB`/`GiB` and the single letters `K`/`M`/`G` are binary (2^20); case does not matter.
 * @example
 * parseSize("--max-memory", "256MB"); // 256000000
 * parseSize("--max-memory", "1GiB"); // 1073741824
 */
export function parseSize(option: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(text));
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${option} must be a size such as 256MB, 1GiB or 500000000, got '${text}'`);
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n > 0)) throw new UsageError(`${option} must be more than 0 bytes, got '${text}'`);
  return n;
}

const SHUFFLES: Record<string, number> = { noshuffle: 0, shuffle: 1, bitshuffle: 2, autoshuffle: -1, "0": 0, "1": 1, "2": 2, "-1": -1 };

function level(option: string, spec: string, v: string | undefined, dflt: number): number {
  if (v === undefined || v === "") return dflt;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`${option}: level in '${spec}' must be an integer, got '${v}'`);
  return Number(v);
}

/**
 * A compressor spec: `none`, `zstd[:level]`, `blosc[:cname[:clevel[:shuffle[:blocksize]]]]`
 * (shuffle: `noshuffle`, `shuffle`, `bitshuffle`), `zlib[:level]`, `gzip[:level]`, `bz2[:level]`,
 * `lz4[:acceleration]`, `lzma[:preset]`, or a numcodecs JSON config. Returns the numcodecs
 * configuration, or null for no compression.
 * @example
 * parseCompressor("--compressor", "blosc:zstd:3:bitshuffle");
 * // { id: "blosc", cname: "zstd", clevel: 3, shuffle: 2, blocksize: 0 }
 */
export function parseCompressor(option: string, spec: string): CodecConfig | null {
  const s = String(spec).trim();
  if (s.startsWith("{")) {
    let c: unknown;
    try {
      c = JSON.parse(s);
    } catch (e) {
      throw new UsageError(`${option}: invalid JSON '${s}': ${(e as Error).message}`);
    }
    if (!c || typeof c !== "object" || typeof (c as CodecConfig).id !== "string") throw new UsageError(`${option}: a JSON compressor needs a string "id"`);
    return c as CodecConfig;
  }
  const [id, ...args] = s.split(":");
  switch (id.toLowerCase()) {
    case "none":
    case "null":
      if (args.length) break;
      return null;
    case "zstd":
      if (args.length > 1) break;
      return { id: "zstd", level: level(option, s, args[0], 1) };
    case "zlib":
    case "gzip":
    case "bz2":
      if (args.length > 1) break;
      return { id: id.toLowerCase(), level: level(option, s, args[0], id.toLowerCase() === "bz2" ? 9 : 1) };
    case "lz4":
      if (args.length > 1) break;
      return { id: "lz4", acceleration: level(option, s, args[0], 1) };
    case "lzma":
      if (args.length > 1) break;
      return { id: "lzma", format: 1, check: -1, preset: args[0] === undefined ? null : level(option, s, args[0], 6), filters: null };
    case "blosc": {
      if (args.length > 4) break;
      const cname = args[0] || "lz4";
      if (!["lz4", "lz4hc", "blosclz", "zstd", "zlib", "snappy"].includes(cname)) throw new UsageError(`${option}: unknown blosc compressor '${cname}' in '${s}' (lz4, lz4hc, blosclz, zstd, zlib)`);
      const sh = args[2] === undefined || args[2] === "" ? 1 : SHUFFLES[args[2].toLowerCase()];
      if (sh === undefined) throw new UsageError(`${option}: unknown shuffle '${args[2]}' in '${s}' (noshuffle, shuffle, bitshuffle)`);
      return { id: "blosc", cname, clevel: level(option, s, args[1], 5), shuffle: sh, blocksize: level(option, s, args[3], 0) };
    }
    default:
      throw new UsageError(`${option}: unknown compressor '${id}' (none, zstd, blosc, zlib, gzip, bz2, lz4, lzma, or a JSON config)`);
  }
  throw new UsageError(`${option}: too many ':' fields in '${s}'`);
}

/**
 * A fill value from the command line: `none`/`null`, `nan`, `inf`, `-inf`, `true`/`false`, numbers,
 * JSON, or (for string dtypes) the text itself.
 */
export function parseFillValue(text: string | undefined, dtype: string): unknown {
  if (text === undefined) return undefined;
  const t = text.trim();
  const l = t.toLowerCase();
  if (l === "none" || l === "null") return null;
  if (l === "nan") return NaN;
  if (l === "inf" || l === "+inf" || l === "infinity") return Infinity;
  if (l === "-inf" || l === "-infinity") return -Infinity;
  if (l === "true") return true;
  if (l === "false") return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) {
    const kind = dtype.replace(/^[<>|=]/, "")[0];
    if ((kind === "i" || kind === "u") && /^[-+]?\d+$/.test(t) && !Number.isSafeInteger(Number(t))) return BigInt(t);
    return Number(t);
  }
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}
