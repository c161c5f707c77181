/**
 * A store in an S3 bucket (AWS S3 or any S3-protocol server), each key an object under a key
 * prefix, as zarr-python's FSStore lays a hierarchy out on `s3://bucket/prefix`. Needs the optional
 * npm package `@aws-sdk/client-s3`.
 * @module
 */

import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { ZarrError } from "../errors.ts";
import { asBytes, checkValue, childNames, closedError, isUnder, loadOptional, toBuffer } from "./kv-common.ts";
import { compareKeys, normalizeStoragePath, normalizeKey, normalizePrefix } from "./keys.ts";
import { throwIfAborted, type AbortOptions, type RangeQuery, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link S3Store}. */
export interface S3StoreOptions {
  /** The bucket. */
  bucket: string;
  /** The key prefix of the hierarchy inside the bucket (`""` for the bucket root). */
  prefix?: string;
  /** A custom endpoint (an S3-compatible server), e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** The region (default `us-east-1`). */
  region?: string;
  /** Static credentials; otherwise the SDK's default provider chain (environment, profile, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style URLs (`endpoint/bucket/key`), which most self-hosted S3 servers need. */
  forcePathStyle?: boolean;
  /** An S3Client to use instead of building one; the store does not destroy it. */
  client?: object;
  /** The chunk-key separator new arrays in this store default to. */
  dimensionSeparator?: "." | "/";
  /** How many times the SDK tries a request (its `maxAttempts`, default 3). */
  maxAttempts?: number;
  /** Objects per ListObjectsV2 page (S3's `MaxKeys`, at most 1000, the default). */
  listPageSize?: number;
}

type S3Module = typeof import("@aws-sdk/client-s3");

/** Whether an SDK error means "no such object". */
function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  // A missing bucket is a configuration error, not an empty store.
  if (err?.name === "NoSuchBucket" || err?.Code === "NoSuchBucket") return false;
  return err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404;
}

/** Rethrow an abort as the signal's reason (an AbortError), anything else as is. */
function rethrow(e: unknown, signal?: AbortSignal): never {
  if (signal?.aborted) throw signal.reason ?? e;
  throw e;
}

/**
 * Objects `<prefix>/<key>` in a bucket. `getRange` is a ranged `GetObject`, listing is
 * `ListObjectsV2` (paginated; `listDir` with a `/` delimiter), `deletePrefix` lists then removes in
 * `DeleteObjects` batches of 1000. Every call passes its `AbortSignal` to the SDK. A `PutObject` is
 * atomic on S3, so readers see the old or the new value.
 *
 * @example
 * const store = new S3Store({ bucket: "my-bucket", prefix: "data/group.zarr", region: "eu-west-1" });
 * const root = await group(store);
 * await store.close();
 */
export class S3Store implements Store {
  /** What zarr-python's `info` prints as "Store type" for an s3:// URL (fsspec-backed FSStore). */
  readonly storeType: string = "zarr.storage.FSStore";
  readonly bucket: string;
  /** The normalized key prefix (no leading or trailing `/`). */
  readonly prefix: string;
  /** The chunk-key separator new arrays default to, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #opts: S3StoreOptions;
  #client: Promise<{ client: S3Client; sdk: S3Module }> | undefined;
  #closed = false;

  constructor(opts: S3StoreOptions) {
    if (!opts || typeof opts.bucket !== "string" || opts.bucket === "") throw new ZarrError("S3Store needs a bucket name");
    this.bucket = opts.bucket;
    this.prefix = normalizeStoragePath(opts.prefix ?? "");
    this.#opts = opts;
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  /** The object key of a zarr key. */
  objectKey(key: string): string {
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  /** The zarr key of an object key under the prefix. */
  #zarrKey(objectKey: string): string {
    return this.prefix === "" ? objectKey : objectKey.slice(this.prefix.length + 1);
  }

  async #s3(signal?: AbortSignal): Promise<{ client: S3Client; sdk: S3Module }> {
    throwIfAborted(signal);
    if (this.#closed) throw closedError("S3Store", `s3://${this.bucket}/${this.prefix}`);
    this.#client ??= loadOptional<S3Module>("@aws-sdk/client-s3", "S3Store").then((sdk) => {
      const o = this.#opts;
      if (o.client) return { client: o.client as S3Client, sdk };
      const config: S3ClientConfig = { region: o.region ?? "us-east-1" };
      if (o.endpoint) config.endpoint = o.endpoint;
      if (o.credentials) config.credentials = o.credentials;
      if (o.forcePathStyle !== undefined) config.forcePathStyle = o.forcePathStyle;
      if (o.maxAttempts !== undefined) config.maxAttempts = o.maxAttempts;
      return { client: new sdk.S3Client(config), sdk };
    });
    const c = await this.#client;
    throwIfAborted(signal);
    return c;
  }

  /** The bytes under `key`, or `undefined` when there is no such object. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = this.objectKey(normalizeKey(key));
    const { client, sdk } = await this.#s3(opts?.signal);
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: k }), { abortSignal: opts?.signal });
      const bytes = res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0);
      throwIfAborted(opts?.signal);
      return asBytes(bytes);
    } catch (e) {
      if (isNotFound(e) && !opts?.signal?.aborted) return undefined;
      rethrow(e, opts?.signal);
    }
  }

  /** Part of the bytes under `key` (a ranged `GetObject`), or `undefined` when absent. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const k = this.objectKey(normalizeKey(key));
    let header: string;
    if ("suffixLength" in range) {
      if (range.suffixLength <= 0) return (await this.has(key, opts)) ? new Uint8Array(0) : undefined;
      header = `bytes=-${Math.floor(range.suffixLength)}`;
    } else {
      if (range.length <= 0) return (await this.has(key, opts)) ? new Uint8Array(0) : undefined;
      const start = Math.max(0, Math.floor(range.offset));
      header = `bytes=${start}-${start + Math.floor(range.length) - 1}`;
    }
    const { client, sdk } = await this.#s3(opts?.signal);
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: k, Range: header }), { abortSignal: opts?.signal });
      const bytes = asBytes(res.Body ? await res.Body.transformToByteArray() : new Uint8Array(0));
      throwIfAborted(opts?.signal);
      if ("suffixLength" in range) {
        // Some S3-protocol servers read "bytes=-n" as "bytes=0-n": check what Content-Range says was
        // sent, and when it is not the object's tail, ask again for the tail by explicit offsets.
        const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(res.ContentRange ?? "");
        if (m) {
          const size = Number(m[3]);
          const want = Math.max(0, size - range.suffixLength);
          if (Number(m[1]) !== want) return this.getRange(key, { offset: want, length: size - want }, opts);
        }
        return bytes.subarray(Math.max(0, bytes.byteLength - range.suffixLength));
      }
      return bytes.subarray(0, Math.min(bytes.byteLength, range.length));
    } catch (e) {
      if (opts?.signal?.aborted) rethrow(e, opts.signal);
      if (isNotFound(e)) return undefined;
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 416: the object exists, the range starts at or past its end (or it is empty).
      if (status === 416 || (e as Error).name === "InvalidRange") return new Uint8Array(0);
      // Some S3-protocol servers fail a ranged read of an empty object instead of answering 416.
      const size = await client
        .send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: k }), { abortSignal: opts?.signal })
        .then((h) => h.ContentLength, () => undefined);
      if (size === 0) return new Uint8Array(0);
      throw e;
    }
  }

  /** Whether `key` exists (`HeadObject`). */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const k = this.objectKey(normalizeKey(key));
    const { client, sdk } = await this.#s3(opts?.signal);
    try {
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: k }), { abortSignal: opts?.signal });
      return true;
    } catch (e) {
      if (isNotFound(e) && !opts?.signal?.aborted) return false;
      rethrow(e, opts?.signal);
    }
  }

  /** Store `value` under `key` (`PutObject`, atomic). */
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    const zk = normalizeKey(key);
    checkValue(zk, value);
    const { client, sdk } = await this.#s3(opts?.signal);
    try {
      await client.send(
        new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(zk), Body: toBuffer(value), ContentLength: value.byteLength }),
        { abortSignal: opts?.signal },
      );
    } catch (e) {
      rethrow(e, opts?.signal);
    }
  }

  /** Remove `key`; a missing key is not an error. */
  async delete(key: string, opts?: AbortOptions): Promise<void> {
    const k = this.objectKey(normalizeKey(key));
    const { client, sdk } = await this.#s3(opts?.signal);
    try {
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: k }), { abortSignal: opts?.signal });
    } catch (e) {
      if (isNotFound(e) && !opts?.signal?.aborted) return;
      rethrow(e, opts?.signal);
    }
  }

  /** Every object under the zarr-key prefix `start` (a plain string prefix), with sizes; paginated. */
  async #listObjects(start: string, signal?: AbortSignal, delimiter?: string): Promise<{ keys: [string, number][]; dirs: string[] }> {
    const { client, sdk } = await this.#s3(signal);
    const keys: [string, number][] = [];
    const dirs: string[] = [];
    let token: string | undefined;
    const objPrefix = this.prefix === "" ? start : `${this.prefix}/${start}`;
    try {
      do {
        const res = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: objPrefix, ContinuationToken: token, Delimiter: delimiter, MaxKeys: this.#opts.listPageSize }),
          { abortSignal: signal },
        );
        for (const o of res.Contents ?? []) if (o.Key !== undefined) keys.push([this.#zarrKey(o.Key), o.Size ?? 0]);
        for (const p of res.CommonPrefixes ?? []) if (p.Prefix !== undefined) dirs.push(this.#zarrKey(p.Prefix));
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      rethrow(e, signal);
    }
    return { keys, dirs };
  }

  /** Delete the key `prefix` and every key below it as a path; `""` deletes everything under the store's prefix. */
  async deletePrefix(prefix: string, opts?: AbortOptions): Promise<void> {
    const dir = normalizePrefix(prefix);
    const { keys } = await this.#listObjects(dir, opts?.signal);
    const doomed = keys.map(([k]) => k).filter((k) => isUnder(k, dir));
    const { client, sdk } = await this.#s3(opts?.signal);
    for (let i = 0; i < doomed.length; i += 1000) {
      const batch = doomed.slice(i, i + 1000);
      try {
        const res = await client.send(
          new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.objectKey(k) })), Quiet: true } }),
          { abortSignal: opts?.signal },
        );
        const failed = (res.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length) throw new ZarrError(`S3Store: could not delete ${failed.length} objects under ${JSON.stringify(dir)}: ${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message ?? ""}`);
      } catch (e) {
        rethrow(e, opts?.signal);
      }
    }
  }

  /** Every key starting with `prefix` as a string (a trailing `/` is kept), sorted. */
  async list(prefix?: string): Promise<string[]> {
    const p = normalizePrefix(prefix, true);
    const { keys } = await this.#listObjects(p);
    return keys.map(([k]) => k).sort(compareKeys);
  }

  /** Names of the direct children under `prefix` (objects and common prefixes with a `/` delimiter). */
  async listDir(prefix?: string): Promise<string[]> {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const { keys, dirs } = await this.#listObjects(start, undefined, "/");
    return childNames([...keys.map(([k]) => k), ...dirs.map((d) => d + "x")], dir);
  }

  /** Total bytes of the object at `prefix` and of every object below it (sizes from the listing). */
  async getSize(prefix?: string): Promise<number> {
    const dir = normalizePrefix(prefix);
    const { keys } = await this.#listObjects(dir);
    let size = 0;
    for (const [k, n] of keys) if (isUnder(k, dir)) size += n;
    return size;
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Destroy the client the store built (a client passed in is left alone). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    if (!c || this.#opts.client) return;
    try {
      (await c).client.destroy();
    } catch {
      // never built
    }
  }
}
