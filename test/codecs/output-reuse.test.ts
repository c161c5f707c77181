// Codec outputs of 1 MiB or more are kept a moment after they are collected, for the next codec
// call's output of the same size (native/src/recycler.h): a loop decoding chunk after chunk then
// writes into pages already present instead of faulting in fresh ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { nativeCodecs } from "../../src/codecs/native.ts";
import { Blosc } from "../../src/internal.ts";

v8.setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MAX_KEPT = 128 * 1024 * 1024;

function pattern(n: number, seed: number): Uint8Array {
  const a = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    a[i] = (x >>> 24) & (i % 7 === 0 ? 0xff : 0x0f);
  }
  return a;
}

/** Byte equality, whatever the view's class (the native path returns Buffers). */
function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(y);
}

/** Collects and turns the event loop (finalizers run on later turns) until `done()` or 1000 turns. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !done(); turn++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

test("a collected decode result is reused for the next decode of its size, which shows none of its old bytes", async (t) => {
  const state = nativeCodecs?.recycledOutputs;
  if (!state) return t.skip("no native addon: codec outputs are ordinary buffers");
  const size = 4 * 1024 * 1024 + 13; // a size no other test uses
  const kept = () => state.call(nativeCodecs, size)[0];
  const codec = new Blosc({ cname: "lz4", clevel: 5, shuffle: 1 });
  const a = pattern(size, 1);
  const b = pattern(size, 2);
  const encA = await codec.encode(a);
  const encB = await codec.encode(b);
  let outA: Uint8Array | undefined = await codec.decode(encA);
  assert.ok(sameBytes(outA, a));
  assert.equal(kept(), 0);
  outA = undefined;
  await collectUntil(() => kept() >= 1);
  assert.equal(kept(), 1, "the collected result is kept");
  const outB = await codec.decode(encB);
  assert.equal(kept(), 0, "the next decode of that size took it");
  assert.equal(outB.byteLength, size);
  assert.ok(sameBytes(outB, b), "every byte is the new chunk's");
});

test("collected codec outputs kept for reuse stay within 128 MiB", async (t) => {
  const state = nativeCodecs?.recycledOutputs;
  if (!state) return t.skip("no native addon: codec outputs are ordinary buffers");
  const size = 3 * 1024 * 1024 + 29; // 48 of them: 144 MiB
  const codec = new Blosc({ cname: "zstd", clevel: 1, shuffle: 0 });
  const enc = await codec.encode(pattern(size, 3));
  let held: Uint8Array[] | undefined = [];
  for (let i = 0; i < 48; i++) held.push(await codec.decode(enc));
  assert.equal(held.length, 48);
  held = undefined;
  const fits = Math.floor(MAX_KEPT / size);
  await collectUntil(() => state.call(nativeCodecs, size)[0] >= fits);
  const [count, bytes] = state.call(nativeCodecs, size);
  assert.equal(count, fits, "as many as fit are kept");
  assert.ok(bytes <= MAX_KEPT, `kept ${bytes} bytes`);
  void held;
});
