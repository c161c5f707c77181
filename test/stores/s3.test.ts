/**
 * S3Store against a real S3-protocol server (s3rver, started on a free loopback port): the
 * conformance suite, a hierarchy through the public API, pagination of listings past 1000 keys,
 * ranged reads on the wire, and deletePrefix in batches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { S3Store } from "../../src/stores/s3.ts";
import { storeFromUrl } from "../../src/stores/index.ts";
import { prefixLocations, runBackendConformance, sharedServer, skipUnlessInstalled } from "./_harness.ts";
import { assertSummary, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { startS3rver } from "../helpers/servers.ts";

const skip = skipUnlessInstalled(["@aws-sdk/client-s3", "s3rver"], { s3rver: "s3rver (the test S3 server)" });

const s3rver = sharedServer(skip, () => startS3rver(["zarr", "other"]));

let n = 0;
function fresh(prefix = `t${++n}`, bucket = "zarr"): S3Store {
  // The SDK's default retries stay on: s3rver occasionally fails a DeleteObjects with a 500 (a race
  // in its file layout) and drops the connection on a ranged read of an empty object (real S3
  // answers 416; the store falls back to HeadObject after the SDK gives up).
  return new S3Store({ bucket, prefix, endpoint: s3rver().url, region: "us-east-1", credentials: s3rver().credentials, forcePathStyle: true });
}

// s3rver writes each object in place (createWriteStream on the object's file, no rename), so two
// PUTs of one key at once can interleave on its disk; real S3 makes every PUT atomic. S3Store sends a
// value in one PutObject, so there is nothing on the client side to check here.
const nonAtomicOverwrite = "s3rver writes objects in place: concurrent PUTs of one key interleave in the server (real S3 PUTs are atomic)";
runBackendConformance("S3Store", { location: prefixLocations((i) => `conf${i}/data.zarr`), open: (prefix) => fresh(prefix) }, { skip, nonAtomicOverwrite });

test("S3Store: a hierarchy through the public API, under a prefix, reads back through a new client", { skip }, async (t) => {
  const store = fresh("data/group.zarr");
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  assert.deepEqual(await store.listDir(""), [".zattrs", ".zgroup", "foo", "i2be", "nan"]);
  assert.deepEqual(await store.listDir("foo/deep"), [".zgroup", "f4"]);
  await store.close();
  await assert.rejects(store.get(".zgroup"), /closed/);
  // The objects are where zarr-python's FSStore on s3://zarr/data/group.zarr would put them.
  const root = fresh("");
  t.after(() => root.close());
  assert.ok((await root.list("data/group.zarr/")).includes("data/group.zarr/foo/bar/0.0"));
  assert.deepEqual(await root.listDir("data"), ["group.zarr"]);
  const again = fresh("data/group.zarr");
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "a new client");
  // Another bucket is another store.
  const other = fresh("data/group.zarr", "other");
  t.after(() => other.close());
  assert.deepEqual(await other.list(), []);
  // The same hierarchy through an s3:// URL with fsspec-style storage options.
  const viaUrl = storeFromUrl("s3://zarr/data/group.zarr", {
    storageOptions: { key: "S3RVER", secret: "S3RVER", client_kwargs: { endpoint_url: s3rver().url, region_name: "us-east-1" } },
  });
  t.after(() => viaUrl.close?.());
  assertSummary(await readHierarchy(viaUrl), "through s3:// and storeFromUrl");
});

test("S3Store: listings paginate (ListObjectsV2 continuation); deletePrefix removes in batches", { skip }, async (t) => {
  const store = new S3Store({ bucket: "zarr", prefix: "many", endpoint: s3rver().url, credentials: s3rver().credentials, forcePathStyle: true, listPageSize: 7 });
  t.after(() => store.close());
  const keys = Array.from({ length: 40 }, (_, i) => `a/${String(i).padStart(5, "0")}`);
  for (let i = 0; i < keys.length; i += 8) await Promise.all(keys.slice(i, i + 8).map((k) => store.set(k, new Uint8Array([1, 2]))));
  await store.set("b", new Uint8Array(3));
  assert.deepEqual(await store.list("a/"), keys);
  assert.deepEqual(await store.listDir("a"), keys.map((k) => k.slice(2)));
  assert.deepEqual(await store.listDir(""), ["a", "b"]);
  assert.equal(await store.getSize("a"), 80);
  assert.equal(await store.getSize(""), 83);
  await store.deletePrefix("a");
  assert.deepEqual(await store.list(), ["b"]);
});

test("S3Store: a missing bucket is an error, not an empty store", { skip }, async (t) => {
  const store = fresh("x", "no-such-bucket");
  t.after(() => store.close());
  await assert.rejects(store.get(".zgroup"), (e: unknown) => /NoSuchBucket|bucket/i.test(`${(e as Error).name} ${(e as Error).message}`));
});

test("S3Store: an abort during a request rejects with an AbortError", { skip }, async (t) => {
  const store = fresh("abort");
  t.after(() => store.close());
  await store.set("k", new Uint8Array(1 << 20));
  const ac = new AbortController();
  const p = store.get("k", { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, (e: unknown) => (e as Error).name === "AbortError");
});
