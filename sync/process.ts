/**
 * `ProcessSynchronizer`: chunk locks shared by every process (and thread) that sees one directory,
 * as zarr-python's `ProcessSynchronizer` does with fasteners.
 * @module
 */
import { mkdirSync } from "node:fs";
import { resolve, join } from "node:path";
import lockfile from "proper-lockfile";
import { ZarrError } from "../src/errors.ts";
import type { Release, Synchronizer } from "../src/synchronizer.ts";
import { backoff, KeyedMutex, sleep } from "./keyed-mutex.ts";

/** Options of {@link ProcessSynchronizer}. */
export interface ProcessSynchronizerOptions {
  /**
   * A lock whose holder stopped refreshing it for this long (ms) is stale and taken over: how a
   * crashed process's locks are recovered. Default 10000; proper-lockfile's minimum is 2000.
   */
  stale?: number;
  /** How often (ms) a held lock is refreshed; default `stale / 2`. */
  update?: number;
  /** Retry delays (ms) while a lock is taken: jittered exponential backoff between these. */
  retryMin?: number;
  retryMax?: number;
}

/** What another process or thread needs to join the same locks. */
export interface ProcessSynchronizerDescriptor {
  type: "ProcessSynchronizer";
  path: string;
  options: ProcessSynchronizerOptions;
}

/** The lock file name of a store key: reversible and free of path separators. */
function lockName(key: string): string {
  return encodeURIComponent(key).replace(/\./g, "%2E").replace(/^/, "k-");
}

/**
 * Per-chunk file locks with proper-lockfile under `path` (a directory on a file system every writer
 * shares; created if missing). A lock is an atomic `mkdir` of `<path>/k-<key>.lock`, refreshed while
 * held; a process that dies holding one (even by SIGKILL) stops refreshing it, and the lock is taken
 * over once older than `stale`. Locks of a process exiting normally are removed at exit. Within a
 * thread, tasks queue on a local mutex first, so only one of them polls the file system per key.
 * @example
 * const sync = new ProcessSynchronizer("data/example.sync");   // zarr.ProcessSynchronizer("data/example.sync")
 * const z = await openArray("data/example.zarr", { mode: "r+", synchronizer: sync });
 * await z.set("0:10", 1);   // each touched chunk is locked across processes while written
 */
export class ProcessSynchronizer implements Synchronizer {
  /** Absolute lock directory. */
  readonly path: string;
  readonly options: Required<Pick<ProcessSynchronizerOptions, "stale" | "retryMin" | "retryMax">> & ProcessSynchronizerOptions;
  readonly #local = new KeyedMutex();
  #madeDir = false;

  constructor(path: string, opts: ProcessSynchronizerOptions = {}) {
    if (typeof path !== "string" || path === "") throw new ZarrError("ProcessSynchronizer needs a directory path");
    this.path = resolve(path);
    const stale = opts.stale ?? 10000;
    if (stale < 2000) throw new ZarrError(`ProcessSynchronizer stale must be at least 2000 ms (proper-lockfile's minimum), got ${stale}`);
    this.options = { ...opts, stale, retryMin: opts.retryMin ?? 1, retryMax: opts.retryMax ?? 25 };
  }

  /** Reopen from a descriptor (in a worker or another process). */
  static fromDescriptor(d: ProcessSynchronizerDescriptor): ProcessSynchronizer {
    return new ProcessSynchronizer(d.path, d.options);
  }

  /** A structured-clone-able descriptor of this synchronizer. */
  toDescriptor(): ProcessSynchronizerDescriptor {
    const { stale, update, retryMin, retryMax } = this.options;
    return { type: "ProcessSynchronizer", path: this.path, options: { stale, update, retryMin, retryMax } };
  }

  /** Take the lock for `key`, waiting for other holders. */
  async lock(key: string): Promise<Release> {
    const releaseLocal = await this.#local.acquire(key);
    try {
      if (!this.#madeDir) {
        mkdirSync(this.path, { recursive: true });
        this.#madeDir = true;
      }
      const file = join(this.path, lockName(key));
      let compromised: Error | null = null;
      const { stale, update, retryMin, retryMax } = this.options;
      let unlock: () => Promise<void>;
      for (let attempt = 0; ; attempt++) {
        try {
          unlock = await lockfile.lock(file, {
            realpath: false,
            stale,
            update,
            retries: 0,
            onCompromised: (e) => {
              compromised = e;
            },
          });
          break;
        } catch (e) {
          if ((e as { code?: string }).code !== "ELOCKED") throw e;
          await sleep(backoff(attempt, retryMin, retryMax));
        }
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        try {
          if (!compromised) await unlock();
        } finally {
          releaseLocal();
        }
        if (compromised) {
          throw new ZarrError(`lock for key '${key}' in ${this.path} was lost while held (${(compromised as Error).message}); another writer may have written the chunk concurrently`);
        }
      };
    } catch (e) {
      releaseLocal();
      throw e;
    }
  }
}
