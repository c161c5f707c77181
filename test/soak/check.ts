/**
 * The soak's check for racing, overlapping writes: whole-array, whole-chunk and unaligned partial
 * writes of the same chunks whose final values depend on lock order. Every write has a unique
 * value and the interval [start, end] (one monotonic clock for every thread and process) in which
 * it ran, lock included. Whatever the lock order, a write Y that started after X ended is
 * serialized after X in every chunk both touch, so an element that both cover cannot end up with
 * X's value: when it does, Y's write of that element was undone by a stale copy of the chunk (a
 * read-merge-store that did not exclude Y, or a whole-chunk write overwritten by an older merge).
 * An element holding a value no write covering it wrote (the fill value under a write, or a value
 * from elsewhere) is counted too.
 */

/** One write: a rectangle [r0, r1) × [c0, c1) set to `v`, run between `start` and `end` (µs). */
export interface TimedWrite {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
  v: number;
  start: number;
  end: number;
}

/** What {@link staleCheck} found. */
export interface StaleReport {
  /** Writes undone somewhere (distinct), plus elements holding a value no covering write wrote. */
  lost: number;
  /** Writes whose effect a stale copy undid, at one element or more. */
  undone: number;
  /** Elements with a value none of the writes covering them wrote. */
  alien: number;
  /** The first few problems, for the assertion message. */
  examples: string[];
}

/** Check a 2-d int32 array (`got`, C order, `cols` wide) against its writes; `fill` where none wrote. */
export function staleCheck(got: Int32Array, cols: number, writes: readonly TimedWrite[], fill = 0): StaleReport {
  const byValue = new Map<number, TimedWrite>();
  for (const w of writes) {
    if (byValue.has(w.v)) throw new Error(`staleCheck: value ${w.v} is written twice; values must be unique`);
    byValue.set(w.v, w);
  }
  // Per element, the write covering it that started last: the one that must win over any write
  // that ended before it started.
  const latest = new Int32Array(got.length).fill(-1);
  writes.forEach((w, i) => {
    for (let a = w.r0; a < w.r1; a++) {
      for (let b = w.c0; b < w.c1; b++) {
        const e = a * cols + b;
        if (latest[e] < 0 || writes[latest[e]].start < w.start) latest[e] = i;
      }
    }
  });
  const undone = new Set<number>();
  let alien = 0;
  const examples: string[] = [];
  const note = (s: string) => examples.length < 5 && examples.push(s);
  for (let e = 0; e < got.length; e++) {
    const v = got[e], a = Math.floor(e / cols), b = e % cols;
    if (latest[e] < 0) {
      if (v !== fill) {
        alien++;
        note(`(${a}, ${b}) = ${v} but no write covers it`);
      }
      continue;
    }
    const y = writes[latest[e]];
    const x = byValue.get(v);
    if (!x || a < x.r0 || a >= x.r1 || b < x.c0 || b >= x.c1) {
      alien++;
      note(`(${a}, ${b}) = ${v}, which no write covering it wrote (the latest to start wrote ${y.v})`);
    } else if (x.end < y.start) {
      undone.add(latest[e]);
      note(`(${a}, ${b}) = ${v} from a write that ended before the write of ${y.v} started`);
    }
  }
  return { lost: undone.size + alien, undone: undone.size, alien, examples };
}
