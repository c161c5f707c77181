/**
 * Bounded concurrency over a lazy iterable: chunk tasks are generated on demand so a selection over
 * millions of chunks never materializes them all, and at most `limit` are in flight.
 * @module
 */
import { availableParallelism } from "node:os";

let ioConcurrency = Math.max(8, availableParallelism() * 4);

/** How many chunk I/O tasks an array operation keeps in flight (default: 4 × cores, at least 8). */
export function getIoConcurrency(): number {
  return ioConcurrency;
}

/** Change the number of chunk I/O tasks in flight for later operations. */
export function setIoConcurrency(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`concurrency must be a positive integer, got ${n}`);
  ioConcurrency = n;
}

/** Run `fn` over every item with at most `limit` running at once; rejects on the first failure. */
export async function forEachConcurrent<T>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const it = items[Symbol.iterator]();
  let failed: unknown = undefined;
  let hasFailed = false;
  const worker = async () => {
    for (;;) {
      if (hasFailed) return;
      const next = it.next();
      if (next.done) return;
      try {
        await fn(next.value);
      } catch (e) {
        if (!hasFailed) {
          hasFailed = true;
          failed = e;
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (hasFailed) throw failed;
}
