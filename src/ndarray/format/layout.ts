/**
 * Array layout: numpy's `_formatArray`, `_extendLine(_pretty)` and `_leading_trailing` — nesting,
 * line wrapping and `...` summarisation around the element formatters.
 * @module
 */
import type { DType } from "../../dtype/dtype.ts";
import { ShapeError } from "../../errors.ts";
import { pyTuple } from "./dtype-text.ts";
import { makeFormatter } from "./formatters.ts";
import { plen } from "./pyobject.ts";
import type { FormatOptions, FormatSource } from "./types.ts";
import type { Formatter } from "./values.ts";

/** {@link FormatOptions} with numpy's defaults filled in. */
export interface Resolved {
  threshold: number;
  edgeitems: number;
  linewidth: number;
  precision: number;
}

/** Fill in numpy's default print options and reject values numpy would choke on. */
export function resolveOptions(opts: FormatOptions | undefined): Resolved {
  const r: Resolved = {
    threshold: opts?.threshold ?? 1000,
    edgeitems: opts?.edgeitems ?? 3,
    linewidth: opts?.linewidth ?? 75,
    precision: opts?.precision ?? 8,
  };
  if (Number.isNaN(r.threshold)) throw new RangeError("threshold must not be NaN; use Infinity to disable summarization");
  if (!Number.isInteger(r.edgeitems) || r.edgeitems < 0) throw new RangeError(`edgeitems must be a non-negative integer, got ${r.edgeitems}`);
  if (!Number.isInteger(r.precision) || r.precision < 0) throw new RangeError(`precision must be a non-negative integer, got ${r.precision}`);
  if (!Number.isFinite(r.linewidth)) throw new RangeError(`linewidth must be finite, got ${r.linewidth}`);
  return r;
}

/** The element count of a shape, refusing shapes numpy could not have. */
export function checkShape(shape: readonly number[]): number {
  let size = 1;
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`invalid shape ${pyTuple(shape)}: dimensions must be non-negative integers`);
    size *= n;
  }
  return size;
}

function extendLine(s: string, line: string, word: string, lineWidth: number, nextLinePrefix: string): [string, string] {
  let needsWrap = plen(line) + plen(word) > lineWidth;
  if (plen(line) <= plen(nextLinePrefix)) needsWrap = false;
  if (needsWrap) {
    s += line.trimEnd() + "\n";
    line = nextLinePrefix;
  }
  return [s, line + word];
}

function extendLinePretty(s: string, line: string, word: string, lineWidth: number, nextLinePrefix: string): [string, string] {
  const words = word.split(/\r\n|\r|\n/);
  if (words.length === 1) return extendLine(s, line, word, lineWidth, nextLinePrefix);
  const maxWordLength = Math.max(...words.map(plen));
  let indent: string;
  if (plen(line) + maxWordLength > lineWidth && plen(line) > plen(nextLinePrefix)) {
    s += line.trimEnd() + "\n";
    line = nextLinePrefix + words[0];
    indent = nextLinePrefix;
  } else {
    indent = " ".repeat(plen(line));
    line += words[0];
  }
  for (const w of words.slice(1)) {
    s += line.trimEnd() + "\n";
    line = indent + w;
  }
  line += " ".repeat(maxWordLength - plen(words[words.length - 1]));
  return [s, line];
}

function formatArray(
  shape: readonly number[],
  get: (flat: number) => unknown,
  fmt: Formatter,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  edgeItems: number,
  summaryInsert: string,
): string {
  const ndim = shape.length;
  const strides: number[] = new Array(ndim);
  let acc = 1;
  for (let i = ndim - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const sepStripped = separator.trimEnd();

  const recurser = (axis: number, offset: number, hangingIndent: string, currWidth: number): string => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return fmt(get(offset));
    const nextHangingIndent = hangingIndent + " ";
    const nextWidth = currWidth - 1;
    const aLen = shape[axis];
    const showSummary = summaryInsert !== "" && 2 * edgeItems < aLen;
    const leadingItems = showSummary ? edgeItems : 0;
    const trailingItems = showSummary ? edgeItems : aLen;
    const at = (i: number): number => offset + (i < 0 ? aLen + i : i) * strides[axis];
    let s = "";
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(plen(sepStripped), 1);
      let line = hangingIndent;
      for (let i = 0; i < leadingItems; i++) {
        const word = recurser(axis + 1, at(i), nextHangingIndent, nextWidth);
        [s, line] = extendLinePretty(s, line, word, elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailingItems; i > 1; i--) {
        const word = recurser(axis + 1, at(-i), nextHangingIndent, nextWidth);
        [s, line] = extendLinePretty(s, line, word, elemWidth, hangingIndent);
        line += separator;
      }
      const word = recurser(axis + 1, at(-1), nextHangingIndent, nextWidth);
      [s, line] = extendLinePretty(s, line, word, elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = sepStripped + "\n".repeat(axesLeft - 1);
      for (let i = 0; i < leadingItems; i++) {
        s += hangingIndent + recurser(axis + 1, at(i), nextHangingIndent, nextWidth) + lineSep;
      }
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailingItems; i > 1; i--) {
        s += hangingIndent + recurser(axis + 1, at(-i), nextHangingIndent, nextWidth) + lineSep;
      }
      s += hangingIndent + recurser(axis + 1, at(-1), nextHangingIndent, nextWidth);
    }
    return "[" + s.slice(hangingIndent.length) + "]";
  };
  return recurser(0, 0, nextLinePrefix, lineWidth);
}

/** Flat indices of `_leading_trailing`'s N-d corners, in C order. */
function leadingTrailingIndices(shape: readonly number[], edge: number): number[] {
  const out: number[] = [];
  const ndim = shape.length;
  const strides: number[] = new Array(ndim);
  let acc = 1;
  for (let i = ndim - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const keep = shape.map((n) => {
    if (n > 2 * edge) {
      const idx: number[] = [];
      for (let i = 0; i < edge; i++) idx.push(i);
      // numpy slices `a[-edge:]`, and `a[-0:]` is the whole axis: edgeitems=0 calibrates on everything.
      for (let i = edge === 0 ? 0 : n - edge; i < n; i++) idx.push(i);
      return idx;
    }
    return Array.from({ length: n }, (_, i) => i);
  });
  const rec = (axis: number, offset: number): void => {
    if (axis === ndim) {
      out.push(offset);
      return;
    }
    for (const i of keep[axis]) rec(axis + 1, offset + i * strides[axis]);
  };
  rec(0, 0);
  return out;
}

/** `_array2string` for a non-empty array. */
export function array2string(src: FormatSource, dt: DType, size: number, o: Resolved, separator: string, prefix: string, suffixLen: number): string {
  const shape = src.shape;
  let indices: number[];
  let summaryInsert = "";
  if (size > o.threshold) {
    summaryInsert = "...";
    indices = leadingTrailingIndices(shape, o.edgeitems);
  } else {
    indices = Array.from({ length: size }, (_, i) => i);
  }
  const cache = new Map<number, unknown>();
  const get = (i: number): unknown => {
    if (cache.has(i)) return cache.get(i);
    const v = src.get(i);
    cache.set(i, v);
    return v;
  };
  const data = indices.map(get);
  const fmt = makeFormatter(dt, data, { precision: o.precision, zeroD: shape.length === 0 });
  const nextLinePrefix = " " + " ".repeat(plen(prefix));
  return formatArray(shape, get, fmt, o.linewidth - suffixLen, nextLinePrefix, separator, o.edgeitems, summaryInsert);
}
