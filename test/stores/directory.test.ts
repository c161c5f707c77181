import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidKeyError, KeyError, ZarrError } from "../../src/errors.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";

const b = (...xs: number[]) => new Uint8Array(xs);

/** A fresh temp directory removed after the test. */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-dir-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under `dir`, relative, `/`-separated. */
function allFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(dir.length + 1))
    .sort();
}

test("DirectoryStore round trip, files on disk, missing keys", async (t) => {
  const root = tempDir(t);
  const s = new DirectoryStore(join(root, "data.zarr"));
  assert.equal(s.storeType, "zarr.storage.DirectoryStore");
  assert.equal(s.path, join(root, "data.zarr"));
  assert.equal(await s.get("foo/.zarray"), undefined, "missing root dir");
  await s.set("foo/bar/0.0", b(1, 2, 3));
  assert.deepEqual(readFileSync(join(root, "data.zarr/foo/bar/0.0")), Buffer.from([1, 2, 3]));
  const got = await s.get("foo/bar/0.0");
  assert.ok(got instanceof Uint8Array && !Buffer.isBuffer(got), "a plain Uint8Array");
  assert.deepEqual(got, b(1, 2, 3));
  assert.deepEqual(await s.get("foo//bar/0.0/"), b(1, 2, 3));
  assert.equal(await s.get("foo/bar"), undefined, "a directory is not a key");
  assert.equal(await s.get("foo/bar/0.0/x"), undefined, "ENOTDIR is missing");
  assert.equal(await s.has("foo/bar/0.0"), true);
  assert.equal(await s.has("foo/bar"), false);
  assert.equal(await s.has("nope"), false);
  await s.set("foo/bar/0.0", b(4));
  assert.deepEqual(await s.get("foo/bar/0.0"), b(4));
  await s.delete("foo/bar/0.0");
  await s.delete("foo/bar/0.0"); // missing is fine
  await s.delete("foo/bar"); // a directory is not a key: no-op
  assert.equal(await s.get("foo/bar/0.0"), undefined);
  assert.ok(existsSync(join(root, "data.zarr/foo/bar")), "delete prunes nothing else");
  assert.deepEqual(await s.list(), []);
});

test("DirectoryStore constructor checks the root", (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, "file"), "x");
  assert.throws(() => new DirectoryStore(join(root, "file")), ZarrError);
  assert.throws(() => new DirectoryStore(root, { dimensionSeparator: "-" as never }), ZarrError);
  assert.equal(new DirectoryStore("rel/x").path, join(process.cwd(), "rel/x"));
  assert.deepEqual(new DirectoryStore(root).toDescriptor(), { type: "DirectoryStore", path: root });
});

test("DirectoryStore set: a file in the parent path is a KeyError, a directory in the way is replaced", async (t) => {
  const s = new DirectoryStore(tempDir(t));
  await s.set("a", b(1));
  await assert.rejects(s.set("a/b", b(2)), KeyError);
  await s.set("d/x/y", b(3));
  await s.set("d/x", b(4));
  assert.deepEqual(await s.get("d/x"), b(4));
  assert.deepEqual(await s.list(), ["a", "d/x"]);
});

test("DirectoryStore list, listDir, deletePrefix, getSize", async (t) => {
  const root = tempDir(t);
  const s = new DirectoryStore(root);
  await s.set(".zgroup", b(1));
  await s.set("foo/.zarray", b(1, 2));
  await s.set("foo/0.0", b(1, 2, 3));
  await s.set("foo/0.1", b(1, 2, 3, 4));
  await s.set("foo/1/0", b(1, 2, 3, 4, 5));
  await s.set("foobar/.zgroup", b(9));
  await s.set("foobar/x/.zarray", b(9, 9));
  writeFileSync(join(root, "foo", ".0.0.123.abcdef.partial"), "junk"); // an in-flight temp file
  const all = [".zgroup", "foo/.zarray", "foo/0.0", "foo/0.1", "foo/1/0", "foobar/.zgroup", "foobar/x/.zarray"];
  assert.deepEqual(await s.list(), all);
  assert.deepEqual(await s.list(""), all);
  assert.deepEqual(await s.list("foo/"), ["foo/.zarray", "foo/0.0", "foo/0.1", "foo/1/0"]);
  assert.deepEqual(await s.list("foo/0."), ["foo/0.0", "foo/0.1"]);
  assert.deepEqual(await s.list("foo"), all.slice(1));
  assert.deepEqual(await s.list("fo"), all.slice(1));
  assert.deepEqual(await s.list("foobar/x/"), ["foobar/x/.zarray"]);
  assert.deepEqual(await s.list("nope/"), []);
  assert.deepEqual(await s.listDir(), [".zgroup", "foo", "foobar"]);
  assert.deepEqual(await s.listDir("foo"), [".zarray", "0.0", "0.1", "1"]);
  assert.deepEqual(await s.listDir("foo/0.0"), []);
  assert.deepEqual(await s.listDir("nope"), []);
  // zarr-python getsize: files directly inside a directory, the file itself for a key, 0 when absent.
  assert.equal(await s.getSize("foo"), 2 + 3 + 4);
  assert.equal(await s.getSize("foo/0.1"), 4);
  assert.equal(await s.getSize("nope"), 0);
  assert.equal(await s.getSize(), 1);
  await s.deletePrefix("foo");
  assert.deepEqual(await s.list(), [".zgroup", "foobar/.zgroup", "foobar/x/.zarray"]);
  await s.deletePrefix("foobar/x/.zarray");
  assert.deepEqual(await s.list(), [".zgroup", "foobar/.zgroup"]);
  await s.deletePrefix("missing");
  await s.deletePrefix("");
  assert.deepEqual(await s.list(), []);
  assert.ok(existsSync(root), "clearing keeps the root directory");
});

test("DirectoryStore with dimensionSeparator '/' lists nested chunks as zarr-python does", async (t) => {
  const s = new DirectoryStore(tempDir(t), { dimensionSeparator: "/" });
  await s.set("g/.zgroup", b(1));
  await s.set("g/a/.zarray", b(1));
  await s.set("g/a/0/0", b(1));
  await s.set("g/a/0/1", b(1));
  await s.set("g/a/1/0", b(1));
  assert.deepEqual(await s.listDir("g/a"), [".zarray", "0.0", "0.1", "1.0"]);
  assert.deepEqual(await s.listDir("g"), [".zgroup", "a"], "no .zarray: plain listing");
  assert.deepEqual(s.toDescriptor(), { type: "DirectoryStore", path: s.path, dimensionSeparator: "/" });
});

test("DirectoryStore follows symlinked files but does not descend symlinked dirs in list", async (t) => {
  const root = tempDir(t);
  const outside = tempDir(t);
  writeFileSync(join(outside, "f"), "abc");
  mkdirSync(join(outside, "d"));
  writeFileSync(join(outside, "d", "g"), "x");
  const s = new DirectoryStore(join(root, "s"));
  await s.set(".zgroup", b(1));
  symlinkSync(join(outside, "f"), join(root, "s", "link"));
  symlinkSync(join(outside, "d"), join(root, "s", "dirlink"));
  assert.deepEqual(await s.list(), [".zgroup", "link"]);
  assert.deepEqual(await s.get("link"), new TextEncoder().encode("abc"));
});

test("DirectoryStore refuses '..' and absolute keys in every method", async (t) => {
  const root = tempDir(t);
  const s = new DirectoryStore(join(root, "store"));
  for (const bad of ["../escape", "a/../../escape", "/etc/passwd", "\\etc\\passwd", "C:\\x", "a\0b"]) {
    await assert.rejects(async () => s.get(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.set(bad, b(1)), InvalidKeyError, bad);
    await assert.rejects(async () => s.delete(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.has(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.list(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.listDir(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.deletePrefix(bad), InvalidKeyError, bad);
    await assert.rejects(async () => s.getSize(bad), InvalidKeyError, bad);
  }
  await assert.rejects(async () => s.set("", b(1)), InvalidKeyError);
  await assert.rejects(async () => s.get("../escape"), /"\.\.\/escape"/, "the message names the key");
  assert.deepEqual(readdirSync(root), [], "nothing was written anywhere");
});

test("DirectoryStore checks the resolved path stays within the root", async (t) => {
  class Escaping extends DirectoryStore {
    protected override mapKey(key: string): string {
      return "../" + key;
    }
  }
  const root = tempDir(t);
  const s = new Escaping(join(root, "store"));
  await assert.rejects(async () => s.set("x", b(1)), InvalidKeyError);
  await assert.rejects(async () => s.get("x"), /outside the store root/);
  assert.equal(existsSync(join(root, "x")), false);
});

test("DirectoryStore set is atomic: a failing write leaves the old value and no temp file", async (t) => {
  const root = tempDir(t);
  const s = new DirectoryStore(root);
  await s.set("a/0.0", b(1, 2, 3, 4));
  let sawOldValueMidWrite = false;
  // writeFile accepts an (async) iterable; this one fails after the first piece is written.
  async function* failing(name: string) {
    yield b(9, 9);
    if (name === "0.0") sawOldValueMidWrite = readFileSync(join(root, "a/0.0")).equals(Buffer.from([1, 2, 3, 4]));
    const temps = readdirSync(join(root, "a")).filter((n) => n.endsWith(".partial"));
    assert.equal(temps.length, 1, "the write goes to a temp file");
    assert.match(temps[0]!, new RegExp(`^\\.${name.replace(".", "\\.")}\\.${process.pid}\\.[0-9a-f]+\\.partial$`));
    throw new Error("disk on fire");
  }
  await assert.rejects(s.set("a/0.0", failing("0.0") as unknown as Uint8Array), /disk on fire/);
  assert.ok(sawOldValueMidWrite, "the key's file is untouched while the new value is written");
  assert.deepEqual(await s.get("a/0.0"), b(1, 2, 3, 4), "old value survives");
  assert.deepEqual(readdirSync(join(root, "a")), ["0.0"], "no partial file remains");
  // A failed first write leaves no key at all.
  await assert.rejects(s.set("a/0.1", failing("0.1") as unknown as Uint8Array), /disk on fire/);
  assert.equal(await s.get("a/0.1"), undefined);
  assert.deepEqual(allFiles(root), ["a/0.0"]);
});

test("DirectoryStore concurrent writes to one key leave one complete value", async (t) => {
  const s = new DirectoryStore(tempDir(t));
  const values = Array.from({ length: 20 }, (_, i) => new Uint8Array(64 * 1024).fill(i));
  await Promise.all(values.map((v) => s.set("k/0.0", v)));
  const got = (await s.get("k/0.0"))!;
  assert.equal(got.length, 64 * 1024);
  assert.ok(got.every((x) => x === got[0]), "not a mix of writes");
  assert.deepEqual(await s.list(), ["k/0.0"]);
  assert.deepEqual(readdirSync(join(s.path, "k")), ["0.0"]);
});

test("DirectoryStore writes into a directory removed behind its back (by another process) recreate it", async (t) => {
  const root = join(tempDir(t), "data.zarr");
  const s = new DirectoryStore(root);
  await s.set("a/b/0", b(1));
  await s.set("a/b/1", b(2)); // the directory is known now: no mkdir on this write
  rmSync(join(root, "a"), { recursive: true });
  await s.set("a/b/2", b(3));
  assert.deepEqual(await s.get("a/b/2"), b(3));
  assert.equal(await s.get("a/b/0"), undefined);
  // The same through the store's own deletePrefix, and through chunk writes of an array (native writer).
  await s.deletePrefix("a");
  await s.set("a/b/3", b(4));
  assert.deepEqual(allFiles(root), ["a/b/3"]);
  const { zeros } = await import("../../src/internal.ts");
  const z = await zeros([4, 4], { chunks: [2, 2], dtype: "<i4", store: s, path: "arr", dimensionSeparator: "/" });
  await z.set(null, 5);
  rmSync(join(root, "arr", "1"), { recursive: true });
  await z.set("2:4, 0:2", 7);
  await z.set("3, 3", 9);
  assert.deepEqual(Array.from((await z.get()).data as Int32Array), [5, 5, 5, 5, 5, 5, 5, 5, 7, 7, 0, 0, 7, 7, 0, 9]);
});

test("metadata keys (read synchronously) follow the store's reading rules: FIFO refused, directory absent, size bound, large files whole", async (t) => {
  const { execFileSync } = await import("node:child_process");
  const { StoreIOError } = await import("../../src/errors.ts");
  const root = tempDir(t);
  const s = new DirectoryStore(root);
  // A FIFO without a writer where `.zarray` should be: refused at once, never a hang.
  execFileSync("mkfifo", [join(root, ".zarray")]);
  await assert.rejects(s.get(".zarray"), (e: Error) => e instanceof StoreIOError && e.code === "ERR_NOT_REGULAR_FILE" && /\.zarray/.test(e.message));
  // A directory named like a metadata key is no value.
  mkdirSync(join(root, "a", ".zgroup"), { recursive: true });
  assert.equal(await s.get("a/.zgroup"), undefined);
  assert.equal(await s.get("b/.zattrs"), undefined);
  // The size bound is checked before reading.
  writeFileSync(join(root, ".zattrs"), JSON.stringify({ x: "y".repeat(100) }));
  await assert.rejects(s.get(".zattrs", { maxBytes: 50 }), (e: Error) => e instanceof StoreIOError && e.code === "ERR_VALUE_TOO_LARGE");
  assert.equal(JSON.parse(new TextDecoder().decode(await s.get(".zattrs", { maxBytes: 500 }))).x.length, 100);
  // Over the synchronous read's 1 MiB: read whole on the asynchronous path.
  const big = JSON.stringify({ x: "z".repeat(3 << 20) });
  writeFileSync(join(root, "a", ".zattrs"), big);
  assert.equal(new TextDecoder().decode(await s.get("a/.zattrs")), big);
  // An empty metadata file is stored and empty.
  writeFileSync(join(root, ".zmetadata"), "");
  assert.deepEqual(await s.get(".zmetadata"), new Uint8Array(0));
});
