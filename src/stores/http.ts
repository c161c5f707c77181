/**
 * A read-only store over HTTP(S): each key is a URL under a base URL, as zarr-python reads a
 * hierarchy served by any static web server (its FSStore over fsspec's HTTP file system).
 * @module
 */

import { ReadOnlyError, ZarrError } from "../errors.ts";
import { asBytes } from "./kv-common.ts";
import { normalizeKey } from "./keys.ts";
import { storedSizeError, throwIfAborted, type AbortOptions, type RangeQuery, type StoreGetOptions, type Store, type StoreCapabilities } from "./store.ts";

/** Options of {@link HTTPStore}. */
export interface HTTPStoreOptions {
  /** The fetch to use (default: the global `fetch`), e.g. one that adds authentication. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** How many times a request is retried after a transient failure (5xx, 429, connection reset); default 3. */
  retries?: number;
  /** The first retry's delay in milliseconds, doubled on each further retry (default 100; capped at 5 s). */
  retryDelay?: number;
  /** The chunk-key separator arrays without `dimension_separator` are read with. */
  dimensionSeparator?: "." | "/";
}

/** HTTP statuses worth retrying: the server or a proxy may answer next time. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
/** Network error codes worth retrying. */
const TRANSIENT_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const MAX_DELAY = 5000;

/** The error code of a failed fetch (undici puts it on `cause`). */
function networkCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string } };
  return err?.cause?.code ?? err?.code;
}

/** Wait `ms`, rejecting early with the signal's reason when it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    throwIfAborted(signal);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new DOMException("This operation was aborted", "AbortError"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Reads keys as `GET <base>/<key>`: a 404 (or 410) is a missing key, byte ranges use `Range:
 * bytes=` requests (a server that ignores them still works: the full body is sliced), and transient
 * failures (5xx, 429, connection resets) are retried a bounded number of times with exponential
 * backoff, honouring `Retry-After`. Every call takes an `AbortSignal`. The store is read-only: `set`
 * and `delete` throw {@link ReadOnlyError}. HTTP has no listing, so the store has no `list`; open
 * hierarchies with consolidated metadata, or by path.
 *
 * @example
 * const z = await open(new HTTPStore("https://example.org/data/example.zarr"), { mode: "r" });
 */
export class HTTPStore implements Store {
  /** What zarr-python's `info` prints as "Store type" for an HTTP URL (fsspec-backed FSStore). */
  readonly storeType: string = "zarr.storage.FSStore";
  /** The base URL, with a trailing `/`. */
  readonly url: string;
  /** The chunk-key separator, when set. */
  readonly dimensionSeparator?: "." | "/";
  readonly capabilities: StoreCapabilities;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #retries: number;
  readonly #retryDelay: number;

  constructor(url: string | URL, opts: HTTPStoreOptions = {}) {
    let base: URL;
    try {
      base = new URL(String(url));
    } catch {
      throw new ZarrError(`HTTPStore: ${JSON.stringify(String(url))} is not a URL`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new ZarrError(`HTTPStore: ${base.href} is not an http(s) URL`);
    base.search = "";
    base.hash = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.url = base.href;
    const f = opts.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new ZarrError("HTTPStore: no fetch available; pass { fetch }");
    this.#fetch = f;
    this.#headers = { ...(opts.headers ?? {}) };
    this.#retries = Math.max(0, Math.floor(opts.retries ?? 3));
    this.#retryDelay = Math.max(0, opts.retryDelay ?? 100);
    if (opts.dimensionSeparator) this.dimensionSeparator = opts.dimensionSeparator;
    this.capabilities = opts.dimensionSeparator ? { dimensionSeparator: opts.dimensionSeparator } : {};
  }

  /** The URL of a key: each path segment percent-encoded under the base URL. */
  keyUrl(key: string): string {
    return this.url + normalizeKey(key).split("/").map(encodeURIComponent).join("/");
  }

  /**
   * One request with bounded retries of transient failures. Resolves with a response whose status
   * is final (not transient), or rejects after the last retry.
   */
  async #request(method: "GET" | "HEAD", url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal);
      let res: Response | undefined;
      let failure: unknown;
      try {
        res = await this.#fetch(url, { method, headers: { ...this.#headers, ...headers }, signal, redirect: "follow" });
      } catch (e) {
        if (signal?.aborted) throw signal.reason ?? e;
        const code = networkCode(e);
        if (!code || !TRANSIENT_CODES.has(code)) throw new ZarrError(`HTTPStore: ${method} ${url} failed: ${(e as Error).message}${code ? ` (${code})` : ""}`);
        failure = e;
      }
      if (res && !TRANSIENT_STATUS.has(res.status)) return res;
      if (attempt >= this.#retries) {
        if (res) {
          await res.body?.cancel().catch(() => {});
          throw new ZarrError(`HTTPStore: ${method} ${url} answered ${res.status} ${res.statusText} after ${attempt + 1} attempts`);
        }
        throw new ZarrError(`HTTPStore: ${method} ${url} failed after ${attempt + 1} attempts: ${(failure as Error).message} (${networkCode(failure)})`);
      }
      let delay = Math.min(MAX_DELAY, this.#retryDelay * 2 ** attempt);
      if (res) {
        const after = Number(res.headers.get("retry-after"));
        if (Number.isFinite(after) && after > 0) delay = Math.min(MAX_DELAY, Math.max(delay, after * 1000));
        await res.body?.cancel().catch(() => {});
      }
      await sleep(delay * (0.75 + Math.random() * 0.5), signal);
    }
  }

  /** Read a successful response's body, or map 404/410 to `undefined`. */
  async #body(res: Response, what: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel().catch(() => {});
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new ZarrError(`HTTPStore: GET ${what} answered ${res.status} ${res.statusText}`);
    }
    const buf = new Uint8Array(await res.arrayBuffer());
    throwIfAborted(signal);
    return asBytes(buf);
  }

  /**
   * The bytes under `key`, or `undefined` when the server answers 404. With `opts.maxBytes`, a
   * larger `Content-Length` is refused before the body is read, and a body that grows past the
   * bound (no or a false length) is cut off there (`ERR_VALUE_TOO_LARGE`, the size it had reached).
   */
  async get(key: string, opts?: StoreGetOptions): Promise<Uint8Array | undefined> {
    const url = this.keyUrl(key);
    const res = await this.#request("GET", url, {}, opts?.signal);
    const max = opts?.maxBytes;
    if (max === undefined || !res.ok || !res.body) return this.#body(res, url, opts?.signal);
    const declared = Number(res.headers.get("content-length") ?? NaN);
    if (declared > max) {
      await res.body.cancel().catch(() => {});
      throw storedSizeError(key, declared, max);
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) {
      total += part.byteLength;
      if (total > max) throw storedSizeError(key, total, max); // leaving the loop cancels the body
      parts.push(part);
    }
    throwIfAborted(opts?.signal);
    return parts.length === 1 ? asBytes(parts[0]) : asBytes(Buffer.concat(parts, total));
  }

  /** Part of the bytes under `key`, with a `Range: bytes=` request; `undefined` on 404. */
  async getRange(key: string, range: RangeQuery, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    const url = this.keyUrl(key);
    let header: string;
    let start = 0;
    let length = Infinity;
    if ("suffixLength" in range) {
      if (range.suffixLength <= 0) return (await this.has(key, opts)) ? new Uint8Array(0) : undefined;
      header = `bytes=-${Math.floor(range.suffixLength)}`;
    } else {
      if (range.length <= 0) return (await this.has(key, opts)) ? new Uint8Array(0) : undefined;
      start = Math.max(0, Math.floor(range.offset));
      length = Math.floor(range.length);
      header = `bytes=${start}-${start + length - 1}`;
    }
    const res = await this.#request("GET", url, { Range: header, "Accept-Encoding": "identity" }, opts?.signal);
    if (res.status === 416) {
      // Not satisfiable: the resource exists but the range starts at or past its end.
      await res.body?.cancel().catch(() => {});
      return new Uint8Array(0);
    }
    const body = await this.#body(res, url, opts?.signal);
    if (body === undefined || res.status === 206) return body;
    // The server ignored the Range header and sent everything: cut the asked part out.
    if ("suffixLength" in range) return body.subarray(Math.max(0, body.byteLength - range.suffixLength));
    return body.subarray(Math.min(start, body.byteLength), Math.min(body.byteLength, start + length));
  }

  /** Whether `key` exists (a `HEAD` request). */
  async has(key: string, opts?: AbortOptions): Promise<boolean> {
    const url = this.keyUrl(key);
    const res = await this.#request("HEAD", url, {}, opts?.signal);
    if (res.status === 404 || res.status === 410) return false;
    if (!res.ok) throw new ZarrError(`HTTPStore: HEAD ${url} answered ${res.status} ${res.statusText}`);
    return true;
  }

  /** Always throws: an HTTP store is read-only. */
  async set(key: string, _value?: Uint8Array): Promise<never> {
    normalizeKey(key);
    throw new ReadOnlyError(`HTTPStore at ${this.url} is read-only: cannot set ${JSON.stringify(key)}`);
  }

  /** Always throws: an HTTP store is read-only. */
  async delete(key: string): Promise<never> {
    normalizeKey(key);
    throw new ReadOnlyError(`HTTPStore at ${this.url} is read-only: cannot delete ${JSON.stringify(key)}`);
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Nothing to release (connections belong to fetch's pool). */
  async close(): Promise<void> {}
}
