/**
 * N5Store: the N5 format (attributes.json, reversed dimensions, big-endian block headers) behind
 * the zarr store contract, as zarr-python's `zarr.N5Store` presents it, so each library reads what
 * the other writes. The translation is zarr-python's: `.zgroup`, `.zarray` and `.zattrs` all live in
 * one `attributes.json`; chunk `a.b.c` is the file `c/b/a`; the synthesized `.zarray` names the
 * `n5_wrapper` codec, which adds and strips block headers.
 *
 * Other writers, read anyway:
 * - n5-java and z5py truncate edge blocks (zarr-python pads them): read and padded.
 * - n5-java's `lz4` compression is lz4-java block framing, not numcodecs' LZ4: decoded by `n5-lz4`.
 * - n5-java writes gzip `level: -1` (its default): read as gzip (new chunks use level 6).
 * - n5-zstandard writes `{"type": "zstd", "level": n}` without an `id`: read as Zstd.
 * - N5 before 2.0 (old pyn5, n5-java 1.x) used a top-level `compressionType`: read too.
 * - Groups that are directories without attributes.json (allowed by the N5 spec, written by n5-java
 *   for intermediate groups) are groups here; zarr-python does not see them.
 * @module
 */
import { MetadataError } from "../errors.ts";
import { parseDtype } from "../dtype/dtype.ts";
import { encodeJson, parseJson } from "../metadata/json.ts";
import { DirectoryStore } from "./directory.ts";
import { listKeys } from "./list-keys.ts";
import type { AbortOptions, Store, StoreCapabilities } from "./store.ts";

const N5_FORMAT = "2.0.0";
const ATTRS = "attributes.json";
const N5_KEYWORDS = ["n5", "dataType", "dimensions", "blockSize", "compression"];
const CHUNK_KEY = /^\d+(\.\d+)+$/;
const NUMBER = /^\d+$/;

type Json = Record<string, unknown>;

/** Split a key into its directory prefix (with trailing `/`, or "") and its last segment. */
function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i + 1), key.slice(i + 1)];
}

/**
 * zarr chunk key `a/b/1.2.3` → N5 key `a/b/3/2/1`; other keys unchanged.
 * @example
 * invertChunkKey("a/b/1.2.3");   // "a/b/3/2/1"
 */
export function invertChunkKey(key: string): string {
  const [dir, last] = splitKey(key);
  return CHUNK_KEY.test(last) ? dir + last.split(".").reverse().join("/") : key;
}

/** N5 `dataType` → zarr dtype string (N5 stores big-endian; zarr sees native little-endian). */
function dataTypeToZarr(t: unknown, where: string): string {
  const m = typeof t === "string" ? /^(u?int|float)(8|16|32|64)$/.exec(t) : null;
  if (!m || (m[1] === "float" && (m[2] === "8" || m[2] === "16"))) throw new MetadataError(`${where}: unsupported N5 dataType ${JSON.stringify(t)}`);
  const size = Number(m[2]) / 8;
  const kind = m[1] === "float" ? "f" : m[1] === "uint" ? "u" : "i";
  return (size === 1 ? "|" : "<") + kind + size;
}

/** zarr dtype → N5 `dataType` (numpy's dtype name), refusing what N5 cannot hold. */
function dataTypeToN5(dtype: unknown, where: string): string {
  const dt = parseDtype(dtype as string);
  if (!"iuf".includes(dt.kind) || (dt.kind === "f" && dt.itemsize < 4)) {
    throw new MetadataError(`${where}: data type ${String(dtype)} is not supported by N5 (integers, float32 and float64 only)`);
  }
  return `${dt.kind === "f" ? "float" : dt.kind === "u" ? "uint" : "int"}${dt.itemsize * 8}`;
}

/** An N5 compression (or a pre-2.0 `compressionType`) → the zarr compressor config. */
function compressionToZarr(attrs: Json, where: string): Json | null {
  const c = (attrs.compression as Json | undefined) ?? (typeof attrs.compressionType === "string" ? { type: attrs.compressionType } : { type: "raw" });
  const type = c.type;
  switch (type) {
    case "raw":
      return null;
    case "bzip2":
      return { id: "bz2", level: c.blockSize ?? 9 };
    case "blosc":
      return { id: "blosc", cname: c.cname, clevel: c.clevel, shuffle: c.shuffle, blocksize: c.blocksize ?? 0 };
    case "lzma":
      return { id: "lzma", format: c.format, check: c.check, preset: c.preset, filters: c.filters };
    case "xz":
      return { id: "lzma", format: 1, check: -1, preset: c.preset ?? 6, filters: null };
    case "gzip": {
      const level = typeof c.level === "number" && c.level >= 0 && c.level <= 9 ? c.level : 6;
      return { id: c.useZlib ? "zlib" : "gzip", level };
    }
    case "lz4":
      // zarr-python writes numcodecs' LZ4 (its config carries `id`); n5-java writes lz4-java blocks.
      return c.id === "lz4" ? { id: "lz4", acceleration: c.acceleration ?? 1 } : { id: "n5-lz4", blockSize: c.blockSize ?? 65536 };
    case "zstd":
    case "zstandard":
      return { id: "zstd", level: c.level ?? 1 };
    default: {
      if (typeof type !== "string") throw new MetadataError(`${where}: N5 compression has no type`);
      const out: Json = { id: type };
      for (const [k, v] of Object.entries(c)) if (k !== "type") out[k] = v;
      return out;
    }
  }
}

/** A zarr compressor config → N5 compression, exactly as zarr-python's `compressor_config_to_n5`. */
function compressionToN5(config: Json | null): Json {
  if (config === null) return { type: "raw" };
  const cfg = config.id === "n5_wrapper" ? (config.compressor_config as Json | null) : config;
  if (cfg === null || cfg === undefined) return { type: "raw" };
  const id = cfg.id as string;
  const n5: Json = { type: id };
  if (id === "bz2") {
    n5.type = "bzip2";
    n5.blockSize = cfg.level;
  } else if (id === "blosc") {
    Object.assign(n5, { cname: cfg.cname, clevel: cfg.clevel, shuffle: cfg.shuffle, blocksize: cfg.blocksize });
  } else if (id === "lzma") {
    if (cfg.format === 1 && (cfg.check === -1 || cfg.check === 4)) n5.type = "xz";
    else Object.assign(n5, { format: cfg.format, check: cfg.check, filters: cfg.filters });
    n5.preset = cfg.preset ? cfg.preset : 6;
  } else if (id === "zlib" || id === "gzip") {
    Object.assign(n5, { type: "gzip", level: cfg.level, useZlib: id === "zlib" });
  } else {
    for (const [k, v] of Object.entries(cfg)) if (k !== "type") n5[k] = v;
  }
  return n5;
}

/** The user attributes of an attributes.json (everything but N5's keywords). */
function userAttrs(attrs: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(attrs)) if (!N5_KEYWORDS.includes(k) && k !== "compressionType") out[k] = v;
  return out;
}

/**
 * A store holding an N5 container, seen through zarr keys.
 * @example
 * const store = new N5Store("data/example.n5");    // zarr.N5Store("data/example.n5")
 * const root = await group(store);
 * await root.zeros("foo", { shape: [100, 100], chunks: [10, 10], dtype: "<u2" });
 */
export class N5Store implements Store {
  /** What zarr-python's info table shows. */
  readonly storeType = "zarr.n5.N5Store";
  /** The store holding the N5 files (keys are N5 paths). */
  readonly inner: Store;
  /** Chunk keys are `.`-separated on the zarr side; the N5 layout nests and reverses them. */
  readonly capabilities: StoreCapabilities = { dimensionSeparator: ".", translatesMetadata: true };
  /** Where the container lives, when it is a directory. */
  readonly path: string | undefined;

  /**
   * @param where a directory path (created on first write), or a store holding N5 files (a zip, an
   *   HTTP or S3 store...).
   */
  constructor(where: string | Store) {
    if (typeof where === "string") {
      this.inner = new DirectoryStore(where);
      this.path = (this.inner as DirectoryStore).path;
    } else {
      this.inner = where;
      this.path = undefined;
    }
  }

  /** The parsed attributes.json under a directory prefix, or null when absent. */
  async #attrs(dir: string, opts?: AbortOptions): Promise<Json | null> {
    const raw = await this.inner.get(dir + ATTRS, opts);
    if (raw === undefined) return null;
    const v = parseJson(raw, dir + ATTRS);
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new MetadataError(`${dir + ATTRS} must hold a JSON object`);
    return v as Json;
  }

  /** Whether a directory prefix has any entries (an N5 group may be a bare directory). */
  async #nonEmptyDir(dir: string): Promise<boolean> {
    if (this.inner.listDir) return (await this.inner.listDir(dir.replace(/\/$/, ""))).length > 0;
    return (await listKeys(this.inner, dir)).length > 0;
  }

  /** The zarr view of a key: synthesized metadata, or the bytes of the N5 file. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const [dir, last] = splitKey(key);
    if (last === ".zgroup") {
      const a = await this.#attrs(dir, opts);
      if (a === null) return dir !== "" && (await this.#nonEmptyDir(dir)) ? encodeJson({ zarr_format: 2 }) : undefined;
      if ("dimensions" in a) return undefined;
      return encodeJson({ zarr_format: 2 });
    }
    if (last === ".zarray") {
      const a = await this.#attrs(dir, opts);
      if (a === null || !("dimensions" in a)) return undefined;
      return encodeJson(this.#zarray(a, dir + ATTRS));
    }
    if (last === ".zattrs") {
      const a = await this.#attrs(dir, opts);
      if (a === null) return undefined;
      const u = userAttrs(a);
      return Object.keys(u).length ? encodeJson(u) : undefined;
    }
    if (last === ATTRS) return undefined;
    return this.inner.get(invertChunkKey(key), opts);
  }

  /** zarr-python's `array_metadata_to_zarr`, keeping only zarr's own keys. */
  #zarray(a: Json, where: string): Json {
    const dims = a.dimensions, block = a.blockSize;
    if (!Array.isArray(dims) || !Array.isArray(block) || dims.length !== block.length) {
      throw new MetadataError(`${where}: dimensions and blockSize must be lists of the same length`);
    }
    const dtype = dataTypeToZarr(a.dataType, where);
    const chunks = [...block].reverse();
    return {
      chunks,
      compressor: { chunk_shape: chunks, compressor_config: compressionToZarr(a, where), dtype, id: "n5_wrapper" },
      dimension_separator: ".",
      dtype,
      fill_value: 0,
      filters: null,
      order: "C",
      shape: [...dims].reverse(),
      zarr_format: 2,
    };
  }

  /** Write through the translation: metadata merges into attributes.json, chunks go to reversed paths. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const [dir, last] = splitKey(key);
    const where = dir + ATTRS;
    if (last === ".zgroup" || last === ".zarray" || last === ".zattrs") {
      const parsed = parseJson(value, key) as Json;
      const attrs = (await this.#attrs(dir, opts)) ?? {};
      if (last === ".zgroup") {
        const { zarr_format: _f, ...rest } = parsed;
        Object.assign(attrs, rest, { n5: N5_FORMAT });
      } else if (last === ".zarray") {
        Object.assign(attrs, this.#toN5(parsed, key, dir === ""));
      } else {
        for (const k of Object.keys(attrs)) if (!N5_KEYWORDS.includes(k)) delete attrs[k];
        Object.assign(attrs, parsed);
      }
      await this.inner.set(where, encodeJson(attrs), opts);
      return;
    }
    await this.inner.set(invertChunkKey(key), value, opts);
  }

  /** zarr-python's `array_metadata_to_n5`, with its refusals as typed errors. */
  #toN5(m: Json, key: string, topLevel: boolean): Json {
    const dataType = dataTypeToN5(m.dtype, key);
    if (m.fill_value !== 0 && m.fill_value !== null && m.fill_value !== undefined) {
      throw new MetadataError(`${key}: N5 only supports fill_value 0, got ${String(m.fill_value)}`);
    }
    if (m.order !== undefined && m.order !== "C") throw new MetadataError(`${key}: N5 only supports order C, got ${String(m.order)}`);
    if (Array.isArray(m.filters) && m.filters.length) throw new MetadataError(`${key}: N5 storage does not support zarr filters`);
    const out: Json = {
      blockSize: [...(m.chunks as number[])].reverse(),
      compression: compressionToN5((m.compressor as Json | null) ?? null),
      dataType,
      dimensions: [...(m.shape as number[])].reverse(),
    };
    if (topLevel) out.n5 = N5_FORMAT;
    return out;
  }

  /** Delete through the translation (`.zattrs` removes only the user attributes). */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const [dir, last] = splitKey(key);
    if (last === ".zattrs") {
      const a = await this.#attrs(dir, opts);
      if (a === null) return;
      for (const k of Object.keys(a)) if (!N5_KEYWORDS.includes(k)) delete a[k];
      await this.inner.set(dir + ATTRS, encodeJson(a), opts);
      return;
    }
    if (last === ".zgroup" || last === ".zarray") {
      await this.inner.delete(dir + ATTRS, opts);
      return;
    }
    await this.inner.delete(invertChunkKey(key), opts);
  }

  /** Remove a whole node (paths of nodes are the same on both sides). */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    if (this.inner.deletePrefix) {
      await this.inner.deletePrefix(prefix, opts);
      return;
    }
    for (const k of await listKeys(this.inner, prefix)) await this.inner.delete(k, opts);
  }

  /** Every zarr key under `prefix`: metadata keys for each attributes.json, chunk keys un-reversed. */
  async list(prefix = ""): Promise<string[]> {
    const keys = await listKeys(this.inner, "");
    const arrays = new Set<string>();
    const out: string[] = [];
    for (const k of keys) {
      const [dir, last] = splitKey(k);
      if (last !== ATTRS) continue;
      const a = (await this.#attrs(dir)) ?? {};
      if ("dimensions" in a) {
        arrays.add(dir);
        out.push(dir + ".zarray");
      } else out.push(dir + ".zgroup");
      if (Object.keys(userAttrs(a)).length) out.push(dir + ".zattrs");
    }
    for (const k of keys) {
      if (splitKey(k)[1] === ATTRS) continue;
      out.push(this.#zarrKeyOf(k, arrays));
    }
    return out.filter((k) => k.startsWith(prefix)).sort();
  }

  /** The zarr key of an N5 file: chunk files below an array directory are un-reversed. */
  #zarrKeyOf(n5Key: string, arrays: Set<string>): string {
    const parts = n5Key.split("/");
    for (let i = parts.length - 1; i >= 1; i--) {
      const dir = parts.slice(0, parts.length - i).join("/") + "/";
      const rest = parts.slice(parts.length - i);
      if (arrays.has(dir) && rest.every((p) => NUMBER.test(p))) return dir + rest.reverse().join(".");
    }
    if (arrays.has("") && parts.every((p) => NUMBER.test(p))) return [...parts].reverse().join(".");
    return n5Key;
  }

  /** zarr-python's N5Store `listdir`, with chunk names given as zarr chunk keys (`0.1`). */
  async listDir(prefix = ""): Promise<string[]> {
    const p = prefix.replace(/\/+$/, "");
    const dir = p ? p + "/" : "";
    const a = await this.#attrs(dir);
    if (a !== null && "dimensions" in a) {
      const keys = (await this.list(dir)).map((k) => k.slice(dir.length));
      return keys.filter((k) => !k.includes("/")).sort();
    }
    const children = this.inner.listDir ? await this.inner.listDir(p) : [];
    const out = children.filter((c) => c !== ATTRS);
    if (a !== null || (dir !== "" && children.length)) out.push(".zgroup");
    if (a !== null && Object.keys(userAttrs(a)).length) out.push(".zattrs");
    return out.sort();
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Release the inner store. */
  async close(): Promise<void> {
    await this.inner.close?.();
  }
}
