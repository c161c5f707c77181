import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { create, zeros, slice, DirectoryStore, MemoryStore, RedisSynchronizer } from "../../src/internal.ts";
import { CountingStore } from "../streams/_util.ts";
import { CHUNKS, SHAPE, assertNoneLost, runProcesses, tempDir, workload } from "./_util.ts";
import { redisSkip, startRedis } from "../helpers/servers.ts";
import { toDescriptor } from "../../sync/index.ts";

let server: Awaited<ReturnType<typeof startRedis>>;
const opened: RedisSynchronizer[] = [];
const sync = (opts = {}) => {
  const s = new RedisSynchronizer(server.url, opts);
  opened.push(s);
  return s;
};

before(async () => {
  if (!redisSkip) server = await startRedis();
});
after(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.stop();
});

test("RedisSynchronizer: 4 child processes × 1000 random unaligned writes lose none", { skip: redisSkip }, async () => {
  const z = await create({ store: new DirectoryStore(tempDir("zarrflow-redis-")), shape: SHAPE, chunks: CHUNKS, dtype: "<i4", compressor: null, synchronizer: sync() });
  const { tiles, expected } = workload(31);
  const d = JSON.parse(JSON.stringify(toDescriptor(z)));
  assert.equal(d.synchronizer.type, "RedisSynchronizer");
  await runProcesses(d, tiles, 4);
  await assertNoneLost(z, expected, tiles);
});

test("RedisSynchronizer: the deterministic race loses nothing", { skip: redisSkip }, async () => {
  const store = new CountingStore(new MemoryStore());
  const z = await zeros([4, 4], { chunks: [4, 4], dtype: "<i4", store, synchronizer: sync(), compressor: null });
  store.delayGet = 5;
  await Promise.all([z.set([slice(0, 2), null], 1), z.set([slice(2, 4), null], 2)]);
  assert.deepEqual((await z.get(":, 0")).toList(), [1, 1, 2, 2]);
});

test("RedisSynchronizer: SET NX PX with a token; renewal keeps a long hold; release never frees another's lock", { skip: redisSkip }, async () => {
  const raw = new Redis(server.url);
  try {
    const s = sync({ ttl: 300, prefix: "t1:" });
    const release = await s.lock("0.0");
    const token = await raw.get("t1:0.0");
    assert.match(token!, /^[0-9a-f-]{36}$/);
    const pttl = await raw.pttl("t1:0.0");
    assert.ok(pttl > 0 && pttl <= 300, `expires (${pttl} ms left)`);
    // Held for 3 × ttl: renewal keeps it.
    await new Promise((r) => setTimeout(r, 900));
    assert.equal(await raw.get("t1:0.0"), token, "still ours after 3 ttl");
    // Another client waits meanwhile.
    const other = sync({ ttl: 300, prefix: "t1:" });
    let got = false;
    const pending = other.lock("0.0").then((r) => {
      got = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got, false);
    await release();
    const r2 = await pending;
    assert.notEqual(await raw.get("t1:0.0"), token);
    await r2();
    assert.equal(await raw.get("t1:0.0"), null);

    // A holder whose lock expired (renewal impossible, e.g. a long pause) must not delete its successor's.
    const slow = sync({ ttl: 200, prefix: "t2:" });
    const rel = await slow.lock("k");
    await raw.set("t2:k", "someone-else", "PX", 10000); // the lock expired and was taken by another writer
    await assert.rejects(async () => rel(), /was lost/);
    assert.equal(await raw.get("t2:k"), "someone-else");
  } finally {
    raw.disconnect();
  }
});
