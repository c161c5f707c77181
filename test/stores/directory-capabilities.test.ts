/**
 * DirectoryStore beyond the conformance suite: positional range reads, the localFile capability a
 * native backend uses, descriptors, aborts during I/O, and removal of abandoned temporaries.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, utimesSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidKeyError, KeyError } from "../../src/errors.ts";
import { DirectoryStore } from "../../src/stores/directory.ts";
import { NestedDirectoryStore } from "../../src/stores/nested.ts";
import { asStore, storeFromDescriptor } from "../../src/stores/adapt.ts";
import { capabilitiesOf } from "../../src/stores/store.ts";
import { pidAlive } from "../../src/stores/temp-files.ts";

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "zarrflow-dircap-"));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const pid = Number(r.stdout);
  assert.ok(pid > 0 && !pidAlive(pid));
  return pid;
}

test("getRange reads only the bytes asked for (a 3 GiB sparse file, beyond what readFile can load)", withDir(async (dir) => {
  const store = new DirectoryStore(dir);
  const file = join(dir, "huge");
  writeFileSync(file, "");
  truncateSync(file, 3 * 2 ** 30);
  const fd = openSync(file, "r+");
  writeSync(fd, Buffer.from([1, 2, 3, 4]), 0, 4, 3 * 2 ** 30 - 4);
  writeSync(fd, Buffer.from([9, 8]), 0, 2, 2 ** 31 + 10);
  closeSync(fd);
  assert.deepEqual([...(await store.getRange("huge", { suffixLength: 4 }))!], [1, 2, 3, 4]);
  assert.deepEqual([...(await store.getRange("huge", { offset: 2 ** 31 + 9, length: 4 }))!], [0, 9, 8, 0]);
  await assert.rejects(store.get("huge"), (e: unknown) => (e as { code?: string }).code === "ERR_FS_FILE_TOO_LARGE");
}));

test("capabilities.localFile: readPath is the validated file, prepareWrite makes parents and a fresh temp beside it", withDir(async (dir) => {
  const store = new DirectoryStore(dir);
  const lf = capabilitiesOf(store).localFile!;
  assert.equal(lf.readPath("a/b/0.0"), join(dir, "a", "b", "0.0"));
  assert.equal(lf.readPath("a/b/0.0"), store.filePath("a/b/0.0"), "the transitional filePath agrees");
  for (const bad of ["../x", "/abs", "a\\b", "a\0"]) assert.throws(() => lf.readPath(bad), InvalidKeyError);
  await assert.rejects(async () => lf.prepareWrite("../x"), InvalidKeyError);

  const { file, temp } = await lf.prepareWrite("a/b/0.0");
  assert.equal(file, join(dir, "a", "b", "0.0"));
  assert.ok(existsSync(join(dir, "a", "b")), "parents created");
  assert.match(temp, new RegExp(`^${join(dir, "a", "b").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/\\.0\\.0\\.${process.pid}\\.[0-9a-f]{16}\\.partial$`));
  assert.notEqual((await lf.prepareWrite("a/b/0.0")).temp, temp, "each call names a fresh temp");
  // A native writer writes the temp and renames it: the store reads it back and never lists the temp.
  await writeFile(temp, Uint8Array.of(5, 6));
  assert.deepEqual(await store.list(), [], "an in-flight temp is not a key");
  await rename(temp, file);
  assert.deepEqual([...(await store.get("a/b/0.0"))!], [5, 6]);

  writeFileSync(join(dir, "f"), "x");
  await assert.rejects(async () => lf.prepareWrite("f/0"), KeyError, "a parent that is a file");

  const nested = new NestedDirectoryStore(dir);
  assert.equal(capabilitiesOf(nested).localFile!.readPath("a/1.2"), join(dir, "a", "1", "2"), "key mapping applies");
}));

test("capabilities: dimensionSeparator and a descriptor that reopens an equivalent store", withDir(async (dir) => {
  const plain = new DirectoryStore(dir);
  assert.equal(capabilitiesOf(plain).dimensionSeparator, undefined);
  assert.deepEqual(capabilitiesOf(plain).descriptor!(), { type: "DirectoryStore", path: dir });
  assert.deepEqual(plain.toDescriptor(), { type: "DirectoryStore", path: dir }, "toDescriptor still works");
  const slash = new DirectoryStore(dir, { dimensionSeparator: "/" });
  assert.equal(capabilitiesOf(slash).dimensionSeparator, "/");
  assert.equal(slash.dimensionSeparator, "/");
  const d = capabilitiesOf(slash).descriptor!();
  assert.deepEqual(structuredClone(d), d, "structured-cloneable");
  const again = storeFromDescriptor(d);
  assert.ok(again instanceof DirectoryStore);
  assert.equal(capabilitiesOf(again).dimensionSeparator, "/");
  const nested = new NestedDirectoryStore(dir);
  assert.equal(capabilitiesOf(nested).dimensionSeparator, "/");
  assert.ok(storeFromDescriptor(capabilitiesOf(nested).descriptor!()) instanceof NestedDirectoryStore);
  assert.ok(capabilitiesOf(asStore(dir)).localFile, "a path opens a store with local files");
}));

test("an abort during a read or a write rejects with AbortError and leaves the old value and no temp", withDir(async (dir) => {
  const store = new DirectoryStore(dir);
  const old = new Uint8Array(1 << 20).fill(1);
  await store.set("k", old);
  for (let i = 0; i < 5; i++) {
    const ac = new AbortController();
    const p = store.set("k", new Uint8Array(32 << 20).fill(2), { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, { name: "AbortError" });
    const ac2 = new AbortController();
    const g = store.get("k", { signal: ac2.signal });
    ac2.abort();
    await assert.rejects(g, { name: "AbortError" });
    const ac3 = new AbortController();
    const r = store.getRange("k", { offset: 0, length: 10 }, { signal: ac3.signal });
    ac3.abort();
    await assert.rejects(r, { name: "AbortError" });
  }
  assert.deepEqual(readdirSync(dir), ["k"], "no temporary left behind");
  assert.equal((await store.get("k"))!.every((b) => b === 1), true, "old value intact");
}));

test("abandoned temporaries: a dead writer's and old zarr-python ones go on first write, live ones stay", withDir(async (dir) => {
  const sub = join(dir, "arr");
  mkdirSync(sub);
  const dead = deadPid();
  const old = new Date(Date.now() - 3600_000);
  const names = {
    deadOld: `.0.0.${dead}.0123456789abcdef.partial`,
    deadFresh: `.0.1.${dead}.0123456789abcdef.partial`,
    mineOld: `.0.2.${process.pid}.0123456789abcdef.partial`,
    parentOld: `.0.3.${process.ppid}.0123456789abcdef.partial`,
    pyOld: `0.4.${"a".repeat(32)}.partial`,
    pyFresh: `0.5.${"b".repeat(32)}.partial`,
    // A zarr-python temp of a dot-named key whose uuid is all digits: not ours, so no pid rule.
    pyDotDigits: `.0.12345.${"1".repeat(32)}.partial`,
    key: "0.6",
  };
  for (const n of Object.values(names)) writeFileSync(join(sub, n), "x");
  for (const n of [names.deadOld, names.mineOld, names.parentOld, names.pyOld, names.key]) utimesSync(join(sub, n), old, old);

  const store = new DirectoryStore(dir);
  assert.deepEqual(await store.list("arr/"), ["arr/0.6"], "temporaries are never keys");
  await store.set("arr/0.7", Uint8Array.of(1));
  const left = readdirSync(sub).sort();
  assert.deepEqual(left, [names.deadFresh, names.mineOld, names.parentOld, names.key, names.pyFresh, names.pyDotDigits, "0.7"].sort());

  // The explicit sweep walks a tree and takes thresholds.
  mkdirSync(join(dir, "g", "h"), { recursive: true });
  writeFileSync(join(dir, "g", "h", names.deadFresh), "x");
  const removed = await store.removeStaleTemps("", { deadWriterAgeMs: 0, foreignAgeMs: 0 });
  assert.deepEqual(removed, [`arr/${names.pyFresh}`, `arr/${names.pyDotDigits}`, `arr/${names.deadFresh}`, `g/h/${names.deadFresh}`].sort());
  assert.ok(existsSync(join(sub, names.mineOld)) && existsSync(join(sub, names.parentOld)), "live writers' temps stay");

  const noSweep = new DirectoryStore(join(dir, "other"), { sweepStaleTemps: false });
  mkdirSync(join(dir, "other"));
  writeFileSync(join(dir, "other", names.deadOld), "x");
  utimesSync(join(dir, "other", names.deadOld), old, old);
  await noSweep.set("k", Uint8Array.of(1));
  assert.ok(existsSync(join(dir, "other", names.deadOld)), "sweeping can be turned off");
}));
