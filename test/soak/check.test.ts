/**
 * The soak's stale-copy check on hand-made histories: a serial outcome of racing writes passes,
 * and the two ways a lost update shows (a later write undone by an older copy; the fill value or a
 * foreign value where a write landed) are counted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { staleCheck, type TimedWrite } from "./check.ts";

// A 2 × 4 array: `all` covers it, `left` the first two columns, `right` the last two.
const all: TimedWrite = { r0: 0, r1: 2, c0: 0, c1: 4, v: 9, start: 0, end: 10 };
const left: TimedWrite = { r0: 0, r1: 2, c0: 0, c1: 2, v: 1, start: 20, end: 30 };
const right: TimedWrite = { r0: 0, r1: 2, c0: 2, c1: 4, v: 2, start: 5, end: 25 };
const grid = (...rows: number[][]) => Int32Array.from(rows.flat());

test("staleCheck: every serial outcome of overlapping writes passes", () => {
  // `right` overlaps `all` in time, so either order is a serial outcome; `left` came after `all`.
  for (const got of [grid([1, 1, 2, 2], [1, 1, 2, 2]), grid([1, 1, 9, 9], [1, 1, 9, 9])]) {
    assert.deepEqual(staleCheck(got, 4, [all, left, right]), { lost: 0, undone: 0, alien: 0, examples: [] });
  }
});

test("staleCheck: a write undone by an older copy of the chunk is counted once", () => {
  // `left` started after `all` ended, yet `all`'s value is back in one of its elements.
  const r = staleCheck(grid([1, 9, 2, 2], [1, 9, 2, 2]), 4, [all, left, right]);
  assert.equal(r.undone, 1);
  assert.equal(r.lost, 1);
  assert.match(r.examples[0], /\(0, 1\) = 9 from a write that ended before the write of 1 started/);
});

test("staleCheck: the fill value under a write, a value from elsewhere, and a value where nothing wrote are alien", () => {
  const r = staleCheck(grid([0, 1, 2, 2], [1, 1, 1, 2]), 4, [all, left, right]);
  assert.equal(r.alien, 2); // (0, 0) holds the fill value; (1, 2) holds `left`'s value outside `left`
  const untouched = staleCheck(grid([1, 1, 0, 5]), 4, [{ ...left, r1: 1 }]);
  assert.equal(untouched.alien, 1); // (0, 3): no write covers it, yet it is not the fill value
  assert.throws(() => staleCheck(grid([0, 0, 0, 0]), 4, [left, { ...right, v: 1 }]), /unique/);
});
