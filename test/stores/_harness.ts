/**
 * The setup the backend store tests (ABS, S3, Redis, SQLite, DBM, LMDB) share, written once: skip
 * reasons for missing optional packages, one shared server per file (started before, stopped
 * after), temp directories removed after use, a store factory on fresh locations, and the
 * conformance suite run with "close, then reopen the same location". Not a test file itself.
 */
import { after, before } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../../src/stores/store.ts";
import { runStoreConformance, type ConformanceOptions } from "./conformance.ts";
import { hasPackage } from "../helpers/servers.ts";

/** A store the tests close. */
export type ClosableStore = Store & { close(): unknown };

/**
 * `false` when every package is installed, else the test's skip reason: the first missing one,
 * described as `what[name]` or "the optional package <name>".
 */
export function skipUnlessInstalled(packages: string[], what: Record<string, string> = {}): string | false {
  for (const p of packages) if (!hasPackage(p)) return `${what[p] ?? `the optional package ${p}`} is not installed`;
  return false;
}

/** A temp directory and its removal. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `zarrflow-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One server for the whole test file: started in `before` unless skipped, stopped in `after`.
 * Returns a getter that throws if a test runs without it.
 */
export function sharedServer<S extends { stop(): Promise<void> }>(skip: string | false, start: () => Promise<S>): () => S {
  let server: S | undefined;
  before(async () => {
    if (!skip) server = await start();
  });
  after(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("the test server is not running");
    return server;
  };
}

/** Where a backend's conformance stores live and how to open one there. */
export interface BackendConformance<S extends ClosableStore> {
  /** A fresh location (a path, a prefix) and what to remove afterwards. */
  location(): { where: string; cleanup?: () => void };
  /** A new store at `where` (called again after close to reopen it). */
  open(where: string): S;
}

/**
 * The store conformance suite for a backend: each subject is a store on a fresh location, and its
 * `reopen` closes it and opens the same location again (persistence checks).
 */
export function runBackendConformance<S extends ClosableStore>(name: string, backend: BackendConformance<S>, opts: ConformanceOptions = {}): void {
  runStoreConformance(
    name,
    async () => {
      const { where, cleanup } = backend.location();
      const store = backend.open(where);
      let again: S | undefined;
      return {
        store,
        reopen: async () => {
          await store.close();
          again = backend.open(where);
          return again;
        },
        cleanup: async () => {
          await store.close();
          await again?.close();
          cleanup?.();
        },
      };
    },
    opts,
  );
}

/** A conformance location in a new temp directory: `<dir>/<file>`. */
export function tempLocation(prefix: string, file: string): () => { where: string; cleanup: () => void } {
  return () => {
    const { dir, cleanup } = tempDir(prefix);
    return { where: join(dir, file), cleanup };
  };
}

/** Conformance locations as numbered prefixes (`conf1/data.zarr`, ...) on a shared server. */
export function prefixLocations(pattern: (n: number) => string): () => { where: string } {
  let n = 0;
  return () => ({ where: pattern(++n) });
}
