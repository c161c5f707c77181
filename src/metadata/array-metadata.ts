/**
 * `.zarray` ⇄ ArrayMetadata, in exactly zarr-python 2.x's form.
 * @module
 */
import { parseDtype, type DType } from "../dtype/dtype.ts";
import { MetadataError, DtypeError } from "../errors.ts";
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

function checkIntList(v: unknown, name: string, key: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0)) {
    throw new MetadataError(`${key}: '${name}' must be a list of non-negative integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/** Parse `.zarray` bytes; `key` names the key in errors. */
export function parseArrayMetadata(bytes: Uint8Array | string, key = ".zarray"): ArrayMetadata {
  const raw = parseJson(bytes, key) as Record<string, unknown>;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new MetadataError(`${key}: expected a JSON object`);
  if (raw.zarr_format !== 2) throw new MetadataError(`${key}: unsupported zarr_format ${JSON.stringify(raw.zarr_format)} (zarrflow reads Zarr v2)`);
  for (const f of ["shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters"]) {
    if (!(f in raw)) throw new MetadataError(`${key}: missing required field '${f}'`);
  }
  const shape = checkIntList(raw.shape, "shape", key);
  const chunks = checkIntList(raw.chunks, "chunks", key);
  if (shape.length !== chunks.length) throw new MetadataError(`${key}: shape has ${shape.length} dimensions but chunks has ${chunks.length}`);
  if (chunks.some((c) => c < 1) && shape.length) throw new MetadataError(`${key}: chunk lengths must be at least 1, got ${JSON.stringify(chunks)}`);
  let dtype: DType;
  try {
    dtype = parseDtype(raw.dtype as string);
  } catch (e) {
    throw new MetadataError(`${key}: ${(e as Error).message}`);
  }
  if (raw.order !== "C" && raw.order !== "F") throw new MetadataError(`${key}: order must be "C" or "F", got ${JSON.stringify(raw.order)}`);
  const compressor = raw.compressor as CodecConfig | null;
  if (compressor !== null && (typeof compressor !== "object" || typeof compressor.id !== "string")) {
    throw new MetadataError(`${key}: compressor must be null or an object with an "id"`);
  }
  const filters = raw.filters as CodecConfig[] | null;
  if (filters !== null && (!Array.isArray(filters) || !filters.every((f) => f && typeof f === "object" && typeof f.id === "string"))) {
    throw new MetadataError(`${key}: filters must be null or a list of codec configurations`);
  }
  const sep = raw.dimension_separator;
  if (sep !== undefined && sep !== null && sep !== "." && sep !== "/") {
    throw new MetadataError(`${key}: dimension_separator must be "." or "/", got ${JSON.stringify(sep)}`);
  }
  let fillValue: unknown;
  try {
    fillValue = decodeFillValue(raw.fill_value, dtype);
  } catch (e) {
    throw new MetadataError(`${key}: ${e instanceof DtypeError || e instanceof MetadataError ? e.message : String(e)}`);
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

/** Encode as zarr-python writes `.zarray` (sorted keys, 4-space indent, `dimension_separator` only when set). */
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

/** Parse `.zgroup`. */
export function parseGroupMetadata(bytes: Uint8Array | string, key = ".zgroup"): { zarrFormat: 2 } {
  const raw = parseJson(bytes, key) as Record<string, unknown>;
  if (!raw || typeof raw !== "object" || raw.zarr_format !== 2) {
    throw new MetadataError(`${key}: expected {"zarr_format": 2}, got ${JSON.stringify(raw)}`);
  }
  return { zarrFormat: 2 };
}

/** Encode `.zgroup` as zarr-python does. */
export function encodeGroupMetadata(): Uint8Array {
  return encodeJson({ zarr_format: 2 });
}
