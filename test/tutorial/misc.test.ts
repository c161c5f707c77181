/**
 * Tutorial: "Datetimes and timedeltas", "Copying large arrays" (z2[:] = z1 chunk by chunk) and
 * "String arrays" with fixed-length S6 and U20 dtypes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { array, empty, emptyLike, MemoryStore, NDArray, zeros } from "../../src/internal.ts";
import { bytes, runPython, skipNoPython } from "./helpers.ts";

test("datetimes: array(['2007-07-13', '2006-01-13', '2010-08-13'], dtype='M8[D]')", async () => {
  const z = await array(["2007-07-13", "2006-01-13", "2010-08-13"], { dtype: "M8[D]" });
  assert.equal(String(z), "<zarr.core.Array (3,) datetime64[D]>");
  assert.equal(String(await z.get()), "array(['2007-07-13', '2006-01-13', '2010-08-13'], dtype='datetime64[D]')");
  // numpy prints numpy.datetime64('2007-07-13'); zarrflow's element value is the count of days.
  const d0 = await z.get(0);
  assert.equal(d0, BigInt(Date.UTC(2007, 6, 13) / 86400000));
  assert.equal(d0, 13707n);
  await z.set(0, "1999-12-31");
  assert.equal(String(await z.get()), "array(['1999-12-31', '2006-01-13', '2010-08-13'], dtype='datetime64[D]')");
  if (!skipNoPython) {
    const py = runPython<string[]>(`
z = zarr.array(['2007-07-13', '2006-01-13', '2010-08-13'], dtype='M8[D]')
r = [repr(z), repr(z[:]), str(z[0].astype('i8'))]
z[0] = '1999-12-31'
out = r + [repr(z[:])]`);
    assert.deepEqual(py, [
      "<zarr.core.Array (3,) datetime64[D]>",
      "array(['2007-07-13', '2006-01-13', '2010-08-13'], dtype='datetime64[D]')",
      "13707",
      "array(['1999-12-31', '2006-01-13', '2010-08-13'], dtype='datetime64[D]')",
    ]);
  }
});

test("copying between arrays: z2 = empty_like(z1); z2[:] = z1 works chunk by chunk", async () => {
  const z1 = await empty([10000, 10000], { chunks: [1000, 1000], dtype: "i4" });
  await z1.set(null, 42);
  const z2 = await emptyLike(z1);
  assert.deepEqual(z2.shape, z1.shape);
  assert.deepEqual(z2.chunks, z1.chunks);
  assert.equal(z2.dtype, z1.dtype);
  assert.equal(z2.fillValue, null, "empty_like keeps fill_value None");
  // Count how often the source is read: each source chunk once, never the whole array at once.
  const src = z1.store as MemoryStore;
  let reads = 0;
  const get = src.get.bind(src);
  src.get = (k: string) => {
    if (!k.endsWith(".zarray")) reads++;
    return get(k);
  };
  await z2.set(null, z1);
  assert.equal(reads, 100, "one read per chunk");
  assert.equal(await z2.nchunksInitialized(), 100);
  const all = await z2.get();
  assert.ok((all.data as Int32Array).every((x) => x === 42));
  // A part of one array into a part of another with different chunks.
  const z3 = await zeros([30, 30], { chunks: [7, 11], dtype: "i4" });
  const part = await array(new NDArray(Int32Array.from({ length: 100 }, (_, i) => i), [10, 10], "i4"), { chunks: [3, 4] });
  await z3.set("5:15, 10:20", part);
  assert.equal(await z3.get("5, 10"), 0);
  assert.equal(await z3.get("14, 19"), 99);
  assert.equal(await z3.get("7, 13"), 23);
  assert.equal(await z3.get("4, 10"), 0);
});

test("fixed-length bytes strings: zeros(10, dtype='S6')", async () => {
  const z = await zeros(10, { dtype: "S6" });
  assert.equal(String(z), "<zarr.core.Array (10,) |S6>");
  await z.set(0, bytes("Hello"));
  await z.set(1, bytes("world!"));
  assert.equal(String(await z.get()), "array([b'Hello', b'world!', b'', b'', b'', b'', b'', b'', b'', b''],\n      dtype='|S6')");
  assert.deepEqual(await z.get(1), bytes("world!"));
  if (!skipNoPython) {
    const py = runPython<string[]>(`
z = zarr.zeros(10, dtype='S6')
z[0] = b'Hello'
z[1] = b'world!'
out = [repr(z), repr(z[:])]`);
    assert.deepEqual([String(z), String(await z.get())], py);
  }
});

test("fixed-length unicode strings: array(greetings * 10000, dtype='U20')", async () => {
  const greetings = ["¡Hola mundo!", "Hej Världen!", "Servus Woid!", "Hei maailma!", "Xin chào thế giới", "Njatjeta Botë!", "Γεια σου κόσμε!", "こんにちは世界", "世界,你好!", "Helló, világ!", "Zdravo svete!", "เฮลโลเวิลด์"];
  const text: string[] = [];
  for (let i = 0; i < 10000; i++) text.push(...greetings);
  const z = await array(text, { dtype: "U20" });
  assert.equal(String(z), "<zarr.core.Array (120000,) <U20>");
  const all = await z.get();
  assert.equal(String(all), "array(['¡Hola mundo!', 'Hej Världen!', 'Servus Woid!', ...,\n       'Helló, világ!', 'Zdravo svete!', 'เฮลโลเวิลด์'], dtype='<U20')");
  assert.equal(await z.get(4), "Xin chào thế giới");
  assert.equal(await z.get(-1), "เฮลโลเวิลด์");
  assert.deepEqual((await z.get("0:12")).toList(), greetings);
  if (!skipNoPython) {
    const py = runPython<string[]>(`
greetings = ${JSON.stringify(greetings)}
z = zarr.array(greetings * 10000, dtype='U20')
out = [repr(z), repr(z[:]), str(z.chunks)]`);
    assert.deepEqual([String(z), String(all), `(${z.chunks[0]},)`], py);
  }
});
