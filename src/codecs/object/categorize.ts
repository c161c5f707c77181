/**
 * numcodecs `Categorize` for object-dtype (`|O`) arrays: each element equal to one of `labels`
 * becomes that label's index plus one, anything else 0; decoding maps codes back to labels and
 * unknown codes to `""`. The fixed-width unicode variant is {@link Categorize}.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { CodecConfig } from "../codec.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";
import { checkConfig } from "../filters/config.ts";
import type { FilterDtype } from "../filters/filter-dtype.ts";
import { LabelTable } from "../filters/labels.ts";
import { elementCount, elementReader, elementWriter, viewOf } from "../filters/values.ts";
import { checkCount, isObjectDtypeString, ObjectCodecBase, type ObjectLayout } from "./object-codec.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface ObjectCategorizeOptions {
  /** Category labels; code `i + 1` stands for `labels[i]`. */
  labels: string[];
  /** dtype of the decoded data: must be the object dtype (`"|O"`, `"O"` or `"object"`). Default `"|O"`. */
  dtype?: string;
  /** dtype of the codes; numcodecs' default is `"|u1"`. */
  astype?: string;
}

const NAME = "Categorize";

/**
 * numcodecs 0.11 `Categorize(labels, dtype=object)`: an {@link ObjectCodec} whose output is the codes.
 * @example
 * const z = await empty([4], { dtype: "|O", objectCodec: new ObjectCategorize({ labels: ["a", "b"], astype: "|u1" }) });
 * await z.set(null, ["a", "b", "b", "a"]);
 */
export class ObjectCategorize extends ObjectCodecBase {
  protected readonly codecName = "Categorize";
  /** The numcodecs id (shared with the unicode variant). */
  static readonly codecId = "categorize";
  /** The numcodecs id. */
  readonly codecId = ObjectCategorize.codecId;
  /** Category labels. */
  readonly labels: string[];
  /** dtype of the codes. */
  readonly astype: FilterDtype;
  private readonly table: LabelTable;

  /** Build with numcodecs' parameters. */
  constructor(options: ObjectCategorizeOptions) {
    super();
    if (options === null || typeof options !== "object") throw new CodecError(`${NAME}: options must be an object`);
    if (options.labels === undefined) throw new CodecError(`${NAME}: parameter 'labels' is required`);
    if (options.dtype !== undefined && !isObjectDtypeString(options.dtype)) {
      throw new CodecError(`${NAME}: ObjectCategorize needs the object dtype '|O', got '${options.dtype}'`);
    }
    this.table = new LabelTable(NAME, options.labels, options.astype);
    this.labels = this.table.labels;
    this.astype = this.table.astype;
  }

  /** Build from a `.zarray` filter entry with `"dtype": "|O"`; rejects unknown keys. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): ObjectCategorize {
    const c = checkConfig(config, ObjectCategorize.codecId, NAME, ["labels", "dtype", "astype"]);
    if (c.dtype === undefined) throw new CodecError(`${NAME}: parameter 'dtype' is required`);
    return new ObjectCategorize({ labels: c.labels as string[], dtype: c.dtype as string, astype: c.astype as string | undefined });
  }

  /** Encode values to codes; values that are not one of the labels get code 0. */
  async encodeObjects(values: unknown[], _layout?: ObjectLayout): Promise<Uint8Array> {
    const n = values.length;
    const out = new Uint8Array(n * this.astype.itemsize);
    const dv = viewOf(out);
    const wr = elementWriter(this.astype);
    const codes = this.table.codes;
    const byLabel = this.table.lookup((l) => l);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const hit = typeof v === "string" ? byLabel.get(v) : undefined;
      if (hit !== undefined) wr(dv, i, codes[hit]);
    }
    return out;
  }

  /** Decode codes to labels; codes that match no label decode to `""`. */
  async decodeObjects(bytes: Uint8Array, count?: number, _layout?: ObjectLayout): Promise<unknown[]> {
    const n = elementCount(bytes, this.astype, NAME, "astype");
    checkCount(NAME, n, count);
    const rd = elementReader(this.astype);
    const dv = viewOf(bytes);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const idx = this.table.indexOfCode(rd(dv, i));
      out[i] = idx >= 0 ? this.labels[idx] : "";
    }
    return out;
  }

  /** The output dtype is `astype`. */
  encodedDtype(_inputDtype: string): string {
    return this.astype.str;
  }

  /** `{ id: "categorize", labels, dtype: "|O", astype }` */
  getConfig(): CodecConfig {
    return { id: ObjectCategorize.codecId, labels: [...this.labels], dtype: "|O", astype: this.astype.str };
  }

  /** e.g. `Categorize(dtype='|O', astype='|u1', labels=['a', 'b', 'c', ...])` */
  toString(): string {
    return `Categorize(dtype='|O', astype=${pyStrRepr(this.astype.str)}, labels=${this.table.labelsRepr()})`;
  }
}
