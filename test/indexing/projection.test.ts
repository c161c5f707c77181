import { test } from "node:test";
import assert from "node:assert/strict";
import { projectDim, projectSelection, selectionShape } from "../../src/indexing/chunk-projection.ts";
import { normalizeBasicSelection, Slice, slice, parseSelection } from "../../src/indexing/slice.ts";
import { BoundsCheckError, IndexError } from "../../src/errors.ts";

/** Python's list(range(n))[start:stop:step] */
function pySlice(n: number, s: Slice): number[] {
  const { start, step, count } = s.indices(n);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

test("projectDim covers exactly the selected indices, in output order, for every step and chunking", () => {
  const bounds = [null, -12, -3, 0, 1, 4, 7, 11, 30];
  for (const n of [0, 1, 7, 12]) {
    for (const chunk of [1, 3, 5, 12]) {
      for (const step of [1, 2, 3, -1, -2, -5]) {
        for (const a of bounds) {
          for (const b of bounds) {
            const s = new Slice(a, b, step);
            const expected = pySlice(n, s);
            const got: number[] = new Array(expected.length).fill(-1);
            for (const p of projectDim({ kind: "slice", ...s.indices(n) }, n, chunk)) {
              for (let k = 0; k < p.count; k++) {
                const idx = p.chunkIndex * chunk + p.chunkStart + k * p.chunkStep;
                assert.ok(p.chunkStart + k * p.chunkStep < chunk && p.chunkStart + k * p.chunkStep >= 0);
                got[p.outStart + k] = idx;
              }
            }
            assert.deepEqual(got, expected, `n=${n} chunk=${chunk} ${s}`);
          }
        }
      }
    }
  }
});

test("selection strings parse like numpy subscripts", () => {
  assert.deepEqual(parseSelection("0, :"), [0, null]);
  assert.deepEqual(parseSelection("-1, -1"), [-1, -1]);
  const [a, e] = parseSelection("1:10:2, ...");
  assert.ok(a instanceof Slice);
  assert.deepEqual([a.start, a.stop, a.step], [1, 10, 2]);
  assert.equal(e, "...");
  assert.throws(() => parseSelection("1:2:3:4"), IndexError);
  assert.throws(() => parseSelection("x"), IndexError);
});

test("normalizeBasicSelection expands ellipsis, pads axes and checks bounds", () => {
  const sel = normalizeBasicSelection(["...", 2], [4, 5, 6]);
  assert.deepEqual(selectionShape(sel), [4, 5]);
  assert.deepEqual(sel[2], { kind: "int", index: 2 });
  assert.deepEqual(selectionShape(normalizeBasicSelection(slice(1, 3), [4, 5])), [2, 5]);
  assert.throws(() => normalizeBasicSelection([4], [4]), BoundsCheckError);
  assert.throws(() => normalizeBasicSelection([-5], [4]), BoundsCheckError);
  assert.throws(() => normalizeBasicSelection([0, 0], [4]), IndexError);
  assert.throws(() => normalizeBasicSelection(["...", "..."] as never, [4]), IndexError);
});

test("projectSelection visits each touched chunk once (cartesian product)", () => {
  const sel = normalizeBasicSelection("1:9, ::4", [10, 10]);
  const coords = [...projectSelection(sel, [10, 10], [3, 5])].map((p) => p.chunkCoords.join("."));
  assert.deepEqual(coords, ["0.0", "0.1", "1.0", "1.1", "2.0", "2.1"]);
  assert.equal([...projectSelection(normalizeBasicSelection("5:5", [10]), [10], [3])].length, 0);
});
