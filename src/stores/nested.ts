/**
 * zarr-python's `NestedDirectoryStore`: chunk files in one directory level per dimension.
 * @module
 */

import { ZarrError } from "../errors.ts";
import { DirectoryStore, type DirectoryStoreDescriptor } from "./directory.ts";
import { nestedChunkKey } from "./keys.ts";

/**
 * A {@link DirectoryStore} that stores dotted chunk keys in nested directories
 * (`"foo/bar/0.1.2"` → file `foo/bar/0/1/2`), leaving metadata keys (`.zarray`, `.zattrs`, ...),
 * 1-D chunk keys and already nested keys alone. It exists for stores written by zarr-python's
 * `NestedDirectoryStore` before `.zarray` carried `dimension_separator`: such metadata implies `"."`
 * keys, and this translation (zarr-python's `_nested_map_ckey`) makes them land on the nested files.
 * Its {@link DirectoryStore.dimensionSeparator} is always `"/"`, which is also what arrays created
 * in it default to, as in zarr-python 2.13. `list` reports files as they are on disk (`"a/0/0"`).
 * @example
 * const store = new NestedDirectoryStore("data/nested.zarr");  // chunk 1.2 lives in the file 1/2
 * const z = await openArray(store, { mode: "r" });
 */
export class NestedDirectoryStore extends DirectoryStore {
  override readonly storeType: string = "zarr.storage.NestedDirectoryStore";

  /**
   * @param path root directory; need not exist yet.
   * @param options `dimensionSeparator` may only be `"/"`, as in zarr-python.
   * @throws {ZarrError} for another separator, or when `path` exists and is not a directory.
   */
  constructor(path: string, options: { dimensionSeparator?: "/" } = {}) {
    if (options.dimensionSeparator !== undefined && options.dimensionSeparator !== "/") {
      throw new ZarrError(
        `NestedDirectoryStore only supports "/" as dimensionSeparator, got ${JSON.stringify(options.dimensionSeparator)}`,
      );
    }
    super(path, { dimensionSeparator: "/" });
  }

  /** Dotted chunk keys map to nested paths; everything else is unchanged. */
  protected override mapKey(key: string): string {
    return nestedChunkKey(key);
  }

  /** Enough to reopen an equivalent store elsewhere (a worker thread, another process). */
  override toDescriptor(): DirectoryStoreDescriptor {
    return { type: "NestedDirectoryStore", path: this.path, dimensionSeparator: "/" };
  }
}
