/**
 * Tutorial: "Compressors" and "Filters". Reprs are checked against the tutorial's text; info
 * tables against what zarr-python 2.x prints now for the same data and store kind (the tutorial's
 * numbers came from an older zarr whose default in-memory store was a dict). The Blosc/zstd and
 * Delta examples run at the tutorial's full size so the compressed sizes are an honest comparison.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  arange, array, Blosc, Delta, getDefaultCompressor, listCompressors, LZMA, MemoryStore, setDefaultCompressor, zeros, Zstd,
} from "../../src/internal.ts";
import { assertInfoClose, infoNumber, runPython, skipNoNative, skipNoPython } from "./helpers.ts";

const data = arange(100000000, undefined, 1, "i4").reshape(10000, 10000);

test("Blosc(cname='zstd', clevel=3, shuffle=Blosc.BITSHUFFLE) at full size: repr and info", async () => {
  const compressor = new Blosc({ cname: "zstd", clevel: 3, shuffle: Blosc.BITSHUFFLE });
  const z = await array(data, { chunks: [1000, 1000], compressor });
  assert.equal(String(z.compressor), "Blosc(cname='zstd', clevel=3, shuffle=BITSHUFFLE, blocksize=0)");
  const info = String(await z.info());
  // The parts of the tutorial's table that do not depend on the zarr version or compressor build.
  for (const line of [
    "Type               : zarr.core.Array",
    "Data type          : int32",
    "Shape              : (10000, 10000)",
    "Chunk shape        : (1000, 1000)",
    "Order              : C",
    "Read-only          : False",
    "Compressor         : Blosc(cname='zstd', clevel=3, shuffle=BITSHUFFLE,",
    "                   : blocksize=0)",
    "No. bytes          : 400000000 (381.5M)",
    "Chunks initialized : 100/100",
  ]) assert.ok(info.split("\n").includes(line), `missing line ${JSON.stringify(line)} in\n${info}`);
  // The tutorial's older zarr/blosc stored 3379344 bytes (ratio 118.4); stay in that neighbourhood.
  const stored = infoNumber(info, "No. bytes stored");
  assert.ok(stored > 3379344 * 0.8 && stored < 3379344 * 1.2, `No. bytes stored ${stored}`);
  if (!skipNoPython) {
    const expected = runPython<string>(`
from numcodecs import Blosc
data = np.arange(100000000, dtype='i4').reshape(10000, 10000)
z = zarr.array(data, chunks=(1000, 1000), compressor=Blosc(cname='zstd', clevel=3, shuffle=Blosc.BITSHUFFLE))
out = str(z.info)`);
    assertInfoClose(info, expected);
  }
  // And the data survive the trip.
  assert.equal(await z.get("1234, 5678"), 12345678);
  assert.deepEqual((await z.get("-1, -3:")).toList(), [99999997, 99999998, 99999999]);
});

test("blosc.list_compressors()", () => {
  assert.deepEqual(listCompressors(), ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"]);
});

test("Zstd(level=1) compressor", async () => {
  const z = await array(data, { chunks: [1000, 1000], compressor: new Zstd({ level: 1 }) });
  assert.equal(String(z.compressor), "Zstd(level=1)");
  assert.equal(await z.get("9999, 9999"), 99999999);
});

test("LZMA(filters=[...]) repr on an array, as numcodecs prints it", async () => {
  const z = await zeros([10000, 10000], { chunks: [1000, 1000], dtype: "i4", compressor: new LZMA({ filters: [{ id: 3, dist: 4 }, { id: 33, preset: 1 }] }) });
  // The array's codec is built from the stored (sorted-key) config, as zarr-python's is.
  assert.equal(String(z.compressor), "LZMA(format=1, check=-1, preset=None, filters=[{'dist': 4, 'id': 3}, {'id': 33, 'preset': 1}])");
});

test("LZMA with a custom filter chain (FILTER_DELTA dist=4, FILTER_LZMA2 preset=1)", { skip: skipNoNative }, async () => {
  const lzmaFilters = [{ id: 3, dist: 4 }, { id: 33, preset: 1 }];
  const compressor = new LZMA({ filters: lzmaFilters });
  // A quarter of the tutorial's rows keeps this quick; the repr does not depend on the data.
  const part = arange(25000000, undefined, 1, "i4").reshape(2500, 10000);
  const z = await array(part, { chunks: [1000, 1000], compressor });
  assert.equal(String(z.compressor), "LZMA(format=1, check=-1, preset=None, filters=[{'dist': 4, 'id': 3}, {'id': 33, 'preset': 1}])");
  assert.equal(await z.get("2499, 9999"), 24999999);
  if (!skipNoPython) {
    const expected = runPython<{ repr: string; info: string }>(`
from numcodecs import LZMA
lzma_filters = [dict(id=lzma.FILTER_DELTA, dist=4), dict(id=lzma.FILTER_LZMA2, preset=1)]
z = zarr.array(np.arange(25000000, dtype='i4').reshape(2500, 10000), chunks=(1000, 1000), compressor=LZMA(filters=lzma_filters))
out = {'repr': repr(z.compressor), 'info': str(z.info)}`);
    assert.equal(String(z.compressor), expected.repr);
    assertInfoClose(String(await z.info()), expected.info);
  }
});

test("changing the default compressor: Zstd(level=1), then back to Blosc()", async () => {
  const before = getDefaultCompressor();
  assert.equal(String(before), "Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)");
  try {
    setDefaultCompressor(new Zstd({ level: 1 }));
    const z = await zeros(100000000, { chunks: 1000000 });
    assert.equal(String(z.compressor), "Zstd(level=1)");
    assert.deepEqual(z.chunks, [1000000]);
    assert.equal(await z.nchunksInitialized(), 0);
  } finally {
    setDefaultCompressor(new Blosc());
  }
  assert.equal(String(getDefaultCompressor()), "Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)", "Blosc() has the default settings");
  const z = await zeros(10, { chunks: 5 });
  assert.equal(String(z.compressor), "Blosc(cname='lz4', clevel=5, shuffle=SHUFFLE, blocksize=0)");
});

test("compressor=None disables compression", async () => {
  const z = await zeros(100000000, { chunks: 1000000, compressor: null });
  assert.equal(z.compressor, null, "z.compressor is None");
  assert.equal(JSON.parse(new TextDecoder().decode((z.store as MemoryStore).get(".zarray")!)).compressor, null);
  // A written chunk is stored raw.
  await z.set("0:5", 1);
  assert.equal((z.store as MemoryStore).get("0")!.byteLength, 8000000);
  if (!skipNoPython) {
    const expected = runPython<string>(`
z = zarr.zeros(100000000, chunks=1000000, compressor=None)
z[0:5] = 1
out = str(z.info)`);
    assertInfoClose(String(await z.info()), expected);
  }
});

test("filters: Delta(dtype='i4') with Blosc(cname='zstd', clevel=1, shuffle=SHUFFLE), full size", async () => {
  const filters = [new Delta({ dtype: "i4" })];
  const compressor = new Blosc({ cname: "zstd", clevel: 1, shuffle: Blosc.SHUFFLE });
  const z = await array(data, { chunks: [1000, 1000], filters, compressor });
  assert.equal(z.filters!.map(String).join(), "Delta(dtype='<i4')");
  const info = String(await z.info());
  // The tutorial's table, but for the store type (its zarr stored arrays in a plain dict).
  const tutorial = [
    "Type               : zarr.core.Array",
    "Data type          : int32",
    "Shape              : (10000, 10000)",
    "Chunk shape        : (1000, 1000)",
    "Order              : C",
    "Read-only          : False",
    "Filter [0]         : Delta(dtype='<i4')",
    "Compressor         : Blosc(cname='zstd', clevel=1, shuffle=SHUFFLE, blocksize=0)",
    "Store type         : zarr.storage.KVStore",
    "No. bytes          : 400000000 (381.5M)",
    "No. bytes stored   : 1290562 (1.2M)",
    "Storage ratio      : 309.9",
    "Chunks initialized : 100/100",
  ].join("\n");
  assertInfoClose(info, tutorial);
  if (!skipNoPython) {
    const expected = runPython<string>(`
from numcodecs import Blosc, Delta
data = np.arange(100000000, dtype='i4').reshape(10000, 10000)
z = zarr.array(data, chunks=(1000, 1000), filters=[Delta(dtype='i4')], compressor=Blosc(cname='zstd', clevel=1, shuffle=Blosc.SHUFFLE))
out = str(z.info)`);
    assertInfoClose(info, expected);
  }
  assert.equal(await z.get("9999, 9998"), 99999998);
  assert.deepEqual((await z.get("5000, 0:4")).toList(), [50000000, 50000001, 50000002, 50000003]);
});
