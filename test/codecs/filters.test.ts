/**
 * numcodecs fixture conformance for the filter, checksum and base64 codecs: every (codec, array)
 * pair upstream exercises must decode to the array bytes (or, for lossy codecs, to numcodecs 0.11's
 * exact decode) and encode to exactly the stored bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import "../../src/codecs/filters/index.ts";
import { getCodec } from "../../src/codecs/registry.ts";
import type { ChunkContext } from "../../src/codecs/codec.ts";
import { readNpy } from "../helpers/npy.ts";
import { SHARED_FIXTURES } from "../helpers/fixtures-root.ts";

const FIXTURES = SHARED_FIXTURES;
const NUMCODECS = join(FIXTURES, "numcodecs");

interface IndexEncoded {
  array: number;
  file: string;
  compare: string;
  decoded?: string;
}
interface IndexCodec {
  dir: string;
  config: { id: string; [k: string]: unknown };
  exercised_upstream?: boolean;
  encoded: IndexEncoded[];
}
interface IndexDir {
  dir: string;
  arrays: { file: string; dtype: string; shape: number[]; order: string }[];
  codecs: IndexCodec[];
}

const OURS = new Set(["delta", "fixedscaleoffset", "quantize", "packbits", "astype", "shuffle", "bitround", "categorize", "crc32", "adler32", "base64"]);

const index = JSON.parse(readFileSync(join(FIXTURES, "derived/numcodecs/index.json"), "utf8")) as { dirs: IndexDir[] };

function itemsizeOf(dtype: string): number {
  const m = /^[<>|=]?[a-zA-Z](\d+)/.exec(dtype);
  if (!m) return 1;
  return dtype.includes("U") ? 4 * Number(m[1]) : Number(m[1]);
}

function firstDiff(a: Uint8Array, b: Uint8Array): string {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return "equal";
}

/** Reorder C-order element bytes of `shape` into F (column-major) memory order. */
function cToF(data: Uint8Array, shape: number[], itemsize: number): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const n = data.byteLength / itemsize;
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  for (let c = 0; c < n; c++) {
    // idx is the multi-index of C-order element c; compute its F-order position.
    let f = 0;
    let stride = 1;
    for (let d = 0; d < nd; d++) {
      f += idx[d] * stride;
      stride *= shape[d];
    }
    out.set(data.subarray(c * itemsize, (c + 1) * itemsize), f * itemsize);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

const counts = new Map<string, number>();
const dirs = index.dirs.filter((d) => OURS.has(d.dir.split("/")[0]));

test("fixture index lists the expected codec directories", () => {
  const ids = new Set(dirs.map((d) => d.dir.split("/")[0]));
  for (const id of ["delta", "fixedscaleoffset", "quantize", "packbits", "astype", "shuffle", "categorize", "crc32", "adler32", "base64"]) {
    assert.ok(ids.has(id), `missing fixture dir ${id}`);
  }
});

for (const dir of dirs) {
  for (const codec of dir.codecs) {
    if (codec.exercised_upstream === false) continue;
    // Object-dtype Categorize is out of scope for this module.
    if (codec.config.dtype === "|O") continue;
    test(`numcodecs fixture ${codec.dir}`, async () => {
      const configOnDisk = JSON.parse(readFileSync(join(NUMCODECS, codec.dir, "config.json"), "utf8"));
      const c = await getCodec(configOnDisk);
      assert.deepEqual(c.getConfig(), configOnDisk, "getConfig() must equal config.json");
      const id = dir.dir.split("/")[0];
      for (const enc of codec.encoded) {
        const arrInfo = dir.arrays[enc.array];
        const npy = readNpy(join(NUMCODECS, arrInfo.file));
        assert.equal(typeof npy.descr, "string");
        const ctx: ChunkContext = { dtype: npy.descr as string, itemsize: itemsizeOf(npy.descr as string) };
        const encoded = new Uint8Array(readFileSync(join(NUMCODECS, enc.file)));
        let expected = npy.data;
        if (enc.compare !== "bytes") {
          // derive_expected.py saved the lossy decodes with np.ascontiguousarray (C order) even for
          // F-order arrays; put them back into the array's memory order.
          const dec = readNpy(join(FIXTURES, enc.decoded!));
          expected = dec.fortranOrder === npy.fortranOrder ? dec.data : cToF(dec.data, dec.shape, ctx.itemsize);
        }
        const decoded = await c.decode(encoded, undefined, ctx);
        assert.ok(Buffer.from(decoded).equals(Buffer.from(expected)), `${enc.file}: decode differs (${firstDiff(decoded, expected)})`);
        // Decoding into a caller buffer must fill and return it.
        const out = new Uint8Array(expected.byteLength);
        const into = await c.decode(encoded, out, ctx);
        assert.equal(into, out, `${enc.file}: decode did not return 'out'`);
        assert.ok(Buffer.from(out).equals(Buffer.from(expected)), `${enc.file}: decode into out differs`);
        const reenc = await c.encode(npy.data, ctx);
        assert.ok(Buffer.from(reenc).equals(Buffer.from(encoded)), `${enc.file}: encode differs (${firstDiff(reenc, encoded)})`);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    });
  }
}

test("fixture pair counts", () => {
  const summary = [...counts.entries()].sort().map(([k, v]) => `${k}=${v}`).join(" ");
  console.log(`numcodecs fixture pairs checked: ${summary}`);
  for (const id of ["delta", "fixedscaleoffset", "quantize", "packbits", "astype", "shuffle", "categorize", "crc32", "adler32", "base64"]) {
    assert.ok((counts.get(id) ?? 0) > 0, `no fixture pairs checked for ${id}`);
  }
});
