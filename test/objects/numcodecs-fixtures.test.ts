/**
 * numcodecs fixture conformance for the object codecs (vlen-utf8, vlen-bytes, vlen-array, json2,
 * msgpack2, categorize/O): every encoded file of an object array decodes to the tagged values in
 * `derived/numcodecs/<dir>/array.NN.json`, and re-encoding those values gives the stored bytes
 * exactly (except msgpack values holding integral floats such as 1.0, which JS numbers cannot tell
 * from ints).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getCodec, isObjectCodec, type ObjectCodec } from "../../src/internal.ts";
import { assertTagged, fromTagged, hasIntegralFloat, type TaggedFile } from "./tagged.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const FIXTURES = SHARED_FIXTURES;
const DIRS = ["vlen-utf8", "vlen-bytes", "vlen-array", "json2", "msgpack2", "categorize/O"];

interface IndexDir {
  dir: string;
  arrays: { dtype: string; shape: number[]; order: "C" | "F"; json?: string }[];
  codecs: { dir: string; config: Record<string, unknown> & { id: string }; encoded: { array: number; file: string; compare: string }[]; exercised_upstream: boolean }[];
}

const index = JSON.parse(readFileSync(join(FIXTURES, "derived/numcodecs/index.json"), "utf8")) as { dirs: IndexDir[] };

let decodedCount = 0;
let encodedCount = 0;
for (const name of DIRS) {
  const d = index.dirs.find((x) => x.dir === name);
  assert.ok(d, name);
  test(`numcodecs fixtures: ${name}`, async () => {
    for (const c of d.codecs) {
      if (!c.exercised_upstream) continue;
      const codec = (await getCodec(c.config)) as ObjectCodec;
      assert.ok(isObjectCodec(codec), `${c.dir} is an object codec`);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(codec.getConfig())), c.config, `${c.dir} config round-trips`);
      for (const e of c.encoded) {
        const arr = d.arrays[e.array];
        if (!arr.json) continue; // non-object arrays: not object-codec territory
        const tagged = JSON.parse(readFileSync(join(FIXTURES, arr.json), "utf8")) as TaggedFile;
        const layout = { shape: arr.shape, order: arr.order };
        const bytes = new Uint8Array(readFileSync(join(FIXTURES, "numcodecs", e.file)));
        const values = await codec.decodeObjects(bytes, tagged.values.length, layout);
        assert.strictEqual(values.length, tagged.values.length);
        // vlen-array fixtures hold <i8 arrays; each codec decodes them as its own dtype (numcodecs compares values).
        const retype = (t: unknown) => (c.config.id === "vlen-array" && t && typeof t === "object" && "ndarray" in t ? { ndarray: { ...(t as { ndarray: object }).ndarray, dtype: c.config.dtype } } : t);
        tagged.values.forEach((t, i) => assertTagged(values[i], retype(t), `${e.file}[${i}]`));
        decodedCount++;
        if (codec.codecId === "msgpack2" && hasIntegralFloat(tagged.values)) continue;
        const input = tagged.values.map((t) => fromTagged(t, codec.codecId === "json2"));
        const enc = await codec.encodeObjects(input, layout);
        assert.ok(Buffer.from(enc).equals(Buffer.from(bytes)), `${e.file}: re-encoding is byte-exact`);
        encodedCount++;
      }
    }
  });
}

test("numcodecs object fixture counts", () => {
  // Run after the per-directory tests (node:test runs top-level tests in order).
  assert.ok(decodedCount >= 30, `decoded ${decodedCount}`);
  assert.ok(encodedCount >= 25, `re-encoded ${encodedCount}`);
  console.log(`object fixtures: ${decodedCount} decoded, ${encodedCount} re-encoded byte-exactly`);
});
