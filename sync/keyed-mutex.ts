/**
 * Per-key async mutexes for one thread. Every synchronizer puts one in front of its cross-thread or
 * cross-process lock, so concurrent tasks of one thread queue locally instead of all polling a file
 * or a redis key, and an idle key costs no memory.
 * @module
 */
import { Mutex } from "async-mutex";

/**
 * A map of key → `async-mutex` Mutex, entries dropped when nobody holds or waits.
 * @example
 * const locks = new KeyedMutex();
 * const release = await locks.acquire("foo/0.0");
 * try {
 *   // read-modify-write chunk foo/0.0
 * } finally {
 *   release();
 * }
 */
export class KeyedMutex {
  readonly #entries = new Map<string, { mutex: Mutex; users: number }>();

  /** Wait for `key`'s mutex; the returned function releases it (idempotent). */
  async acquire(key: string): Promise<() => void> {
    let e = this.#entries.get(key);
    if (!e) {
      e = { mutex: new Mutex(), users: 0 };
      this.#entries.set(key, e);
    }
    e.users++;
    const entry = e;
    let release: () => void;
    try {
      release = await entry.mutex.acquire();
    } catch (err) {
      this.#drop(key, entry);
      throw err;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
      this.#drop(key, entry);
    };
  }

  #drop(key: string, e: { users: number }): void {
    if (--e.users === 0 && this.#entries.get(key) === e) this.#entries.delete(key);
  }

  /** Keys currently held or awaited (for tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }
}

/** Resolve after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A jittered, capped exponential backoff delay for the `attempt`-th retry. */
export function backoff(attempt: number, min: number, max: number): number {
  const cap = Math.min(max, min * 2 ** Math.min(attempt, 16));
  return min + Math.random() * (cap - min);
}
