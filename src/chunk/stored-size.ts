/**
 * How large a stored chunk may be before it is read. A chunk's stored size comes from untrusted
 * storage (a 10 GB file, or a sparse 1 TB one, where a 4 KB chunk belongs), and reading it whole
 * would allocate that much before any codec could refuse it. So the array layer derives a bound
 * from the chunk's decoded size and asks the store for the chunk with it (`StoreGetOptions.maxBytes`):
 * stores that know a value's size (files, zip entries, SQLite) refuse before reading, the rest are
 * checked on what they return, and the native addon checks the file's `fstat` on its pool thread
 * with the same formula (`native/src/chunk_file.cc`).
 * @module
 */
import { StoreIOError } from "../errors.ts";
import { getLimits } from "../limits.ts";
import { VALUE_TOO_LARGE, type ReadableStore } from "../stores/store.ts";

/**
 * Bytes of container overhead allowed on top of {@link maxStoredChunkBytes}'s proportional part:
 * headers and trailers of every numcodecs compressor (xz with a SHA-256 check is 84 bytes, bzip2's
 * fixed cost on a tiny input ~600 bytes, an N5 header 4 + 4·ndim bytes) with ample room.
 */
export const STORED_CHUNK_OVERHEAD = 64 * 1024;

/**
 * The most bytes a chunk of `decodedBytes` may take when stored by a compressor (or none):
 * `decodedBytes + ceil(decodedBytes / 16) + 64 KiB`. Every numcodecs compressor's worst case on
 * incompressible data is far inside it (measured on random bytes with numcodecs 0.11: Blosc +16
 * bytes, Zstd +0.003%, LZ4 +0.4%, zlib/gzip +0.03%, BZ2 +0.5%, xz +0.02%, LZMA1 (.lzma/raw) +1.4%;
 * the 1/16 is four times the largest), and no legitimate chunk comes near it; a larger stored chunk
 * is damaged or hostile and is refused unread.
 * @example
 * maxStoredChunkBytes(4096);   // 69,888: a 4 KiB chunk may be stored in at most that many bytes
 */
export function maxStoredChunkBytes(decodedBytes: number): number {
  return decodedBytes + Math.ceil(decodedBytes / 16) + STORED_CHUNK_OVERHEAD;
}

/**
 * The stored-size bound of one array's chunks. Chains with array→array filters or an object codec
 * can legitimately store more than the decoded size (an `AsType` to a wider type, JSON text of
 * objects), so they get the larger of the compressor bound and the configurable
 * `maxChunkBytes` (see `setLimits`); a compressor alone gets {@link maxStoredChunkBytes}.
 * @example
 * storedChunkLimit(4096, false);   // 69,888
 * storedChunkLimit(4096, true);    // 536,870,912 with the default maxChunkBytes
 */
export function storedChunkLimit(decodedBytes: number, expandingChain: boolean): number {
  const bound = maxStoredChunkBytes(decodedBytes);
  return expandingChain ? Math.max(bound, getLimits().maxChunkBytes) : bound;
}

/**
 * The refusal of a stored chunk over its bound: a {@link StoreIOError} (code
 * `ERR_VALUE_TOO_LARGE`) naming the key, the stored size, the bound and the decoded size.
 * @example
 * throw chunkTooLargeError("a/0.0", 2 ** 40, 69888, 4096);
 */
export function chunkTooLargeError(key: string, storedBytes: number, maxBytes: number, decodedBytes: number): StoreIOError {
  return new StoreIOError(
    `chunk '${key}': ${storedBytes} bytes stored, more than the ${maxBytes} bytes a chunk of ${decodedBytes} decoded bytes may take; refusing to read it`,
    key,
    VALUE_TOO_LARGE,
  );
}

/**
 * Fetch one stored chunk no larger than `maxBytes`, or undefined when it is not stored. The store
 * refuses an oversized value before reading it where it can; otherwise the length it returned is
 * checked here. Either way the error is {@link chunkTooLargeError}.
 * @example
 * const raw = await getStoredChunk(store, "a/0.0", storedChunkLimit(4096, false), 4096);
 */
export async function getStoredChunk(
  store: ReadableStore,
  key: string,
  maxBytes: number,
  decodedBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  let raw: Uint8Array | undefined;
  try {
    raw = await store.get(key, signal ? { signal, maxBytes } : { maxBytes });
  } catch (e) {
    if (e instanceof StoreIOError && e.code === VALUE_TOO_LARGE) {
      const size = (e as { size?: unknown }).size;
      throw chunkTooLargeError(key, typeof size === "number" ? size : NaN, maxBytes, decodedBytes);
    }
    throw e;
  }
  if (raw !== undefined && raw.byteLength > maxBytes) throw chunkTooLargeError(key, raw.byteLength, maxBytes, decodedBytes);
  return raw;
}
