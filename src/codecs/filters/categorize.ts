/**
 * numcodecs `Categorize`: replaces strings by small integer codes (index into `labels`, plus one;
 * 0 for values not in `labels`).
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ObjectCategorize } from "../object/categorize.ts";
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
  /** dtype of the decoded data: a fixed-width unicode dtype such as `"<U4"`. */
  dtype: string;
  /** dtype of the codes; numcodecs' default is `"|u1"`. */
  astype?: string;
}

const NAME = "Categorize";

/**
 * Categorize compatible with numcodecs 0.11 for fixed-width unicode (`U`) arrays. Object-dtype
 * (`|O`) arrays are handled by {@link ObjectCategorize}, which `getCodec` returns for `|O` configs.
 * Codes that do not fit `astype` wrap as numpy 1.24 does, and a
 * later duplicate label wins when encoding, as in numcodecs' loop.
 * @example
 * const labels = ["female", "male"];
 * const z = await zeros([1000], { chunks: [100], dtype: "<U6", filters: [new Categorize({ labels, dtype: "<U6", astype: "|u1" })] });
 */
export class Categorize implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "categorize";
  readonly codecId = Categorize.codecId;
  readonly labels: string[];
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;
  private readonly table: LabelTable;
  private readonly labelCps: number[][];

  constructor(options: CategorizeOptions) {
    if (options === null || typeof options !== "object") throw new CodecError(`${NAME}: options must be an object`);
    if (options.labels === undefined) throw new CodecError(`${NAME}: parameter 'labels' is required`);
    if (options.dtype === undefined) throw new CodecError(`${NAME}: parameter 'dtype' is required`);
    if (options.dtype === "|O" || options.dtype === "O" || options.dtype === "object") {
      throw new CodecError(`${NAME}: parameter 'dtype' '|O' (object arrays) is handled by ObjectCategorize (getCodec picks it for '|O' configs)`);
    }
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

  async encode(data: Uint8Array, _ctx?: ChunkContext): Promise<Uint8Array> {
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
    return { id: Categorize.codecId, labels: [...this.labels], dtype: this.dtype.str, astype: this.astype.str };
  }

  toString(): string {
    return `Categorize(dtype=${pyStrRepr(this.dtype.str)}, astype=${pyStrRepr(this.astype.str)}, labels=${this.table.labelsRepr()})`;
  }
}
