/**
 * The synchronizer hook. The array layer calls `lock(key)` around each chunk's read-modify-write;
 * implementations (thread, process, redis) live in `sync/`, which depends on the core, never the
 * reverse.
 * @module
 */

/** Releases a lock taken by {@link Synchronizer.lock}. */
export type Release = () => void | Promise<void>;

/** Chunk-level locking, as zarr-python's synchronizers provide. */
export interface Synchronizer {
  /** Wait for and take the lock for a store key (a chunk key or a metadata key). */
  lock(key: string): Promise<Release>;
}

/**
 * Run `fn` while holding the lock for `key` (no locking when there is no synchronizer).
 * @example
 * await withLock(z.synchronizer, "foo/0.0", async () => {
 *   // read, merge and write chunk foo/0.0 while no other writer can
 * });
 */
export async function withLock<T>(sync: Synchronizer | undefined | null, key: string, fn: () => Promise<T>): Promise<T> {
  if (!sync) return fn();
  const release = await sync.lock(key);
  try {
    return await fn();
  } finally {
    await release();
  }
}
