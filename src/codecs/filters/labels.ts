/**
 * The label table of numcodecs' `Categorize`, shared by the fixed-width unicode filter and the
 * object-dtype codec so both validate labels, number codes and print reprs the same way.
 * @module
 */
import { describeValue } from "../../dtype/describe.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";
import { CodecError } from "../../errors.ts";
import { dtypeParam, type FilterDtype, type Scalar } from "./filter-dtype.ts";
import { pyScalarTo } from "./promote.ts";

/** Labels, the code dtype and each label's code (`index + 1`, cast to `astype` as numpy would). */
export class LabelTable {
  /** Category labels; code `i + 1` stands for `labels[i]`. */
  readonly labels: string[];
  /** dtype of the codes. */
  readonly astype: FilterDtype;
  /** The code of each label, already in `astype`'s domain (wrapping when it does not fit). */
  readonly codes: Scalar[];

  /** Validate `labels` and `astype` (numcodecs' default `"|u1"`), naming `codec` in errors. */
  constructor(codec: string, labels: unknown, astype: unknown) {
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string")) {
      throw new CodecError(`${codec}: parameter 'labels' must be a list of strings, got ${describeValue(labels)}`);
    }
    this.labels = [...(labels as string[])];
    this.astype = dtypeParam(codec, astype ?? "u1", "astype", "numeric");
    this.codes = this.labels.map((_, i) => pyScalarTo({ value: i + 1, isInt: true }, this.astype));
  }

  /**
   * A lookup from a label's key to its index. Later duplicates win, as in numcodecs' encode loop
   * where each label's assignment overwrites the previous ones.
   */
  lookup<K>(key: (label: string, index: number) => K): Map<K, number> {
    const m = new Map<K, number>();
    this.labels.forEach((l, i) => m.set(key(l, i), i));
    return m;
  }

  /** The label index a stored code stands for, or -1 (numcodecs decodes those to `""`). */
  indexOfCode(v: Scalar): number {
    const x = typeof v === "bigint" ? Number(v) : v;
    return Number.isInteger(x) && x >= 1 && x <= this.labels.length ? x - 1 : -1;
  }

  /** numcodecs' repr of the labels: the first three, then `...`. */
  labelsRepr(): string {
    let s = `[${this.labels.slice(0, 3).map(pyStrRepr).join(", ")}]`;
    if (this.labels.length > 3) s = s.slice(0, -1) + ", ...]";
    return s;
  }
}
