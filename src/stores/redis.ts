/**
 * A store in a Redis database, laid out as zarr-python's `RedisStore`: each zarr key is the Redis
 * string key `<prefix>:<key>` holding the raw bytes. Uses ioredis, loaded on first use.
 * @module
 */

import type { Redis } from "ioredis";
import { ZarrError } from "../errors.ts";
import { asBytes, checkValue, childNames, closedError, isUnder, loadOptional, toBuffer } from "./kv-common.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "./keys.ts";
import { throwIfAborted, type AbortOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** A `redis://` URL (default `redis://127.0.0.1:6379`); ignored when `client` is given. */
  url?: string;
  /** The key prefix, as zarr-python's `RedisStore(prefix=...)` (default `"zarr"`): keys are `<prefix>:<key>`. */
  prefix?: string;
  /** An ioredis client to use instead of connecting to `url`; the store does not close it. */
  client?: object;
  /** The chunk-key separator new arrays in this store default to (zarr-python's `dimension_separator`). */
  dimensionSeparator?: "." | "/";
  /** How many keys one SCAN step asks for (default 1000). */
  scanCount?: number;
}

/** Escape Redis glob characters so a prefix matches itself only. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\^-]/g, (c) => "\\" + c);
}

/**
 * Keys as Redis strings named `<prefix>:<key>`, exactly as zarr-python's `RedisStore` writes them,
 * so either library reads the other's hierarchy on the same server. Listing uses `SCAN` (never the
 * blocking `KEYS`); `getRange` uses `GETRANGE`, so only the asked bytes cross the network.
 *
 * @example
 * const store = new RedisStore({ url: "redis://127.0.0.1:6379", prefix: "zarr" });
 * const root = await group(store);
 * await store.close();
 */
export class RedisStore implements Store {
  /** What zarr-python's `info` prints as "Store type". */
  readonly storeType: string = "zarr.storage.RedisStore";
  /** The key prefix (keys are `<prefix>:<key>`). */
  readonly prefix: string;
  /** The server URL, when the store connects itself. */
  readonly url: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #ownClient: boolean;
  readonly #scanCount: number;
  #client: Promise<Redis> | undefined;
  #closed = false;

  constructor(opts: RedisStoreOptions = {}) {
    this.prefix = opts.prefix ?? "zarr";
    if (typeof this.prefix !== "string") throw new ZarrError("RedisStore prefix must be a string");
    this.url = opts.url ?? "redis://127.0.0.1:6379";
    this.#ownClient = !opts.client;
    this.#scanCount = opts.scanCount ?? 1000;
    if (opts.client) this.#client = Promise.resolve(opts.client as Redis);
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  /** `<prefix>:<key>`, the Redis key of a zarr key. */
  redisKey(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async #redis(signal?: AbortSignal): Promise<Redis> {
    throwIfAborted(signal);
    if (this.#closed) throw closedError("RedisStore", this.url);
    this.#client ??= loadOptional<typeof import("ioredis")>("ioredis", "RedisStore").then(
      ({ Redis: Client }) => new Client(this.url, { lazyConnect: false, maxRetriesPerRequest: 3 }),
    );
    const c = await this.#client;
    throwIfAborted(signal);
    return c;
  }

  /** The bytes under `key`, or `undefined` when absent. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = this.redisKey(normalizeKey(key));
    const r = await this.#redis(opts?.signal);
    const v = await r.getBuffer(k);
    throwIfAborted(opts?.signal);
    return v === null ? undefined : asBytes(v);
  }

  /** Part of the bytes under `key` (`GETRANGE`), or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = this.redisKey(normalizeKey(key));
    const r = await this.#redis(opts?.signal);
    let start: number;
    let end: number;
    if ("suffixLength" in range) {
      if (range.suffixLength <= 0) {
        return (await r.exists(k)) ? new Uint8Array(0) : undefined;
      }
      start = -range.suffixLength;
      end = -1;
    } else {
      if (range.length <= 0) return (await r.exists(k)) ? new Uint8Array(0) : undefined;
      start = Math.max(0, range.offset);
      end = start + range.length - 1;
    }
    // One round trip: existence and the range atomically.
    const res = (await r.multi().exists(k).getrangeBuffer(k, start, end).exec()) as [Error | null, unknown][] | null;
    throwIfAborted(opts?.signal);
    if (!res) throw new ZarrError(`RedisStore: transaction reading ${JSON.stringify(key)} was aborted`);
    for (const [err] of res) if (err) throw err;
    if (!res[0]![1]) return undefined;
    return asBytes(res[1]![1] as Buffer);
  }

  /** Whether `key` exists. */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = this.redisKey(normalizeKey(key));
    const r = await this.#redis(opts?.signal);
    return (await r.exists(k)) > 0;
  }

  /** Store `value` under `key` (`SET`, atomic). */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const k = normalizeKey(key);
    checkValue(k, value);
    const r = await this.#redis(opts?.signal);
    await r.set(this.redisKey(k), toBuffer(value));
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = this.redisKey(normalizeKey(key));
    const r = await this.#redis(opts?.signal);
    return (await r.del(k)) > 0;
  }

  /** Every zarr key whose name starts with `start` (SCAN with an escaped MATCH pattern). */
  async #scan(r: Redis, start: string, signal?: AbortSignal): Promise<string[]> {
    const pattern = escapeGlob(this.redisKey(start)) + "*";
    const offset = this.redisKey("").length;
    const out = new Set<string>();
    let cursor = "0";
    do {
      throwIfAborted(signal);
      const [next, keys] = await r.scanBuffer(cursor, "MATCH", pattern, "COUNT", this.#scanCount);
      cursor = String(next);
      for (const kb of keys) out.add(kb.toString("utf8").slice(offset));
    } while (cursor !== "0");
    return [...out];
  }

  /** Delete the key `prefix` and every key below it as a path; `""` deletes every key of this store's prefix. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const r = await this.#redis(opts?.signal);
    const doomed = (await this.#scan(r, dir, opts?.signal)).filter((k) => isUnder(k, dir));
    for (let i = 0; i < doomed.length; i += 500) {
      await r.del(...doomed.slice(i, i + 500).map((k) => this.redisKey(k)));
    }
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const r = await this.#redis();
    return (await this.#scan(r, p)).sort(compareKeys);
  }

  /** Names of the direct children under `prefix`, as zarr-python's `listdir`. */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const r = await this.#redis();
    return childNames(await this.#scan(r, dir === "" ? "" : dir + "/"), dir);
  }

  /** Total bytes of the value at `prefix` and of every value below it (`STRLEN`, pipelined). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    const r = await this.#redis();
    const keys = (await this.#scan(r, dir)).filter((k) => isUnder(k, dir));
    if (keys.length === 0) return 0;
    const p = r.pipeline();
    for (const k of keys) p.strlen(this.redisKey(k));
    const res = (await p.exec()) ?? [];
    let size = 0;
    for (const [err, n] of res) {
      if (err) throw err;
      size += Number(n);
    }
    return size;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the connection the store opened (a client passed in is left open). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    if (!c || !this.#ownClient) return;
    try {
      const client = await c;
      await client.quit().catch(() => client.disconnect());
    } catch {
      // never connected
    }
  }
}
