/**
 * Declared capabilities through wrappers, and reopening every store from its descriptor after a
 * structured clone (what a worker thread receives).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadOnlyError } from "../../src/errors.ts";
import { storeDescriptorOf, storeFromDescriptor } from "../../src/stores/adapt.ts";
import { ConsolidatedMetadataStore, buildConsolidatedMetadata } from "../../src/stores/consolidated.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { LRUStoreCache } from "../../src/stores/lru-cache.ts";
import { MemoryStore } from "../../src/stores/memory.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";
import { capabilitiesOf, type Store } from "../../src/stores/store.ts";
import { ZipStore } from "../../src/stores/zip.ts";

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-caps-"));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const enc = (s: string) => new TextEncoder().encode(s);

/** Reopen from a structured clone of the descriptor, as a worker would. */
function reopen(store: Store): Store {
  const d = storeDescriptorOf(store);
  assert.ok(d, `${store.constructor.name} declares a descriptor`);
  return storeFromDescriptor(structuredClone(d));
}

test("memory stores declare no descriptor; file stores reopen equivalently", withDir(async (dir) => {
  assert.equal(storeDescriptorOf(new MemoryStore()), undefined);
  const d = new DirectoryStore(dir, { dimensionSeparator: "/" });
  await d.set("a/b", enc("x"));
  const d2 = reopen(d);
  assert.ok(d2 instanceof DirectoryStore);
  assert.equal(capabilitiesOf(d2).dimensionSeparator, "/");
  assert.deepEqual(await d2.get("a/b"), enc("x"));
  assert.ok(reopen(new NestedDirectoryStore(dir)) instanceof NestedDirectoryStore);
}));

test("ZipStore: a read-only archive reopens from its descriptor; a writer has none", withDir(async (dir) => {
  const path = join(dir, "a.zip");
  const w = new ZipStore(path, { mode: "w" });
  assert.equal(storeDescriptorOf(w), undefined, "unflushed writes cannot travel");
  assert.equal(capabilitiesOf(w).localFile, undefined, "entries are not files");
  w.set("k", enc("v"));
  w.close();
  const r = reopen(new ZipStore(path, { mode: "r" }));
  assert.ok(r instanceof ZipStore);
  assert.deepEqual(await r.get("k"), enc("v"));
}));

test("LRUStoreCache reopens as a cache over the reopened inner store", withDir(async (dir) => {
  const inner = new DirectoryStore(dir, { dimensionSeparator: "/" });
  await inner.set("k", enc("v"));
  const c = reopen(new LRUStoreCache(inner, 123));
  assert.ok(c instanceof LRUStoreCache);
  assert.equal(c.maxSize, 123);
  assert.ok(c.store instanceof DirectoryStore);
  assert.equal(capabilitiesOf(c).dimensionSeparator, "/");
  assert.deepEqual(await c.get("k"), enc("v"));
}));

test("ConsolidatedMetadataStore forwards the separator and a guarded localFile, and reopens with its metadata", withDir(async (dir) => {
  const inner = new DirectoryStore(dir, { dimensionSeparator: "/" });
  await inner.set(".zgroup", enc('{\n    "zarr_format": 2\n}'));
  await inner.set("a/.zarray", enc('{\n    "fill_value": 1.0,\n    "zarr_format": 2\n}'));
  await inner.set("a/0/0", enc("chunk"));
  await inner.set(".zmetadata", await buildConsolidatedMetadata(inner));
  const cs = await ConsolidatedMetadataStore.open(inner);
  const caps = capabilitiesOf(cs);
  assert.equal(caps.dimensionSeparator, "/");
  assert.equal(cs.dimensionSeparator, "/");
  assert.equal(caps.localFile!.readPath("a/0/0"), join(dir, "a", "0", "0"));
  assert.throws(() => caps.localFile!.readPath("a/.zarray"), ReadOnlyError);
  await assert.rejects(async () => caps.localFile!.prepareWrite("a/.zattrs"), ReadOnlyError);
  const { file } = await caps.localFile!.prepareWrite("a/0/1");
  assert.equal(file, join(dir, "a", "0", "1"));
  const ro = await ConsolidatedMetadataStore.open(inner, { readOnly: true });
  await assert.rejects(async () => capabilitiesOf(ro).localFile!.prepareWrite("a/0/1"), ReadOnlyError);
  await assert.rejects(async () => cs.deletePrefix("a"), (e: unknown) => e instanceof ReadOnlyError && /'a\/\.zarray'/.test((e as Error).message));

  const again = reopen(cs);
  assert.ok(again instanceof ConsolidatedMetadataStore);
  assert.deepEqual(await again.get("a/.zarray"), await cs.get("a/.zarray"), "metadata bytes survive (1.0 stays a float)");
  assert.match(new TextDecoder().decode((await again.get("a/.zarray"))!), /1\.0/);
  assert.deepEqual(await again.get("a/0/0"), enc("chunk"));
  assert.equal(capabilitiesOf(new ConsolidatedMetadataStore(new MemoryStore(), {})).descriptor, undefined);
}));
