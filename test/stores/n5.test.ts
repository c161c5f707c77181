/**
 * N5Store: reads the zarr-python 2.13 N5 fixture store (57 arrays), round-trips with zarr-python's
 * N5Store both ways (byte-identical attributes.json), and reads what other N5 writers produce:
 * truncated edge blocks (n5-java, z5py), varlength-mode headers, lz4-java block framing, n5-java's
 * gzip level -1, and pre-2.0 `compressionType`.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { N5Store, openArray, openGroup, group, arange, MetadataError, getCodec } from "../../src/internal.ts";
import { assertValues, npyValues, readManifest, readNpyFile } from "../fixtures/compare.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";
import { runPython, skipWithoutZarrPython } from "../interop/python.ts";
import { writeN5Header } from "../../src/codecs/n5-wrapper.ts";

const ROOT = SHARED_FIXTURES + "/zarr-python-2.13";
const present = existsSync(join(ROOT, "manifest.json"));
const manifest = present ? readManifest(join(ROOT, "manifest.json")) : { arrays: [], groups: [] };

describe("N5 fixtures written by zarr-python 2.13", { skip: present ? false : `${ROOT} is missing` }, () => {
  const store = new N5Store(join(ROOT, "store.n5"));
  const arrays = manifest.arrays.filter((a) => a.stores.includes("store.n5"));
  test("all 57 N5 arrays read back zarr-python's values", async () => {
    assert.equal(arrays.length, 57);
    for (const a of arrays) {
      const z = await openArray(store, { mode: "r", path: a.path });
      assert.deepEqual(z.shape, a.shape, `${a.path}: shape`);
      assert.deepEqual(z.chunks, a.chunks, `${a.path}: chunks`);
      assertValues(await z.get(), npyValues(readNpyFile(join(ROOT, a.expected))), a.path);
      assert.deepEqual(await z.attrs.asObject(), a.attrs, `${a.path}: attributes`);
    }
  });
  test("groups and their attributes", async () => {
    for (const g of manifest.groups.filter((x) => x.stores.includes("store.n5"))) {
      const grp = await openGroup(store, { mode: "r", path: g.path });
      assert.deepEqual(await grp.attrs.asObject(), g.attrs, `group '${g.path}'`);
    }
  });
});

describe("N5 interop with zarr-python's N5Store", { skip: skipWithoutZarrPython }, () => {
  test("zarrflow writes, zarr-python reads (values, attrs, attributes.json bytes)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zf-n5-"));
    try {
      const ours = join(dir, "ours.n5");
      const root = await group(new N5Store(ours));
      await root.attrs.put({ title: "x", n: 1 });
      const sub = await root.createGroup("sub");
      const cases: [string, string, unknown][] = [
        ["a_i4_zstd", "<i4", { id: "zstd", level: 1 }],
        ["b_u2_gzip", "<u2", { id: "gzip", level: 5 }],
        ["c_f8_blosc", "<f8", { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }],
        ["d_f4_raw", "<f4", null],
        ["e_i8_bz2", "<i8", { id: "bz2", level: 9 }],
        ["f_u1_zlib", "|u1", { id: "zlib", level: 1 }],
        ["g_i2_xz", ">i2", { id: "lzma", format: 1, check: -1, preset: null, filters: null }],
      ];
      for (const [name, dtype, compressor] of cases) {
        const z = await sub.zeros(name, { shape: [7, 5], chunks: [3, 2], dtype, compressor: compressor as never });
        await z.set(null, arange(35, undefined, 1, dtype).reshape(7, 5));
        await z.attrs.put({ name });
      }
      const out = runPython<Record<string, { values: number[]; attrs: unknown; dtype: string }>>(
        `
s = zarr.N5Store(inp['path'])
g = zarr.open_group(store=s, mode='r')
assert dict(g.attrs) == {'title': 'x', 'n': 1}, dict(g.attrs)
out = {}
for name, a in g['sub'].arrays():
    out[name] = {'values': [int(v) for v in a[:].ravel()], 'attrs': dict(a.attrs), 'dtype': a.dtype.name}
`,
        { path: ours },
      );
      for (const [name, dtype] of cases) {
        assert.deepEqual(out[name].values, Array.from({ length: 35 }, (_, i) => i), name);
        assert.deepEqual(out[name].attrs, { name });
        assert.equal(out[name].dtype.replace(/\d+$/, ""), { i: "int", u: "uint", f: "float" }[dtype[1]]);
      }
      // The same operations through zarr-python write the same attributes.json bytes.
      runPython(
        `
import numcodecs
s = zarr.N5Store(inp['path'])
r = zarr.group(store=s)
r.attrs.put({'title': 'x', 'n': 1})
z = r.create_group('sub').zeros('a_i4_zstd', shape=(7, 5), chunks=(3, 2), dtype='<i4', compressor=numcodecs.Zstd(1))
z[:] = np.arange(35, dtype='<i4').reshape(7, 5)
z.attrs.put({'name': 'a_i4_zstd'})
`,
        { path: join(dir, "theirs.n5") },
      );
      for (const f of ["attributes.json", "sub/attributes.json", "sub/a_i4_zstd/attributes.json", "sub/a_i4_zstd/1/2", "sub/a_i4_zstd/0/0"]) {
        assert.deepEqual(readFileSync(join(ours, f)), readFileSync(join(dir, "theirs.n5", f)), f);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("N5 refuses what it cannot hold, naming the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zf-n5-"));
    try {
      const root = await group(new N5Store(join(dir, "x.n5")));
      await assert.rejects(root.full("f", 3, { shape: [4], chunks: [2], dtype: "<i4" }), (e: Error) => e instanceof MetadataError && /f\/\.zarray/.test(e.message));
      await assert.rejects(root.zeros("c", { shape: [4], chunks: [2], dtype: "<c8" }), (e: Error) => e instanceof MetadataError && /not supported by N5/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("N5 written by other implementations", () => {
  /** Lay out an N5 dataset by hand, as n5-java/z5py would. */
  function dataset(root: string, attrs: object, blocks: Record<string, Uint8Array>) {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "attributes.json"), JSON.stringify(attrs));
    for (const [k, v] of Object.entries(blocks)) {
      mkdirSync(join(root, ...k.split("/").slice(0, -1)), { recursive: true });
      writeFileSync(join(root, ...k.split("/")), v);
    }
  }
  /** A block's header (mode, dims fastest-first, the count in varlength mode) and big-endian u16 body. */
  function block(shapeZarr: number[], values: number[], mode = 0): { head: Uint8Array; body: Uint8Array } {
    const h = writeN5Header(shapeZarr);
    if (mode === 1) h[1] = 1;
    const body = new Uint8Array(values.length * 2);
    values.forEach((v, i) => new DataView(body.buffer).setUint16(2 * i, v));
    const count = new Uint8Array(mode === 1 ? 4 : 0);
    if (mode === 1) new DataView(count.buffer).setUint32(0, values.length);
    return { head: concat(h, count), body };
  }
  function concat(...parts: Uint8Array[]): Uint8Array {
    const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
    let o = 0;
    for (const p of parts) (out.set(p, o), (o += p.byteLength));
    return out;
  }
  /** The expected 5x3 array: value = 10 * row + col. */
  const want = Array.from({ length: 15 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
  /** The values of the block at grid (r, c) for 2x2 chunks of the 5x3 array, truncated at edges. */
  function part(r: number, c: number) {
    const rows = Math.min(2, 5 - 2 * r), cols = Math.min(2, 3 - 2 * c);
    const vals: number[] = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) vals.push(10 * (2 * r + i) + 2 * c + j);
    return { shape: [rows, cols], vals };
  }

  test("truncated edge blocks, varlength mode, gzip level -1, old compressionType and lz4-java framing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zf-n5-"));
    try {
      writeFileSync(join(dir, "attributes.json"), JSON.stringify({ n5: "2.5.1" }));
      const lz4 = await getCodec({ id: "lz4" });
      const flavours: Record<string, { attrs: object; body: (raw: Uint8Array) => Promise<Uint8Array> }> = {
        gzip_java: { attrs: { compression: { type: "gzip", level: -1 } }, body: async (raw) => new Uint8Array(gzipSync(raw)) },
        old_format: { attrs: { compressionType: "gzip" }, body: async (raw) => new Uint8Array(gzipSync(raw)) },
        raw_varlength: { attrs: { compression: { type: "raw" } }, body: async (raw) => raw },
        lz4_java: {
          attrs: { compression: { type: "lz4", blockSize: 65536 } },
          body: async (raw) => {
            const framed = await lz4.encode(raw);
            const comp = framed.subarray(4);
            const head = new Uint8Array(21);
            head.set(new TextEncoder().encode("LZ4Block"));
            head[8] = 0x20;
            new DataView(head.buffer).setInt32(9, comp.byteLength, true);
            new DataView(head.buffer).setInt32(13, raw.byteLength, true);
            const end = new Uint8Array(21);
            end.set(new TextEncoder().encode("LZ4Block"));
            end[8] = 0x10;
            return concat(head, comp, end);
          },
        },
      };
      for (const [name, f] of Object.entries(flavours)) {
        const blocks: Record<string, Uint8Array> = {};
        for (let r = 0; r < 3; r++) {
          for (let c = 0; c < 2; c++) {
            const { shape, vals } = part(r, c);
            const b = block(shape, vals, name === "raw_varlength" ? 1 : 0);
            blocks[`${c}/${r}`] = concat(b.head, await f.body(b.body));
          }
        }
        dataset(join(dir, name), { dataType: "uint16", dimensions: [3, 5], blockSize: [2, 2], ...f.attrs }, blocks);
      }
      const store = new N5Store(dir);
      for (const name of Object.keys(flavours)) {
        const z = await openArray(store, { mode: "r", path: name });
        assert.deepEqual(z.shape, [5, 3], name);
        assert.deepEqual(z.chunks, [2, 2], name);
        assert.equal(z.dtype, "<u2");
        assertValues(await z.get(), want, name);
      }
      assert.deepEqual(await (await openGroup(store, { mode: "r" })).arrayKeys(), Object.keys(flavours).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a block larger than its chunk or with a bad header is a typed error naming the chunk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zf-n5-"));
    try {
      const big = writeN5Header([3, 2]);
      dataset(join(dir, "bad"), { dataType: "uint16", dimensions: [2, 2], blockSize: [2, 2], compression: { type: "raw" } }, { "0/0": concat(big, new Uint8Array(12)) });
      const z = await openArray(new N5Store(dir), { mode: "r", path: "bad" });
      await assert.rejects(z.get(), (e: Error) => e.constructor.name === "CodecError" && /bad\/0\.0/.test(e.message) && /exceeds the chunk shape/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

