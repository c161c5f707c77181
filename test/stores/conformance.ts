/**
 * The store conformance suite: one set of behaviours every store must show, so that a new store
 * (HTTP, S3, a disk cache, ...) is checked against the same contract as the built-in ones.
 *
 * Usage, in a `*.test.ts` file:
 * ```ts
 * runStoreConformance("MemoryStore", async () => ({ store: new MemoryStore() }));
 * runStoreConformance("HTTPStore", async (seed) => startServerWith(seed!), { readOnly: true });
 * ```
 * Each call registers a `describe` block of node:test tests; every test gets a fresh store from
 * `make` and calls its `cleanup` afterwards.
 * @module
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReadableStore, Store } from "../../src/stores/store.ts";
import { getRangeOf } from "../../src/stores/store.ts";

/** What a factory hands the suite. */
export interface ConformanceSubject {
  /** The store under test (a plain `Map` is allowed). */
  store: Store | Map<string, Uint8Array>;
  /** Called after each test (remove temp directories, close servers). */
  cleanup?: () => unknown | Promise<unknown>;
  /**
   * Optional: close the store and open it again on the same backing data, to check that writes
   * persist (e.g. a ZipStore only writes its archive on close). Return the reopened store.
   */
  reopen?: () => Promise<ReadableStore | Map<string, Uint8Array>>;
}

/**
 * Turn off checks a store cannot meet by design. Every flag defaults to the strict behaviour.
 */
export interface ConformanceOptions {
  /**
   * The store cannot be written. `make` is then called with {@link CONFORMANCE_SEED} and must return
   * a store holding exactly those keys; the suite checks reads, and that `set` is refused.
   */
  readOnly?: boolean;
  /** Has `listDir` (default true). */
  supportsListDir?: boolean;
  /** Has `list` or Map-style `keys()` (default true). */
  supportsList?: boolean;
  /** Has `deletePrefix` (default true). */
  supportsDeletePrefix?: boolean;
  /** Has its own `getRange` (default true); otherwise ranges are checked through `getRangeOf`. */
  supportsGetRange?: boolean;
  /** Refuses unsafe keys (`..`, absolute, NUL, backslash) with InvalidKeyError (default true). */
  checksKeys?: boolean;
  /** Honours an AbortSignal (default true). */
  supportsAbort?: boolean;
  /**
   * Why the backend cannot promise that concurrent writes to one key leave one whole value
   * (a server that writes objects in place, say). The store itself sends each value in one request;
   * atomicity then belongs to the server. Unset: checked.
   */
  nonAtomicOverwrite?: string;
  /** Skip the whole suite (a reason string, e.g. "no server available"), as node:test's `skip`. */
  skip?: boolean | string;
}

/** The contents a read-only store's factory must serve. */
export const CONFORMANCE_SEED: ReadonlyMap<string, Uint8Array> = new Map([
  ["root.txt", new TextEncoder().encode("hello")],
  ["foo/bar", Uint8Array.from({ length: 100 }, (_, i) => i)],
  ["foo/baz/qux", Uint8Array.from({ length: 256 }, (_, i) => 255 - i)],
  ["foo/empty", new Uint8Array(0)],
  ["foobar/x", new Uint8Array([7])],
]);

/** Keys every store must refuse (for reads, writes and deletes). */
export const UNSAFE_KEYS: readonly string[] = [
  "../x",
  "..",
  "a/../../x",
  "a/..",
  "/abs",
  "/etc/passwd",
  "a\0b",
  "a\\b",
  "..\\x",
];

/** Run an operation that may answer synchronously, throw synchronously or reject, as a promise. */
function call<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Assert two byte sequences are equal (whatever Uint8Array subclass either is). */
export function assertBytes(actual: Uint8Array | undefined, expected: Uint8Array, msg?: string): void {
  assert.ok(actual instanceof Uint8Array, `${msg ?? "value"}: expected bytes, got ${String(actual)}`);
  assert.equal(actual.byteLength, expected.byteLength, `${msg ?? "value"}: length`);
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  assert.ok(a.equals(b), `${msg ?? "value"}: bytes differ`);
}

/** Every key of a store, sorted, whatever listing it offers. */
async function listAll(store: Store | Map<string, Uint8Array>, prefix?: string): Promise<string[]> {
  const s = store as Store;
  const out: string[] = [];
  if (typeof s.list === "function") {
    const r = await call(() => s.list!(prefix));
    if (Symbol.asyncIterator in (r as object)) for await (const k of r as AsyncIterable<string>) out.push(k);
    else out.push(...(r as string[]));
  } else {
    for await (const k of s.keys!() as AsyncIterable<string>) out.push(k);
  }
  return out.filter((k) => k.startsWith(prefix ?? "")).sort();
}

/** Whether an error is the InvalidKeyError of a refused key and names that key. */
function isInvalidKey(key: string): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof Error, `expected an Error for ${JSON.stringify(key)}, got ${String(e)}`);
    assert.equal(e.name, "InvalidKeyError", `key ${JSON.stringify(key)}: ${e.name}: ${e.message}`);
    assert.ok(e.message.includes(JSON.stringify(key)) || e.message.includes(key), `message names the key: ${e.message}`);
    return true;
  };
}

/** Whether an error is an abort. */
function isAbort(e: unknown): boolean {
  assert.equal((e as Error)?.name, "AbortError", `expected an AbortError, got ${String(e)}`);
  return true;
}

/**
 * Register the conformance tests for one store.
 * @param name shown in the test report
 * @param make a fresh, empty store per test (or, for `readOnly`, one holding the given seed)
 * @param opts checks to turn off for stores that cannot meet them by design
 */
export function runStoreConformance(
  name: string,
  make: (seed?: ReadonlyMap<string, Uint8Array>) => Promise<ConformanceSubject>,
  opts: ConformanceOptions = {},
): void {
  const o = {
    readOnly: false,
    supportsListDir: true,
    supportsList: true,
    supportsDeletePrefix: true,
    supportsGetRange: true,
    checksKeys: true,
    supportsAbort: true,
    ...opts,
  };

  /** Run `body` with a fresh store holding the seed (written through `set` unless read-only). */
  const withStore = (body: (s: Store, subject: ConformanceSubject) => Promise<void>) => async () => {
    const subject = await make(o.readOnly ? CONFORMANCE_SEED : undefined);
    const s = subject.store as Store;
    try {
      await body(s, subject);
    } finally {
      await subject.cleanup?.();
    }
  };
  const seeded = (body: (s: Store, subject: ConformanceSubject) => Promise<void>) =>
    withStore(async (s, subject) => {
      if (!o.readOnly) for (const [k, v] of CONFORMANCE_SEED) await call(() => s.set(k, v));
      await body(s, subject);
    });
  const writable = o.readOnly ? { skip: "read-only store" } : {};

  describe(`store conformance: ${name}`, { skip: o.skip ?? false }, () => {
    test("get returns the stored bytes, including an empty value", seeded(async (s) => {
      for (const [k, v] of CONFORMANCE_SEED) assertBytes(await call(() => s.get(k)), v, k);
    }));

    test("get of a missing key, or of a 'directory', is undefined", seeded(async (s) => {
      assert.equal(await call(() => s.get("nope")), undefined);
      assert.equal(await call(() => s.get("foo/nope/deeper")), undefined);
      assert.equal(await call(() => s.get("foo")), undefined, "a prefix is not a key");
      assert.equal(await call(() => s.get("foo/baz")), undefined, "a prefix is not a key");
    }));

    test("has, when offered, agrees with get", seeded(async (s) => {
      if (typeof s.has !== "function") return;
      assert.equal(await call(() => s.has!("foo/bar")), true);
      assert.equal(await call(() => s.has!("foo/empty")), true);
      assert.equal(await call(() => s.has!("nope")), false);
      assert.equal(await call(() => s.has!("foo")), false, "a prefix is not a key");
    }));

    test("set stores binary values of every byte, and overwrites (longer then shorter)", writable, withStore(async (s) => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      await call(() => s.set("bin", all));
      assertBytes(await call(() => s.get("bin")), all);
      await call(() => s.set("k/v", new Uint8Array(1000).fill(9)));
      await call(() => s.set("k/v", new Uint8Array([1, 2, 3])));
      assertBytes(await call(() => s.get("k/v")), new Uint8Array([1, 2, 3]), "overwritten");
      await call(() => s.set("k/v", new Uint8Array(0)));
      assertBytes(await call(() => s.get("k/v")), new Uint8Array(0), "overwritten with empty");
      const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 0xff);
      await call(() => s.set("big", big));
      assertBytes(await call(() => s.get("big")), big, "1 MiB value");
      // A subarray view must store only its own bytes.
      const backing = Uint8Array.from({ length: 10 }, (_, i) => i);
      await call(() => s.set("view", backing.subarray(3, 6)));
      assertBytes(await call(() => s.get("view")), new Uint8Array([3, 4, 5]), "subarray view");
    }));

    test("delete removes a key, leaves others, and a missing key is not an error", writable, seeded(async (s) => {
      await call(() => s.delete("foo/bar"));
      assert.equal(await call(() => s.get("foo/bar")), undefined);
      assertBytes(await call(() => s.get("foo/baz/qux")), CONFORMANCE_SEED.get("foo/baz/qux")!);
      await call(() => s.delete("foo/bar"));
      await call(() => s.delete("never/was"));
      if (typeof s.has === "function") assert.equal(await call(() => s.has!("foo/bar")), false);
    }));

    test("list returns every key, or those under a prefix", { skip: o.supportsList ? false : "no list" }, seeded(async (s) => {
      assert.deepEqual(await listAll(s), [...CONFORMANCE_SEED.keys()].sort());
      assert.deepEqual(await listAll(s, "foo/"), ["foo/bar", "foo/baz/qux", "foo/empty"]);
      assert.deepEqual(await listAll(s, "foo"), ["foo/bar", "foo/baz/qux", "foo/empty", "foobar/x"]);
      assert.deepEqual(await listAll(s, "nope/"), []);
    }));

    test("listDir names direct children (keys and sub-directories)", { skip: o.supportsListDir ? false : "no listDir" }, seeded(async (s) => {
      const ld = (p?: string) => call(() => s.listDir!(p)).then((r) => [...r].sort());
      assert.equal(typeof s.listDir, "function");
      assert.deepEqual(await ld(), ["foo", "foobar", "root.txt"]);
      assert.deepEqual(await ld(""), ["foo", "foobar", "root.txt"]);
      assert.deepEqual(await ld("foo"), ["bar", "baz", "empty"]);
      assert.deepEqual(await ld("foo/"), ["bar", "baz", "empty"]);
      assert.deepEqual(await ld("foo/baz"), ["qux"]);
      assert.deepEqual(await ld("nope"), []);
    }));

    test("deletePrefix removes a prefix as a path, not as a string", { skip: o.readOnly ? "read-only store" : o.supportsDeletePrefix ? false : "no deletePrefix" }, seeded(async (s) => {
      assert.equal(typeof s.deletePrefix, "function");
      await call(() => s.deletePrefix!("foo"));
      for (const k of ["foo/bar", "foo/baz/qux", "foo/empty"]) assert.equal(await call(() => s.get(k)), undefined, k);
      assertBytes(await call(() => s.get("foobar/x")), new Uint8Array([7]), "foobar/x survives");
      assertBytes(await call(() => s.get("root.txt")), CONFORMANCE_SEED.get("root.txt")!);
      await call(() => s.deletePrefix!("never/was"));
      await call(() => s.deletePrefix!(""));
      assert.equal(await call(() => s.get("root.txt")), undefined, "'' empties the store");
      if (o.supportsList) assert.deepEqual(await listAll(s), []);
    }));

    test("getRange: offset+length, suffix, clipped past the end, missing key", seeded(async (s) => {
      if (o.supportsGetRange) assert.equal(typeof s.getRange, "function", "store implements getRange");
      const r = (k: string, q: Parameters<typeof getRangeOf>[2]) => getRangeOf(s, k, q);
      const v = CONFORMANCE_SEED.get("foo/bar")!;
      assertBytes(await r("foo/bar", { offset: 10, length: 5 }), v.subarray(10, 15), "offset+length");
      assertBytes(await r("foo/bar", { offset: 0, length: 100 }), v, "whole");
      assertBytes(await r("foo/bar", { offset: 0, length: 0 }), new Uint8Array(0), "zero length");
      assertBytes(await r("foo/bar", { suffixLength: 7 }), v.subarray(93), "suffix");
      assertBytes(await r("foo/bar", { suffixLength: 500 }), v, "suffix longer than the value");
      assertBytes(await r("foo/bar", { offset: 95, length: 10 }), v.subarray(95), "clipped at the end");
      assertBytes(await r("foo/bar", { offset: 100, length: 10 }), new Uint8Array(0), "starting at the end");
      assertBytes(await r("foo/bar", { offset: 500, length: 10 }), new Uint8Array(0), "starting past the end");
      assertBytes(await r("foo/empty", { offset: 0, length: 10 }), new Uint8Array(0), "range of an empty value");
      assertBytes(await r("foo/empty", { suffixLength: 3 }), new Uint8Array(0), "suffix of an empty value");
      assert.equal(await r("nope", { offset: 0, length: 1 }), undefined, "missing key");
      assert.equal(await r("nope", { suffixLength: 1 }), undefined, "missing key, suffix");
      assert.equal(await r("foo", { offset: 0, length: 1 }), undefined, "a prefix is not a key");
    }));

    test("unsafe keys are refused with an InvalidKeyError naming the key", { skip: o.checksKeys ? false : "store does not check keys" }, seeded(async (s) => {
      for (const k of UNSAFE_KEYS) {
        await assert.rejects(call(() => s.get(k)), isInvalidKey(k), `get ${JSON.stringify(k)}`);
        if (typeof s.has === "function") await assert.rejects(call(() => s.has!(k)), isInvalidKey(k), `has ${JSON.stringify(k)}`);
        if (typeof s.getRange === "function") {
          await assert.rejects(call(() => s.getRange!(k, { offset: 0, length: 1 })), isInvalidKey(k), `getRange ${JSON.stringify(k)}`);
        }
        if (!o.readOnly) {
          await assert.rejects(call(() => s.set(k, new Uint8Array([1]))), isInvalidKey(k), `set ${JSON.stringify(k)}`);
          await assert.rejects(call(() => s.delete(k)), isInvalidKey(k), `delete ${JSON.stringify(k)}`);
        }
      }
      for (const p of ["..", "../", "/abs", "a/../..", "a\0"]) {
        if (typeof s.listDir === "function") await assert.rejects(call(() => s.listDir!(p)), (e: unknown) => (e as Error).name === "InvalidKeyError", `listDir ${JSON.stringify(p)}`);
        if (!o.readOnly && typeof s.deletePrefix === "function") {
          await assert.rejects(call(() => s.deletePrefix!(p)), (e: unknown) => (e as Error).name === "InvalidKeyError", `deletePrefix ${JSON.stringify(p)}`);
        }
      }
      // Nothing was written or removed by the refused calls.
      for (const [k, v] of CONFORMANCE_SEED) assertBytes(await call(() => s.get(k)), v, k);
    }));

    test("an already-aborted signal rejects every I/O call with an AbortError", { skip: o.supportsAbort ? false : "store ignores signals" }, seeded(async (s) => {
      const ac = new AbortController();
      ac.abort();
      const signal = ac.signal;
      await assert.rejects(call(() => s.get("foo/bar", { signal })), isAbort, "get");
      await assert.rejects(call(() => s.get("nope", { signal })), isAbort, "get of a missing key");
      await assert.rejects(getRangeOf(s, "foo/bar", { offset: 0, length: 1 }, { signal }), isAbort, "getRange");
      if (typeof s.has === "function") await assert.rejects(call(() => s.has!("foo/bar", { signal })), isAbort, "has");
      if (!o.readOnly) {
        await assert.rejects(call(() => s.set("foo/bar", new Uint8Array([42]), { signal })), isAbort, "set");
        await assert.rejects(call(() => s.delete("foo/bar", { signal })), isAbort, "delete");
        if (typeof s.deletePrefix === "function") await assert.rejects(call(() => s.deletePrefix!("foo", { signal })), isAbort, "deletePrefix");
      }
      // Aborted calls changed nothing.
      for (const [k, v] of CONFORMANCE_SEED) assertBytes(await call(() => s.get(k)), v, k);
    }));

    test("concurrent writes to one key end with one written value intact", o.nonAtomicOverwrite ? { skip: o.nonAtomicOverwrite } : writable, withStore(async (s) => {
      const values = Array.from({ length: 16 }, (_, i) => new Uint8Array(4096 + i * 512).fill(i + 1));
      await Promise.all(values.map((v) => call(() => s.set("same/key", v))));
      const got = await call(() => s.get("same/key"));
      assert.ok(got !== undefined, "a value is present");
      const g: Uint8Array = got;
      assert.ok(values.some((v) => v.byteLength === g.byteLength && g.every((b) => b === v[0])), "one written value, intact");
    }));

    test("concurrent writes to different keys all land", writable, withStore(async (s) => {
      const keys = Array.from({ length: 40 }, (_, i) => `c/${i % 4}/k${i}`);
      await Promise.all(keys.map((k, i) => call(() => s.set(k, new Uint8Array([i, i + 1, i + 2])))));
      for (const [i, k] of keys.entries()) assertBytes(await call(() => s.get(k)), new Uint8Array([i, i + 1, i + 2]), k);
      if (o.supportsList) assert.equal((await listAll(s, "c/")).length, keys.length);
    }));

    test("writes persist when the store is reopened", writable, withStore(async (s, subject) => {
      if (!subject.reopen) return;
      for (const [k, v] of CONFORMANCE_SEED) await call(() => s.set(k, v));
      await call(() => s.delete("foobar/x"));
      const again = (await subject.reopen()) as Store;
      for (const [k, v] of CONFORMANCE_SEED) {
        if (k === "foobar/x") assert.equal(await call(() => again.get(k)), undefined, k);
        else assertBytes(await call(() => again.get(k)), v, k);
      }
    }));

    test("a read-only store refuses writes", { skip: o.readOnly ? false : "writable store" }, withStore(async (s) => {
      if (typeof s.set !== "function") return;
      await assert.rejects(call(() => s.set("new", new Uint8Array([1]))));
      assert.equal(await call(() => s.get("new")), undefined);
    }));
  });
}
