/**
 * The one optional-package loader (src/util/optional-peer.ts) behind the store SDKs, h5wasm and
 * the optional peers: one error class under both public names, naming the package to install.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MissingPeerDependencyError, ZarrError } from "../../src/internal.ts";
import { MissingDependencyError } from "../../src/stores/index.ts";
import { importPeer, loadOptional, requirePeer } from "../../src/util/optional-peer.ts";

test("one error class under both exported names", async () => {
  assert.equal(MissingPeerDependencyError, MissingDependencyError);
  const e = await importPeer("zarrflow-no-such-peer", "RedisSynchronizer").catch((x: unknown) => x);
  assert.ok(e instanceof MissingPeerDependencyError && e instanceof MissingDependencyError && e instanceof ZarrError);
  assert.equal((e as MissingDependencyError).feature, "RedisSynchronizer");
  assert.match((e as Error).message, /^RedisSynchronizer needs the optional npm package "zarrflow-no-such-peer", which is not installed \(install it with `npm install zarrflow-no-such-peer`\)$/);
  assert.throws(() => requirePeer("zarrflow-no-such-peer", "Observable support"), (x: unknown) => x instanceof MissingDependencyError && /Observable support needs/.test((x as Error).message));
});

test("a subpath import names the package to install", async () => {
  await assert.rejects(loadOptional("zarrflow-no-such-pkg/node", "HDF5Store"), (e: unknown) => {
    assert.ok(e instanceof MissingDependencyError);
    assert.equal(e.packageName, "zarrflow-no-such-pkg");
    assert.match(e.message, /npm install zarrflow-no-such-pkg`/);
    return true;
  });
  await assert.rejects(loadOptional("@zarrflow-none/sdk/sub", "S3Store"), { packageName: "@zarrflow-none/sdk" });
});

test("an installed package loads once and is shared", async () => {
  const a = loadOptional<typeof import("fflate")>("fflate", "test");
  assert.equal(a, loadOptional("fflate", "test"));
  assert.equal(typeof (await a).zlibSync, "function");
});
