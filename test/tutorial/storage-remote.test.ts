/**
 * Tutorial, "Storage alternatives" on a remote store: the "Hello from the cloud!" array read
 * through S3 (s3rver on loopback stands in for the tutorial's zarr-demo bucket), its info table
 * as the tutorial prints it, the same through an `s3://` URL, and LRUStoreCache in front of it
 * (the second access served from the cache). The array is written by zarr-python, as in the
 * tutorial's bucket.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { openGroup, ZarrArray } from "../../src/index.ts";
import { LRUStoreCache, S3Store, storeFromUrl } from "../../src/stores/index.ts";
import { hasPackage, startS3rver } from "../helpers/servers.ts";
import { runPython, skipNoPython, tempDir } from "./helpers.ts";

const skip = skipNoPython || (!hasPackage("@aws-sdk/client-s3") ? "@aws-sdk/client-s3 is not installed" : !hasPackage("s3rver") ? "s3rver is not installed" : false);

/** The tutorial's printed `z.info` (its store type, fsspec.mapping.FSMap, is not compared). */
const TUTORIAL_INFO = [
  "Name               : /foo/bar/baz",
  "Type               : zarr.core.Array",
  "Data type          : |S1",
  "Shape              : (21,)",
  "Chunk shape        : (7,)",
  "Order              : C",
  "Read-only          : False",
  "Compressor         : Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)",
  "Store type         : fsspec.mapping.FSMap",
  "No. bytes          : 21",
  "Chunks initialized : 3/3",
];

test("S3: the tutorial's 'Hello from the cloud!' array, through S3Store, an s3:// URL and LRUStoreCache", { skip }, async (t) => {
  const dir = tempDir(t);
  const py = runPython<{ repr: string; bytes: string }>(String.raw`
root = zarr.group(store=zarr.DirectoryStore(${JSON.stringify(join(dir, "store"))}), overwrite=True)
z = root.create_dataset('foo/bar/baz', data=np.frombuffer(b'Hello from the cloud!', dtype='S1'), chunks=(7,))
out = {'repr': repr(z[:]), 'bytes': z[:].tobytes().decode()}
`);
  const s3 = await startS3rver(["zarr-demo"]);
  t.after(() => s3.stop());
  const opts = { bucket: "zarr-demo", endpoint: s3.url, region: "eu-west-2", credentials: s3.credentials, forcePathStyle: true };
  const upload = new S3Store({ ...opts, prefix: "store" });
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const f of walk(join(dir, "store"))) await upload.set(relative(join(dir, "store"), f), readFileSync(f));
  await upload.close();

  const store = new S3Store({ ...opts, prefix: "store" });
  t.after(() => store.close());
  const root = await openGroup(store, { mode: "r" });
  const z = (await root.get("foo/bar/baz")) as ZarrArray;
  assert.equal(String(z), "<zarr.core.Array '/foo/bar/baz' (21,) |S1 read-only>");
  const info = String(await z.info()).replace(/\n$/, "").split("\n");
  // Opened with mode 'r' here (the tutorial's group was writable); the store is ours, not fsspec's,
  // and it can size keys, so the table adds the two rows zarr-python prints when a store can.
  const expected = TUTORIAL_INFO.map((l) => (l.startsWith("Read-only") ? "Read-only          : True" : l));
  const sizeRows = /^(Store type|No\. bytes stored|Storage ratio)/;
  assert.deepEqual(info.filter((l) => !sizeRows.test(l)), expected.filter((l) => !sizeRows.test(l)));
  assert.match(info.join("\n"), /No\. bytes stored   : \d+\nStorage ratio      : [\d.]+\n/);
  const all = await z.get();
  assert.equal(String(all), py.repr, "z[:] as numpy prints it");
  assert.equal(Buffer.from(all.data as Uint8Array).toString(), "Hello from the cloud!");

  // zarr.open_group("s3://zarr-demo/store", storage_options=...)
  const viaUrl = storeFromUrl("s3://zarr-demo/store", { storageOptions: { key: "S3RVER", secret: "S3RVER", endpoint_url: s3.url, client_kwargs: { region_name: "eu-west-2" } } });
  t.after(() => viaUrl.close?.());
  const g = await openGroup(viaUrl, { mode: "r" });
  assert.equal(Buffer.from((await ((await g.get("foo/bar/baz")) as ZarrArray).get()).data as Uint8Array).toString(), py.bytes);

  // LRUStoreCache(store, max_size=2**28): the second read of z[:] comes from the cache.
  const cache = new LRUStoreCache(store, 2 ** 28);
  const cz = (await (await openGroup(cache, { mode: "r" })).get("foo/bar/baz")) as ZarrArray;
  assert.equal(Buffer.from((await cz.get()).data as Uint8Array).toString(), py.bytes);
  const misses = cache.misses;
  const hits = cache.hits;
  assert.equal(Buffer.from((await cz.get()).data as Uint8Array).toString(), py.bytes);
  assert.equal(cache.misses, misses, "no new store reads");
  assert.equal(cache.hits - hits, 3, "the three chunks come from the cache");
});
