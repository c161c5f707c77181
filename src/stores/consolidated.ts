/**
 * Consolidated metadata (`.zmetadata`): every `.zarray`, `.zgroup` and `.zattrs` of a hierarchy in
 * one key, as zarr-python 2.x's `consolidate_metadata` writes it, and a store wrapper that serves
 * metadata from it.
 * @module
 */
import { listKeys } from "./list-keys.ts";
import { MetadataError, ReadOnlyError } from "../errors.ts";
import { PyFloat, pyJsonDumps, parseJson } from "../metadata/json.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import {
  capabilitiesOf,
  getRangeOf,
  sliceRange,
  throwIfAborted,
  type AbortOptions,
  type RangeQuery,
  type Store,
  type StoreCapabilities,
  type StoreDescriptor,
} from "./store.ts";

/**
 * Whether a key is a zarr v2 metadata key (`.zarray`, `.zgroup` or `.zattrs`, at any depth).
 * @example
 * isMetadataKey("foo/.zarray");   // true
 * isMetadataKey("foo/0.0");       // false
 */
export function isMetadataKey(key: string): boolean {
  return key.endsWith(".zarray") || key.endsWith(".zgroup") || key.endsWith(".zattrs");
}

/**
 * Parse JSON as Python's `json.loads` would, keeping floats as {@link PyFloat} (so `1.0` prints back
 * as `1.0`), big integers as `bigint`, and NaN/±Infinity as floats. Used so re-serialized metadata is
 * byte-identical to zarr-python's.
 * @internal
 */
export function parsePyJson(text: string | Uint8Array, what = "JSON"): unknown {
  const s = typeof text === "string" ? text : new TextDecoder("utf-8").decode(text);
  // Mark every float literal outside strings, then let the lenient parser do the rest.
  let out = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = /^(-?Infinity|NaN|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(s.slice(i, i + 400));
    if (m && (c === "-" || c === "N" || c === "I" || (c >= "0" && c <= "9"))) {
      const isFloat = m[3] !== undefined || m[4] !== undefined || /Infinity|NaN/.test(m[0]);
      out += isFloat ? `{"\u0000pyfloat":"${m[0]}"}` : m[0];
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === "\u0000pyfloat") return new PyFloat(Number(o[keys[0]]));
      const r: Record<string, unknown> = {};
      for (const k of keys) r[k] = revive(o[k]);
      return r;
    }
    return v;
  };
  return revive(parseJson(out, what));
}

/** All keys of a store, as plain strings. */
async function allKeys(store: Store): Promise<string[]> {
  return listKeys(store, "");
}

/**
 * The bytes zarr-python 2.13's `consolidate_metadata` would write for `store`:
 * `json_dumps({"zarr_consolidated_format": 1, "metadata": {key: json_loads(store[key])}})`.
 * @example
 * await store.set(".zmetadata", await buildConsolidatedMetadata(store));   // what consolidateMetadata writes
 */
export async function buildConsolidatedMetadata(store: Store): Promise<Uint8Array> {
  const metadata: Record<string, unknown> = {};
  const keys = (await allKeys(store)).filter(isMetadataKey).sort(compareKeys);
  for (const k of keys) {
    const raw = await store.get(k);
    if (raw !== undefined) metadata[k] = parsePyJson(raw, k);
  }
  return new TextEncoder().encode(pyJsonDumps({ zarr_consolidated_format: 1, metadata }));
}

/**
 * A store that answers metadata keys (`.zarray`, `.zgroup`, `.zattrs`) from consolidated metadata
 * and everything else (chunks) from the wrapped store, as zarr-python's `ConsolidatedMetadataStore`
 * combined with the chunk store `open_consolidated` passes. Metadata is read-only: writing or
 * deleting a metadata key throws {@link ReadOnlyError}; chunk writes go to the wrapped store (also
 * refused when `readOnly`).
 *
 * Capabilities: chunk keys reach the wrapped store unchanged, so its `dimensionSeparator` and
 * `localFile` are forwarded; `localFile` refuses metadata keys (their bytes are not the file's) and,
 * when read-only, writes. A `descriptor` (the wrapped store's, plus the metadata) is offered when the
 * wrapped store has one.
 * @example
 * const meta = JSON.parse(new TextDecoder().decode(await inner.get(".zmetadata"))).metadata;
 * const store = new ConsolidatedMetadataStore(inner, meta, true);   // metadata from .zmetadata, chunks from inner
 */
export class ConsolidatedMetadataStore implements Store {
  /** What zarr-python's `info` prints as "Store type" for a hierarchy opened with `open_consolidated`. */
  readonly storeType: string = "zarr.storage.ConsolidatedMetadataStore";
  /** Forwarded capabilities (see the class note). */
  readonly capabilities: StoreCapabilities;
  /** Metadata key → bytes. */
  readonly #meta = new Map<string, Uint8Array>();

  /**
   * @param store the store holding chunks and the consolidated metadata key
   * @param metadata the parsed `metadata` object of `.zmetadata`
   * @param readOnly refuse chunk writes too (mode `r`)
   */
  constructor(readonly store: Store, metadata: Record<string, unknown>, readonly readOnly = false) {
    for (const [k, v] of Object.entries(metadata)) this.#meta.set(normalizeKey(k), new TextEncoder().encode(pyJsonDumps(v)));
    const inner = capabilitiesOf(store);
    const caps: StoreCapabilities = {};
    if (inner.dimensionSeparator !== undefined) caps.dimensionSeparator = inner.dimensionSeparator;
    const lf = inner.localFile;
    if (lf) {
      caps.localFile = {
        readPath: (key) => {
          const k = normalizeKey(key);
          if (isMetadataKey(k)) throw new ReadOnlyError(`metadata key '${k}' is served from consolidated metadata, not from a file`);
          return lf.readPath(k);
        },
        prepareWrite: (key) => lf.prepareWrite(this.#checkWrite(key)),
      };
    }
    if (inner.descriptor) {
      const describeInner = inner.descriptor.bind(inner);
      caps.descriptor = (): StoreDescriptor => ({
        type: "ConsolidatedMetadataStore",
        store: describeInner(),
        // JSON text per key: structured-cloneable, and re-parsed exactly (PyFloat survives).
        metadata: Object.fromEntries([...this.#meta].map(([k, v]) => [k, new TextDecoder().decode(v)])),
        readOnly: this.readOnly,
      });
    }
    this.capabilities = caps;
  }

  /** Rebuild a store from its descriptor's parts: the wrapped store and the metadata as JSON text. */
  static fromJsonText(store: Store, metadata: Record<string, string>, readOnly = false): ConsolidatedMetadataStore {
    const parsed: Record<string, unknown> = {};
    for (const [k, text] of Object.entries(metadata)) parsed[k] = parsePyJson(text, k);
    return new ConsolidatedMetadataStore(store, parsed, readOnly);
  }

  /** The separator arrays in the wrapped store default to (zarr-python's `_dimension_separator`). */
  get dimensionSeparator(): "." | "/" | undefined {
    return this.capabilities.dimensionSeparator;
  }

  /**
   * Read `metadataKey` (default `.zmetadata`) from `store` and wrap it; throws {@link MetadataError}
   * when it is missing or not format 1.
   */
  static async open(store: Store, opts: { metadataKey?: string; readOnly?: boolean; signal?: AbortSignal } = {}): Promise<ConsolidatedMetadataStore> {
    const key = opts.metadataKey ?? ".zmetadata";
    throwIfAborted(opts.signal);
    const raw = await store.get(key, { signal: opts.signal });
    if (raw === undefined) throw new MetadataError(`no consolidated metadata: missing '${key}'`);
    const obj = parsePyJson(raw, key) as { zarr_consolidated_format?: unknown; metadata?: unknown };
    if (obj === null || typeof obj !== "object" || obj.zarr_consolidated_format !== 1) {
      throw new MetadataError(`${key}: unsupported zarr_consolidated_format ${JSON.stringify(String(obj?.zarr_consolidated_format))}`);
    }
    if (obj.metadata === null || typeof obj.metadata !== "object") throw new MetadataError(`${key}: 'metadata' must be an object`);
    return new ConsolidatedMetadataStore(store, obj.metadata as Record<string, unknown>, opts.readOnly ?? false);
  }

  /** Metadata from the consolidated object, chunks from the wrapped store. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    if (isMetadataKey(k)) return this.#meta.get(k);
    return await this.store.get(k, opts);
  }

  /** Part of a value: metadata sliced from the consolidated object, chunks from the wrapped store. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    if (isMetadataKey(k)) {
      const v = this.#meta.get(k);
      return v === undefined ? undefined : sliceRange(v, range);
    }
    return await getRangeOf(this.store, k, range, opts);
  }

  /** Whether a key exists (metadata keys are answered from the consolidated object). */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = normalizeKey(key);
    throwIfAborted(opts?.signal);
    if (isMetadataKey(k)) return this.#meta.has(k);
    if (this.store.has) return await this.store.has(k, opts);
    return (await this.store.get(k, opts)) !== undefined;
  }

  #checkWrite(key: string): string {
    const k = normalizeKey(key);
    if (isMetadataKey(k)) throw new ReadOnlyError(`metadata key '${k}' is read-only: the hierarchy was opened from consolidated metadata`);
    if (this.readOnly) throw new ReadOnlyError(`store opened read-only; cannot write '${k}'`);
    return k;
  }

  /** Write a chunk to the wrapped store; metadata keys throw {@link ReadOnlyError}. */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = this.#checkWrite(key);
    throwIfAborted(opts?.signal);
    await this.store.set(k, value, opts);
  }

  /** Delete a chunk from the wrapped store; metadata keys throw {@link ReadOnlyError}. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const k = this.#checkWrite(key);
    throwIfAborted(opts?.signal);
    await this.store.delete(k, opts);
  }

  /**
   * Delete chunks under a prefix (as a path) from the wrapped store. Refused with
   * {@link ReadOnlyError} when consolidated metadata lies under it: deleting the node's files would
   * leave `.zmetadata` describing a node that no longer exists.
   */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    throwIfAborted(opts?.signal);
    if (this.readOnly) throw new ReadOnlyError(`store opened read-only; cannot delete '${dir}'`);
    const under = (k: string) => dir === "" || k === dir || k.startsWith(dir + "/");
    const meta = [...this.#meta.keys()].find(under);
    if (meta !== undefined) {
      throw new ReadOnlyError(`cannot delete '${dir}': consolidated metadata '${meta}' lies under it and is read-only`);
    }
    if (this.store.deletePrefix) {
      await this.store.deletePrefix(dir, opts);
      return;
    }
    for (const k of await listKeys(this.store, dir === "" ? "" : dir)) {
      if (!under(k)) continue;
      throwIfAborted(opts?.signal);
      await this.store.delete(k, opts);
    }
  }

  /** Keys under `prefix`: consolidated metadata keys plus the wrapped store's other keys. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const out = new Set<string>();
    for (const k of this.#meta.keys()) if (k.startsWith(p)) out.add(k);
    for (const k of await allKeys(this.store)) if (!isMetadataKey(k) && k.startsWith(p)) out.add(k);
    return [...out].sort(compareKeys);
  }

  /** Direct children of `prefix` from metadata keys and the wrapped store's listing. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const names = new Set<string>();
    const add = (k: string) => {
      if (!k.startsWith(start)) return;
      const rest = k.slice(start.length);
      const i = rest.indexOf("/");
      names.add(i < 0 ? rest : rest.slice(0, i));
    };
    for (const k of this.#meta.keys()) add(k);
    if (this.store.listDir) for (const n of await this.store.listDir(dir)) names.add(n);
    else for (const k of await allKeys(this.store)) add(k);
    return [...names].sort(compareKeys);
  }

  /** Size of values under `prefix`, from the wrapped store. */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    if (this.store.getSize) return await this.store.getSize(dir);
    let n = 0;
    for (const k of await this.list(dir === "" ? "" : dir + "/")) n += (await this.get(k))?.byteLength ?? 0;
    return n;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the wrapped store. */
  async close(): Promise<void> {
    await this.store.close?.();
  }
}
