/**
 * Every function and class a user can import from `zarrflow`, `zarrflow/streams` or `zarrflow/sync`
 * (and every public method of ZarrArray and ZarrGroup) shows how it is called: its TSDoc has an
 * `@example`. The walk uses the TypeScript compiler over the entry points' exports, so a newly
 * exported name without an example fails here with its file and line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { publicItems } from "./exports.ts";

const items = publicItems();

test("the walk finds the public API (the names a newcomer looks for first)", () => {
  const names = new Set(items.flatMap((i) => [i.name, ...i.aliases]));
  for (const n of ["open", "openArray", "openGroup", "openConsolidated", "zeros", "create", "copy", "copyAll", "copyStore",
    "consolidateMetadata", "tree", "ZarrArray", "ZarrGroup", "ZarrArray.prototype.get", "ZarrGroup.prototype.createGroup",
    "MemoryStore", "DirectoryStore", "ZipStore", "SQLiteStore", "Blosc", "Zstd", "VLenUTF8", "blocks", "readable", "rechunk",
    "ThreadSynchronizer", "ProcessSynchronizer", "toDescriptor"]) {
    assert.ok(names.has(n), `${n} is exported and seen by the walk`);
  }
  assert.ok(items.length > 200, `${items.length} items`);
});

test("every exported function and class, and every ZarrArray/ZarrGroup method, has an @example", () => {
  const missing = items.filter((i) => !i.hasExample && !i.internal);
  assert.deepEqual(missing.map((i) => `${i.kind} ${i.name} (${i.where})`), []);
});
