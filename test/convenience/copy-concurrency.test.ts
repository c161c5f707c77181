/**
 * copyStore / copy / copyAll with bounded concurrency and cancellation: a slow store wrapper (real
 * MemoryStore underneath, each call yielding to the event loop a few times) counts requests in
 * flight; an AbortSignal rejects the copy with an AbortError, leaves every key old or new, and the
 * destination is never reported complete.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryStore, ZarrArray, arange, copy, copyAll, copyStore, group, openGroup, type Store, type ZarrGroup } from "../../src/index.ts";
import type { AbortOptions } from "../../src/stores/store.ts";

/** Yield to the event loop `n` times (a store that answers later, without timers). */
async function later(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A MemoryStore behind calls that take a few event-loop turns, counting gets and sets in flight. */
class SlowStore implements Store {
  readonly inner = new MemoryStore();
  inflight = 0;
  maxInflight = 0;
  sets = 0;
  /** Called after each completed set (e.g. to abort a copy part-way). */
  afterSet: ((n: number) => void) | null = null;

  async #slow<T>(fn: () => T | Promise<T>, signal?: AbortSignal): Promise<T> {
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    try {
      await later(3);
      signal?.throwIfAborted();
      return await fn();
    } finally {
      this.inflight--;
    }
  }
  get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    return this.#slow(() => this.inner.get(key, opts), opts?.signal);
  }
  async set(key: string, value: Uint8Array, opts?: AbortOptions): Promise<void> {
    await this.#slow(() => this.inner.set(key, value, opts), opts?.signal);
    this.afterSet?.(++this.sets);
  }
  delete(key: string): unknown {
    return this.inner.delete(key);
  }
  list(prefix?: string): string[] {
    return this.inner.list(prefix);
  }
  listDir(prefix?: string): string[] {
    return this.inner.listDir(prefix);
  }
  keys(): Iterable<string> {
    return this.inner.keys();
  }
}

/** A group with a 1-d array of 40 chunks and a 2-d one of 16 chunks. */
async function source(store: Store): Promise<ZarrGroup> {
  const root = await group(store, { overwrite: true });
  await root.createDataset("a/long", { data: arange(400), chunks: [10] });
  await root.createDataset("b", { data: arange(64 * 64).reshape(64, 64), chunks: [16, 16] });
  await root.attrs.update({ title: "src" });
  return root;
}

function lines(): { lines: string[]; log: (l: string) => void } {
  const out: string[] = [];
  return { lines: out, log: (l) => out.push(l) };
}

test("copyStore: at most `concurrency` requests in flight, same log and bytes as one at a time", async () => {
  const src = new MemoryStore();
  await source(src);
  const one = lines();
  const serial = new SlowStore();
  const r1 = await copyStore(src, serial, { log: one.log, concurrency: 1 });
  assert.equal(serial.maxInflight, 1);
  for (const limit of [3, 8]) {
    const dst = new SlowStore();
    const l = lines();
    const r = await copyStore(src, dst, { log: l.log, concurrency: limit });
    assert.deepEqual(r, r1);
    assert.deepEqual(l.lines, one.lines, "log lines in zarr-python's order");
    assert.ok(dst.maxInflight <= limit, `max in flight ${dst.maxInflight} > ${limit}`);
    assert.ok(dst.maxInflight > 1, `concurrency ${limit} used (max in flight ${dst.maxInflight})`);
    for (const k of src.keys()) assert.deepEqual(await dst.get(k), await src.get(k), k);
  }
  assert.equal(one.lines.at(-1), `all done: ${r1[0]} copied, 0 skipped, ${r1[2].toLocaleString("en-US")} bytes copied`);
});

test("copy and copyAll: chunk transfers bounded by `concurrency`, values and log unchanged", async () => {
  const srcStore = new SlowStore();
  const root = await source(srcStore);
  const ref = lines();
  const refDest = await group(new MemoryStore());
  const r0 = await copyAll(root, refDest, { log: ref.log, concurrency: 1 });
  for (const limit of [2, 5]) {
    const dstStore = new SlowStore();
    const dest = await group(dstStore);
    srcStore.maxInflight = 0;
    const l = lines();
    assert.deepEqual(await copyAll(root, dest, { log: l.log, concurrency: limit }), r0);
    assert.deepEqual(l.lines, ref.lines);
    assert.ok(dstStore.maxInflight <= limit && srcStore.maxInflight <= limit, `in flight: dest ${dstStore.maxInflight}, source ${srcStore.maxInflight}, limit ${limit}`);
    assert.ok(dstStore.maxInflight > 1, "chunks moved concurrently");
    const b = (await dest.get("b")) as ZarrArray;
    assert.deepEqual((await b.get()).toList(), (await ((await root.get("b")) as ZarrArray).get()).toList());
    assert.deepEqual(await dest.attrs.asObject(), { title: "src" });
  }
  const one = await group(new SlowStore());
  assert.deepEqual(await copy((await root.get("b")) as ZarrArray, one, { concurrency: 4 }), [1, 0, 64 * 64 * 8]);
  await assert.rejects(copyStore(new MemoryStore(), new MemoryStore(), { concurrency: 0 }), /concurrency/);
});

test("copyStore with a signal: abort rejects with an AbortError, copied keys stay whole, no summary line", async () => {
  const src = new MemoryStore();
  await source(src);
  const total = [...src.keys()].length;
  const dst = new SlowStore();
  const ac = new AbortController();
  dst.afterSet = (n) => {
    if (n === 10) ac.abort();
  };
  const l = lines();
  await assert.rejects(copyStore(src, dst, { log: l.log, signal: ac.signal, concurrency: 4 }), (e: Error) => e.name === "AbortError");
  const copied = [...dst.keys()];
  assert.ok(copied.length >= 10 && copied.length < total, `${copied.length} of ${total} keys copied`);
  for (const k of copied) assert.deepEqual(await dst.get(k), await src.get(k), `${k} is the source's bytes`);
  assert.ok(!l.lines.some((x) => x.startsWith("all done")), "never reported complete");
  // Nothing is still writing after the rejection.
  const after = dst.sets;
  await later(20);
  assert.equal(dst.sets, after);
  // An aborted signal rejects before anything is copied.
  const empty = new MemoryStore();
  await assert.rejects(copyStore(src, empty, { signal: AbortSignal.abort() }), { name: "AbortError" });
  assert.equal([...empty.keys()].length, 0);
});

test("copyAll with a signal: the interrupted array shows missing chunks, a rerun with skip_initialized completes it", async () => {
  const root = await source(new MemoryStore());
  const dstStore = new SlowStore();
  const dest = await group(dstStore);
  const ac = new AbortController();
  dstStore.afterSet = (n) => {
    if (n === 12) ac.abort();
  };
  const l = lines();
  await assert.rejects(copyAll(root, dest, { log: l.log, signal: ac.signal, concurrency: 3 }), { name: "AbortError" });
  assert.ok(!l.lines.some((x) => x.startsWith("all done")));
  assert.deepEqual(await dest.attrs.asObject(), {}, "the group's attributes are copied last, so they are absent");
  const reopened = await openGroup(dstStore, { mode: "r" });
  const part = (await reopened.get("a/long")) as ZarrArray;
  const n = await part.nchunksInitialized();
  assert.ok(n < part.nchunks, `${n} of ${part.nchunks} chunks: visibly incomplete`);
  // Each stored chunk is whole: the stored values equal the source where present, fill elsewhere.
  const got = (await part.get()).toList() as (number | bigint)[];
  got.forEach((v, i) => assert.ok(Number(v) === i || Number(v) === 0, `element ${i} is ${v}`));
  dstStore.afterSet = null;
  const again = lines();
  await copyAll(root, dest, { log: again.log, ifExists: "skip_initialized" });
  const done = (await dest.get("a/long")) as ZarrArray;
  assert.equal(await done.nchunksInitialized(), done.nchunks);
  assert.deepEqual(((await done.get()).toList() as (number | bigint)[]).map(Number), Array.from({ length: 400 }, (_, i) => i));
  assert.match(again.lines.at(-1)!, /^all done: /);
  await assert.rejects(copyStore(new MemoryStore(), new MemoryStore(), { concurrency: 1.5 }), /concurrency/);
});
