/**
 * Optional peer dependencies (rxjs for Observables, ioredis for the Redis synchronizer) are loaded
 * on first use; a program that never needs them does not need them installed.
 * @module
 */
import { createRequire } from "node:module";
import { ZarrError } from "../errors.ts";

/**
 * An optional peer dependency a feature needs is not installed. The message says what to install.
 * @example
 * try { await new RedisSynchronizer("redis://localhost").lock("x"); } catch (e) { if (e instanceof MissingPeerDependencyError) console.log(e.packageName); }
 */
export class MissingPeerDependencyError extends ZarrError {
  /** @param packageName the npm package to install; @param feature what needed it. */
  constructor(readonly packageName: string, readonly feature: string, cause?: unknown) {
    super(
      `${feature} needs the optional peer dependency '${packageName}', which is not installed ` +
        `(run \`npm install ${packageName}\`)` +
        (cause instanceof Error && !isNotFound(cause) ? `: ${cause.message}` : ""),
    );
  }
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

const require = createRequire(import.meta.url);

/**
 * Loads a CommonJS-compatible optional peer synchronously, or throws
 * {@link MissingPeerDependencyError} naming the package and the feature that needed it.
 */
export function requirePeer<T>(packageName: string, feature: string): T {
  try {
    return require(packageName) as T;
  } catch (e) {
    throw new MissingPeerDependencyError(packageName, feature, e);
  }
}

/** Loads an optional peer with `import()`, rejecting with {@link MissingPeerDependencyError}. */
export async function importPeer<T>(packageName: string, feature: string): Promise<T> {
  try {
    return (await import(packageName)) as T;
  } catch (e) {
    throw new MissingPeerDependencyError(packageName, feature, e);
  }
}
