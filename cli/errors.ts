/**
 * Exit codes and the error kinds the CLI maps onto them.
 * @module
 */
import {
  ArrayNotFoundError, BoundsCheckError, GroupNotFoundError, IndexError, InvalidKeyError, ZarrError,
} from "../src/errors.ts";

/** Exit codes of `zarrflow`: 0 ok, 1 damage found or an operation failed, 2 usage error, 130 interrupted. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERRUPTED: 130 } as const;

/**
 * A mistake in how the command was called (a bad option value, an unknown URL scheme, a path that
 * holds no zarr node). Exits with code 2.
 * @example
 * throw new UsageError(`--chunks must be integers separated by commas, got '1x2'`);
 */
export class UsageError extends ZarrError {}

/** The work was cancelled by the user (Ctrl-C). Exits with code 130. */
export class InterruptedError extends ZarrError {
  constructor(message = "interrupted") {
    super(message);
  }
}

/** Whether `e` is an abort (an `AbortError` DOMException, or an error whose cause is one). */
export function isAbortError(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    if ((x as { name?: string }).name === "AbortError" || x instanceof InterruptedError) return true;
  }
  return false;
}

/**
 * The exit code for an error: 2 for usage errors (bad arguments, nothing at the path, a selection
 * out of bounds), 130 for an interruption, 1 for everything else.
 */
export function exitCodeFor(e: unknown): number {
  if (isAbortError(e)) return EXIT.INTERRUPTED;
  if (e instanceof UsageError || e instanceof ArrayNotFoundError || e instanceof GroupNotFoundError) return EXIT.USAGE;
  if (e instanceof IndexError || e instanceof BoundsCheckError || e instanceof InvalidKeyError) return EXIT.USAGE;
  return EXIT.FAILED;
}

/**
 * The one-line message a shell user sees for an error: the message of zarrflow's own errors, and
 * the system's words (with the path) for file-system errors.
 */
export function describeError(e: unknown): string {
  if (e instanceof ZarrError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err === "object" && typeof err.code === "string" && err.syscall) {
    const what: Record<string, string> = {
      ENOENT: "no such file or directory", EACCES: "permission denied", EPERM: "operation not permitted",
      ENOTDIR: "not a directory", EISDIR: "is a directory", ENOSPC: "no space left on device", EROFS: "read-only file system",
    };
    return `${err.path ?? err.syscall}: ${what[err.code] ?? err.message}`;
  }
  return err?.message ?? String(e);
}
