/**
 * RedisStore against a real redis-server started on a free loopback port: the conformance suite,
 * a hierarchy through the public API, and interop both ways with zarr-python's RedisStore
 * (python3-redis) on the same server.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { RedisStore } from "../../src/stores/redis.ts";
import { prefixLocations, runBackendConformance, sharedServer } from "./_harness.ts";
import { assertSummary, pythonSummary, pythonWrite, readHierarchy, writeHierarchy } from "../helpers/store-checks.ts";
import { PYTHON, runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { redisSkip, startRedis } from "../helpers/servers.ts";

const skip = redisSkip;
const skipInterop =
  skip || skipWithoutZarrPython || (spawnSync(PYTHON, ["-c", "import redis"], { stdio: "ignore" }).status === 0 ? false : "python3-redis is not installed");

const redis = sharedServer(skip, startRedis);

let n = 0;
/** A store on a fresh prefix of the shared server. */
function fresh(prefix = `t${++n}`): RedisStore {
  return new RedisStore({ url: redis().url, prefix });
}

runBackendConformance("RedisStore", { location: prefixLocations((i) => `conf${i}`), open: (prefix) => fresh(prefix) }, { skip });

test("RedisStore: a hierarchy through the public API; keys are <prefix>:<key>; prefixes do not mix", { skip }, async (t) => {
  const store = fresh("hier");
  t.after(() => store.close());
  const other = fresh("hier2");
  t.after(() => other.close());
  await other.set(".zgroup", new TextEncoder().encode("{}"));
  await writeHierarchy(store);
  assertSummary(await readHierarchy(store), "same store");
  const { Redis } = await import("ioredis");
  const raw = new Redis(redis().url);
  t.after(() => raw.quit());
  const keys = (await raw.keys("hier:*")).sort();
  assert.ok(keys.includes("hier:.zgroup") && keys.includes("hier:foo/bar/0.0"), keys.join(","));
  assert.deepEqual(keys.map((k) => k.slice(5)), await store.list());
  assert.deepEqual(await other.list(), [".zgroup"]);
  // Glob characters in a prefix are matched literally.
  const star = fresh("h*");
  t.after(() => star.close());
  assert.deepEqual(await star.list(), []);
  await store.close();
  const again = fresh("hier");
  t.after(() => again.close());
  assertSummary(await readHierarchy(again), "a new connection");
});

test("RedisStore interop: zarr-python reads what zarrflow wrote, and the reverse", { skip: skipInterop }, async (t) => {
  const ours = fresh("ours");
  t.after(() => ours.close());
  await writeHierarchy(ours);
  const port = redis().port;
  assertSummary(pythonSummary("zarr.RedisStore(prefix='ours', host='127.0.0.1', port=inp['port'])", { port }, "store.client.close()"), "zarr-python reading zarrflow's keys");

  pythonWrite("zarr.RedisStore(prefix='theirs', host='127.0.0.1', port=inp['port'])", { port }, "store.client.close()");
  const theirs = fresh("theirs");
  t.after(() => theirs.close());
  assertSummary(await readHierarchy(theirs), "zarrflow reading zarr-python's keys");
  const pyKeys = runPython<string[]>("store = zarr.RedisStore(prefix='theirs', host='127.0.0.1', port=inp['port'])\nout = sorted(store.keys())", { port });
  assert.deepEqual(await theirs.list(), pyKeys);
});
