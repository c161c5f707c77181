/**
 * Datetime64/Timedelta64 element values: single-element reads give them (count reachable), bulk
 * data stays counts, printing is unchanged, writing them back converts units as numpy casts, and
 * their text matches numpy's for values zarr-python wrote.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { array, asNDArray, Datetime64, DtypeError, NAT, NDArray, openArray, Timedelta64, zeros } from "../../src/internal.ts";
import { skipWithoutZarrPython } from "../interop/python.ts";

test("a datetime element read by integers is a Datetime64 with its count; bulk reads stay counts", async () => {
  const z = await array(["2007-07-13", "1969-12-31", "NaT"], { dtype: "<M8[D]" });
  const d = await z.get(0);
  assert.ok(d instanceof Datetime64);
  assert.equal(d.count, 13707n);
  assert.equal(d.unit, "D");
  assert.equal(String(d), "2007-07-13");
  assert.equal(d.toDate()?.toISOString(), "2007-07-13T00:00:00.000Z");
  assert.equal((await z.get(1)).toDate()?.toISOString(), "1969-12-31T00:00:00.000Z");
  const nat = await z.get(-1);
  assert.equal(nat.isNaT, true);
  assert.equal(nat.toDate(), undefined);
  assert.equal(String(nat), "NaT");
  assert.equal((await z.getOrthogonalSelection(0)).count, 13707n);
  assert.deepEqual((await z.getOrthogonalSelection([0])).data, new BigInt64Array([13707n])); // an index list on a 1-d array
  const all = await z.get();
  assert.ok(all.data instanceof BigInt64Array);
  assert.deepEqual([...all.data], [13707n, -1n, NAT]);
  assert.deepEqual(all.toList(), [13707n, -1n, NAT]);
  assert.ok(all.get(0) instanceof Datetime64);
  // numpy's repr is unchanged by the value type.
  assert.equal(String(all), "array(['2007-07-13', '1969-12-31',        'NaT'], dtype='datetime64[D]')");
});

test("Datetime64/Timedelta64 print as numpy and convert units as numpy's astype", () => {
  const ns = new Datetime64(981173106123456789n, "ns");
  assert.equal(String(ns), "2001-02-03T04:05:06.123456789");
  assert.equal(ns.countIn("ms"), 981173106123n);
  assert.equal(new Datetime64(-1n, "ns").countIn("s"), -1n); // floor, as numpy: 1969-12-31T23:59:59
  assert.equal(ns.toDate()?.toISOString(), "2001-02-03T04:05:06.123Z");
  assert.equal(new Datetime64(3n, "M").toDate()?.toISOString(), "1970-04-01T00:00:00.000Z");
  assert.equal(new Datetime64(1n, "Y").countIn("M"), 12n);
  assert.throws(() => new Datetime64(1n, "M").countIn("D"), DtypeError);
  assert.throws(() => new Datetime64(1n, "fortnight"), DtypeError);
  assert.ok(new Datetime64(1n, "D").equals(new Datetime64(86400n, "s")));
  assert.ok(!new Datetime64(NAT, "D").equals(new Datetime64(NAT, "D")));
  const t = new Timedelta64(2n, "15m");
  assert.equal(String(t), "30 minutes");
  assert.equal(t.toMilliseconds(), 1_800_000);
  assert.equal(String(new Timedelta64(7n, "s")), "7 seconds");
  assert.equal(new Timedelta64(NAT, "s").toMilliseconds(), undefined);
});

test("writing a Datetime64 or Timedelta64 converts it to the array's unit; the wrong kind is refused", async () => {
  const z = await zeros(3, { dtype: "<M8[s]" });
  await z.set(0, new Datetime64(1500n, "ms"));
  await z.set(1, new Datetime64(1n, "D"));
  await z.set(2, await (await array(["2000-01-01"], { dtype: "<M8[D]" })).get(0));
  assert.deepEqual([...(await z.get()).data], [1n, 86400n, 946684800n]);
  await assert.rejects(z.set(0, new Timedelta64(1n, "s")), DtypeError);
  const m = await zeros(1, { dtype: "<m8[ms]" });
  await m.set(0, new Timedelta64(2n, "s"));
  assert.equal((await m.get(0)).count, 2000n);
  // asNDArray of value types keeps counts in data.
  const nd = asNDArray([new Datetime64(1n, "D")], "<M8[h]");
  assert.ok(nd instanceof NDArray);
  assert.deepEqual([...nd.data], [24n]);
});

test("datetimes zarr-python wrote read as values whose text is numpy's", { skip: skipWithoutZarrPython }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-dt-"));
  try {
    const r = spawnSync("/usr/bin/python3", ["-c", `
import sys, json, numpy as np, zarr
d = sys.argv[1]
v = np.array(['2001-02-03T04:05:06.123456789', 'NaT', '1960-01-01T00:00:00.5'], dtype='M8[ns]')
zarr.save_array(d + '/m', v, chunks=2)
t = np.array([7, -3, 'NaT'], dtype='m8[s]')
zarr.save_array(d + '/t', t, chunks=2)
print(json.dumps({"m": [str(x) for x in v], "t": [str(x) for x in t]}))
`, dir], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const py = JSON.parse(r.stdout) as { m: string[]; t: string[] };
    const m = await openArray<"<M8[ns]", 1>(join(dir, "m"), { mode: "r" });
    assert.equal(m.dtype, "<M8[ns]");
    const ms = [await m.get(0), await m.get(1), await m.get(2)];
    assert.deepEqual(ms.map(String), py.m);
    assert.equal(ms[0].count, 981173106123456789n);
    const t = await openArray<"<m8[s]", 1>(join(dir, "t"), { mode: "r" });
    assert.deepEqual([String(await t.get(0)), String(await t.get(1)), String(await t.get(2))], py.t);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
