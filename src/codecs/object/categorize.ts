/**
 * numcodecs `Categorize` for object-dtype (`|O`) arrays: each element equal to one of `labels`
 * becomes that label's index plus one, anything else 0; decoding maps codes back to labels and
 * unknown codes to `""`. The fixed-width unicode variant is {@link Categorize}.
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ChunkContext, CodecConfig } from "../codec.ts";
import {
  checkConfig,
  elementCount,
  elementReader,
  elementWriter,
  type FilterDtype,
  isNumeric,
  parseFilterDtype,
  pyScalarTo,
  pyStrRepr,
  viewOf,
} from "../filters/elements.ts";
import { bytesNotSupported, checkCount, isObjectDtypeString, type ObjectCodec, type ObjectLayout } from "./object-codec.ts";

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

/** numcodecs 0.11 `Categorize(labels, dtype=object)`: an {@link ObjectCodec} whose output is the codes. */
export class ObjectCategorize implements ObjectCodec {
  /** The numcodecs id (shared with the unicode variant). */
  static readonly codecId = "categorize";
  /** The numcodecs id. */
  readonly codecId = ObjectCategorize.codecId;
  /** Always true: this is an {@link ObjectCodec}. */
  readonly isObjectCodec = true as const;
  /** Category labels. */
  readonly labels: string[];
  /** dtype of the codes. */
  readonly astype: FilterDtype;

  /** Build with numcodecs' parameters. */
  constructor(options: ObjectCategorizeOptions) {
    if (options === null || typeof options !== "object") throw new CodecError(`${NAME}: options must be an object`);
    if (options.labels === undefined) throw new CodecError(`${NAME}: parameter 'labels' is required`);
    if (options.dtype !== undefined && !isObjectDtypeString(options.dtype)) {
      throw new CodecError(`${NAME}: ObjectCategorize needs the object dtype '|O', got '${options.dtype}'`);
    }
    if (!Array.isArray(options.labels) || options.labels.some((l) => typeof l !== "string")) {
      throw new CodecError(`${NAME}: parameter 'labels' must be a list of strings, got ${JSON.stringify(options.labels, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
    }
    this.labels = [...options.labels];
    this.astype = parseFilterDtype(options.astype ?? "u1", NAME, "astype");
    if (!isNumeric(this.astype)) {
      throw new CodecError(`${NAME}: parameter 'astype' must be a bool, integer or float dtype, got '${this.astype.str}'`);
    }
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
    const codes = this.labels.map((_, i) => pyScalarTo({ value: i + 1, isInt: true }, this.astype));
    // Later labels overwrite earlier ones in numcodecs' loop.
    const byLabel = new Map<string, number>();
    this.labels.forEach((l, i) => byLabel.set(l, i));
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
      const v = rd(dv, i);
      const x = typeof v === "bigint" ? Number(v) : v;
      out[i] = Number.isInteger(x) && x >= 1 && x <= this.labels.length ? this.labels[x - 1] : "";
    }
    return out;
  }

  /** Not usable on bytes: throws {@link CodecError}. */
  async encode(_data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return bytesNotSupported(NAME);
  }

  /** Not usable on bytes: throws {@link CodecError}. */
  async decode(_data: Uint8Array, _out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    return bytesNotSupported(NAME);
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
    let labels = `[${this.labels.slice(0, 3).map(pyStrRepr).join(", ")}]`;
    if (this.labels.length > 3) labels = labels.slice(0, -1) + ", ...]";
    return `Categorize(dtype='|O', astype=${pyStrRepr(this.astype.str)}, labels=${labels})`;
  }
}
