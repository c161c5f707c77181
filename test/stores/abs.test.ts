/**
 * ABSStore against a real Azure Blob Storage emulator (azurite's blob service, started in memory on
 * a free loopback port): the conformance suite, a hierarchy through the public API under a prefix,
 * ranged downloads, and deletePrefix.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ABSStore } from "../../src/stores/abs.ts";
import { storeFromUrl } from "../../src/stores/index.ts";
import { prefixLocations, runBackendConformance, sharedServer, skipUnlessInstalled } from "./_harness.ts";
import { assertSummary, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { startAzurite } from "../helpers/servers.ts";

const skip = skipUnlessInstalled(["@azure/storage-blob", "azurite"], { azurite: "azurite (the test Azure Blob server)" });

const azurite = sharedServer(skip, async () => {
  const server = await startAzurite();
  const { BlobServiceClient } = await import("@azure/storage-blob");
  const svc = BlobServiceClient.fromConnectionString(server.connectionString);
  await svc.getContainerClient("zarr").createIfNotExists();
  await svc.getContainerClient("other").createIfNotExists();
  return server;
});

let n = 0;
function fresh(prefix = `t${++n}`, container = "zarr"): ABSStore {
  return new ABSStore({ container, prefix, connectionString: azurite().connectionString });
}

runBackendConformance("ABSStore", { location: prefixLocations((i) => `conf${i}/data.zarr`), open: (prefix) => fresh(prefix) }, { skip });

test("ABSStore: a hierarchy through the public API, under a prefix, reads back through a new client", { skip }, async (t) => {
  const store = fresh("data/group.zarr");
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  assert.deepEqual(await store.listDir(""), [".zattrs", ".zgroup", "foo", "i2be", "nan"]);
  assert.deepEqual(await store.listDir("foo/deep"), [".zgroup", "f4"]);
  assert.equal(await store.getSize("foo/u8"), (await store.get("foo/u8/.zarray"))!.byteLength + 16);
  await store.close();
  await assert.rejects(store.get(".zgroup"), /closed/);
  const root = fresh("");
  t.after(() => root.close());
  assert.ok((await root.list("data/group.zarr/")).includes("data/group.zarr/foo/bar/0.0"));
  assert.deepEqual(await root.listDir("data"), ["group.zarr"]);
  const again = fresh("data/group.zarr");
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "a new client");
  const other = fresh("data/group.zarr", "other");
  t.after(() => other.close());
  assert.deepEqual(await other.list(), []);
  // A container client can be passed instead of a connection string.
  const { BlobServiceClient } = await import("@azure/storage-blob");
  const viaClient = new ABSStore({ client: BlobServiceClient.fromConnectionString(azurite().connectionString).getContainerClient("zarr"), prefix: "data/group.zarr" });
  t.after(() => viaClient.close());
  assertSummary(await readHierarchy(viaClient), "through a ContainerClient");
  assert.throws(() => new ABSStore({ container: "x" }), /connectionString/);
  const viaUrl = storeFromUrl("abfs://zarr/data/group.zarr", { storageOptions: { connection_string: azurite().connectionString } });
  t.after(() => viaUrl.close?.());
  assertSummary(await readHierarchy(viaUrl), "through abfs:// and storeFromUrl");
});

test("ABSStore: a missing container is an error, not an empty store", { skip }, async (t) => {
  const store = fresh("x", "no-such-container");
  t.after(() => store.close());
  await assert.rejects(store.get(".zgroup"), (e: unknown) => /ContainerNotFound|container/i.test(`${(e as { code?: string }).code} ${(e as Error).message}`));
});

test("ABSStore: an abort during a request rejects with an AbortError", { skip }, async (t) => {
  const store = fresh("abort");
  t.after(() => store.close());
  await store.set("k", new Uint8Array(1 << 20));
  const ac = new AbortController();
  const p = store.get("k", { signal: ac.signal });
  ac.abort();
  await assert.rejects(p, (e: unknown) => (e as Error).name === "AbortError");
});
