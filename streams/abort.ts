/**
 * Cancellation shared by every stream and operator: one error shape (`name === "AbortError"`) and
 * one way to stop waiting when a signal fires, so an abort is never mistaken for the end of a
 * stream or the success of a pipeline.
 * @module
 */

/**
 * The error an aborted stream or operator fails with: the signal's reason when it already is an
 * `AbortError` (so callers can match their own reason), else a DOMException `AbortError` carrying
 * the reason as `cause` (e.g. `AbortSignal.timeout()`'s `TimeoutError`).
 * @example
 * await readable(z, { signal }).pipeTo(dst).catch((e) => { if (e.name !== "AbortError") throw e; });
 */
export function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.name === "AbortError") return r;
  const e = new DOMException("The operation was aborted", "AbortError");
  if (r !== undefined) Object.defineProperty(e, "cause", { value: r, configurable: true, writable: true });
  return e;
}

/** Throw {@link abortError} when `signal` has fired. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * `p`, or a rejection with {@link abortError} as soon as `signal` fires, whichever comes first. The
 * work behind `p` is not stopped by this; callers pass the signal down as well so it ends soon.
 */
export function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? abortError(signal) : e);
      },
    );
  });
}

/** Rethrow `e`, as {@link abortError} when `signal` has fired (core calls throw the raw reason). */
export function asAbort(e: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted ? abortError(signal) : e;
}
