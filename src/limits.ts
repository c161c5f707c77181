/**
 * Resource limits applied to untrusted input: metadata read from a store and chunk sizes it implies.
 *
 * zarr-python 2.x has no such limits; it allocates whatever `.zarray` asks for. zarrflow refuses
 * metadata whose *single chunk* would be larger than {@link Limits.maxChunkBytes} (a typed
 * {@link MetadataError} naming the key, the field and the limit), because every read or write of
 * that chunk must hold it decoded in memory. The total array size is not limited: sparse arrays of
 * shape 1e15 are legitimate and are never materialized.
 *
 * Defaults can be changed for the whole process with {@link setLimits}, or before start-up with
 * environment variables (`ZARRFLOW_MAX_CHUNK_BYTES`, `ZARRFLOW_MAX_DIMS`, `ZARRFLOW_MAX_ITEMSIZE`,
 * `ZARRFLOW_MAX_FIELDS`, `ZARRFLOW_MAX_JSON_DEPTH`, `ZARRFLOW_MAX_METADATA_BYTES`), each a
 * a positive integer such as `1073741824` or `1e9`. A bad value fails at import with a {@link ZarrError}.
 * @module
 */
import { formatValue, ZarrError } from "./errors.ts";

/** Limits on what untrusted metadata may make zarrflow allocate. */
export interface Limits {
  /**
   * Largest decoded chunk, in bytes (chunk element count × itemsize). Default 512 MiB: eight times
   * zarr-python's automatic chunk ceiling (64 MiB), and small enough that reading or writing one
   * chunk (decoded plus encoded copy) stays near 1 GiB of memory. Raise it for arrays written with
   * bigger chunks; c-blosc cannot compress chunks above 2 GiB anyway.
   */
  maxChunkBytes: number;
  /** Most dimensions an array may have. Default 32, numpy 1.x's `NPY_MAXDIMS`. */
  maxDims: number;
  /** Largest itemsize of a dtype (`|S…`, `<U…`, `|V…`, structured), in bytes. Default 64 MiB. */
  maxItemsize: number;
  /** Most fields in a structured dtype, counted over all nesting levels. Default 10,000. */
  maxFields: number;
  /** Deepest nesting of arrays/objects accepted in metadata JSON. Default 512. */
  maxJsonDepth: number;
  /** Largest metadata document (`.zarray`, `.zgroup`, `.zattrs`, `.zmetadata`) parsed, in bytes. Default 256 MiB. */
  maxMetadataBytes: number;
}

/** The built-in defaults, before environment variables and {@link setLimits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxChunkBytes: 512 * 1024 * 1024,
  maxDims: 32,
  maxItemsize: 64 * 1024 * 1024,
  maxFields: 10_000,
  maxJsonDepth: 512,
  maxMetadataBytes: 256 * 1024 * 1024,
});

const ENV: Record<keyof Limits, string> = {
  maxChunkBytes: "ZARRFLOW_MAX_CHUNK_BYTES",
  maxDims: "ZARRFLOW_MAX_DIMS",
  maxItemsize: "ZARRFLOW_MAX_ITEMSIZE",
  maxFields: "ZARRFLOW_MAX_FIELDS",
  maxJsonDepth: "ZARRFLOW_MAX_JSON_DEPTH",
  maxMetadataBytes: "ZARRFLOW_MAX_METADATA_BYTES",
};

function checkLimit(name: string, v: unknown, source: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw new ZarrError(`${source}: limit '${name}' must be a positive safe integer, got ${formatValue(v)}`);
  }
  return v;
}

function fromEnv(): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(ENV) as (keyof Limits)[]) {
    const raw = process.env[ENV[k]];
    if (raw === undefined || raw.trim() === "") continue;
    out[k] = checkLimit(k, Number(raw.trim()), `environment variable ${ENV[k]}=${JSON.stringify(raw)}`);
  }
  return out;
}

let current: Limits = fromEnv();

/**
 * The limits in force (a copy).
 * @example
 * console.log(getLimits().maxChunkBytes);
 */
export function getLimits(): Limits {
  return { ...current };
}

/**
 * Change some limits for the whole process; omitted ones keep their value. Returns the previous
 * limits so a caller (or a test) can restore them. Throws {@link ZarrError} on a non-positive or
 * non-integer value, changing nothing.
 * @example
 * const previous = setLimits({ maxChunkBytes: 1 << 30 });   // allow chunks up to 1 GiB
 * setLimits(previous);
 */
export function setLimits(limits: Partial<Limits>): Limits {
  const prev = getLimits();
  const next = { ...current };
  for (const [k, v] of Object.entries(limits)) {
    if (!(k in DEFAULT_LIMITS)) throw new ZarrError(`setLimits: unknown limit '${k}' (known: ${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (v === undefined) continue;
    next[k as keyof Limits] = checkLimit(k, v, "setLimits");
  }
  current = next;
  return prev;
}

/**
 * Restore the defaults (including environment variables), e.g. after a test.
 * @example
 * resetLimits();
 */
export function resetLimits(): void {
  current = fromEnv();
}
