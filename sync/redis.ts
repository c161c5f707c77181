/**
 * `RedisSynchronizer`: chunk locks held in a redis server, for writers on many machines sharing an
 * object store, where no common file system or shared memory exists.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ZarrError } from "../src/errors.ts";
import { importPeer } from "../src/util/optional-peer.ts";
import type { Release, Synchronizer } from "../src/synchronizer.ts";
import { backoff, KeyedMutex, sleep } from "./keyed-mutex.ts";

/** Options of {@link RedisSynchronizer}. */
export interface RedisSynchronizerOptions {
  /** Prefix of the lock keys in redis (default `"zarrflow:lock:"`). */
  prefix?: string;
  /**
   * Lock lifetime in ms (default 10000). A holder renews it every `ttl / 3` while alive, so only a
   * crashed or partitioned holder's lock expires; keep it well above a network hiccup.
   */
  ttl?: number;
  /** Retry delays (ms) while a lock is taken: jittered exponential backoff between these. */
  retryMin?: number;
  retryMax?: number;
}

/** What another process needs to join the same locks. */
export interface RedisSynchronizerDescriptor {
  type: "RedisSynchronizer";
  url: string;
  options: RedisSynchronizerOptions;
}

/** Delete the key only if it still holds our token: never release someone else's lock. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Extend the key's lifetime only if it still holds our token. */
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Per-chunk locks in redis: `SET key token NX PX ttl` takes a lock (the random token identifies the
 * holder), a timer renews it while held, and release deletes it with a Lua script that checks the
 * token, so a holder whose lock expired cannot delete its successor's. If a renewal finds the lock
 * gone, release reports the loss as an error rather than pretending the write was exclusive.
 * This is a single-server lock (not Redlock): redis itself must stay up.
 *
 * The connection (and the ioredis module) is opened on first use; call {@link close} when done so
 * the process can exit.
 * @example
 * const sync = new RedisSynchronizer("redis://localhost:6379", { prefix: "zarr-locks:" });
 * const z = await openArray("data/example.zarr", { mode: "r+", synchronizer: sync });
 * await z.set(null, 0);
 * await sync.close();
 */
export class RedisSynchronizer implements Synchronizer {
  readonly url: string;
  readonly options: Required<RedisSynchronizerOptions>;
  #client: Promise<Redis> | null = null;
  readonly #local = new KeyedMutex();

  constructor(redisUrl: string, opts: RedisSynchronizerOptions = {}) {
    if (typeof redisUrl !== "string" || !/^rediss?:\/\//.test(redisUrl)) throw new ZarrError(`RedisSynchronizer needs a redis:// URL, got ${String(redisUrl)}`);
    this.url = redisUrl;
    this.options = { prefix: opts.prefix ?? "zarrflow:lock:", ttl: opts.ttl ?? 10000, retryMin: opts.retryMin ?? 1, retryMax: opts.retryMax ?? 25 };
    if (!(this.options.ttl >= 100)) throw new ZarrError(`RedisSynchronizer ttl must be at least 100 ms, got ${this.options.ttl}`);
  }

  /** The client, created on first use: ioredis is only loaded by programs that lock through redis. */
  #redis(): Promise<Redis> {
    this.#client ??= importPeer<typeof import("ioredis")>("ioredis", "RedisSynchronizer").then(
      ({ Redis }) => new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 3 }),
    );
    return this.#client;
  }

  /** Reopen from a descriptor (in a worker or another process). */
  static fromDescriptor(d: RedisSynchronizerDescriptor): RedisSynchronizer {
    return new RedisSynchronizer(d.url, d.options);
  }

  /** A structured-clone-able descriptor of this synchronizer. */
  toDescriptor(): RedisSynchronizerDescriptor {
    return { type: "RedisSynchronizer", url: this.url, options: { ...this.options } };
  }

  /** Take the lock for `key`, waiting for other holders. */
  async lock(key: string): Promise<Release> {
    const releaseLocal = await this.#local.acquire(key);
    const { prefix, ttl, retryMin, retryMax } = this.options;
    const k = prefix + key;
    const token = randomUUID();
    let timer: ReturnType<typeof setInterval> | null = null;
    let client: Redis;
    try {
      client = await this.#redis();
      for (let attempt = 0; ; attempt++) {
        const r = await client.set(k, token, "PX", ttl, "NX");
        if (r === "OK") break;
        await sleep(backoff(attempt, retryMin, retryMax));
      }
    } catch (e) {
      releaseLocal();
      throw e;
    }
    let lost: string | null = null;
    timer = setInterval(() => {
      client.eval(RENEW, 1, k, token, String(ttl)).then(
        (r) => {
          if (r === 0 && !lost) lost = "it expired before renewal";
        },
        (e: Error) => {
          if (!lost) lost = `renewal failed: ${e.message}`;
        },
      );
    }, Math.max(10, Math.floor(ttl / 3)));
    timer.unref();
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      clearInterval(timer!);
      let deleted: unknown = 1;
      try {
        deleted = await client.eval(RELEASE, 1, k, token);
      } finally {
        releaseLocal();
      }
      if (deleted === 0 && !lost) lost = "it expired while held";
      if (lost) throw new ZarrError(`redis lock '${k}' was lost (${lost}); another writer may have written the chunk concurrently`);
    };
  }

  /** Close the redis connection. */
  async close(): Promise<void> {
    if (!this.#client) return;
    const client = await this.#client;
    this.#client = null;
    if (client.status === "wait" || client.status === "end") {
      client.disconnect();
      return;
    }
    await client.quit().catch(() => client.disconnect());
  }
}
