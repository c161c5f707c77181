import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ZarrError } from "../../src/errors.ts";
import { asStore, storeFromDescriptor } from "../../src/stores/adapt.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { MemoryStore } from "../../src/stores/memory.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";

test("asStore passes a Map through and it works as a store", async () => {
  const m = new Map<string, Uint8Array>([["a/.zarray", new Uint8Array([1])]]);
  const s = asStore(m);
  assert.equal(s, m);
  assert.deepEqual(await s.get("a/.zarray"), new Uint8Array([1]));
  assert.equal(await s.get("missing"), undefined);
  await s.set("a/0", new Uint8Array([2]));
  assert.deepEqual(m.get("a/0"), new Uint8Array([2]), "writes land in the caller's Map");
  await s.delete("a/0");
  assert.equal(m.has("a/0"), false);
});

test("asStore passes stores through and opens paths as DirectoryStore", () => {
  const mem = new MemoryStore();
  assert.equal(asStore(mem), mem);
  const readOnly = { get: (_k: string) => undefined, set() {}, delete() {} };
  assert.equal(asStore(readOnly), readOnly);
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-adapt-"));
  try {
    const s = asStore(dir);
    assert.ok(s instanceof DirectoryStore);
    assert.equal((s as DirectoryStore).path, dir);
    const u = asStore(pathToFileURL(dir));
    assert.ok(u instanceof DirectoryStore);
    assert.equal((u as DirectoryStore).path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => asStore(42 as never), ZarrError);
  assert.throws(() => asStore(null as never), ZarrError);
  // A remote URL opens its remote store (lazily: nothing is fetched yet), never a local directory.
  const remote = asStore(new URL("https://example.com/x.zarr"));
  assert.ok(!(remote instanceof DirectoryStore));
  assert.throws(() => asStore(new URL("nosuch://example.com/x.zarr")), ZarrError);
});

test("storeFromDescriptor reopens directory stores", () => {
  const d = new DirectoryStore("/tmp/x.zarr", { dimensionSeparator: "/" }).toDescriptor();
  assert.deepEqual(d, { type: "DirectoryStore", path: "/tmp/x.zarr", dimensionSeparator: "/" });
  const r = storeFromDescriptor(structuredClone(d));
  assert.ok(r instanceof DirectoryStore && !(r instanceof NestedDirectoryStore));
  assert.equal(r.dimensionSeparator, "/");
  const n = storeFromDescriptor(new NestedDirectoryStore("/tmp/y.zarr").toDescriptor());
  assert.ok(n instanceof NestedDirectoryStore);
  assert.equal(n.path, "/tmp/y.zarr");
  assert.throws(() => storeFromDescriptor({ type: "Nope" } as never), ZarrError);
});
