/**
 * Every built-in store (and a plain Map) against the store conformance suite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, KVStore } from "../../src/stores/memory.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";
import { LRUStoreCache } from "../../src/stores/lru-cache.ts";
import { ConsolidatedMetadataStore } from "../../src/stores/consolidated.ts";
import { ZipStore } from "../../src/stores/zip.ts";
import { N5Store } from "../../src/stores/n5.ts";
import { DiskCacheStore } from "../../src/stores/disk-cache.ts";
import { LazyStore } from "../../src/stores/lazy.ts";
import { runStoreConformance } from "./conformance.ts";

/** A fresh temporary directory and its removal. */
function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-conf-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

runStoreConformance("MemoryStore", async () => ({ store: new MemoryStore() }));
runStoreConformance("KVStore", async () => ({ store: new KVStore() }));
runStoreConformance("Map", async () => ({ store: new Map<string, Uint8Array>() }), {
  supportsListDir: false,
  supportsDeletePrefix: false,
  supportsGetRange: false,
  checksKeys: false,
  supportsAbort: false,
});
runStoreConformance("DirectoryStore", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new DirectoryStore(join(dir, "root")), cleanup, reopen: async () => new DirectoryStore(join(dir, "root")) };
});
runStoreConformance("DirectoryStore (dimensionSeparator '/')", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new DirectoryStore(dir, { dimensionSeparator: "/" }), cleanup };
});
runStoreConformance("NestedDirectoryStore", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new NestedDirectoryStore(dir), cleanup, reopen: async () => new NestedDirectoryStore(dir) };
});
runStoreConformance("LRUStoreCache over MemoryStore", async () => ({ store: new LRUStoreCache(new MemoryStore(), 1 << 16) }));
runStoreConformance("LRUStoreCache over a Map", async () => ({ store: new LRUStoreCache(new Map() as never, null) }), { supportsGetRange: true });
runStoreConformance("LRUStoreCache over DirectoryStore", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new LRUStoreCache(new DirectoryStore(dir), 1 << 20), cleanup, reopen: async () => new DirectoryStore(dir) };
});
runStoreConformance("ConsolidatedMetadataStore over MemoryStore", async () => ({ store: new ConsolidatedMetadataStore(new MemoryStore(), {}) }));
runStoreConformance("ConsolidatedMetadataStore over DirectoryStore", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new ConsolidatedMetadataStore(new DirectoryStore(dir), {}), cleanup };
});
runStoreConformance("ConsolidatedMetadataStore (read-only)", async (seed) => ({ store: new ConsolidatedMetadataStore(new MemoryStore(seed), {}, true) }), { readOnly: true });
runStoreConformance("ZipStore", async () => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, "s.zip");
  const store = new ZipStore(path, { mode: "w" });
  return {
    store,
    cleanup,
    reopen: async () => {
      store.close();
      return new ZipStore(path, { mode: "r" });
    },
  };
});
runStoreConformance("ZipStore (deflated, flushed: values read back from the archive)", async () => {
  const { dir, cleanup } = tempDir();
  const store = new ZipStore(join(dir, "s.zip"), { mode: "w", compression: "deflated" });
  // Every write is flushed at once, so reads go through the archive on disk, not pending memory.
  const set = store.set.bind(store);
  store.set = (k, v, o) => {
    set(k, v, o);
    store.flush();
  };
  return { store, cleanup };
});
runStoreConformance("ZipStore (read-only)", async (seed) => {
  const { dir, cleanup } = tempDir();
  const path = join(dir, "s.zip");
  const w = new ZipStore(path, { mode: "w" });
  for (const [k, v] of seed!) w.set(k, v);
  w.close();
  return { store: new ZipStore(path, { mode: "r" }), cleanup };
}, { readOnly: true });
runStoreConformance("N5Store over a directory", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new N5Store(dir), cleanup, reopen: async () => new N5Store(dir) };
}, {
  // N5 chunks carry a header, so there is no byte range of a key to read; and N5 lists a directory
  // holding attributes.json as a group (".zgroup"), which the plain listDir expectations do not know.
  supportsGetRange: false,
  supportsListDir: false,
});
runStoreConformance("DiskCacheStore over MemoryStore", async () => {
  const { dir, cleanup } = tempDir();
  return { store: new DiskCacheStore(new MemoryStore(), { cacheDir: dir }), cleanup };
});
runStoreConformance("LazyStore over MemoryStore", async () => {
  const inner = new MemoryStore();
  return { store: new LazyStore(async () => inner, "memory", "memory://") };
});
