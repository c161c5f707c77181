import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidKeyError, ZarrError } from "../../src/errors.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const b = (...xs: number[]) => new Uint8Array(xs);
const FIXTURES = SHARED_FIXTURES + "/zarr-python";

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-nested-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("NestedDirectoryStore maps dotted chunk keys to nested files", async (t) => {
  const root = tempDir(t);
  const s = new NestedDirectoryStore(root);
  assert.equal(s.storeType, "zarr.storage.NestedDirectoryStore");
  assert.equal(s.dimensionSeparator, "/");
  assert.deepEqual(s.toDescriptor(), { type: "NestedDirectoryStore", path: root, dimensionSeparator: "/" });
  await s.set("foo/bar/.zarray", b(7));
  await s.set("foo/bar/0.1.2", b(1, 2));
  await s.set("foo/baz/1", b(3)); // 1-D key: unchanged
  await s.set("foo/bar/1.0.0", b(4));
  assert.ok(existsSync(join(root, "foo/bar/0/1/2")));
  assert.ok(existsSync(join(root, "foo/bar/.zarray")));
  assert.ok(existsSync(join(root, "foo/baz/1")));
  assert.deepEqual(readFileSync(join(root, "foo/bar/0/1/2")), Buffer.from([1, 2]));
  assert.deepEqual(await s.get("foo/bar/0.1.2"), b(1, 2));
  assert.deepEqual(await s.get("foo/bar/0/1/2"), b(1, 2), "nested keys work as is");
  assert.equal(await s.has("foo/bar/0.1.2"), true);
  assert.equal(await s.getSize("foo/bar/0.1.2"), 2);
  assert.deepEqual(await s.list("foo/"), ["foo/bar/.zarray", "foo/bar/0/1/2", "foo/bar/1/0/0", "foo/baz/1"]);
  assert.deepEqual(await s.listDir("foo/bar"), [".zarray", "0.1.2", "1.0.0"]);
  await s.delete("foo/bar/0.1.2");
  assert.equal(await s.get("foo/bar/0.1.2"), undefined);
  assert.equal(existsSync(join(root, "foo/bar/0/1")), true, "delete prunes nothing else");
  await assert.rejects(async () => s.get("foo/../../x.0"), InvalidKeyError);
  await assert.rejects(async () => s.set("/abs/0.0", b(1)), InvalidKeyError);
  await assert.rejects(async () => s.listDir("../"), InvalidKeyError);
  assert.throws(() => new NestedDirectoryStore(root, { dimensionSeparator: "." as never }), ZarrError);
});

test("NestedDirectoryStore reads the legacy nested fixture with dotted keys", { skip: !existsSync(join(FIXTURES, "nested_legacy")) }, async () => {
  const s = new NestedDirectoryStore(FIXTURES);
  const got = await s.get("nested_legacy/0.0");
  assert.ok(got);
  assert.deepEqual(Buffer.from(got), readFileSync(join(FIXTURES, "nested_legacy/0/0")));
  const meta = JSON.parse(new TextDecoder().decode((await s.get("nested_legacy/.zarray"))!));
  assert.equal(meta.dimension_separator, undefined, "legacy metadata has no dimension_separator");
  assert.deepEqual(await s.listDir("nested_legacy"), [".zarray", "0.0"]);
});
