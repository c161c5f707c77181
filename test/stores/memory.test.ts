import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidKeyError } from "../../src/errors.ts";
import { MemoryStore } from "../../src/stores/memory.ts";

const b = (...xs: number[]) => new Uint8Array(xs);

test("MemoryStore round trip, missing keys, has, delete", () => {
  const s = new MemoryStore();
  assert.equal(s.storeType, "zarr.storage.MemoryStore");
  assert.equal(s.get("a"), undefined);
  assert.equal(s.has("a"), false);
  s.set("a/b/.zarray", b(1, 2, 3));
  assert.deepEqual(s.get("a/b/.zarray"), b(1, 2, 3));
  assert.deepEqual(s.get("a//b/.zarray"), b(1, 2, 3), "keys are normalized");
  assert.equal(s.has("a/b/.zarray"), true);
  assert.equal(s.has("a/b"), false, "a directory is not a key");
  s.delete("a/b/.zarray");
  s.delete("a/b/.zarray"); // missing is fine
  assert.equal(s.get("a/b/.zarray"), undefined);
  assert.equal(s.size, 0);
});

test("MemoryStore stores values by reference", () => {
  const s = new MemoryStore();
  const v = b(1);
  s.set("k", v);
  assert.equal(s.get("k"), v);
});

test("MemoryStore list, listDir, deletePrefix, getSize", () => {
  const s = new MemoryStore([
    [".zgroup", b(1)],
    ["foo/.zarray", b(1, 2)],
    ["foo/0.0", b(1, 2, 3)],
    ["foo/0.1", b(1, 2, 3, 4)],
    ["foo/1/0", b(1, 2, 3, 4, 5)],
    ["foobar/.zgroup", b(9)],
    ["foobar/x/.zarray", b(9, 9)],
  ]);
  assert.deepEqual(s.list(), [".zgroup", "foo/.zarray", "foo/0.0", "foo/0.1", "foo/1/0", "foobar/.zgroup", "foobar/x/.zarray"]);
  assert.deepEqual(s.list("foo/"), ["foo/.zarray", "foo/0.0", "foo/0.1", "foo/1/0"]);
  assert.deepEqual(s.list("foo/0."), ["foo/0.0", "foo/0.1"]);
  assert.equal(s.list("foo").length, 6);
  assert.deepEqual(s.listDir(), [".zgroup", "foo", "foobar"]);
  assert.deepEqual(s.listDir("/".slice(1)), [".zgroup", "foo", "foobar"]);
  assert.deepEqual(s.listDir("foo"), [".zarray", "0.0", "0.1", "1"]);
  assert.deepEqual(s.listDir("foo/"), [".zarray", "0.0", "0.1", "1"]);
  assert.deepEqual(s.listDir("foo/0.0"), [], "a key has no children");
  assert.deepEqual(s.listDir("nope"), []);
  assert.equal(s.getSize("foo"), 2 + 3 + 4 + 5);
  assert.equal(s.getSize("foo/0.1"), 4);
  assert.equal(s.getSize("nope"), 0);
  assert.equal(s.getSize(), 1 + 14 + 1 + 2);
  s.deletePrefix("foo");
  assert.deepEqual(s.list(), [".zgroup", "foobar/.zgroup", "foobar/x/.zarray"], "foobar survives deleting foo");
  s.deletePrefix("");
  assert.deepEqual(s.list(), []);
});

test("MemoryStore refuses '..' and absolute keys everywhere", () => {
  const s = new MemoryStore();
  for (const bad of ["../x", "a/../../x", "/abs", "/"]) {
    assert.throws(() => s.get(bad), InvalidKeyError);
    assert.throws(() => s.set(bad, b(1)), InvalidKeyError);
    assert.throws(() => s.delete(bad), InvalidKeyError);
    assert.throws(() => s.has(bad), InvalidKeyError);
    assert.throws(() => s.list(bad), InvalidKeyError);
    assert.throws(() => s.listDir(bad), InvalidKeyError);
    assert.throws(() => s.deletePrefix(bad), InvalidKeyError);
    assert.throws(() => s.getSize(bad), InvalidKeyError);
  }
  assert.throws(() => new MemoryStore([["../x", b(1)]]), InvalidKeyError);
});
