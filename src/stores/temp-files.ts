/**
 * Temporary files of atomic writes (write a temporary file beside the target, rename it over the
 * target): how they are named, how they are recognized in listings, and how the ones abandoned by
 * writers that died are removed.
 * @module
 */

import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, unlinkSync } from "node:fs";
import * as fsp from "node:fs/promises";
import * as nodePath from "node:path";
import { throwIfAborted } from "./store.ts";

/**
 * Our temporary files: `.<name>.<pid>.<16 hex>.partial`; the pid tells whether the writer lives.
 * Exactly 16 hex digits, so a zarr-python temporary (32) is never mistaken for one of ours.
 */
const OUR_TEMP = /^\..+\.(\d+)\.[0-9a-f]{16}\.partial$/;
/** Any `.<name>.<digits>.<hex>.partial`: hidden from listings, though only {@link OUR_TEMP} is swept by pid. */
const OUR_TEMP_LOOSE = /^\..+\.\d+\.[0-9a-f]+\.partial$/;
/** zarr-python's temporary files: `<name>.<uuid4 hex>.partial`. */
const PY_TEMP = /\.[0-9a-f]{32}\.partial$/;

/** Whether a directory entry is an in-flight (or abandoned) atomic-write temporary, not a key. */
export function isTempName(name: string): boolean {
  return OUR_TEMP_LOOSE.test(name) || PY_TEMP.test(name);
}

/** 8 hex digits, random per thread (worker_threads share a pid), drawn once: `randomBytes` per name cost ~10 µs. */
const THREAD_TAG = randomBytes(4).toString("hex");
let tempCounter = 0;

/**
 * A fresh temporary path beside `file`. The name carries our pid so that a later sweep can tell a
 * live writer's file from one abandoned by a crashed process, and a tag unique to this thread (random,
 * drawn once) plus a counter — 16 hex digits in all, as {@link OUR_TEMP} expects — so that concurrent writers of one key (threads, processes) never share
 * a temporary file.
 */
export function tempPathFor(file: string): string {
  const slash = file.lastIndexOf(nodePath.sep);
  return `${file.slice(0, slash + 1)}.${file.slice(slash + 1)}.${process.pid}.${THREAD_TAG}${(tempCounter = (tempCounter + 1) >>> 0).toString(16).padStart(8, "0")}.partial`;
}

/** Whether a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** When a temporary file counts as abandoned. */
export interface StaleTempOptions {
  /**
   * Our temporaries whose writer pid is dead are removed once older than this (default 60 s). The
   * grace period covers a directory shared over a network file system, where the pid may belong to
   * a live process on another machine.
   */
  deadWriterAgeMs?: number;
  /** zarr-python's temporaries (no pid in the name) are removed once older than this (default 10 min). */
  foreignAgeMs?: number;
  /** Cancels the sweep. */
  signal?: AbortSignal;
}

/**
 * Remove abandoned temporaries directly inside `dir` (not recursively) and return their names. A
 * temporary of a live writer (including this process) is never touched, and every failure (a file
 * renamed or removed meanwhile, no permission) is ignored: a sweep is housekeeping, never a reason
 * for a write to fail.
 */
export async function removeStaleTemps(dir: string, opts: StaleTempOptions = {}): Promise<string[]> {
  const deadAge = opts.deadWriterAgeMs ?? 60_000;
  const foreignAge = opts.foreignAgeMs ?? 10 * 60_000;
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const now = Date.now();
  for (const name of names) {
    throwIfAborted(opts.signal);
    const minAge = staleAge(name, deadAge, foreignAge);
    if (minAge === undefined) continue;
    const full = nodePath.join(dir, name);
    try {
      const st = await fsp.lstat(full);
      if (!st.isFile() || now - st.mtimeMs < minAge) continue;
      await fsp.unlink(full);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** How old a temporary must be to count as abandoned, or `undefined` when it is not one or its writer lives. */
function staleAge(name: string, deadAge: number, foreignAge: number): number | undefined {
  const ours = OUR_TEMP.exec(name);
  if (ours) {
    const pid = Number(ours[1]);
    return pid === process.pid || pidAlive(pid) ? undefined : deadAge;
  }
  return PY_TEMP.test(name) ? foreignAge : undefined;
}

/**
 * The synchronous sweep of one file's temporaries (those named `.<basename of file>.<pid>...`), for
 * stores whose opening is synchronous (ZipStore); same rules as {@link removeStaleTemps}.
 */
export function removeStaleTempsOfSync(file: string, opts: Omit<StaleTempOptions, "signal"> = {}): string[] {
  const dir = nodePath.dirname(file);
  const start = `.${nodePath.basename(file)}.`;
  const deadAge = opts.deadWriterAgeMs ?? 60_000;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(start) || !OUR_TEMP.test(name)) continue;
    const minAge = staleAge(name, deadAge, Infinity);
    if (minAge === undefined) continue;
    try {
      const st = lstatSync(nodePath.join(dir, name));
      if (!st.isFile() || now - st.mtimeMs < minAge) continue;
      unlinkSync(nodePath.join(dir, name));
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
