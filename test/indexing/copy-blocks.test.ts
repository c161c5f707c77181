/**
 * Blocks of a copy between chunkings: every selected element lands in exactly one block, at the
 * same position in source and target, blocks are whole target chunks, and they stay in budget.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyBlocks } from "../../src/indexing/copy-blocks.ts";
import { normalizeBasicSelection, type NormalizedDim } from "../../src/indexing/slice.ts";

/** The array indices a normalized selection covers along each slice axis (ints as one index). */
const indices = (d: NormalizedDim): number[] => (d.kind === "int" ? [d.index] : Array.from({ length: d.count }, (_, k) => d.start + k * d.step));

for (const [selText, shape, chunks, budget] of [
  ["...", [12, 10], [1, 10], 4 * 10 * 3],
  ["...", [12, 10], [5, 3], 4 * 5 * 3 * 2],
  ["2:11, 1:9", [12, 10], [4, 4], 4 * 16],
  ["11:0:-2, 3", [12, 10], [3, 4], 4 * 3 * 2],
  ["::3, ::-2", [12, 10], [2, 7], 4 * 100],
  ["...", [7, 6, 5], [2, 3, 2], 4 * 2 * 6 * 5],
  ["...", [12, 10], [4, 4], 1],
] as const) {
  test(`copy blocks cover ${selText} of ${shape.join("x")} in ${chunks.join("x")} chunks once, within ${budget} bytes`, () => {
    const sel = normalizeBasicSelection(selText, shape);
    const outShape = sel.filter((d) => d.kind === "slice").map((d) => (d as { count: number }).count);
    const seen = new Map<string, string>();
    let blocks = 0;
    for (const b of copyBlocks(sel, shape, chunks, 4, budget)) {
      blocks++;
      const t = b.target.map(indices);
      const s = b.source.map(indices);
      // Source and target pair up element by element (same output position).
      const sliceAxes = b.target.map((d, i) => (d.kind === "int" ? -1 : i)).filter((i) => i >= 0);
      assert.equal(s.length, sliceAxes.length);
      sliceAxes.forEach((axis, k) => assert.equal(s[k].length, t[axis].length));
      const elements = t.reduce((a, l) => a * l.length, 1);
      const chunkElems = sel.reduce((a, d, i) => a * (d.kind === "int" ? 1 : Math.min(d.count, Math.ceil(chunks[i] / Math.abs(d.step)))), 1);
      assert.ok(elements * 4 <= Math.max(budget, chunkElems * 4), `block of ${elements} elements over budget`);
      const walk = (axis: number, tIdx: number[], sIdx: number[]) => {
        if (axis === t.length) {
          const key = tIdx.join(",");
          assert.ok(!seen.has(key), `target element ${key} in two blocks`);
          seen.set(key, sIdx.join(","));
          return;
        }
        const k = sliceAxes.indexOf(axis);
        t[axis].forEach((v, j) => walk(axis + 1, [...tIdx, v], k < 0 ? sIdx : [...sIdx, s[k][j]]));
      };
      walk(0, [], []);
    }
    assert.equal(seen.size, outShape.reduce((a, n) => a * n, 1), "every selected element is copied");
    // Each target element gets the source element at its position in the selection's output.
    const pos = sel.map(indices);
    const walkAll = (axis: number, tIdx: number[], out: number[]) => {
      if (axis === sel.length) {
        assert.equal(seen.get(tIdx.join(",")), out.join(","));
        return;
      }
      pos[axis].forEach((v, j) => walkAll(axis + 1, [...tIdx, v], sel[axis].kind === "int" ? out : [...out, j]));
    };
    walkAll(0, [], []);
    assert.ok(blocks >= 1);
  });
}

test("a copy whose source fits the budget is one block; a tight budget splits it along the first axis", () => {
  const sel = normalizeBasicSelection("...", [1000, 1000]);
  assert.equal([...copyBlocks(sel, [1000, 1000], [1, 1000], 4, 32 * 2 ** 20)].length, 1);
  const split = [...copyBlocks(sel, [1000, 1000], [1, 1000], 4, 4000 * 100)];
  assert.equal(split.length, 10);
  assert.deepEqual(split[1].target[0], { kind: "slice", start: 100, step: 1, count: 100 });
});
