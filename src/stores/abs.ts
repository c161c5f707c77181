/**
 * A store in an Azure Blob Storage container, each key a block blob `<prefix>/<key>`, as
 * zarr-python's `ABSStore` lays a hierarchy out. Needs the optional npm package
 * `@azure/storage-blob`.
 * @module
 */

import type { ContainerClient } from "@azure/storage-blob";
import { ZarrError } from "../errors.ts";
import { checkValue, childNames, closedError, isUnder, loadOptional, toBuffer } from "./kv-common.ts";
import { compareKeys, normalizeStoragePath, normalizeKey, normalizePrefix } from "./keys.ts";
import { throwIfAborted, type AbortOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link ABSStore}: a container and either a connection string or a container client. */
export interface ABSStoreOptions {
  /** The container (ignored when `client` is given: the client names its container). */
  container?: string;
  /** The blob-name prefix of the hierarchy in the container (`""` for the container root), as zarr-python's `prefix`. */
  prefix?: string;
  /** An Azure Storage connection string (account name and key, or SAS, and endpoint). */
  connectionString?: string;
  /** A ContainerClient to use instead of building one from `connectionString`. */
  client?: object;
  /** The chunk-key separator new arrays in this store default to. */
  dimensionSeparator?: "." | "/";
  /** How many blob deletions `deletePrefix` runs at once (default 16). */
  deleteConcurrency?: number;
}

type AzureModule = typeof import("@azure/storage-blob");

/** The HTTP status of an Azure SDK error. */
function statusOf(e: unknown): number | undefined {
  const err = e as { statusCode?: number; code?: string };
  // A missing container is a configuration error, not an empty store: keep it an error.
  if (err?.code === "ContainerNotFound") return undefined;
  return err?.statusCode;
}

/** Rethrow an abort as the signal's reason (an AbortError), anything else as is. */
function rethrow(e: unknown, signal?: AbortSignal): never {
  if (signal?.aborted) throw signal.reason ?? e;
  throw e;
}

/** Read a Node stream fully. */
async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) parts.push(typeof c === "string" ? Buffer.from(c) : c);
  const b = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Block blobs named `<prefix>/<key>` in one container, zarr-python's `ABSStore` layout. Ranged
 * reads download only the asked bytes; listing uses the flat listing (and the hierarchical one with
 * a `/` delimiter for `listDir`), paginated by the SDK; `deletePrefix` lists then deletes with
 * bounded concurrency. Every call passes its `AbortSignal` to the SDK. An upload replaces a blob
 * atomically.
 *
 * @example
 * const store = new ABSStore({ container: "zarr", prefix: "data/group.zarr", connectionString });
 * const root = await group(store);
 * await store.close();
 */
export class ABSStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.ABSStore";
  /** The normalized blob-name prefix (no leading or trailing `/`). */
  readonly prefix: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #opts: ABSStoreOptions;
  #client: Promise<ContainerClient> | undefined;
  #closed = false;

  constructor(opts: ABSStoreOptions) {
    if (!opts || (!opts.client && !opts.connectionString)) throw new ZarrError("ABSStore needs a connectionString or a client");
    if (!opts.client && (typeof opts.container !== "string" || opts.container === "")) throw new ZarrError("ABSStore needs a container name");
    this.prefix = normalizeStoragePath(opts.prefix ?? "");
    this.#opts = opts;
    if (opts.client) this.#client = Promise.resolve(opts.client as ContainerClient);
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  /** The blob name of a zarr key. */
  blobName(key: string): string {
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  #zarrKey(blobName: string): string {
    return this.prefix === "" ? blobName : blobName.slice(this.prefix.length + 1);
  }

  async #container(signal?: AbortSignal): Promise<ContainerClient> {
    throwIfAborted(signal);
    if (this.#closed) throw closedError("ABSStore", `${this.#opts.container ?? ""}/${this.prefix}`);
    this.#client ??= loadOptional<AzureModule>("@azure/storage-blob", "ABSStore").then((sdk) =>
      sdk.BlobServiceClient.fromConnectionString(this.#opts.connectionString!).getContainerClient(this.#opts.container!),
    );
    const c = await this.#client;
    throwIfAborted(signal);
    return c;
  }

  /** Download `count` bytes from `offset` (all when both are omitted); `undefined` when the blob is missing. */
  async #download(key: string, offset: number, count: number | undefined, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const name = this.blobName(normalizeKey(key));
    const c = await this.#container(signal);
    try {
      const res = await c.getBlockBlobClient(name).download(offset, count, { abortSignal: signal });
      const bytes = await readAll(res.readableStreamBody);
      throwIfAborted(signal);
      return bytes;
    } catch (e) {
      if (signal?.aborted) rethrow(e, signal);
      if (statusOf(e) === 404) return undefined;
      // The blob exists; the range starts at or past its end (or it is empty).
      if (statusOf(e) === 416) return new Uint8Array(0);
      throw e;
    }
  }

  /** The bytes under `key`, or `undefined` when there is no such blob. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    return this.#download(key, 0, undefined, opts?.signal);
  }

  /** Part of the bytes under `key` (a ranged download), or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const signal = opts?.signal;
    if ("suffixLength" in range) {
      // Blob downloads take offset+count only: find the size first.
      const size = await this.#size(key, signal);
      if (size === undefined) return undefined;
      const n = Math.min(size, Math.max(0, Math.floor(range.suffixLength)));
      if (n === 0) return new Uint8Array(0);
      return this.#download(key, size - n, n, signal);
    }
    if (range.length <= 0) return (await this.has(key, opts)) ? new Uint8Array(0) : undefined;
    return this.#download(key, Math.max(0, Math.floor(range.offset)), Math.floor(range.length), signal);
  }

  /** The size of a blob, or `undefined` when it is missing. */
  async #size(key: string, signal?: AbortSignal): Promise<number | undefined> {
    const name = this.blobName(normalizeKey(key));
    const c = await this.#container(signal);
    try {
      const p = await c.getBlockBlobClient(name).getProperties({ abortSignal: signal });
      return p.contentLength ?? 0;
    } catch (e) {
      if (statusOf(e) === 404 && !signal?.aborted) return undefined;
      rethrow(e, signal);
    }
  }

  /** Whether `key` exists. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    return (await this.#size(key, opts?.signal)) !== undefined;
  }

  /** Store `value` under `key` (a block-blob upload, atomic). */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    checkValue(k, value);
    const c = await this.#container(opts?.signal);
    try {
      await c.getBlockBlobClient(this.blobName(k)).upload(toBuffer(value), value.byteLength, { abortSignal: opts?.signal });
    } catch (e) {
      rethrow(e, opts?.signal);
    }
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = normalizeKey(key);
    const c = await this.#container(opts?.signal);
    try {
      return (await c.getBlockBlobClient(this.blobName(k)).deleteIfExists({ abortSignal: opts?.signal })).succeeded;
    } catch (e) {
      rethrow(e, opts?.signal);
    }
  }

  /** Every blob under the zarr-key string prefix `start`, with sizes. */
  async #listBlobs(start: string, signal?: AbortSignal): Promise<[string, number][]> {
    const c = await this.#container(signal);
    const out: [string, number][] = [];
    try {
      for await (const b of c.listBlobsFlat({ prefix: this.prefix === "" ? start : `${this.prefix}/${start}`, abortSignal: signal })) {
        out.push([this.#zarrKey(b.name), b.properties.contentLength ?? 0]);
      }
    } catch (e) {
      rethrow(e, signal);
    }
    return out;
  }

  /** Delete the key `prefix` and every key below it as a path; `""` deletes everything under the store's prefix. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const signal = opts?.signal;
    const doomed = (await this.#listBlobs(dir, signal)).map(([k]) => k).filter((k) => isUnder(k, dir));
    const c = await this.#container(signal);
    const width = Math.max(1, this.#opts.deleteConcurrency ?? 16);
    let next = 0;
    const worker = async () => {
      while (next < doomed.length) {
        const k = doomed[next++]!;
        try {
          await c.getBlockBlobClient(this.blobName(k)).deleteIfExists({ abortSignal: signal });
        } catch (e) {
          rethrow(e, signal);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, doomed.length) }, worker));
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    return (await this.#listBlobs(p)).map(([k]) => k).sort(compareKeys);
  }

  /** Names of the direct children under `prefix` (blobs and virtual directories, `/` delimiter). */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const c = await this.#container();
    const names: string[] = [];
    for await (const item of c.listBlobsByHierarchy("/", { prefix: this.prefix === "" ? start : `${this.prefix}/${start}` })) {
      // Virtual directories end with "/": name a child under them so childNames keeps the directory.
      names.push(this.#zarrKey(item.name) + (item.kind === "prefix" ? "x" : ""));
    }
    return childNames(names, dir);
  }

  /** Total bytes of the blob at `prefix` and of every blob below it (sizes from the listing). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    let size = 0;
    for (const [k, n] of await this.#listBlobs(dir)) if (isUnder(k, dir)) size += n;
    return size;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Nothing to release beyond the SDK's HTTP pool; later calls fail. Closing twice is harmless. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#client = undefined;
  }
}
