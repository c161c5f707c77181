/**
 * `open`: zarr-python's `zarr.open`, which opens (or creates) an array or a group. It lives apart
 * from both so that creation and groups depend one way (groups use creation), never in a cycle.
 * @module
 */
import type { ZarrArray } from "./array/array.ts";
import { openArray, type OpenOptions } from "./creation.ts";
import { GroupNotFoundError, type ContainsGroupError } from "./errors.ts";
import { openGroup, type ZarrGroup } from "./group.ts";
import { containsArray, containsGroup } from "./hierarchy-keys.ts";
import { asStore, type StoreLike } from "./stores/adapt.ts";
import { normalizeStoragePath } from "./stores/keys.ts";
import { MemoryStore } from "./stores/memory.ts";

/**
 * Open an array or group (zarr-python's `zarr.open`): what exists is opened; with a `shape` a new
 * array is created, otherwise a group. Without type arguments the result is the union, as
 * zarr-python's `open` can return either. `open<D, N>()` is the caller's word that an array of
 * dtype `D` (and rank `N`) is there and is typed so; that word is not checked, so where a group may
 * be found use {@link openArray}, which throws {@link ContainsGroupError} for one.
 * @example
 * const node = await open("data.zarr");                 // ZarrArray | ZarrGroup
 * const z = await open<"<f4", 2>("data.zarr/temp");    // ZarrArray<"<f4", 2>
 * const made = await open("data/example.zarr", { mode: "w", shape: [10000, 10000], chunks: [1000, 1000], dtype: "<i4" });
 */
export async function open<D extends string = never, N extends number = number>(store: StoreLike | undefined, opts?: OpenOptions): Promise<[D] extends [never] ? ZarrArray | ZarrGroup : ZarrArray<D, N>>;
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
