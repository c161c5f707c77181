/**
 * Declared shapes may be astronomically large (sparse arrays are legitimate): chunk iteration is
 * lazy, bounded in memory, and stops as soon as the consumer (or a failing store) stops it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, MemoryStore, slice, ZarrArray } from "../../src/internal.ts";
import { gridCoords, iterDim, lazyCartesian, projectDim, projectSelection } from "../../src/indexing/chunk-projection.ts";
import { normalizeBasicSelection, Slice } from "../../src/indexing/slice.ts";

/** A MemoryStore whose chunk writes fail after `n` of them. */
class FailAfter extends MemoryStore {
  chunkWrites = 0;
  constructor(readonly n: number) {
    super();
  }
  override set(key: string, value: Uint8Array) {
    if (!key.split("/").pop()!.startsWith(".z") && ++this.chunkWrites > this.n) throw new Error(`store full after ${this.n} chunk writes`);
    return super.set(key, value);
  }
}

const rssMB = () => process.memoryUsage().rss / 2 ** 20;

test("a full write over shape [1e15] with chunks [1e6] starts at once and stays bounded in memory", async () => {
  for (const dtype of ["<i1", "<f8"]) {
    const s = new FailAfter(30);
    const z = await create({ store: s, shape: [1e15], chunks: [1e6], dtype, compressor: null });
    const rss0 = rssMB();
    const t0 = Date.now();
    await assert.rejects(z.set(null, 1), /store full after 30 chunk writes/);
    const ms = Date.now() - t0;
    assert.ok(ms < 20_000, `write stopped after ${ms} ms`);
    assert.ok(s.chunkWrites >= 31 && s.chunkWrites < 200, `attempted ${s.chunkWrites} writes`);
    // 30 chunks of at most 8 MB are stored; nothing else may grow with the declared shape.
    assert.ok(rssMB() - rss0 < 600, `RSS grew by ${Math.round(rssMB() - rss0)} MB`);
    assert.equal(await z.get(0), 1);
    assert.equal(await z.get(1e15 - 1), 0);
  }
});

test("2-D and strided selections over huge grids are lazy", async () => {
  const s = new FailAfter(5);
  const z = await create({ store: s, shape: [1e12, 1e12], chunks: [1000, 1000], dtype: "<u1", compressor: null });
  await assert.rejects(z.set([slice(0, 1e12, 1e9), null], 7), /store full/);
  // A strided slice with step > chunk only visits the chunks it touches.
  const sel = normalizeBasicSelection([new Slice(0, 1e15, 1e12)], [1e15]);
  const t0 = Date.now();
  const ps = [...projectSelection(sel, [1e15], [10])];
  assert.equal(ps.length, 1000);
  assert.ok(Date.now() - t0 < 2000);
  assert.deepEqual(ps[1].chunkCoords, [1e11]);
  assert.deepEqual(ps[1].dims[0], { chunkIndex: 1e11, chunkStart: 0, chunkStep: 1e12, count: 1, outStart: 1 });
  const z2 = await ZarrArray.open(s, {});
  assert.equal(await z2.get([0, 123]), 7);
  assert.equal(await z2.get([1, 123]), 0);
});

test("projectSelection and gridCoords pull one chunk at a time and honour an AbortSignal", () => {
  const sel = normalizeBasicSelection(null, [1e15, 1e15, 1e15]);
  const it = projectSelection(sel, [1e15, 1e15, 1e15], [1, 1, 1]);
  assert.deepEqual(it.next().value!.chunkCoords, [0, 0, 0]);
  assert.deepEqual(it.next().value!.chunkCoords, [0, 0, 1]);
  const g = gridCoords([1e15, 1e15]);
  assert.deepEqual([g.next().value, g.next().value], [[0, 0], [0, 1]]);
  const ac = new AbortController();
  let n = 0;
  assert.throws(() => {
    for (const _ of projectSelection(sel, [1e15, 1e15, 1e15], [7, 7, 7], ac.signal)) if (++n === 100) ac.abort();
  }, { name: "AbortError" });
  assert.equal(n, 100);
  assert.deepEqual([...gridCoords([2, 0, 3])], []);
  assert.deepEqual([...gridCoords([])], [[]]);
  assert.deepEqual([...gridCoords([2, 2])], [[0, 0], [0, 1], [1, 0], [1, 1]]);
  assert.deepEqual([...lazyCartesian<number | string>([() => [1, 2][Symbol.iterator](), () => ["a"][Symbol.iterator]()])], [[1, "a"], [2, "a"]]);
});

test("iterDim matches a brute-force projection for every step, start and chunking", () => {
  let cases = 0;
  for (const n of [0, 1, 7, 20, 33]) {
    for (const chunk of [1, 3, 5, 40]) {
      for (const step of [1, 2, 3, 7, 50, -1, -2, -6, -50]) {
        for (const [a, b] of [[null, null], [2, 15], [-3, null], [null, -4], [30, 1]] as const) {
          const sl = new Slice(a, b, step);
          const { start, count } = sl.indices(n);
          const expected = new Map<number, number[]>();
          for (let o = 0; o < count; o++) {
            const j = start + o * step;
            const k = Math.floor(j / chunk);
            if (!expected.has(k)) expected.set(k, []);
            expected.get(k)!.push(j);
          }
          const got = projectDim({ kind: "slice", ...sl.indices(n) }, n, chunk);
          assert.deepEqual(got.map((p) => p.chunkIndex), [...expected.keys()]);
          for (const p of got) {
            const js = Array.from({ length: p.count }, (_, i) => p.chunkIndex * chunk + p.chunkStart + i * p.chunkStep);
            assert.deepEqual(js, expected.get(p.chunkIndex));
            assert.equal(js[0], start + p.outStart * step);
          }
          cases++;
        }
      }
    }
  }
  assert.deepEqual([...iterDim({ kind: "int", index: 17 }, 100, 5)], [{ chunkIndex: 3, chunkStart: 2, chunkStep: 1, count: 1, outStart: 0 }]);
  assert.ok(cases > 500);
});
