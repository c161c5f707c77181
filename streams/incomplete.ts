/**
 * Marking an interrupted rechunk. A rechunk writes its target chunk by chunk, so a crash or an
 * abort in the middle leaves a target that opens fine and reads as fill values where chunks are
 * missing — indistinguishable from a finished one by its data. The target therefore carries a
 * marker key, `.zarrflow-incomplete` next to its `.zarray`, written before the first chunk and
 * removed only after the last one is stored. Why a key rather than an attribute: `.zattrs` belongs
 * to the user (a rechunk may copy or edit it), zarr-python and other readers ignore unknown keys,
 * and deleting one key is a single atomic store operation. Detect it with {@link rechunkStatus};
 * finish the job with `rechunk(..., { resume: true })`.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import { ZarrError } from "../src/errors.ts";
import type { RechunkSourceIdentity } from "./rechunk-identity.ts";

/** The marker key's name, inside the array's path. */
export const INCOMPLETE_KEY = ".zarrflow-incomplete";

/** What the marker records: enough to tell what was interrupted and to check a resume matches. */
export interface IncompleteMarker {
  operation: "rechunk";
  /** The source's shape, dtype and chunks, as the interrupted run saw them. */
  shape: number[];
  dtype: string;
  sourceChunks: number[];
  targetChunks: number[];
  /**
   * What identifies the source (store location, path, codecs, …), checked by a resume; absent in
   * markers written before zarrflow recorded it, which a resume refuses (see `rechunk-identity.ts`).
   */
  source?: RechunkSourceIdentity;
  /** ISO time the run started. */
  started: string;
}

function markerKey(z: ZarrArray): string {
  return z.path ? `${z.path}/${INCOMPLETE_KEY}` : INCOMPLETE_KEY;
}

/**
 * The marker of an interrupted rechunk into `z`, or null when `z` is not the target of one that
 * was started and not finished.
 * @example
 * if (await rechunkStatus(dst)) await rechunkArray(src, dst, { resume: true });
 */
export async function rechunkStatus(z: ZarrArray): Promise<IncompleteMarker | null> {
  const raw = await z.store.get(markerKey(z));
  if (raw === undefined) return null;
  try {
    return JSON.parse(new TextDecoder().decode(raw)) as IncompleteMarker;
  } catch {
    throw new ZarrError(`'${markerKey(z)}' is not a valid zarrflow incomplete-rechunk marker`);
  }
}

/** Write the marker before the first chunk of a rechunk into `z`. */
export async function markIncomplete(z: ZarrArray, m: Omit<IncompleteMarker, "operation" | "started">): Promise<void> {
  const marker: IncompleteMarker = { operation: "rechunk", ...m, started: new Date().toISOString() };
  await z.store.set(markerKey(z), new TextEncoder().encode(JSON.stringify(marker)));
}

/** Remove the marker once every chunk of the rechunk is stored. */
export async function clearIncomplete(z: ZarrArray): Promise<void> {
  await z.store.delete(markerKey(z));
}
