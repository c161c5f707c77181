/**
 * What identifies the source of a rechunk, so that a resume continues the run that was interrupted
 * and not another one. A resume skips the regions whose target chunks are stored already; if those
 * chunks came from a different source, the finished target would silently hold two sources side by
 * side. The `.zarrflow-incomplete` marker therefore records the source's identity when the run
 * starts, and `{ resume: true }` refuses (a {@link RechunkSourceMismatchError} naming the
 * destination, before writing anything) unless the source it is given has the same identity.
 *
 * The identity of a source array is everything that decides the values it reads as or where they
 * come from: shape, dtype, chunks, order, fill value, compressor and filters (their `.zarray`
 * configurations), the store's location and the array's path in it. The location is the store's
 * URL (HTTP, Redis), bucket and prefix (S3), or absolute file path (directory, zip, SQLite, LMDB,
 * LevelDB, HDF5, N5), looked through wrappers (LRU cache, consolidated metadata, disk cache); a
 * store without one (MemoryStore, a custom store) is identified by the store object itself, so only
 * the same object, in the same process, resumes the run. A block stream has no store or path: a run
 * fed blocks records only their shape, dtype and chunks, and is resumed only by another block
 * stream with the same three. The data is not fingerprinted: a source rewritten in place between
 * the two runs is not detected.
 * @module
 */
import { randomUUID } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import type { ZarrArray } from "../src/array.ts";
import type { CodecConfig } from "../src/codecs/codec.ts";
import { RechunkSourceMismatchError, ZarrError } from "../src/errors.ts";
import type { ReadableStore } from "../src/stores/store.ts";

/** The source of a rechunk as its incomplete marker records it (see the module note). */
export interface RechunkSourceIdentity {
  /** `"array"` for a source array, `"blocks"` for a block stream (which has no store or path). */
  kind: "array" | "blocks";
  shape: number[];
  dtype: string;
  chunks: number[];
  /** Array sources only: chunk memory order. */
  order?: "C" | "F";
  /** Array sources only: the fill value, as canonical JSON text. */
  fillValue?: string;
  /** Array sources only: the compressor and filters as in `.zarray`. */
  compressor?: CodecConfig | null;
  filters?: CodecConfig[] | null;
  /** Array sources only: the store's location, or `object:<uuid>` for a store without one. */
  store?: string;
  /** Array sources only: the array's path inside its store (`""` at the root). */
  path?: string;
}

/** Fields compared on resume, in the order differences are reported. */
const FIELDS: (keyof RechunkSourceIdentity)[] = ["kind", "shape", "dtype", "chunks", "order", "fillValue", "compressor", "filters", "store", "path"];

/** Per-process tokens of stores without a location (see the module note). */
const tokens = new WeakMap<object, string>();

/**
 * Where a store keeps its data, as a string stable across processes, or null when it has no
 * location (an in-memory or custom store). Wrappers are looked through.
 * @example
 * storeLocation(new DirectoryStore("data/a.zarr"));   // "DirectoryStore:/abs/path/data/a.zarr"
 * storeLocation(new MemoryStore());                   // null
 */
export function storeLocation(store: ReadableStore): string | null {
  return locate(store, 0)?.location ?? null;
}

/** The location of `store`, or the innermost store object when there is none. */
function locate(store: unknown, depth: number): { location: string | null; inner: object } | null {
  if (store === null || typeof store !== "object") return null;
  const s = store as Record<string, unknown>;
  const kind = (store as object).constructor?.name || "Store";
  const str = (k: string) => (typeof s[k] === "string" ? (s[k] as string) : null);
  if (str("url")) return { location: str("prefix") ? `${str("url")}#${str("prefix")}` : str("url"), inner: store };
  if (str("bucket")) return { location: `s3://${str("bucket")}/${str("prefix") ?? ""}`, inner: store };
  const path = str("path");
  if (path) return { location: `${kind}:${isAbsolute(path) ? path : resolve(path)}`, inner: store };
  if (depth < 8) {
    for (const k of ["inner", "store", "remote"]) {
      const found = locate(s[k], depth + 1);
      if (found) return found;
    }
  }
  if (str("prefix") !== null && typeof s.storeType === "string") return { location: `${kind}:${str("prefix")}`, inner: store };
  return { location: null, inner: store };
}

/** The store's location, or a token standing for the store object in this process. */
function storeIdentity(store: ReadableStore): string {
  const found = locate(store, 0);
  if (found?.location) return found.location;
  const obj = found?.inner ?? store;
  let t = tokens.get(obj);
  if (!t) tokens.set(obj, (t = `object:${randomUUID()}`));
  return t;
}

/**
 * JSON with sorted keys and the values JSON lacks spelled out (bigint, NaN, ±Infinity, bytes), so
 * equal values give equal text.
 */
function canonical(v: unknown): string {
  return JSON.stringify(v, function (this: unknown, _k, x: unknown) {
    if (typeof x === "bigint") return { $bigint: x.toString() };
    if (typeof x === "number" && !Number.isFinite(x)) return { $number: String(x) };
    if (ArrayBuffer.isView(x)) return { $bytes: Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)) };
    if (x && typeof x === "object" && !Array.isArray(x)) {
      const o = x as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return x;
  }) ?? "null";
}

/**
 * The identity of a source array (see the module note).
 * @example
 * const id = arraySourceIdentity(src);   // { kind: "array", shape, dtype, chunks, …, store, path }
 */
export function arraySourceIdentity(z: ZarrArray): RechunkSourceIdentity {
  const m = z.metadata;
  return {
    kind: "array", shape: [...z.shape], dtype: z.dtype, chunks: [...z.chunks], order: z.order, fillValue: canonical(m.fillValue),
    compressor: m.compressor, filters: m.filters && m.filters.length ? m.filters : null, store: storeIdentity(z.store), path: z.path,
  };
}

/**
 * The identity of a block stream feeding a rechunk: all a stream shows of its source.
 * @example
 * blockSourceIdentity(dst.shape, dst.dtype, [100, 1]);
 */
export function blockSourceIdentity(shape: readonly number[], dtype: string, chunks: readonly number[]): RechunkSourceIdentity {
  return { kind: "blocks", shape: [...shape], dtype, chunks: [...chunks] };
}

/** How `dst` is named in errors: its store's location (or class) and its path. */
export function describeDestination(dst: ZarrArray): string {
  const where = storeLocation(dst.store) ?? `a ${(dst.store as object).constructor?.name || "store"}`;
  return `${where} at path '${dst.path}'`;
}

/**
 * Refuse a resume of the run `marker` records unless `source` is the source it recorded and `dst`
 * still has the chunks it was rechunking to. `marker` is what was read from the destination
 * (`unknown`: it may be malformed or from an older zarrflow that recorded no source).
 * @throws {RechunkSourceMismatchError} naming the destination and each field that differs.
 */
export function checkResumeSource(dst: ZarrArray, marker: unknown, source: RechunkSourceIdentity): void {
  const where = describeDestination(dst);
  const refuse = (differences: string[]): never => {
    throw new RechunkSourceMismatchError(
      `cannot resume the rechunk into ${where}: its .zarrflow-incomplete marker was written for a different source (${differences.join("; ")}); ` +
        "rechunk without resume to start over",
      where, differences,
    );
  };
  const m = marker as { source?: unknown; targetChunks?: unknown; malformed?: boolean } | null;
  if (!m || typeof m !== "object" || m.malformed) refuse(["the marker is not a readable zarrflow rechunk marker"]);
  const recorded = m!.source as Partial<RechunkSourceIdentity> | undefined;
  if (!recorded || typeof recorded !== "object") refuse(["the marker does not record its source (written by an older zarrflow or another tool)"]);
  const differences: string[] = [];
  for (const f of FIELDS) {
    const a = canonical(recorded![f]), b = canonical(source[f]);
    if (a !== b) differences.push(`${f}: ${a} in the marker, ${b} now`);
  }
  if (canonical(m!.targetChunks) !== canonical(dst.chunks)) differences.push(`target chunks: ${canonical(m!.targetChunks)} in the marker, ${canonical(dst.chunks)} now`);
  if (differences.length) refuse(differences);
}

/** Read the marker for a resume check: a malformed one is passed on as such (not thrown). */
export async function readMarkerForResume(read: () => Promise<unknown>): Promise<unknown> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ZarrError) return { malformed: true };
    throw e;
  }
}
