/**
 * `.zarray` ⇄ ArrayMetadata, in exactly zarr-python 2.x's form.
 * @module
 */
import { parseDtype, type DType } from "../dtype/dtype.ts";
import { formatValue, LimitExceededError, MetadataError, ZarrError } from "../errors.ts";
import { getLimits, type Limits } from "../limits.ts";
import type { CodecConfig } from "../codecs/codec.ts";
import { decodeFillValue, encodeFillValue } from "./fill-value.ts";
import { encodeJson, parseJson } from "./json.ts";

/** Parsed `.zarray`. `fillValue` holds an element value (see NDArray's element conventions) or null. */
export interface ArrayMetadata {
  zarrFormat: 2;
  shape: number[];
  chunks: number[];
  dtype: DType;
  compressor: CodecConfig | null;
  fillValue: unknown;
  order: "C" | "F";
  filters: CodecConfig[] | null;
  /** Absent in metadata written by older zarr-python; `.` is then implied. */
  dimensionSeparator?: "." | "/";
}

/** Fields zarr-python requires in `.zarray`. */
const REQUIRED = ["zarr_format", "shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters"] as const;

function checkIntList(v: unknown, name: string, key: string, maxDims: number): number[] {
  if (!Array.isArray(v)) throw new MetadataError(`${key}: field '${name}' must be a list of non-negative integers, got ${formatValue(v)}`);
  if (v.length > maxDims) {
    throw new LimitExceededError(`${key}: field '${name}' has ${v.length} dimensions, more than maxDims (${maxDims})`, "maxDims", v.length, maxDims);
  }
  v.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isSafeInteger(x) || x < 0) {
      throw new MetadataError(`${key}: field '${name}' must be a list of non-negative safe integers, but ${name}[${i}] is ${formatValue(x)}`);
    }
  });
  return v as number[];
}

/**
 * Refuse dtype specs whose size or shape alone is hostile, before the dtype parser sees them: an
 * itemsize beyond `maxItemsize` (`|S1000000000`), more than `maxFields` structured fields, or a
 * spec that is neither a string nor a list (the parser would take an object for a parsed DType).
 */
function precheckDtype(spec: unknown, key: string, path: string, budget: { fields: number }, limits: Limits): void {
  if (typeof spec === "string") {
    const s = spec.trim();
    if (s.startsWith("[")) {
      // The string form of a structured dtype: parse it here, depth- and size-bounded.
      precheckDtype(parseJson(s, `${key} field '${path}'`), key, path, budget, limits);
      return;
    }
    const m = /^[<>|=!]?([SUVa])(\d+)$/.exec(s);
    if (m) {
      const itemsize = Number(m[2]) * (m[1] === "U" ? 4 : 1);
      if (!(itemsize <= limits.maxItemsize)) {
        throw new LimitExceededError(`${key}: field '${path}' dtype ${formatValue(spec)} has itemsize ${itemsize}, more than maxItemsize (${limits.maxItemsize})`, "maxItemsize", itemsize, limits.maxItemsize);
      }
    }
    return;
  }
  if (!Array.isArray(spec)) throw new MetadataError(`${key}: field '${path}' must be a dtype string or a list of [name, dtype] fields, got ${formatValue(spec)}`);
  budget.fields += spec.length;
  if (budget.fields > limits.maxFields) {
    throw new LimitExceededError(`${key}: field '${path}' has more than maxFields (${limits.maxFields}) structured fields`, "maxFields", budget.fields, limits.maxFields);
  }
  spec.forEach((entry, i) => {
    if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== "string") {
      throw new MetadataError(`${key}: field '${path}[${i}]' must be [name, dtype] (or [name, dtype, shape]), got ${formatValue(entry)}`);
    }
    precheckDtype(entry[1], key, `${path}[${i}][1]`, budget, limits);
  });
}

function checkCodecConfig(c: unknown, key: string, field: string): void {
  if (c === null || typeof c !== "object" || Array.isArray(c) || typeof (c as { id?: unknown }).id !== "string") {
    throw new MetadataError(`${key}: field '${field}' must be a codec configuration (an object with a string "id"), got ${formatValue(c)}`);
  }
}

/**
 * Bytes of one decoded chunk as the limit counts them: element count × itemsize, with zero-size
 * items counted as 1 byte (the element count alone still costs memory) and object elements as 8.
 */
export function chunkByteCount(chunks: readonly number[], itemsize: number): number {
  let n = Math.max(1, itemsize);
  for (const c of chunks) n *= c;
  return n;
}

/**
 * Parse `.zarray` bytes; `key` (e.g. `foo/.zarray`) names the key in errors. Untrusted input is
 * bounded by {@link getLimits}: every problem is a {@link MetadataError} (a {@link LimitExceededError}
 * for limits) naming the key and the field; the declared total shape may be huge, a single chunk may not.
 * @example
 * const meta = parseArrayMetadata((await store.get("foo/.zarray"))!, "foo/.zarray");
 * console.log(meta.shape, meta.chunks, meta.dtype);
 */
export function parseArrayMetadata(bytes: Uint8Array | string, key = ".zarray"): ArrayMetadata {
  const limits = getLimits();
  const raw = parseJson(bytes, key) as Record<string, unknown>;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new MetadataError(`${key}: expected a JSON object, got ${formatValue(raw)}`);
  if (raw.zarr_format !== 2) throw new MetadataError(`${key}: unsupported zarr_format ${formatValue(raw.zarr_format)} in field 'zarr_format' (zarrflow reads Zarr v2)`);
  for (const f of REQUIRED) {
    if (!Object.hasOwn(raw, f)) throw new MetadataError(`${key}: missing required field '${f}'`);
  }
  const shape = checkIntList(raw.shape, "shape", key, limits.maxDims);
  const chunks = checkIntList(raw.chunks, "chunks", key, limits.maxDims);
  if (shape.length !== chunks.length) throw new MetadataError(`${key}: field 'shape' has ${shape.length} dimensions but field 'chunks' has ${chunks.length}`);
  if (chunks.some((c) => c < 1) && shape.length) throw new MetadataError(`${key}: field 'chunks': chunk lengths must be at least 1, got ${formatValue(chunks)}`);
  precheckDtype(raw.dtype, key, "dtype", { fields: 0 }, limits);
  let dtype: DType;
  try {
    dtype = parseDtype(raw.dtype as string);
  } catch (e) {
    throw new MetadataError(`${key}: field 'dtype': ${e instanceof ZarrError ? e.message : formatValue(e)}`);
  }
  if (!(dtype.itemsize <= limits.maxItemsize)) {
    throw new LimitExceededError(`${key}: field 'dtype' has itemsize ${dtype.itemsize}, more than maxItemsize (${limits.maxItemsize})`, "maxItemsize", dtype.itemsize, limits.maxItemsize);
  }
  const chunkBytes = chunkByteCount(chunks, dtype.itemsize);
  if (!(chunkBytes <= limits.maxChunkBytes)) {
    throw new LimitExceededError(
      `${key}: field 'chunks' ${formatValue(chunks)} of dtype ${dtype.str} makes chunks of ${chunkBytes} bytes, more than maxChunkBytes (${limits.maxChunkBytes}); ` +
        "raise it with setLimits({ maxChunkBytes }) or ZARRFLOW_MAX_CHUNK_BYTES if the array is trusted",
      "maxChunkBytes",
      chunkBytes,
      limits.maxChunkBytes,
    );
  }
  if (raw.order !== "C" && raw.order !== "F") throw new MetadataError(`${key}: field 'order' must be "C" or "F", got ${formatValue(raw.order)}`);
  const compressor = raw.compressor as CodecConfig | null;
  if (compressor !== null) checkCodecConfig(compressor, key, "compressor");
  const filters = raw.filters as CodecConfig[] | null;
  if (filters !== null) {
    if (!Array.isArray(filters)) throw new MetadataError(`${key}: field 'filters' must be null or a list of codec configurations, got ${formatValue(filters)}`);
    filters.forEach((f, i) => checkCodecConfig(f, key, `filters[${i}]`));
  }
  const sep = raw.dimension_separator;
  if (sep !== undefined && sep !== null && sep !== "." && sep !== "/") {
    throw new MetadataError(`${key}: field 'dimension_separator' must be "." or "/", got ${formatValue(sep)}`);
  }
  let fillValue: unknown;
  try {
    fillValue = decodeFillValue(raw.fill_value, dtype);
  } catch (e) {
    throw new MetadataError(`${key}: field 'fill_value': ${e instanceof ZarrError ? e.message : formatValue(e)}`);
  }
  return {
    zarrFormat: 2,
    shape,
    chunks,
    dtype,
    compressor,
    fillValue,
    order: raw.order,
    filters: filters && filters.length ? filters : filters === null ? null : [],
    dimensionSeparator: (sep ?? undefined) as "." | "/" | undefined,
  };
}

/**
 * Encode as zarr-python writes `.zarray` (sorted keys, 4-space indent, `dimension_separator` only when set).
 * @example
 * await store.set("foo/.zarray", encodeArrayMetadata({ ...meta, shape: [200, 100] }));
 */
export function encodeArrayMetadata(meta: ArrayMetadata): Uint8Array {
  const out: Record<string, unknown> = {
    zarr_format: 2,
    shape: meta.shape,
    chunks: meta.chunks,
    dtype: meta.dtype.descr,
    compressor: meta.compressor,
    fill_value: encodeFillValue(meta.fillValue, meta.dtype),
    order: meta.order,
    filters: meta.filters && meta.filters.length ? meta.filters : null,
  };
  if (meta.dimensionSeparator) out.dimension_separator = meta.dimensionSeparator;
  return encodeJson(out);
}

/** Parse `.zgroup`; `key` (e.g. `foo/.zgroup`) names the key in errors, which are {@link MetadataError}s naming the field. */
export function parseGroupMetadata(bytes: Uint8Array | string, key = ".zgroup"): { zarrFormat: 2 } {
  const raw = parseJson(bytes, key) as Record<string, unknown>;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new MetadataError(`${key}: expected a JSON object {"zarr_format": 2}, got ${formatValue(raw)}`);
  if (raw.zarr_format !== 2) throw new MetadataError(`${key}: field 'zarr_format' is ${formatValue(raw.zarr_format)}, expected 2`);
  return { zarrFormat: 2 };
}

/** Encode `.zgroup` as zarr-python does. */
export function encodeGroupMetadata(): Uint8Array {
  return encodeJson({ zarr_format: 2 });
}
