import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidKeyError } from "../../src/errors.ts";
import {
  compareKeys,
  nestedChunkKey,
  normalizeKey,
  normalizePrefix,
  normalizeStoragePath,
} from "../../src/stores/keys.ts";

test("normalizeStoragePath mirrors zarr-python", () => {
  assert.equal(normalizeStoragePath(undefined), "");
  assert.equal(normalizeStoragePath(null), "");
  assert.equal(normalizeStoragePath(""), "");
  assert.equal(normalizeStoragePath("/"), "");
  assert.equal(normalizeStoragePath("//foo//bar//"), "foo/bar");
  assert.equal(normalizeStoragePath("foo\\bar\\baz"), "foo/bar/baz");
  assert.equal(normalizeStoragePath("/foo/bar"), "foo/bar");
  assert.equal(normalizeStoragePath("foo/.zarray"), "foo/.zarray");
  assert.equal(normalizeStoragePath("foo/0.0"), "foo/0.0");
  assert.equal(normalizeStoragePath("foo/..bar/x.."), "foo/..bar/x..");
});

test("normalizeStoragePath refuses . and .. segments, NUL and drive letters", () => {
  for (const bad of ["..", ".", "foo/../bar", "foo/./bar", "foo/..", "../foo", "foo\\..\\bar", "a\0b", "C:/x", "c:\\x", "/D:/x"]) {
    assert.throws(() => normalizeStoragePath(bad), InvalidKeyError, bad);
  }
});

test("normalizeKey refuses absolute and empty keys and names the key", () => {
  assert.equal(normalizeKey("foo//bar/"), "foo/bar");
  for (const bad of ["a\\b", "..\\x", "/etc/passwd", "\\server\\share", "", "/", "../x", "x/../../y", "C:\\Windows", "a\0"]) {
    assert.throws(() => normalizeKey(bad), InvalidKeyError, JSON.stringify(bad));
  }
  assert.throws(() => normalizeKey("foo/../../etc"), (e: unknown) => {
    assert.ok(e instanceof InvalidKeyError);
    assert.match(e.message, /foo\/\.\.\/\.\.\/etc/);
    return true;
  });
  assert.throws(() => normalizeKey("/abs"), /"\/abs"/);
});

test("normalizePrefix allows empty, keeps a trailing slash on request, refuses absolute", () => {
  assert.equal(normalizePrefix(undefined), "");
  assert.equal(normalizePrefix(""), "");
  assert.equal(normalizePrefix("foo/"), "foo");
  assert.equal(normalizePrefix("foo/", true), "foo/");
  assert.equal(normalizePrefix("foo//bar//", true), "foo/bar/");
  assert.equal(normalizePrefix("foo", true), "foo");
  assert.throws(() => normalizePrefix("/"), InvalidKeyError);
  assert.throws(() => normalizePrefix("/foo"), InvalidKeyError);
  assert.throws(() => normalizePrefix("foo/.."), InvalidKeyError);
  assert.throws(() => normalizePrefix("foo\\bar"), InvalidKeyError);
});

test("compareKeys sorts by code point like Python", () => {
  const keys = ["b", "\u{1F600}", "\uFF21", "a", ".zarray", "0.1", "0.0", "10", "9"];
  assert.deepEqual([...keys].sort(compareKeys), [".zarray", "0.0", "0.1", "10", "9", "a", "b", "\uFF21", "\u{1F600}"]);
});

test("nestedChunkKey matches zarr-python's _nested_map_ckey", () => {
  assert.equal(nestedChunkKey("foo/bar/0.1.2"), "foo/bar/0/1/2");
  assert.equal(nestedChunkKey("0.0"), "0/0");
  assert.equal(nestedChunkKey("foo/0"), "foo/0");
  assert.equal(nestedChunkKey("foo/.zarray"), "foo/.zarray");
  assert.equal(nestedChunkKey("foo/0/1"), "foo/0/1");
  assert.equal(nestedChunkKey("foo.1/bar"), "foo.1/bar");
  assert.equal(nestedChunkKey("1.2/x.0"), "1.2/x.0");
  assert.equal(nestedChunkKey("c0.0"), "c0.0");
});
