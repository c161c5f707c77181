/**
 * `SharedMemoryStore`: an in-memory store whose bytes live in a SharedArrayBuffer, so worker threads
 * given its descriptor read and write the *same* data (a `MemoryStore` descriptor carries a copy).
 * It is what a `ThreadSynchronizer` pairs with for parallel writers that never touch the disk.
 * @module
 */
import { ZarrError } from "../src/errors.ts";
import { compareKeys, normalizeKey, normalizePrefix } from "../src/stores/keys.ts";
import type { Store } from "../src/stores/store.ts";

/** What a worker needs to open the same store. */
export interface SharedMemoryStoreDescriptor {
  type: "SharedMemoryStore";
  buffer: SharedArrayBuffer;
}

/** Options of {@link SharedMemoryStore}. */
export interface SharedMemoryStoreOptions {
  /**
   * Bytes for keys and values (default 64 MiB). Space is allocated append-only — an overwritten
   * value's old bytes are not reused — so size it for the total bytes ever written, not the live set.
   * The buffer is reserved up front, but the OS commits pages only as they are written.
   */
  capacity?: number;
  /** Maximum number of distinct keys (default 65536, rounded up to a power of two). */
  maxKeys?: number;
}

// Header (Int32 slots): lock, number of keys, heap top (bytes into the heap), table size.
const H_LOCK = 0, H_COUNT = 1, H_TOP = 2, H_TABLE = 3, HEADER = 4;
// Table entry (Int32 slots): key offset, key length, value offset, value length (-1: deleted).
const E_KOFF = 0, E_KLEN = 1, E_VOFF = 2, E_VLEN = 3, ENTRY = 4;

const enc = new TextEncoder();
const dec = new TextDecoder();

function hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/**
 * A store over one SharedArrayBuffer: an open-addressing hash table of keys and an append-only heap
 * of key and value bytes, guarded by an `Atomics` lock held only for a lookup or a copy (never across
 * an `await`). Values are copied in on `set` and out on `get`, so callers never share mutable bytes.
 * Every method answers synchronously.
 * @example
 * const store = new SharedMemoryStore({ capacity: 64 << 20 });
 * const z = await zeros([1000], { chunks: [100], store, synchronizer: new ThreadSynchronizer() });
 * const worker = startWorker("./worker.ts", { workerData: toDescriptor(z) });  // the worker sees the same bytes
 */
export class SharedMemoryStore implements Store {
  /** Shown by `info()` as "Store type" (zarr-python has no equivalent store). */
  readonly storeType: string = "zarrflow.SharedMemoryStore";
  /** The shared memory; post {@link toDescriptor} to workers. */
  readonly buffer: SharedArrayBuffer;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  readonly #tableSlots: number;
  readonly #heapStart: number;

  constructor(opts: SharedMemoryStoreOptions | { buffer: SharedArrayBuffer } = {}) {
    if ("buffer" in opts && opts.buffer) {
      this.buffer = opts.buffer;
      this.#i32 = new Int32Array(this.buffer);
      this.#tableSlots = this.#i32[H_TABLE];
      if (!(this.#tableSlots > 0)) throw new ZarrError("not a SharedMemoryStore buffer");
    } else {
      const o = opts as SharedMemoryStoreOptions;
      const capacity = o.capacity ?? 64 * 2 ** 20;
      let slots = 1;
      while (slots < (o.maxKeys ?? 65536) * 2) slots *= 2; // load factor ≤ 1/2
      this.buffer = new SharedArrayBuffer((HEADER + slots * ENTRY) * 4 + capacity);
      this.#i32 = new Int32Array(this.buffer);
      this.#tableSlots = slots;
      this.#i32[H_TABLE] = slots;
      for (let i = 0; i < slots; i++) this.#i32[HEADER + i * ENTRY + E_KLEN] = -1; // empty
    }
    this.#u8 = new Uint8Array(this.buffer);
    this.#heapStart = (HEADER + this.#tableSlots * ENTRY) * 4;
  }

  /** Open the store a descriptor from another thread refers to (same memory). */
  static fromDescriptor(d: SharedMemoryStoreDescriptor): SharedMemoryStore {
    return new SharedMemoryStore({ buffer: d.buffer });
  }

  /** A structured-clone-able descriptor sharing this store's memory. */
  toDescriptor(): SharedMemoryStoreDescriptor {
    return { type: "SharedMemoryStore", buffer: this.buffer };
  }

  #locked<T>(fn: () => T): T {
    const a = this.#i32;
    while (Atomics.compareExchange(a, H_LOCK, 0, 1) !== 0) Atomics.wait(a, H_LOCK, 1, 1);
    try {
      return fn();
    } finally {
      Atomics.store(a, H_LOCK, 0);
      Atomics.notify(a, H_LOCK, 1);
    }
  }

  /** Table index of `key`, or of the empty slot where it would go. */
  #find(kb: Uint8Array): number {
    const a = this.#i32, mask = this.#tableSlots - 1;
    for (let i = hash(kb) & mask, n = 0; n < this.#tableSlots; i = (i + 1) & mask, n++) {
      const e = HEADER + i * ENTRY;
      const klen = a[e + E_KLEN];
      if (klen === -1) return i;
      if (klen === kb.length) {
        const off = a[e + E_KOFF];
        let same = true;
        for (let j = 0; j < klen; j++) if (this.#u8[off + j] !== kb[j]) { same = false; break; }
        if (same) return i;
      }
    }
    throw new ZarrError("SharedMemoryStore key table is full");
  }

  #alloc(n: number): number {
    const top = this.#i32[H_TOP];
    const off = this.#heapStart + top;
    if (off + n > this.buffer.byteLength) {
      throw new ZarrError(`SharedMemoryStore is full (${this.buffer.byteLength - this.#heapStart} bytes written); create it with a larger capacity`);
    }
    this.#i32[H_TOP] = top + n;
    return off;
  }

  /** A copy of the value under `key`, or `undefined`. */
  get(key: string): Uint8Array | undefined {
    const kb = enc.encode(normalizeKey(key));
    return this.#locked(() => {
      const e = HEADER + this.#find(kb) * ENTRY;
      const vlen = this.#i32[e + E_KLEN] === -1 ? -1 : this.#i32[e + E_VLEN];
      if (vlen < 0) return undefined;
      const off = this.#i32[e + E_VOFF];
      return this.#u8.slice(off, off + vlen);
    });
  }

  /** Store a copy of `value` under `key`; readers see the old or the new value, never a mix. */
  set(key: string, value: Uint8Array): void {
    const kb = enc.encode(normalizeKey(key));
    this.#locked(() => {
      const e = HEADER + this.#find(kb) * ENTRY;
      const a = this.#i32;
      const voff = this.#alloc(value.byteLength);
      this.#u8.set(value, voff);
      if (a[e + E_KLEN] === -1) {
        const koff = this.#alloc(kb.length);
        this.#u8.set(kb, koff);
        a[e + E_KOFF] = koff;
        a[e + E_KLEN] = kb.length;
        a[H_COUNT]++;
      }
      a[e + E_VOFF] = voff;
      a[e + E_VLEN] = value.byteLength;
    });
  }

  /** Remove `key` (its table entry stays as a tombstone). */
  delete(key: string): boolean {
    const kb = enc.encode(normalizeKey(key));
    return this.#locked(() => {
      const e = HEADER + this.#find(kb) * ENTRY;
      if (this.#i32[e + E_KLEN] === -1 || this.#i32[e + E_VLEN] < 0) return false;
      this.#i32[e + E_VLEN] = -1;
      return true;
    });
  }

  /** Whether a live value is under `key`. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every live key that starts with `prefix` as a string, sorted. */
  list(prefix?: string): string[] {
    const p = normalizePrefix(prefix, true);
    const out: string[] = [];
    this.#locked(() => {
      const a = this.#i32;
      for (let i = 0; i < this.#tableSlots; i++) {
        const e = HEADER + i * ENTRY;
        if (a[e + E_KLEN] === -1 || a[e + E_VLEN] < 0) continue;
        const k = dec.decode(this.#u8.slice(a[e + E_KOFF], a[e + E_KOFF] + a[e + E_KLEN]));
        if (k.startsWith(p)) out.push(k);
      }
    });
    return out.sort(compareKeys);
  }

  /** Names directly under `prefix` (keys and "directories"). */
  listDir(prefix?: string): string[] {
    const dir = normalizePrefix(prefix);
    const start = dir === "" ? "" : dir + "/";
    const names = new Set<string>();
    for (const k of this.list()) if (k.startsWith(start)) names.add(k.slice(start.length).split("/")[0]);
    return [...names].sort(compareKeys);
  }

  /** Delete `prefix` and everything below it. */
  deletePrefix(prefix: string): void {
    const dir = normalizePrefix(prefix);
    for (const k of this.list()) if (dir === "" || k === dir || k.startsWith(dir + "/")) this.delete(k);
  }

  /** Bytes of live values under `prefix`. */
  getSize(prefix?: string): number {
    const dir = normalizePrefix(prefix);
    let n = 0;
    for (const k of this.list()) if (dir === "" || k === dir || k.startsWith(dir + "/")) n += this.get(k)!.byteLength;
    return n;
  }
}
