/**
 * numcodecs `Categorize`: replaces strings by small integer codes (index into `labels`, plus one;
 * 0 for values not in `labels`).
 * @module
 */
import { CodecError } from "../../errors.ts";
import { ObjectCategorize } from "../object/categorize.ts";
import { isObjectDtypeString, type ObjectLayout } from "../object/object-codec.ts";
import { parseLayout } from "../../dtype/parse.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import { pyStrRepr } from "../../dtype/pyrepr.ts";
import { checkConfig, deliver } from "./config.ts";
import { dtypeParam, type FilterDtype } from "./filter-dtype.ts";
import { LabelTable } from "./labels.ts";
import { elementCount, elementReader, elementWriter, readCodePoints, stringCodePoints, viewOf, writeCodePoints } from "./values.ts";

/** Constructor parameters, named as in the numcodecs config. */
export interface CategorizeOptions {
  /** Category labels; code `i + 1` stands for `labels[i]`. */
  labels: string[];
  /** dtype of the decoded data: a fixed-width unicode dtype such as `"<U4"`, or `"|O"` for object arrays (as numcodecs' `dtype=object`). */
  dtype: string;
  /** dtype of the codes; numcodecs' default is `"|u1"`. */
  astype?: string;
}

const NAME = "Categorize";

/**
 * Categorize compatible with numcodecs 0.11, for fixed-width unicode (`U`) arrays and, as in
 * numcodecs, object (`|O`) arrays of strings: `new Categorize({ labels, dtype: "|O" })` is then an
 * object codec (the first filter of an object array, no `objectCodec` needed) that works as
 * {@link ObjectCategorize}. Codes that do not fit `astype` wrap as numpy 1.24 does, and a later
 * duplicate label wins when encoding, as in numcodecs' loop.
 * @example
 * const z = await zeros(4, { dtype: "|O", filters: [new Categorize({ labels: ["a", "b"], dtype: "|O" })] });
 * await z.set(null, ["a", "b", "x", "a"]); // stored as codes 1, 2, 0, 1
 * const labels = ["female", "male"];
 * const u = await zeros([1000], { chunks: [100], dtype: "<U6", filters: [new Categorize({ labels, dtype: "<U6", astype: "|u1" })] });
 */
export class Categorize implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "categorize";
  readonly codecId = Categorize.codecId;
  readonly labels: string[];
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;
  /** True for the object variant (`dtype: "|O"`): the pipeline then hands it element values. */
  readonly isObjectCodec: boolean;
  private readonly table: LabelTable;
  private readonly labelCps: number[][];
  private readonly objects?: ObjectCategorize;

  constructor(options: CategorizeOptions) {
    if (options === null || typeof options !== "object") throw new CodecError(`${NAME}: options must be an object`);
    if (options.labels === undefined) throw new CodecError(`${NAME}: parameter 'labels' is required`);
    if (options.dtype === undefined) throw new CodecError(`${NAME}: parameter 'dtype' is required`);
    if (isObjectDtypeString(options.dtype)) {
      this.objects = new ObjectCategorize({ labels: options.labels, dtype: "|O", astype: options.astype });
      this.isObjectCodec = true;
      this.dtype = parseLayout("|O");
      this.table = new LabelTable(NAME, options.labels, options.astype);
      this.labels = this.objects.labels;
      this.astype = this.objects.astype;
      this.labelCps = [];
      return;
    }
    this.isObjectCodec = false;
    this.dtype = dtypeParam(NAME, options.dtype, "dtype");
    if (this.dtype.kind !== "U") {
      throw new CodecError(`${NAME}: parameter 'dtype' must be a unicode ('U') dtype, got '${this.dtype.str}'`);
    }
    this.table = new LabelTable(NAME, options.labels, options.astype);
    this.labels = this.table.labels;
    this.astype = this.table.astype;
    this.labelCps = this.labels.map(stringCodePoints);
  }

  /** Build from a `.zarray` filter entry; rejects unknown keys as numcodecs' `cls(**config)` would. */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Categorize {
    const c = checkConfig(config, Categorize.codecId, NAME, ["labels", "dtype", "astype"]);
    return new Categorize({ labels: c.labels as string[], dtype: c.dtype as string, astype: c.astype as string | undefined });
  }

  /** Object variant: element values (strings) to codes; values that are not labels get 0. */
  async encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array> {
    return this.objectVariant("encodeObjects").encodeObjects(values, layout);
  }

  /** Object variant: codes to labels; codes that match no label decode to `""`. */
  async decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]> {
    return this.objectVariant("decodeObjects").decodeObjects(bytes, count, layout);
  }

  private objectVariant(method: string): ObjectCategorize {
    if (!this.objects) throw new CodecError(`${NAME}: ${method} needs dtype '|O'; this Categorize has dtype '${this.dtype.str}' and encodes bytes`);
    return this.objects;
  }

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    if (this.objects) return this.objects.encode(data);
    const n = elementCount(data, this.dtype, NAME, "dtype");
    const src = viewOf(data);
    const out = new Uint8Array(n * this.astype.itemsize);
    const dv = viewOf(out);
    const wr = elementWriter(this.astype);
    const codes = this.table.codes;
    const byKey = this.table.lookup((_, i) => this.labelCps[i].join(","));
    for (let i = 0; i < n; i++) {
      const hit = byKey.get(readCodePoints(src, i, this.dtype).join(","));
      if (hit !== undefined) wr(dv, i, codes[hit]);
    }
    return out;
  }

  async decode(data: Uint8Array, out?: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
    if (this.objects) return this.objects.decode(data, out);
    const n = elementCount(data, this.astype, NAME, "astype");
    const src = viewOf(data);
    const rd = elementReader(this.astype);
    const size = n * this.dtype.itemsize;
    const dec = out && out.byteLength === size && out.buffer !== data.buffer ? out : new Uint8Array(size);
    const dv = viewOf(dec);
    // dec[enc == i + 1] = label: each code matches at most one label index.
    const empty: number[] = [];
    for (let i = 0; i < n; i++) {
      const idx = this.table.indexOfCode(rd(src, i));
      writeCodePoints(dv, i, this.dtype, idx >= 0 ? this.labelCps[idx] : empty);
    }
    return deliver(dec, out);
  }

  /** The output dtype is `astype`. */
  encodedDtype(_inputDtype: string): string {
    return this.astype.str;
  }

  getConfig(): CodecConfig {
    if (this.objects) return this.objects.getConfig();
    return { id: Categorize.codecId, labels: [...this.labels], dtype: this.dtype.str, astype: this.astype.str };
  }

  toString(): string {
    if (this.objects) return this.objects.toString();
    return `Categorize(dtype=${pyStrRepr(this.dtype.str)}, astype=${pyStrRepr(this.astype.str)}, labels=${this.table.labelsRepr()})`;
  }
}

/**
 * The registry's factory for numcodecs' id "categorize": numcodecs has one Categorize, and zarrflow
 * splits it by dtype — `|O` labels take {@link ObjectCategorize}, fixed-width ones the filter
 * `Categorize`. The one place that makes this choice, for the lazy table and for eager registration.
 * @example
 * categorizeFromConfig({ id: "categorize", labels: ["a", "b"], dtype: "|O", astype: "|u1" }); // an ObjectCategorize
 */
export function categorizeFromConfig(c: CodecConfig): ObjectCategorize | Categorize {
  return isObjectDtypeString(c.dtype) ? ObjectCategorize.fromConfig(c) : Categorize.fromConfig(c);
}
