/**
 * numcodecs `Categorize`: replaces strings by small integer codes (index into `labels`, plus one;
 * 0 for values not in `labels`).
 * @module
 */
import { CodecError } from "../../errors.ts";
import type { ObjectCategorize } from "../object/categorize.ts";
import type { ChunkContext, Codec, CodecConfig } from "../codec.ts";
import {
  checkConfig,
  deliver,
  elementCount,
  elementReader,
  elementWriter,
  type FilterDtype,
  isNumeric,
  parseFilterDtype,
  pyScalarTo,
  pyStrRepr,
  readCodePoints,
  stringCodePoints,
  viewOf,
  writeCodePoints,
} from "./elements.ts";

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
 */
export class Categorize implements Codec {
  /** The numcodecs id. */
  static readonly codecId = "categorize";
  readonly codecId = Categorize.codecId;
  readonly labels: string[];
  readonly dtype: FilterDtype;
  readonly astype: FilterDtype;
  private readonly labelCps: number[][];

  constructor(options: CategorizeOptions) {
    if (options === null || typeof options !== "object") throw new CodecError(`${NAME}: options must be an object`);
    if (options.labels === undefined) throw new CodecError(`${NAME}: parameter 'labels' is required`);
    if (options.dtype === undefined) throw new CodecError(`${NAME}: parameter 'dtype' is required`);
    if (options.dtype === "|O" || options.dtype === "O" || options.dtype === "object") {
      throw new CodecError(`${NAME}: parameter 'dtype' '|O' (object arrays) is handled by ObjectCategorize (getCodec picks it for '|O' configs)`);
    }
    this.dtype = parseFilterDtype(options.dtype, NAME, "dtype");
    if (this.dtype.kind !== "U") {
      throw new CodecError(`${NAME}: parameter 'dtype' must be a unicode ('U') dtype, got '${this.dtype.str}'`);
    }
    if (!Array.isArray(options.labels) || options.labels.some((l) => typeof l !== "string")) {
      throw new CodecError(`${NAME}: parameter 'labels' must be a list of strings, got ${JSON.stringify(options.labels, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
    }
    this.labels = [...options.labels];
    this.labelCps = this.labels.map(stringCodePoints);
    this.astype = parseFilterDtype(options.astype ?? "u1", NAME, "astype");
    if (!isNumeric(this.astype)) {
      throw new CodecError(`${NAME}: parameter 'astype' must be a bool, integer or float dtype, got '${this.astype.str}'`);
    }
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
    const codes = this.labels.map((_, i) => pyScalarTo({ value: i + 1, isInt: true }, this.astype));
    // Later labels overwrite earlier ones in numcodecs' loop, so search from the end.
    const byKey = new Map<string, number>();
    for (let i = 0; i < this.labelCps.length; i++) byKey.set(this.labelCps[i].join(","), i);
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
      const v = rd(src, i);
      const x = typeof v === "bigint" ? Number(v) : v;
      const idx = Number.isInteger(x) && x >= 1 && x <= this.labels.length ? x - 1 : -1;
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
    let labels = `[${this.labels.slice(0, 3).map(pyStrRepr).join(", ")}]`;
    if (this.labels.length > 3) labels = labels.slice(0, -1) + ", ...]";
    return `Categorize(dtype=${pyStrRepr(this.dtype.str)}, astype=${pyStrRepr(this.astype.str)}, labels=${labels})`;
  }
}
