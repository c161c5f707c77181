/**
 * The package's entry points: a curated root a zarr-python user can scan, subpaths for the rest,
 * and the contract names other issues and outside checks call.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const CONTRACT = [
  "open", "openArray", "openGroup", "group", "zeros", "array", "create", "slice", "ndarray", "asNDArray", "arange",
  "DirectoryStore", "ZipStore", "MemoryStore", "copyStore", "consolidateMetadata", "openConsolidated", "hasNativeCodecs",
  "ThreadSynchronizer", "ProcessSynchronizer", "RedisSynchronizer",
];

test("the root exports the contract names and about sixty values, no internals", async () => {
  const root = await import("../src/index.ts");
  const names = Object.keys(root);
  for (const n of CONTRACT) assert.ok(names.includes(n), `root export ${n} missing`);
  assert.ok(names.length >= 50 && names.length <= 75, `root exports ${names.length} values: ${names.join(", ")}`);
  for (const internal of ["CodecPipeline", "projectPoints", "KeyedQueue", "signalDemand", "JSON", "parseArrayMetadata"]) {
    assert.ok(!names.includes(internal), `internal ${internal} leaks into the root`);
  }
});

test("zarrflow/internal holds everything the root has, and more", async () => {
  const root = await import("../src/index.ts");
  const internal = await import("../src/internal.ts");
  for (const n of Object.keys(root)) assert.ok(n in internal, `internal lacks root export ${n}`);
  assert.ok(Object.keys(internal).length > Object.keys(root).length * 2);
});

test("every package.json subpath has its source module, and the package is side-effect free", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(pkg.sideEffects, false);
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
  assert.deepEqual(subpaths.sort(), [".", "./codecs", "./errors", "./internal", "./stores", "./streams", "./sync"]);
  for (const k of subpaths) {
    const js: string = pkg.exports[k].default;
    const src = join(ROOT, js.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
    assert.ok(existsSync(src), `${k} -> ${js}: no source ${src}`);
  }
});

test("importing the root registers nothing eagerly, yet every numcodecs id resolves on demand", () => {
  // A fresh process that imports only getCodec: codecs load lazily by id.
  const code = `
    const { getCodec } = await import(${JSON.stringify(join(ROOT, "src/index.ts"))});
    const { listCodecs } = await import(${JSON.stringify(join(ROOT, "src/codecs/registry.ts"))});
    const ids = listCodecs();
    const out = [];
    for (const id of ["zstd", "lzma", "delta", "vlen-utf8", "categorize", "n5_wrapper"]) {
      const cfg = id === "delta" ? { id, dtype: "<i4" } : id === "categorize" ? { id, labels: ["a"], dtype: "<U1", astype: "|u1" }
        : id === "n5_wrapper" ? { id, chunk_shape: [2], dtype: "<i4", compressor_config: null } : { id };
      out.push((await getCodec(cfg)).codecId ?? id);
    }
    console.log(JSON.stringify({ ids, out }));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const { ids, out } = JSON.parse(r.stdout.trim().split("\n").pop()!);
  for (const id of ["blosc", "zstd", "lz4", "zlib", "gzip", "bz2", "lzma", "delta", "json2", "msgpack2", "pickle"]) assert.ok(ids.includes(id), id);
  assert.equal(out.length, 6);
});
