/**
 * Shared helpers of the convenience tests: the zarr-python 2.13 fixture set and a check that an array
 * reads exactly what zarr-python read. Not a test file itself.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { listCodecs, type ZarrArray } from "../../src/internal.ts";
import { assertMatchesNpy, readManifest, readNpyFile, type ManifestArray } from "../fixtures/compare.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

export const FIXTURES = SHARED_FIXTURES + "/zarr-python-2.13";
export const fixturesPresent = existsSync(join(FIXTURES, "manifest.json"));
export const manifest = fixturesPresent ? readManifest(join(FIXTURES, "manifest.json")) : { arrays: [], groups: [] };

/** Why an array of the manifest cannot be checked (object dtype, unregistered codec), or null. */
export function skipReason(a: ManifestArray): string | null {
  if (a.dtype === "|O") return "object dtype";
  const registered = new Set(listCodecs());
  const ids = [...(a.compressor ? [a.compressor.id] : []), ...(a.filters ?? []).map((f) => f.id)];
  const missing = ids.filter((id) => !registered.has(id));
  return missing.length ? `codec not registered: ${missing.join(", ")}` : null;
}

/** Assert `z` has the manifest's shape, chunks, values and attributes. */
export async function assertArrayMatches(z: ZarrArray, a: ManifestArray): Promise<void> {
  assert.deepEqual(z.shape, a.shape, "shape");
  assert.deepEqual(z.chunks, a.chunks, "chunks");
  const npy = readNpyFile(join(FIXTURES, a.expected));
  if (a.shape.length === 0) npy.shape = [];
  assertMatchesNpy(await z.get(), npy, a.path);
  assert.deepEqual(await z.attrs.asObject(), a.attrs, "attributes");
}
