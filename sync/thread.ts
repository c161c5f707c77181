/**
 * `ThreadSynchronizer`: chunk locks for writers in one process — async tasks of one thread and
 * `worker_threads` sharing the synchronizer's SharedArrayBuffer.
 * @module
 */
import { threadId, type Worker } from "node:worker_threads";
import { ZarrError } from "../src/errors.ts";
import type { Release, Synchronizer } from "../src/synchronizer.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { declareDeadThread, isDeadThread, onThreadDeath, watchWorker } from "./liveness.ts";

/** What a worker needs to join the same locks: the shared slot table. */
export interface ThreadSynchronizerDescriptor {
  type: "ThreadSynchronizer";
  buffer: SharedArrayBuffer;
}

/** Options of {@link ThreadSynchronizer}. */
export interface ThreadSynchronizerOptions {
  /**
   * Lock slots shared between threads (default 1024). Keys hash to slots, so two chunks may share a
   * slot and then wait for each other across threads — never wrong, only less parallel.
   */
  slots?: number;
  /** Join an existing table (what {@link ThreadSynchronizer.fromDescriptor} does). */
  buffer?: SharedArrayBuffer;
}

/** FNV-1a over UTF-16 code units: cheap and stable across threads. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `Atomics.waitAsync` (Node ≥ 16), typed here because the project's `lib` predates ES2024. */
const waitAsync = (Atomics as unknown as {
  waitAsync(a: Int32Array, i: number, v: number, timeout?: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

const instances = new WeakMap<SharedArrayBuffer, ThreadSynchronizer>();
/** Every table this thread knows (made or joined here), for releasing a dead thread's locks. */
const tables = new Set<WeakRef<ThreadSynchronizer>>();
let listening = false;

/** Free a dead thread's slots in every table this thread knows; returns how many. */
function releaseInTables(deadThreadId: number): number {
  let n = 0;
  for (const ref of tables) {
    const t = ref.deref();
    if (t) n += t.releaseOwner(deadThreadId);
    else tables.delete(ref);
  }
  return n;
}

/**
 * Per-chunk locks as zarr-python's `ThreadSynchronizer`, extended across `worker_threads`.
 *
 * Within a thread, each key has an `async-mutex` Mutex. Across threads, keys hash to slots of an
 * `Int32Array` over a SharedArrayBuffer: a slot holds 0 when free or the owning thread's id + 1,
 * taken with `Atomics.compareExchange` and awaited with `Atomics.waitAsync`, so waiting never blocks
 * an event loop. A thread that already owns a slot lets its other keys on that slot through (they
 * are different chunks), which also makes nested locks (metadata, then a chunk) deadlock-free.
 *
 * Send it to a worker with the array (`toDescriptor(z)`), or alone via {@link toDescriptor}; the
 * buffer is shared, not copied. It does not reach other processes: use `ProcessSynchronizer`.
 *
 * Owner liveness: a slot records its owner's thread id, and the locks of a worker that stops while
 * holding them — terminated, an uncaught error, `process.exit` in the worker, or stopped because
 * its parent worker stopped — are released for every table, however the worker was started (a
 * bare `new Worker` too). Each thread that loaded zarrflow watches the workers it creates
 * (`process.on("worker")`) and announces their deaths to the other threads on a `BroadcastChannel`
 * (unref'd), so whichever thread knows a table frees the dead owner's slots and wakes its waiters;
 * a waiter also frees a slot whose owner it knows to be dead. Exit events are exact: they fire
 * once the thread has stopped, after its sub-workers and its in-flight native or `fs` work (a chunk
 * being encoded and renamed into place), so the dead owner cannot touch the chunk afterwards.
 * There is no heartbeat, which would also take locks from a live thread busy in a long
 * synchronous step and let two writers into one chunk.
 *
 * Not covered: a worker whose death no zarrflow-loaded thread sees — one created by a thread that
 * had not imported zarrflow (its sync module) yet, or at all, and not passed to
 * {@link ThreadSynchronizer.watch} there. Its slots stay taken when it dies holding them.
 * @example
 * const sync = new ThreadSynchronizer();
 * const z = await zeros([60], { chunks: [20], dtype: "<i4", synchronizer: sync });
 * const worker = startWorker(new URL("./writer.ts", import.meta.url), { workerData: toDescriptor(z) });
 */
export class ThreadSynchronizer implements Synchronizer {
  /** The shared slot table; post it (or {@link toDescriptor}) to workers. */
  readonly buffer: SharedArrayBuffer;
  readonly #slots: Int32Array;
  readonly #local = new KeyedMutex();
  /** Slot → how many of this thread's held keys use it. */
  readonly #held = new Map<number, number>();
  readonly #me = threadId + 1;

  constructor(opts: ThreadSynchronizerOptions = {}) {
    if (opts.buffer) {
      if (!(opts.buffer instanceof SharedArrayBuffer) || opts.buffer.byteLength % 4 !== 0 || opts.buffer.byteLength === 0) {
        throw new ZarrError("ThreadSynchronizer buffer must be a non-empty SharedArrayBuffer of 32-bit slots");
      }
      this.buffer = opts.buffer;
    } else {
      const n = opts.slots ?? 1024;
      if (!Number.isInteger(n) || n < 1) throw new ZarrError(`ThreadSynchronizer slots must be a positive integer, got ${n}`);
      this.buffer = new SharedArrayBuffer(n * 4);
    }
    this.#slots = new Int32Array(this.buffer);
    tables.add(new WeakRef(this));
    if (!listening) {
      listening = true;
      onThreadDeath((ids) => ids.forEach(releaseInTables));
    }
  }

  /**
   * Release every lock the thread `deadThreadId` holds in this table; returns how many. Only for
   * a thread that has stopped (its `exit` event fired): a live one would lose locks it relies on.
   */
  releaseOwner(deadThreadId: number): number {
    const owner = deadThreadId + 1;
    if (owner === this.#me) return 0;
    let n = 0;
    for (let i = 0; i < this.#slots.length; i++) {
      if (Atomics.compareExchange(this.#slots, i, owner, 0) === owner) {
        Atomics.notify(this.#slots, i);
        n++;
      }
    }
    return n;
  }

  /**
   * Release the locks of a thread that has stopped, in every table this thread knows, and tell the
   * other threads it is dead so they free its slots in theirs; returns how many were freed here.
   * Watched workers get this on `exit` automatically; only for a thread known to have stopped.
   */
  static releaseDeadThread(deadThreadId: number): number {
    const n = releaseInTables(deadThreadId);
    declareDeadThread(deadThreadId);
    return n;
  }

  /**
   * Watch a worker this thread created before it imported zarrflow (later ones are watched
   * automatically; watching twice is harmless): when it exits, whatever locks it or its own
   * workers still hold, in any table of any thread, are released.
   * @example
   * const w = new Worker(url, { workerData }); // created before `import("zarrflow")`
   * ThreadSynchronizer.watch(w);
   */
  static watch(worker: Worker): void {
    watchWorker(worker);
  }

  /**
   * The synchronizer for a descriptor received from another thread. One instance per buffer and
   * thread, so every array handle in a worker shares the local mutexes too.
   */
  static fromDescriptor(d: ThreadSynchronizerDescriptor): ThreadSynchronizer {
    let s = instances.get(d.buffer);
    if (!s) {
      s = new ThreadSynchronizer({ buffer: d.buffer });
      instances.set(d.buffer, s);
    }
    return s;
  }

  /** A structured-clone-able descriptor that shares this synchronizer's slot table. */
  toDescriptor(): ThreadSynchronizerDescriptor {
    instances.set(this.buffer, this);
    return { type: "ThreadSynchronizer", buffer: this.buffer };
  }

  /** Take the lock for `key` (a chunk or metadata key). */
  async lock(key: string): Promise<Release> {
    const releaseLocal = await this.#local.acquire(key);
    const slot = hashKey(key) % this.#slots.length;
    try {
      await this.#acquireSlot(slot);
    } catch (e) {
      releaseLocal();
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#releaseSlot(slot);
      releaseLocal();
    };
  }

  async #acquireSlot(i: number): Promise<void> {
    for (;;) {
      const held = this.#held.get(i) ?? 0;
      if (held > 0) {
        this.#held.set(i, held + 1);
        return;
      }
      const prev = Atomics.compareExchange(this.#slots, i, 0, this.#me);
      if (prev === 0) {
        this.#held.set(i, 1);
        return;
      }
      if (isDeadThread(prev - 1)) {
        // Its owner stopped (this thread heard so) but nobody freed it here yet: free it and retry.
        if (Atomics.compareExchange(this.#slots, i, prev, 0) === prev) Atomics.notify(this.#slots, i);
        continue;
      }
      // Held by another thread (or another instance over the same buffer): sleep until notified.
      // The timeout is only a safety net; a release always notifies.
      const w = waitAsync(this.#slots, i, prev, 1000);
      if (w.async) {
        // A pending waitAsync does not keep Node's event loop alive: hold it open while waiting,
        // or a thread with nothing else to do would exit instead of getting the lock.
        const keepAlive = setInterval(() => {}, 1 << 30);
        try {
          await w.value;
        } finally {
          clearInterval(keepAlive);
        }
      }
    }
  }

  #releaseSlot(i: number): void {
    const held = this.#held.get(i) ?? 0;
    if (held > 1) {
      this.#held.set(i, held - 1);
      return;
    }
    this.#held.delete(i);
    Atomics.store(this.#slots, i, 0);
    Atomics.notify(this.#slots, i);
  }
}
