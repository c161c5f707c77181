/**
 * The shared numcodecs fixtures of the Pickle codec (`numcodecs/pickle/codec.NN`, protocols 0–4):
 * every object array encoded with protocol 2, 3 or 4 decodes to the tagged values of
 * `derived/numcodecs/pickle/array.NN.json`, numeric and string arrays decode to the `.npy` values,
 * and protocols 0 and 1 (text opcodes) are refused with the opcode named.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CodecError, getCodec, parseDtype, type ObjectCodec } from "../../src/internal.ts";
import { decodeRawElement } from "../../src/dtype/elements.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";
import { readNpy } from "../helpers/npy.ts";
import { assertTagged, type TaggedFile } from "./tagged.ts";

interface IndexDir {
  dir: string;
  arrays: { file: string; dtype: string; shape: number[]; order: "C" | "F"; json?: string }[];
  codecs: { dir: string; config: { id: string; protocol: number }; encoded: { array: number; file: string }[] }[];
}

const indexFile = join(SHARED_FIXTURES, "derived/numcodecs/index.json");
const skip = existsSync(indexFile) ? false : `${indexFile} is missing`;

test("numcodecs Pickle fixtures: protocols 2-4 decode to the recorded values; 0 and 1 are refused", { skip }, async () => {
  const index = JSON.parse(readFileSync(indexFile, "utf8")) as { dirs: IndexDir[] };
  const d = index.dirs.find((x) => x.dir === "pickle")!;
  let objects = 0, plain = 0, refused = 0;
  for (const c of d.codecs) {
    const codec = (await getCodec(c.config)) as ObjectCodec;
    assert.deepEqual(codec.getConfig(), c.config);
    for (const e of c.encoded) {
      const arr = d.arrays[e.array];
      const bytes = new Uint8Array(readFileSync(join(SHARED_FIXTURES, "numcodecs", e.file)));
      const layout = { shape: arr.shape, order: arr.order };
      if (c.config.protocol < 2) {
        await assert.rejects(codec.decodeObjects(bytes, undefined, layout), (err: unknown) => err instanceof CodecError && /opcode [A-Z_0-9]+ at offset \d+/.test((err as Error).message));
        refused++;
        continue;
      }
      const values = await codec.decodeObjects(bytes, undefined, layout);
      if (arr.json) {
        const tagged = JSON.parse(readFileSync(join(SHARED_FIXTURES, arr.json), "utf8")) as TaggedFile;
        assert.equal(values.length, tagged.values.length, e.file);
        tagged.values.forEach((t, i) => assertTagged(values[i], t, `${e.file}[${i}]`));
        objects++;
      } else {
        const npy = readNpy(join(SHARED_FIXTURES, "numcodecs", arr.file));
        const dt = parseDtype(npy.descr);
        const want = Array.from({ length: npy.data.byteLength / dt.itemsize }, (_, i) => decodeRawElement(dt, npy.data, i * dt.itemsize));
        assert.equal(values.length, want.length, e.file);
        assert.deepEqual(values, want, e.file);
        plain++;
      }
    }
  }
  assert.ok(objects >= 15 && plain >= 6 && refused >= 10, `objects ${objects}, plain ${plain}, refused ${refused}`);
});
