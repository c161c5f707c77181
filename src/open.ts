/**
 * `open`: zarr-python's `zarr.open`, which opens (or creates) an array or a group. It lives apart
 * from both so that creation and groups depend one way (groups use creation), never in a cycle.
 * @module
 */
import type { ZarrArray } from "./array/array.ts";
import { openArray, type OpenOptions } from "./creation.ts";
import { GroupNotFoundError } from "./errors.ts";
import { openGroup, type ZarrGroup } from "./group.ts";
import { containsArray, containsGroup } from "./hierarchy-keys.ts";
import { asStore, type StoreLike } from "./stores/adapt.ts";
import { normalizeStoragePath } from "./stores/keys.ts";
import { MemoryStore } from "./stores/memory.ts";

/**
 * Open an array or group (zarr-python's `zarr.open`): what exists is opened; with a `shape` a new
 * array is created, otherwise a group.
 * @example
 * const z = await open("data/example.zarr", { mode: "w", shape: [10000, 10000], chunks: [1000, 1000], dtype: "<i4" });
 * const node = await open("data/example.zarr", { mode: "r" });  // a ZarrArray or a ZarrGroup, as found
 * if (node instanceof ZarrArray) console.log(node.shape);
 */
export async function open(store: StoreLike | undefined, opts: OpenOptions = {}): Promise<ZarrArray | ZarrGroup> {
  const mode = opts.mode ?? "a";
  const s = store === undefined ? new MemoryStore() : asStore(store);
  const path = normalizeStoragePath(opts.path ?? "");
  if (mode === "w" || mode === "w-" || mode === "x") {
    return opts.shape !== undefined ? openArray(s, { ...opts, path }) : openGroup(s, { ...opts, path, mode });
  }
  if (await containsArray(s, path)) return openArray(s, { ...opts, path });
  if (await containsGroup(s, path)) return openGroup(s, { ...opts, path });
  if (mode === "r" || mode === "r+") throw new GroupNotFoundError(`nothing found at path '${path}': no array or group`);
  return opts.shape !== undefined ? openArray(s, { ...opts, path }) : openGroup(s, { ...opts, path, mode });
}
