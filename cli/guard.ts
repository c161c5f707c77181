/**
 * A store wrapper that makes any operation cancellable and measurable from the outside: every read
 * and write first checks an AbortSignal (so operations that take no `signal` of their own still stop
 * at the next chunk), passes the signal on to the store, and counts keys and bytes moved.
 * @module
 */
import type { Store } from "../src/internal.ts";

/** Counters of what went through a {@link guardStore}. */
export interface IoMeter {
  /** Values read (`get`/`getRange` that found a value). */
  reads: number;
  /** Bytes read. */
  bytesRead: number;
  /** Values written with `set` (every key, metadata included). */
  writes: number;
  /** Chunk values written (keys whose last segment is not `.zarray`, `.zgroup`, `.zattrs` or `.zmetadata`). */
  chunkWrites: number;
  /** Bytes written. */
  bytesWritten: number;
  /** Called after every counted read or write. */
  onChange?: () => void;
}

/** A fresh meter with zero counts. */
export function newMeter(): IoMeter {
  return { reads: 0, bytesRead: 0, writes: 0, chunkWrites: 0, bytesWritten: 0 };
}

const META = /(^|\/)\.(zarray|zgroup|zattrs|zmetadata)$/;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * `store` seen through `signal` and `meter`: `get`, `getRange`, `has` and `set` throw the signal's
 * reason (an `AbortError`) once it is aborted; deletes still go through so cleanups can run. Other
 * members (listing, `storeType`, capabilities) are forwarded, with the methods bound to the original
 * store so stores with private fields keep working. A declared local-file capability is hidden, so chunks
 * cannot bypass the checks.
 * Optional artificial latency (`delayMs` per read and write) exists for testing cancellation.
 * @example
 * const ac = new AbortController();
 * const guarded = guardStore(new DirectoryStore("x.zarr"), ac.signal, newMeter());
 */
export function guardStore<S extends Store>(store: S, signal: AbortSignal, meter: IoMeter = newMeter(), delayMs = 0): S {
  const check = () => {
    if (signal.aborted) throw abortReason(signal);
  };
  const pause = async () => {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    check();
  };
  const counted = (n: number, write: boolean, key: string) => {
    if (write) {
      meter.writes++;
      if (!META.test(key)) meter.chunkWrites++;
      meter.bytesWritten += n;
    } else {
      meter.reads++;
      meter.bytesRead += n;
    }
    meter.onChange?.();
  };
  const target = store as unknown as Record<string | symbol, unknown>;
  const wrapped: Record<string, unknown> = {
    async get(key: string, opts?: { signal?: AbortSignal }) {
      await pause();
      const v = (await (store.get as Function).call(store, key, { ...opts, signal })) as Uint8Array | undefined;
      check();
      if (v !== undefined) counted(v.byteLength, false, key);
      return v;
    },
    async set(key: string, value: Uint8Array, opts?: { signal?: AbortSignal }) {
      await pause();
      const r = await (store.set as Function).call(store, key, value, { ...opts, signal });
      counted(value.byteLength, true, key);
      return r;
    },
  };
  if (store.getRange) {
    wrapped.getRange = async (key: string, range: unknown, opts?: { signal?: AbortSignal }) => {
      await pause();
      const v = (await (store.getRange as Function).call(store, key, range, { ...opts, signal })) as Uint8Array | undefined;
      if (v !== undefined) counted(v.byteLength, false, key);
      return v;
    };
  }
  if (store.has) {
    wrapped.has = async (key: string, opts?: { signal?: AbortSignal }) => {
      check();
      return (store.has as Function).call(store, key, { ...opts, signal });
    };
  }
  // A local-file capability would let a native codec backend read and write chunk files behind
  // `get`/`set`; hide it so every chunk goes through the checks and the counts above.
  const caps = store.capabilities;
  if (caps?.localFile) {
    const { localFile: _hidden, ...rest } = caps;
    wrapped.capabilities = rest;
  }
  wrapped.filePath = undefined; // the transitional form of the same capability
  return new Proxy(store as object, {
    get(t, prop) {
      if (typeof prop === "string" && prop in wrapped) return wrapped[prop];
      const v = target[prop];
      return typeof v === "function" ? (v as Function).bind(t) : v;
    },
    has(t, prop) {
      return prop in t;
    },
  }) as S;
}
