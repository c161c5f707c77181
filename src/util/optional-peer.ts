/**
 * The one loader for optional packages: store SDKs (better-sqlite3, lmdb, classic-level, ioredis,
 * the S3 and Azure SDKs), h5wasm for HDF5, and optional peers (rxjs for Observables, ioredis for
 * the Redis synchronizer). Each is loaded on first use, so a program that never needs one does not
 * need it installed; a missing one becomes a {@link MissingDependencyError} naming the package and
 * what needed it.
 * @module
 */
import { createRequire } from "node:module";
import { ZarrError } from "../errors.ts";

/** The npm package of an import specifier: `h5wasm/node` → `h5wasm`, `@scope/pkg/x` → `@scope/pkg`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isNotFound(e: unknown, packageName: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return false;
  // A package missing one of its own dependencies (a broken install) is a load failure, not "not installed".
  const msg = (e as Error).message ?? "";
  return msg.includes(`'${packageName}'`) || msg.includes(`"${packageName}"`) || msg.includes(`'${packageName}/`);
}

/**
 * An optional package a feature needs is not installed, or failed to load. The message names the
 * package, what needed it, and what to install.
 * @example
 * try {
 *   await openGroup(new SQLiteStore("data/example.sqldb"));
 * } catch (e) {
 *   if (e instanceof MissingDependencyError) console.error(`npm install ${e.packageName}`);
 * }
 */
export class MissingDependencyError extends ZarrError {
  /** The npm package that is missing. */
  readonly packageName: string;
  /** What needed it (a store class, a feature). */
  readonly feature: string;
  /** @param specifier the package (or a subpath of it) that was imported; @param feature what needed it. */
  constructor(specifier: string, feature: string, cause?: unknown) {
    const packageName = packageOf(specifier);
    const notFound = cause === undefined || isNotFound(cause, packageName);
    super(
      `${feature} needs the optional npm package "${packageName}", which ${notFound ? "is not installed" : "could not be loaded"} ` +
        `(install it with \`npm install ${packageName}\`)` +
        (cause instanceof Error && !notFound ? `: ${cause.message}` : ""),
    );
    this.packageName = packageName;
    this.feature = feature;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * The same class under the name the peer-dependency loaders used (rxjs, ioredis); kept as an
 * alias so `instanceof MissingPeerDependencyError` keeps working.
 */
export const MissingPeerDependencyError = MissingDependencyError;
/** See {@link MissingDependencyError}. */
export type MissingPeerDependencyError = MissingDependencyError;

const loaded = new Map<string, Promise<unknown>>();

/**
 * Import an optional package once, on first use (later calls share the promise; a failure is not
 * cached, so installing the package and retrying works).
 * @throws {MissingDependencyError} naming the package and `feature`
 * @example
 * const sdk = await loadOptional<typeof import("@aws-sdk/client-s3")>("@aws-sdk/client-s3", "S3Store");
 */
export function loadOptional<T>(packageName: string, feature: string): Promise<T> {
  let p = loaded.get(packageName);
  if (!p) {
    p = import(packageName).catch((e: unknown) => {
      loaded.delete(packageName);
      throw new MissingDependencyError(packageName, feature, e);
    });
    loaded.set(packageName, p);
  }
  return p as Promise<T>;
}

/** {@link loadOptional} under the name the peer loaders used. */
export const importPeer: <T>(packageName: string, feature: string) => Promise<T> = loadOptional;

const require = createRequire(import.meta.url);

/**
 * Load a CommonJS-compatible optional package synchronously (for APIs that cannot wait, such as
 * rxjs Observables).
 * @throws {MissingDependencyError} naming the package and `feature`
 */
export function requirePeer<T>(packageName: string, feature: string): T {
  try {
    return require(packageName) as T;
  } catch (e) {
    throw new MissingDependencyError(packageName, feature, e);
  }
}
