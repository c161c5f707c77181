/**
 * Round trips against the real zarr-python 2.13 (/usr/bin/python3), in a temp directory:
 *
 *  1. one Python run generates each case's data (saved as .npy), writes it with zarr-python into
 *     `py.zarr`, and saves what zarr-python reads back (`expected`);
 *  2. zarrflow reads `py.zarr` and must see `expected` exactly; zarrflow writes the same data with
 *     the same creation parameters into `ts.zarr`, and every `.zarray`, `.zgroup` and `.zattrs` must be
 *     byte-identical to zarr-python's (and the set of chunk keys the same; raw chunks byte-identical);
 *  3. one more Python run reads `ts.zarr` and must see `expected` exactly, with the same metadata,
 *     attributes and chunk counts as its own array.
 *
 * Cases cover every dtype (both byte orders), every compressor and filter of the codec set with a
 * few configurations, C/F order, both dimension separators, edge chunks, fill values with missing
 * chunks, write_empty_chunks=False, default (guessed) chunks, groups with attributes, resize/append,
 * zarrflow updating zarr-python's arrays in place, and stores whose default separator is '/'.
 * Python is launched three times in all (probe, prepare, verify). Skipped when zarr-python is not
 * importable.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  DirectoryStore, NestedDirectoryStore, create, openArray, openGroup, group, slice, arange, emptyNDArray,
  type NDArray, type ZarrGroup, type CreateOptions,
} from "../../src/internal.ts";
import { runPython, skipWithoutZarrPython } from "./python.ts";
import { assertMatchesNpy, npyValues, readNpyFile, assertValues } from "../fixtures/compare.ts";

type Cfg = { id: string; [k: string]: unknown };
type Dt = string | [string, string][];

interface Case {
  /** Path of the array in both stores. */
  name: string;
  dtype: Dt;
  shape: number[];
  chunks: number[];
  order?: "C" | "F";
  /** Absent: the default compressor on both sides. */
  compressor?: Cfg | null;
  filters?: Cfg[];
  /** The fill value as a Python expression and as the zarrflow value; absent = default (0). */
  fill?: { py: string; ts: unknown };
  sep?: "." | "/";
  /** Only this region is written (the other chunks stay missing). */
  region?: [number, number][];
  /** Name of an attribute set in ATTRS (defined identically in Python below). */
  attrs?: keyof typeof ATTRS;
  /** Data generator hint for Python: "pos" (0..6000 floats), "small" (small ints), "labels", "smooth". */
  gen?: string;
  /**
   * The compressor cannot be decoded by numcodecs as configured (LZMA in XZ format with a filter
   * chain: Python's lzma refuses `filters` when decompressing anything but FORMAT_RAW). zarr-python
   * still writes such arrays; both sides then decode the chunks with a filter-less LZMA.
   */
  pyDecodeWithoutFilters?: boolean;
  /** zarr-python's write_empty_chunks=False / zarrflow's writeEmptyChunks: false. */
  skipEmptyChunks?: boolean;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Attribute sets, written identically by both sides. `PY_ATTRS` below is the same in Python. */
const ATTRS = {
  unicode: { title: "zarrflow ↔ zarr-python", unicode: "た ünïcødé Ωmega 日本語 🚀", "zz🚀": 1, "zz\ue000": 2, quote: 'a "b" \\ c\n' },
  nested: { nested: { list: [1, 2.5, null, true, "x"], empty: {}, deep: { a: { b: [[]] } } }, float: 0.1, neg: -42, tiny: 1e-5, huge: 1e20 },
  big: { int_big: 9007199254740993n, int_min: -9223372036854775808n, u64_max: 18446744073709551615n, safe: 9007199254740991 },
} as const;
const PY_ATTRS = String.raw`
PY_ATTRS = {
  'unicode': {'title': 'zarrflow \u2194 zarr-python', 'unicode': '\u305f \u00fcn\u00efc\u00f8d\u00e9 \u03a9mega \u65e5\u672c\u8a9e \U0001f680', 'zz\U0001f680': 1, 'zz\ue000': 2, 'quote': 'a "b" \\ c\n'},
  'nested': {'nested': {'list': [1, 2.5, None, True, 'x'], 'empty': {}, 'deep': {'a': {'b': [[]]}}}, 'float': 0.1, 'neg': -42, 'tiny': 1e-05, 'huge': 1e+20},
  'big': {'int_big': 9007199254740993, 'int_min': -9223372036854775808, 'u64_max': 18446744073709551615, 'safe': 9007199254740991},
}
`;

// ------------------------------------------------------------------ the cases

const cases: Case[] = [];

// Every dtype, both byte orders, raw chunks so stored bytes can be compared too; edge chunks everywhere.
const DTYPES: Dt[] = [
  "|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16",
  ">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">f2", ">f4", ">f8", ">c8", ">c16",
  "|S5", "<U7", ">U3", "<M8[ns]", "<M8[D]", "<m8[s]", ">M8[ns]", ">m8[s]",
  [["foo", "|S3"], ["bar", "<i4"], ["baz", "<f8"]],
  [["a", ">i4"], ["b", "<f2"], ["c", "|b1"], ["d", "<c8"], ["e", ">M8[s]"], ["f", "<U2"], ["g", ">u8"]],
];
const dtName = (d: Dt) => (typeof d === "string" ? d.replace("<", "le_").replace(">", "be_").replace("|", "").replace(/[[\]]/g, "") : `structured_${d.length}`);
for (const d of DTYPES) {
  cases.push({ name: `dtypes/${dtName(d)}`, dtype: d, shape: [11, 7], chunks: [4, 3], compressor: null });
  cases.push({ name: `dtypes_blosc/${dtName(d)}`, dtype: d, shape: [13], chunks: [5] });
}

// Compressors.
for (const cname of ["lz4", "zstd", "zlib", "blosclz", "lz4hc"]) {
  for (const shuffle of [0, 1, 2]) {
    cases.push({ name: `compressors/blosc_${cname}_s${shuffle}`, dtype: "<f8", shape: [23, 17], chunks: [8, 6], compressor: { id: "blosc", cname, clevel: 5, shuffle, blocksize: 0 } });
  }
}
cases.push({ name: "compressors/blosc_i2_bitshuffle_clevel9", dtype: "<i2", shape: [300], chunks: [128], compressor: { id: "blosc", cname: "zstd", clevel: 9, shuffle: 2, blocksize: 0 } });
cases.push({ name: "compressors/blosc_autoshuffle", dtype: "<i4", shape: [300], chunks: [128], compressor: { id: "blosc", cname: "lz4", clevel: 1, shuffle: -1, blocksize: 256 } });
cases.push({ name: "compressors/blosc_clevel0", dtype: ">u4", shape: [100], chunks: [30], compressor: { id: "blosc", cname: "lz4", clevel: 0, shuffle: 1, blocksize: 0 } });
for (const level of [1, 5, 22, -5]) cases.push({ name: `compressors/zstd_${level}`, dtype: "<i8", shape: [41, 5], chunks: [16, 5], compressor: { id: "zstd", level } });
for (const acceleration of [1, 10]) cases.push({ name: `compressors/lz4_${acceleration}`, dtype: "<f4", shape: [200], chunks: [64], compressor: { id: "lz4", acceleration } });
for (const level of [0, 1, 9]) cases.push({ name: `compressors/zlib_${level}`, dtype: "<u2", shape: [50, 3], chunks: [16, 2], compressor: { id: "zlib", level } });
for (const level of [1, 9]) cases.push({ name: `compressors/gzip_${level}`, dtype: "<f8", shape: [77], chunks: [20], compressor: { id: "gzip", level } });
for (const level of [1, 9]) cases.push({ name: `compressors/bz2_${level}`, dtype: "<i4", shape: [33, 4], chunks: [10, 4], compressor: { id: "bz2", level } });
cases.push({ name: "compressors/lzma_default", dtype: "<f8", shape: [60], chunks: [25], compressor: { id: "lzma" } });
cases.push({ name: "compressors/lzma_preset1", dtype: "<i2", shape: [60], chunks: [25], compressor: { id: "lzma", preset: 1 } });
cases.push({ name: "compressors/lzma_alone", dtype: "<i4", shape: [60], chunks: [25], compressor: { id: "lzma", format: 2, preset: 3 } });
// The tutorial's chain: LZMA(filters=[dict(id=lzma.FILTER_DELTA, dist=4), dict(id=lzma.FILTER_LZMA2, preset=1)])
// In XZ format (format 1, as in the tutorial) numcodecs can encode but not decode it, see pyDecodeWithoutFilters.
cases.push({ name: "compressors/lzma_tutorial_chain", dtype: "<i4", shape: [100, 10], chunks: [30, 7], gen: "small", compressor: { id: "lzma", filters: [{ id: 3, dist: 4 }, { id: 33, preset: 1 }] }, pyDecodeWithoutFilters: true });
cases.push({ name: "compressors/lzma_raw_chain", dtype: "<i4", shape: [100, 10], chunks: [30, 7], gen: "small", compressor: { id: "lzma", format: 3, filters: [{ id: 3, dist: 4 }, { id: 33, preset: 1 }] } });
cases.push({ name: "compressors/crc32", dtype: "<f8", shape: [30], chunks: [7], compressor: { id: "crc32" } });
cases.push({ name: "compressors/adler32", dtype: "<i2", shape: [30], chunks: [7], compressor: { id: "adler32" } });
cases.push({ name: "compressors/base64", dtype: "|u1", shape: [30], chunks: [7], compressor: { id: "base64" } });

// Filters (some lossy: `expected` is what zarr-python reads back).
const Z1 = { id: "zlib", level: 1 };
cases.push({ name: "filters/delta_i4", dtype: "<i4", shape: [50], chunks: [16], filters: [{ id: "delta", dtype: "<i4" }], compressor: Z1 });
cases.push({ name: "filters/delta_f8", dtype: "<f8", shape: [50], chunks: [16], filters: [{ id: "delta", dtype: "<f8" }], compressor: null });
cases.push({ name: "filters/delta_i8_as_i2", dtype: "<i8", shape: [50], chunks: [16], gen: "smooth", filters: [{ id: "delta", dtype: "<i8", astype: "<i2" }], compressor: Z1 });
cases.push({ name: "filters/fixedscaleoffset", dtype: "<f8", shape: [40, 3], chunks: [16, 3], gen: "pos", filters: [{ id: "fixedscaleoffset", offset: 1000, scale: 10, dtype: "<f8", astype: "<i4" }], compressor: null });
cases.push({ name: "filters/fixedscaleoffset_u2", dtype: "<f8", shape: [40], chunks: [16], gen: "pos", filters: [{ id: "fixedscaleoffset", offset: 0, scale: 10, dtype: "<f8", astype: "<u2" }], compressor: Z1 });
cases.push({ name: "filters/quantize_f8", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "quantize", digits: 3, dtype: "<f8" }], compressor: null });
cases.push({ name: "filters/quantize_f8_as_f4", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "quantize", digits: 2, dtype: "<f8", astype: "<f4" }], compressor: Z1 });
cases.push({ name: "filters/quantize_f4", dtype: "<f4", shape: [40], chunks: [16], gen: "pos", filters: [{ id: "quantize", digits: 1, dtype: "<f4" }], compressor: null });
cases.push({ name: "filters/packbits", dtype: "|b1", shape: [37, 3], chunks: [13, 2], filters: [{ id: "packbits" }], compressor: null });
cases.push({ name: "filters/astype_f8_f4", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "astype", encode_dtype: "<f4", decode_dtype: "<f8" }], compressor: null });
cases.push({ name: "filters/astype_i8_i2", dtype: "<i8", shape: [40], chunks: [16], gen: "small", filters: [{ id: "astype", encode_dtype: "<i2", decode_dtype: "<i8" }], compressor: Z1 });
cases.push({ name: "filters/shuffle_f8", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "shuffle", elementsize: 8 }], compressor: null });
cases.push({ name: "filters/shuffle_default", dtype: "<i4", shape: [40], chunks: [16], filters: [{ id: "shuffle" }], compressor: Z1 });
cases.push({ name: "filters/bitround_f4", dtype: "<f4", shape: [40], chunks: [16], filters: [{ id: "bitround", keepbits: 10 }], compressor: null });
cases.push({ name: "filters/bitround_f8", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "bitround", keepbits: 20 }], compressor: { id: "zstd", level: 1 } });
cases.push({ name: "filters/crc32", dtype: "<i4", shape: [40], chunks: [16], filters: [{ id: "crc32" }], compressor: null });
cases.push({ name: "filters/adler32", dtype: "<f8", shape: [40], chunks: [16], filters: [{ id: "adler32" }], compressor: Z1 });
cases.push({ name: "filters/base64", dtype: "<i2", shape: [40], chunks: [16], filters: [{ id: "base64" }], compressor: null });
cases.push({ name: "filters/categorize_U", dtype: "<U5", shape: [40], chunks: [16], gen: "labels", filters: [{ id: "categorize", labels: ["apple", "kiwi", "fig"], dtype: "<U5", astype: "|u1" }], compressor: null });
cases.push({ name: "filters/chain_delta_shuffle_blosc", dtype: "<i8", shape: [60], chunks: [25], gen: "smooth", filters: [{ id: "delta", dtype: "<i8" }, { id: "shuffle", elementsize: 8 }] });
cases.push({ name: "filters/chain_fso_delta_zlib", dtype: "<f8", shape: [60], chunks: [25], gen: "pos", filters: [{ id: "fixedscaleoffset", offset: 0, scale: 100, dtype: "<f8", astype: "<i4" }, { id: "delta", dtype: "<i4" }], compressor: Z1 });
cases.push({ name: "filters/chain_quantize_zstd", dtype: "<f4", shape: [60], chunks: [25], filters: [{ id: "quantize", digits: 2, dtype: "<f4" }], compressor: { id: "zstd", level: 3 } });

// Order and separators.
cases.push({ name: "order/F_i4", dtype: "<i4", shape: [9, 7], chunks: [4, 3], order: "F", compressor: null, attrs: "nested" });
cases.push({ name: "order/F_f8_3d_blosc", dtype: "<f8", shape: [5, 6, 7], chunks: [2, 4, 3], order: "F" });
cases.push({ name: "order/F_be_c16", dtype: ">c16", shape: [5, 6], chunks: [2, 4], order: "F", compressor: Z1 });
cases.push({ name: "order/F_structured", dtype: [["foo", "|S3"], ["bar", "<i4"], ["baz", "<f8"]], shape: [5, 6], chunks: [2, 4], order: "F", compressor: null });
cases.push({ name: "order/F_U7", dtype: "<U7", shape: [5, 6], chunks: [2, 4], order: "F", compressor: null });
cases.push({ name: "order/F_S5_zstd", dtype: "|S5", shape: [5, 6], chunks: [2, 4], order: "F", compressor: { id: "zstd", level: 1 } });
cases.push({ name: "separator/slash_C", dtype: "<i2", shape: [5, 6, 7], chunks: [2, 4, 3], sep: "/", compressor: null, attrs: "unicode" });
cases.push({ name: "separator/slash_F", dtype: "<u8", shape: [5, 6], chunks: [2, 4], sep: "/", order: "F" });
cases.push({ name: "separator/dot", dtype: "<f4", shape: [5, 6], chunks: [2, 4], sep: ".", compressor: null });
cases.push({ name: "separator/slash_region", dtype: "<i4", shape: [10, 10], chunks: [4, 4], sep: "/", fill: { py: "-7", ts: -7 }, region: [[3, 6], [0, 5]], compressor: null });
cases.push({ name: "chunks/larger_than_shape", dtype: "<f4", shape: [7, 3], chunks: [10, 10], compressor: null });
cases.push({ name: "chunks/one_per_chunk", dtype: "<i2", shape: [3, 4], chunks: [1, 1], compressor: null, attrs: "big" });
cases.push({ name: "chunks/scalar_0d", dtype: "<f8", shape: [], chunks: [], compressor: null });
cases.push({ name: "chunks/4d", dtype: "|u1", shape: [3, 4, 5, 6], chunks: [2, 3, 2, 4] });

// Fill values, with only part of the array written so that missing chunks read as the fill value.
const R: [number, number][] = [[0, 4], [0, 6]];
const fills: [string, Dt, { py: string; ts: unknown }][] = [
  ["zero_f8", "<f8", { py: "0", ts: 0 }],
  ["int_42", "<i4", { py: "42", ts: 42 }],
  ["nan_f8", "<f8", { py: "np.nan", ts: NaN }],
  ["nan_f2", "<f2", { py: "np.nan", ts: NaN }],
  ["neg_inf_f4", "<f4", { py: "-np.inf", ts: -Infinity }],
  ["pos_inf_be_f8", ">f8", { py: "np.inf", ts: Infinity }],
  ["frac_f8", "<f8", { py: "0.1", ts: 0.1 }],
  ["bool_true", "|b1", { py: "True", ts: true }],
  ["u8_max", "<u8", { py: "2**64 - 1", ts: 18446744073709551615n }],
  ["i8_neg", "<i8", { py: "-2**62", ts: -(2n ** 62n) }],
  ["be_i4", ">i4", { py: "258", ts: 258 }],
  ["bytes_S5", "|S5", { py: "b'xy'", ts: utf8("xy") }],
  ["unicode_U7", "<U7", { py: "'ø-fill'", ts: "ø-fill" }],
  ["structured", [["foo", "|S3"], ["bar", "<i4"], ["baz", "<f8"]], { py: "(b'abc', 7, 1.5)", ts: { foo: utf8("abc"), bar: 7, baz: 1.5 } }],
  ["complex_c16", "<c16", { py: "1+2j", ts: [1, 2] }],
  ["nat_M8ns", "<M8[ns]", { py: "np.datetime64('NaT')", ts: "NaT" }],
  ["nat_M8D", "<M8[D]", { py: "np.datetime64('NaT')", ts: "NaT" }],
  ["m8s_7", "<m8[s]", { py: "7", ts: 7 }],
  ["m8s_neg", ">m8[s]", { py: "-3", ts: -3n }],
  ["date_M8D", "<M8[D]", { py: "'2020-02-29'", ts: "2020-02-29" }],
  ["date_M8ns", "<M8[ns]", { py: "'2001-02-03T04:05:06.123456789'", ts: "2001-02-03T04:05:06.123456789" }],
  ["frac_f4", "<f4", { py: "0.1", ts: 0.1 }],
  ["frac_f2", "<f2", { py: "0.1", ts: 0.1 }],
  ["tiny_f8", "<f8", { py: "1e-300", ts: 1e-300 }],
  ["neg_zero_f8", "<f8", { py: "-0.0", ts: -0 }],
  ["complex_nan_c8", "<c8", { py: "complex(float('nan'), 1.0)", ts: [NaN, 1] }],
  ["bytes_high_S5", "|S5", { py: "b'\\xff\\x00a'", ts: new Uint8Array([0xff, 0, 0x61]) }],
  ["unicode_emoji_U7", "<U7", { py: "'\\U0001f680x'", ts: "🚀x" }],
  ["be_unicode_U3", ">U3", { py: "'ab'", ts: "ab" }],
  ["structured_rich", [["a", ">i4"], ["b", "<f2"], ["c", "|b1"]], { py: "(-5, 1.5, True)", ts: { a: -5, b: 1.5, c: true } }],
];
for (const [n, d, fill] of fills) cases.push({ name: `fill/${n}`, dtype: d, shape: [10, 10], chunks: [4, 4], fill, region: R, compressor: n.endsWith("f8") ? null : undefined });
cases.push({ name: "fill/F_order_region", dtype: "<i2", shape: [10, 9], chunks: [4, 4], order: "F", fill: { py: "-2", ts: -2 }, region: [[2, 7], [1, 6]], compressor: null });
cases.push({ name: "fill/F_order_region_structured", dtype: [["foo", "|S3"], ["bar", "<i4"]], shape: [7, 9], chunks: [3, 4], order: "F", fill: { py: "(b'q', 1)", ts: { foo: utf8("q"), bar: 1 } }, region: [[1, 5], [3, 9]] });
// write_empty_chunks=False: chunks that are all fill are not stored (the same keys on both sides).
cases.push({ name: "fill/skip_empty_i2", dtype: "<i2", shape: [12, 12], chunks: [4, 4], gen: "sparse", skipEmptyChunks: true, compressor: null });
cases.push({ name: "fill/skip_empty_nan_f8", dtype: "<f8", shape: [12, 12], chunks: [4, 4], gen: "sparse", fill: { py: "np.nan", ts: NaN }, skipEmptyChunks: true });
cases.push({ name: "fill/keep_empty_i2", dtype: "<i2", shape: [12, 12], chunks: [4, 4], gen: "sparse", compressor: null });
cases.push({ name: "fill/null_f8", dtype: "<f8", shape: [6, 6], chunks: [4, 4], fill: { py: "None", ts: null }, compressor: null });
cases.push({ name: "fill/null_i4_blosc", dtype: "<i4", shape: [6, 6], chunks: [4, 4], fill: { py: "None", ts: null } });

/** Shapes and dtypes created with default chunks (zarr-python's guess_chunks) and no data. */
const GUESS: [number[], Dt][] = [
  [[1000, 1000], "<f8"], [[10_000_000], "|u1"], [[100, 200, 300], "<f4"], [[1], "<i4"], [[0], "<f8"], [[5, 0], "<i2"],
  [[2 ** 20], "<i8"], [[7, 1234567], "<u2"], [[3, 40000], ">i2"], [[100000], [["foo", "|S3"], ["bar", "<i4"]]],
  [[4096, 4096, 3], "|b1"], [[123, 456, 789, 3], "<c16"], [[50, 50], "<U10"],
];

// ------------------------------------------------------------------ Python side

const PY_COMMON = String.raw`
${PY_ATTRS}
def npdtype(d):
    return np.dtype([tuple(f) for f in d]) if isinstance(d, list) else np.dtype(d)

def npyname(d, name, what):
    return os.path.join(d, 'npy', name.replace('/', '__') + '.' + what + '.npy')

def gen(dt, shape, rs, hint):
    n = int(np.prod(shape))
    if dt.names:
        a = np.zeros(n, dt)
        for f in dt.names:
            a[f] = gen(dt.fields[f][0], (n,), rs, hint)
        return a.reshape(shape)
    k = dt.kind
    if hint == 'labels':
        v = np.array(['apple', 'kiwi', 'fig', 'plum', ''])[rs.randint(0, 5, n)]
    elif hint == 'pos':
        v = rs.uniform(0, 6000, n)
    elif hint == 'small':
        v = rs.randint(-1000, 1000, n)
    elif hint == 'sparse':
        fv = np.nan if dt.kind == 'f' else 0
        v = np.full(shape, fv, dtype=dt)
        v[1, 1] = 5
        v[5:7, 9] = [6, 7]
        v = v.reshape(-1)
    elif hint == 'smooth':
        v = 1000 + np.cumsum(rs.randint(-50, 50, n))
    elif k == 'b':
        v = rs.randint(0, 2, n).astype(bool)
    elif k in 'iu':
        info = np.iinfo(dt)
        v = rs.randint(info.min, info.max, n, dtype=dt.newbyteorder('=')).astype(dt)
        v[:2] = [info.min, info.max][:n]
    elif k == 'f':
        v = (rs.standard_normal(n) * 1000).astype(dt)
        specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-3]
        v[:len(specials)] = specials[:n]
    elif k == 'c':
        v = (rs.standard_normal(n) + 1j * rs.standard_normal(n)).astype(dt)
        v[:3] = [complex(np.nan, 1.0), complex(-0.0, np.inf), 0j][:n]
    elif k == 'S':
        pool = [b'', b'a', b'abcde', b'a\x00b', b'\xff\x01zz', b'xyz']
        v = np.array(pool, dtype=dt)[rs.randint(0, len(pool), n)]
    elif k == 'U':
        pool = ['', 'a', '\u00f8', '\u305f\u65e5\u672c', '\U0001f680x\U0001f680', 'abcdefg', 'a\x00b']
        v = np.array([s[:dt.itemsize // 4] for s in pool], dtype=dt)[rs.randint(0, len(pool), n)]
    elif k in 'Mm':
        v = rs.randint(-2**40, 2**40, n).astype('<i8').view('<' + dt.str[1:]).astype(dt)
        v[:1] = np.array(['NaT'], dtype=dt)[:n]
    return np.asarray(v).astype(dt).reshape(shape)
`;

const PY_PREPARE = String.raw`
${PY_COMMON}
d = inp['dir']
os.makedirs(os.path.join(d, 'npy'))
py = zarr.DirectoryStore(os.path.join(d, 'py.zarr'))
root = zarr.group(store=py)
root.attrs.update(PY_ATTRS['big'])
lossless_mismatch = []
for c in inp['cases']:
    dt = npdtype(c['dtype'])
    shape = tuple(c['shape'])
    rs = np.random.RandomState(zlib.crc32(c['name'].encode()))
    data = gen(dt, shape, rs, c.get('gen'))
    kw = dict(shape=shape, chunks=tuple(c['chunks']), dtype=dt, order=c.get('order', 'C'), store=py, path=c['name'])
    if 'compressor' in c:
        kw['compressor'] = None if c['compressor'] is None else numcodecs.get_codec(dict(c['compressor']))
    if c.get('filters'):
        kw['filters'] = [numcodecs.get_codec(dict(f)) for f in c['filters']]
    if 'fill' in c:
        kw['fill_value'] = eval(c['fill']['py'], {'np': np})
    if c.get('sep'):
        kw['dimension_separator'] = c['sep']
    if c.get('skipEmptyChunks'):
        kw['write_empty_chunks'] = False
    z = zarr.create(**kw)
    if c.get('attrs'):
        z.attrs.update(PY_ATTRS[c['attrs']])
    if c.get('region'):
        sl = tuple(slice(a, b) for a, b in c['region'])
        z[sl] = data[sl]
    else:
        z[...] = data
    if c.get('pyDecodeWithoutFilters'):
        z._compressor = numcodecs.LZMA(format=z._compressor.format)
    got = z[...]
    np.save(npyname(d, c['name'], 'input'), data)
    np.save(npyname(d, c['name'], 'expected'), got)
    if not c.get('region') and not c.get('filters') and got.tobytes() != data.tobytes():
        lossless_mismatch.append(c['name'])

# groups with nested subgroups and attributes
h = root.create_group('hier')
h.attrs.update(PY_ATTRS['unicode'])
a = h.create_group('a')
a.attrs.update({'level': 1, 'name': '\u00e4'})
b = a.create_group('b')
b.attrs.update(PY_ATTRS['nested'])
cgrp = b.create_group('c')
cgrp.attrs['big'] = PY_ATTRS['big']
h.create_group('empty')
x = b.create_dataset('arr', shape=(5,), chunks=(2,), dtype='<i2', fill_value=3, compressor=None)
x.attrs.update({'units': 'm/s', 'scale': 0.5})
x[1:3] = [7, 8]
b.require_groups('d1', 'd2/d3')

# default chunks (guess_chunks) and default compressor, no data
for k, (shape, dt) in enumerate(inp['guess']):
    zarr.create(store=py, path='guess/%d' % k, shape=tuple(shape), dtype=npdtype(dt))

# resize and append
shapes = []
z = zarr.create(store=py, path='ops/resize_append', shape=(10, 7), chunks=(4, 3), dtype='<i4', fill_value=-1, compressor=numcodecs.get_codec({'id': 'zlib', 'level': 1}))
z[...] = np.arange(70, dtype='<i4').reshape(10, 7)
z.resize(14, 9); shapes.append(list(z.shape))
z[12, 8] = 99
z.resize(6, 8); shapes.append(list(z.shape))
shapes.append(list(z.append(np.arange(100, 140, dtype='<i4').reshape(5, 8), axis=0)))
shapes.append(list(z.append(np.arange(200, 222, dtype='<i4').reshape(11, 2), axis=1)))
np.save(npyname(d, 'ops/resize_append', 'expected'), z[...])
z1 = zarr.create(store=py, path='ops/append_1d_F_slash', shape=(0,), chunks=(4,), dtype='>f8', order='F', dimension_separator='/', fill_value=np.nan)
for k in range(3):
    shapes.append(list(z1.append(np.arange(k * 10, k * 10 + 5 + k, dtype='>f8'))))
np.save(npyname(d, 'ops/append_1d_F_slash', 'expected'), z1[...])
# stores with a '/' default separator: NestedDirectoryStore, DirectoryStore(dimension_separator='/')
for sname, store in (('nested.zarr', zarr.NestedDirectoryStore(os.path.join(d, 'py', 'nested.zarr'))),
                     ('slash.zarr', zarr.DirectoryStore(os.path.join(d, 'py', 'slash.zarr'), dimension_separator='/'))):
    g = zarr.group(store=store)
    g.attrs['store'] = sname
    a = g.create_dataset('sub/a', shape=(5, 6), chunks=(2, 4), dtype='<i4', fill_value=-1, compressor=None)
    a[:, :5] = np.arange(25, dtype='<i4').reshape(5, 5)
    b = g.create_dataset('b', shape=(7,), chunks=(3,), dtype='<f8', compressor=numcodecs.get_codec({'id': 'zlib', 'level': 1}))
    b[...] = np.linspace(0, 1, 7)
    try:
        g.create_dataset('c', shape=(3, 4), chunks=(2, 2), dtype='<u2', dimension_separator='.')
        raise AssertionError('zarr-python accepted a separator conflicting with the store')
    except ValueError:
        pass
out = {'lossless_mismatch': lossless_mismatch, 'shapes': shapes}
`;

const PY_VERIFY = String.raw`
${PY_COMMON}
d = inp['dir']
py = zarr.DirectoryStore(os.path.join(d, 'py.zarr'))
ts = zarr.DirectoryStore(os.path.join(d, 'ts.zarr'))
res = {}
def same_values(got, exp):
    if got.dtype != exp.dtype:
        return 'dtype %s != %s' % (got.dtype, exp.dtype)
    if got.shape != exp.shape:
        return 'shape %s != %s' % (got.shape, exp.shape)
    if got.tobytes() == exp.tobytes():
        return None
    g, e = got.reshape(-1), exp.reshape(-1)
    bad = [i for i in range(g.size) if g[i:i+1].tobytes() != e[i:i+1].tobytes()]
    return '%d elements differ, first %s: got %r expected %r' % (len(bad), bad[:3], g[bad[:3]].tolist(), e[bad[:3]].tolist())
for name in inp['names']:
    probs = []
    try:
        zt = zarr.open_array(ts, mode='r', path=name)
        zp = zarr.open_array(py, mode='r', path=name)
        if name in inp['pyDecodeWithoutFilters']:
            for z in (zt, zp):
                z._compressor = numcodecs.LZMA(format=z._compressor.format)
        p = same_values(zt[...], np.load(npyname(d, name, 'expected')))
        if p: probs.append(p)
        if name in inp['pyDecodeWithoutFilters']:
            probs += [] if zarr.open_array(ts, mode='r', path=name).compressor == zarr.open_array(py, mode='r', path=name).compressor else ['compressor differs']
        for attr in ('dtype', 'shape', 'chunks', 'order', 'compressor', 'filters', 'nchunks', 'nchunks_initialized', '_dimension_separator'):
            a, b = getattr(zt, attr), getattr(zp, attr)
            if attr == '_dimension_separator' and name in inp['separatorDroppedByPython']:
                b = '/'  # zarr-python 2.13 lost it on resize; zarrflow's .zarray still says '/'
            if repr(a) != repr(b):
                probs.append('%s: %r != %r' % (attr, a, b))
        if repr(zt.fill_value) != repr(zp.fill_value):
            probs.append('fill_value: %r != %r' % (zt.fill_value, zp.fill_value))
        if zt.attrs.asdict() != zp.attrs.asdict():
            probs.append('attrs: %r != %r' % (zt.attrs.asdict(), zp.attrs.asdict()))
        # a partial read crossing chunk boundaries
        if zt.ndim and zt.shape[0] > 2:
            sl = (slice(1, zt.shape[0] - 1),)
            p = same_values(zt[sl], zp[sl])
            if p: probs.append('partial read: ' + p)
    except Exception as e:
        probs.append(repr(e))
    res[name] = probs

sep_stores = {}
for sname in ('nested.zarr', 'slash.zarr'):
    vals = {}
    for which in ('py', 'ts'):
        p = os.path.join(d, which, sname)
        st = zarr.NestedDirectoryStore(p) if sname == 'nested.zarr' else zarr.DirectoryStore(p, dimension_separator='/')
        g = zarr.open_group(st, mode='r')
        vals[which] = {'attrs': g.attrs.asdict(), 'a': g['sub/a'][...].tolist(), 'b': g['b'][...].tolist(),
                       'seps': [g[k]._dimension_separator for k in ('sub/a', 'b')]}
    sep_stores[sname] = vals['py'] == vals['ts'] or repr(vals)

upd = zarr.DirectoryStore(os.path.join(d, 'upd.zarr'))
updates = {}
for name in inp['updated']:
    try:
        e = np.load(npyname(d, name, 'expected'))
        e[1:-1:2] = e.reshape(-1)[-1]
        got = zarr.open_array(upd, mode='r', path=name)[...]
        p = same_values(got, e)
        updates[name] = [p] if p else []
    except Exception as ex:
        updates[name] = [repr(ex)]

def tree(g):
    return {'attrs': g.attrs.asdict(), 'arrays': {k: [list(v.shape), str(v.dtype), v.attrs.asdict(), v[...].tolist()] for k, v in g.arrays()},
            'groups': {k: tree(v) for k, v in g.groups()}}
gt = tree(zarr.open_group(ts, mode='r', path='hier'))
gp = tree(zarr.open_group(py, mode='r', path='hier'))
root_attrs = zarr.open_group(ts, mode='r').attrs.asdict()
out = {'arrays': res, 'updates': updates, 'sep_stores': sep_stores, 'tree_equal': gt == gp, 'tree_ts': repr(gt), 'tree_py': repr(gp),
       'root_attrs_equal': root_attrs == PY_ATTRS['big'] and type(root_attrs['int_big']) is int}
`;

// ------------------------------------------------------------------ helpers

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Build an NDArray element by element, as a user holding plain values would. */
function toNDArray(values: unknown[], shape: number[], dtype: Dt): NDArray {
  const a = emptyNDArray(shape, dtype);
  for (let i = 0; i < values.length; i++) a.set(unravel(i, shape), values[i]);
  return a;
}

/** The C-order values of a rectangular region. */
function regionValues(values: unknown[], shape: number[], region: [number, number][]): { values: unknown[]; shape: number[] } {
  const sub = region.map(([a, b]) => b - a);
  const out: unknown[] = [];
  const n = sub.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, sub).map((k, d) => k + region[d][0]);
    let flat = 0;
    for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
    out.push(values[flat]);
  }
  return { values: out, shape: sub };
}

/** The C-order values of a basic selection (per axis a resolved slice or an integer). */
function selectValues(values: unknown[], shape: number[], dims: ({ start: number; step: number; count: number } | { index: number })[]): unknown[] {
  const axes = dims.map((d) => ("index" in d ? [d.index] : Array.from({ length: d.count }, (_, k) => d.start + k * d.step)));
  const out: unknown[] = [];
  const rec = (d: number, flat: number) => {
    if (d === shape.length) return void out.push(values[flat]);
    for (const i of axes[d]) rec(d + 1, flat * shape[d] + i);
  };
  rec(0, 0);
  return out;
}

/** Every file under a directory, as `/`-joined paths relative to it, sorted. */
function walk(root: string): string[] {
  const out: string[] = [];
  const rec = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) rec(p);
      else out.push(relative(root, p).split("\\").join("/"));
    }
  };
  if (existsSync(root)) rec(root);
  return out.sort();
}

const isMeta = (f: string) => /(^|\/)\.z(array|group|attrs)$/.test(f);
const npyPath = (dir: string, name: string, what: string) => join(dir, "npy", name.replaceAll("/", "__") + `.${what}.npy`);

function createOptions(c: Case, store: DirectoryStore): CreateOptions {
  const o: CreateOptions = { store, path: c.name, shape: c.shape, chunks: c.chunks, dtype: c.dtype as CreateOptions["dtype"], order: c.order ?? "C" };
  if (c.compressor !== undefined) o.compressor = c.compressor;
  if (c.filters) o.filters = c.filters;
  if (c.fill) o.fillValue = c.fill.ts;
  if (c.sep) o.dimensionSeparator = c.sep;
  if (c.skipEmptyChunks) o.writeEmptyChunks = false;
  return o;
}

// ------------------------------------------------------------------ the tests

interface Verify {
  arrays: Record<string, string[]>;
  updates: Record<string, string[]>;
  sep_stores: Record<string, true | string>;
  tree_equal: boolean;
  tree_ts: string;
  tree_py: string;
  root_attrs_equal: boolean;
}

describe("round trips with zarr-python 2.13", { skip: skipWithoutZarrPython }, () => {
  let dir = "";
  let pyStore: DirectoryStore;
  let tsStore: DirectoryStore;
  let prep: { lossless_mismatch: string[]; shapes: number[][] };
  const tsShapes: number[][] = [];
  const written: string[] = [];
  const updated: string[] = [];
  /**
   * Lossless cases whose zarr-python array zarrflow updates in place (a copy of it). Delta on floats
   * is not lossless once a chunk holds NaN or infinities (the running sum turns the chunk into NaN).
   */
  const updatable = cases.filter((c) => !c.region && !c.pyDecodeWithoutFilters && c.shape.length && c.shape[0] >= 3 &&
    (c.filters ?? []).every((f) => ["delta", "shuffle", "crc32", "adler32", "base64", "packbits"].includes(f.id) && !f.astype && !(f.id === "delta" && String(f.dtype).includes("f"))));
  let verify: Verify | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "zarrflow-interop-"));
    prep = runPython(PY_PREPARE, { dir, guess: GUESS, cases: cases.map((c) => ({ ...c, fill: c.fill ? { py: c.fill.py } : undefined })) });
    pyStore = new DirectoryStore(join(dir, "py.zarr"));
    cpSync(join(dir, "py.zarr"), join(dir, "upd.zarr"), { recursive: true });
    tsStore = new DirectoryStore(join(dir, "ts.zarr"));
    const root = await group(tsStore);
    await root.attrs.update(ATTRS.big as Record<string, unknown>);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("zarr-python's own lossless writes read back as written (sanity of the reference data)", () => {
    assert.deepEqual(prep.lossless_mismatch, []);
  });

  describe("zarr-python writes, zarrflow reads", () => {
    for (const c of cases) {
      test(c.name, async () => {
        const z = await openArray(pyStore, { mode: "r", path: c.name });
        const expected = readNpyFile(npyPath(dir, c.name, "expected"));
        assertMatchesNpy(await z.get(), expected, c.name);
        if (c.attrs) {
          const want = Object.fromEntries(Object.entries(ATTRS[c.attrs]));
          assert.deepEqual(await z.attrs.asObject(), want, "attributes");
        }
        // Partial reads across chunk boundaries give the same values as the whole read.
        const whole = npyValues(expected);
        if (c.shape.length && c.shape[0] > 2) {
          const part = await z.get([slice(1, c.shape[0] - 1)]);
          const rowLen = c.shape.slice(1).reduce((a, b) => a * b, 1);
          assertValues(part, whole.slice(rowLen, rowLen * (c.shape[0] - 1)), `${c.name}[1:-1]`);
        }
        if (c.shape.length >= 2 && c.shape.every((n) => n > 0)) {
          // z[::-3, ..., -1]: a negative step on the first axis and an integer on the last.
          const n0 = c.shape[0], last = c.shape.length - 1;
          const dims = c.shape.map((n, d) => (d === 0 ? { start: n0 - 1, step: -3, count: Math.ceil(n0 / 3) } : d === last ? { index: n - 1 } : { start: 0, step: 1, count: n }));
          const sel = c.shape.map((n, d) => (d === 0 ? slice(null, null, -3) : d === last ? -1 : null));
          assertValues(await z.get(sel), selectValues(whole, c.shape, dims), `${c.name}[::-3, ..., -1]`);
        }
        // Structured arrays: each field alone.
        if (Array.isArray(c.dtype)) {
          for (const [f] of c.dtype) {
            const got = await z.get(null, { fields: f });
            assertValues(got, whole.map((r) => (r as Record<string, unknown>)[f]), `${c.name} field ${f}`);
          }
        }
      });
    }
  });

  describe("zarrflow writes with the same parameters: identical metadata and chunk keys", () => {
    for (const c of cases) {
      test(c.name, async () => {
        const input = readNpyFile(npyPath(dir, c.name, "input"));
        const values = npyValues(input);
        const z = await create(createOptions(c, tsStore));
        if (c.attrs) await z.attrs.update(ATTRS[c.attrs] as Record<string, unknown>);
        if (c.region) {
          const r = regionValues(values, c.shape, c.region);
          await z.set(c.region.map(([a, b]) => slice(a, b)), toNDArray(r.values, r.shape, c.dtype));
        } else {
          await z.set(null, toNDArray(values, c.shape, c.dtype));
        }
        written.push(c.name);
        // zarrflow reads its own array as zarr-python reads zarr-python's.
        assertMatchesNpy(await (await openArray(tsStore, { mode: "r", path: c.name })).get(), readNpyFile(npyPath(dir, c.name, "expected")), `${c.name} (zarrflow's own)`);
        // .zarray and .zattrs byte for byte.
        const pyFiles = walk(join(dir, "py.zarr", c.name));
        const tsFiles = walk(join(dir, "ts.zarr", c.name));
        assert.deepEqual(tsFiles, pyFiles, "same keys (metadata and chunks) in both stores");
        if (c.gen === "sparse") assert.equal(pyFiles.filter((f) => !isMeta(f)).length, c.skipEmptyChunks ? 2 : 9, "stored chunks");
        for (const f of pyFiles.filter(isMeta)) {
          const a = readFileSync(join(dir, "ts.zarr", c.name, f), "utf8");
          const b = readFileSync(join(dir, "py.zarr", c.name, f), "utf8");
          assert.equal(a, b, `${c.name}/${f} differs from zarr-python's`);
        }
        // Raw chunks (no compressor, deterministic filters) are byte-identical too, edge padding
        // included (zarr-python pads new chunks with the fill value, or zeros for fill_value null).
        if (c.compressor === null) {
          for (const f of pyFiles.filter((f) => !isMeta(f))) {
            const a = readFileSync(join(dir, "ts.zarr", c.name, f));
            const b = readFileSync(join(dir, "py.zarr", c.name, f));
            assert.ok(a.equals(b), `chunk ${c.name}/${f} differs from zarr-python's (${a.length} vs ${b.length} bytes)`);
          }
        }
      });
    }

    test("default chunks (guess_chunks) and default compressor give the same .zarray", async () => {
      for (const [k, [shape, dtype]] of GUESS.entries()) {
        await create({ store: tsStore, path: `guess/${k}`, shape, dtype: dtype as CreateOptions["dtype"] });
        const py = readFileSync(join(dir, "py.zarr", "guess", String(k), ".zarray"), "utf8");
        const ts = readFileSync(join(dir, "ts.zarr", "guess", String(k), ".zarray"), "utf8");
        assert.equal(ts, py, `shape (${shape}) ${JSON.stringify(dtype)}`);
      }
      assert.deepEqual(walk(join(dir, "ts.zarr", "guess")), walk(join(dir, "py.zarr", "guess")));
    });

    test("groups: nested subgroups, attributes, an array; every .zgroup/.zattrs/.zarray identical", async () => {
      const root = await openGroup(tsStore, { mode: "r+" });
      const h = await root.createGroup("hier");
      await h.attrs.update(ATTRS.unicode as Record<string, unknown>);
      const a = await h.createGroup("a");
      await a.attrs.update({ level: 1, name: "ä" });
      const b = await a.createGroup("b");
      await b.attrs.update(ATTRS.nested as unknown as Record<string, unknown>);
      const c = await b.createGroup("c");
      await c.attrs.set("big", ATTRS.big);
      await h.createGroup("empty");
      const x = await b.createDataset("arr", { shape: [5], chunks: [2], dtype: "<i2", fillValue: 3, compressor: null });
      await x.attrs.update({ units: "m/s", scale: 0.5 });
      await x.set([slice(1, 3)], [7, 8]);
      await b.requireGroups("d1", "d2/d3");

      const pyFiles = walk(join(dir, "py.zarr", "hier"));
      assert.deepEqual(walk(join(dir, "ts.zarr", "hier")), pyFiles);
      for (const f of pyFiles) {
        assert.equal(readFileSync(join(dir, "ts.zarr", "hier", f), "utf8"), readFileSync(join(dir, "py.zarr", "hier", f), "utf8"), `hier/${f}`);
      }
      assert.equal(readFileSync(join(dir, "ts.zarr", ".zattrs"), "utf8"), readFileSync(join(dir, "py.zarr", ".zattrs"), "utf8"), "root .zattrs");
      assert.equal(readFileSync(join(dir, "ts.zarr", ".zgroup"), "utf8"), readFileSync(join(dir, "py.zarr", ".zgroup"), "utf8"), "root .zgroup");
    });

    test("zarrflow reads zarr-python's group tree", async () => {
      const root = await openGroup(pyStore, { mode: "r" });
      assert.deepEqual(await root.attrs.asObject(), ATTRS.big);
      const h = (await root.get("hier")) as ZarrGroup;
      assert.deepEqual(await h.attrs.asObject(), ATTRS.unicode);
      assert.deepEqual(await h.groupKeys(), ["a", "empty"]);
      const b = (await h.get("a/b")) as ZarrGroup;
      assert.deepEqual(await b.groupKeys(), ["c", "d1", "d2"]);
      assert.deepEqual(await b.arrayKeys(), ["arr"]);
      assert.deepEqual(await b.attrs.asObject(), ATTRS.nested);
      assert.deepEqual(await ((await b.get("c")) as ZarrGroup).attrs.asObject(), { big: ATTRS.big });
      assert.deepEqual(await ((await h.get("a")) as ZarrGroup).attrs.asObject(), { level: 1, name: "ä" });
      const arr = await openArray(pyStore, { mode: "r", path: "hier/a/b/arr" });
      assert.deepEqual(await arr.attrs.asObject(), { units: "m/s", scale: 0.5 });
      assertValues(await arr.get(), [3, 7, 8, 3, 3], "hier/a/b/arr");
      assert.equal(await arr.nchunksInitialized(), 2);
      assert.ok(await b.has("d2/d3"));
    });

    test("resize and append: same shapes, values, metadata and chunk keys", async () => {
      const z = await create({ store: tsStore, path: "ops/resize_append", shape: [10, 7], chunks: [4, 3], dtype: "<i4", fillValue: -1, compressor: { id: "zlib", level: 1 } });
      await z.set(null, arange(0, 70, 1, "<i4").reshape(10, 7));
      await z.resize(14, 9);
      tsShapes.push(z.shape);
      await z.set([12, 8], 99);
      await z.resize(6, 8);
      tsShapes.push(z.shape);
      tsShapes.push(await z.append(arange(100, 140, 1, "<i4").reshape(5, 8), 0));
      tsShapes.push(await z.append(arange(200, 222, 1, "<i4").reshape(11, 2), 1));
      const z1 = await create({ store: tsStore, path: "ops/append_1d_F_slash", shape: [0], chunks: [4], dtype: ">f8", order: "F", dimensionSeparator: "/", fillValue: NaN });
      for (let k = 0; k < 3; k++) tsShapes.push(await z1.append(arange(k * 10, k * 10 + 5 + k, 1, ">f8")));
      written.push("ops/resize_append", "ops/append_1d_F_slash");
      assert.deepEqual(tsShapes, prep.shapes, "shapes after each resize/append");
      for (const name of ["ops/resize_append", "ops/append_1d_F_slash"]) {
        const expected = readNpyFile(npyPath(dir, name, "expected"));
        assertMatchesNpy(await (await openArray(tsStore, { mode: "r", path: name })).get(), expected, `${name} (zarrflow)`);
        assertMatchesNpy(await (await openArray(pyStore, { mode: "r", path: name })).get(), expected, `${name} (zarr-python's, read by zarrflow)`);
        const pyFiles = walk(join(dir, "py.zarr", name));
        assert.deepEqual(walk(join(dir, "ts.zarr", name)), pyFiles, `${name}: chunk keys`);
        let pyMeta = readFileSync(join(dir, "py.zarr", name, ".zarray"), "utf8");
        if (name === "ops/append_1d_F_slash") {
          // zarr-python 2.13 drops dimension_separator when resize/append rewrites .zarray
          // (Array._flush_metadata_nosync omits it), after which it would look for '.' keys itself.
          // zarrflow keeps it; otherwise the bytes are the same.
          assert.ok(!pyMeta.includes("dimension_separator"), "zarr-python 2.13 dropped dimension_separator");
          pyMeta = pyMeta.replace('    "dtype"', '    "dimension_separator": "/",\n    "dtype"');
        }
        assert.equal(readFileSync(join(dir, "ts.zarr", name, ".zarray"), "utf8"), pyMeta, `${name}/.zarray`);
      }
    });
  });

  /** numpy's linspace(0, 1, 7): i * (1/6), the last set to the stop exactly. */
  const LINSPACE7 = [0, 1, 2, 3, 4, 5, 6].map((i) => (i === 6 ? 1 : i * (1 / 6)));

  describe("stores whose default separator is '/': NestedDirectoryStore and DirectoryStore({ dimensionSeparator: '/' })", () => {
    const stores = {
      "nested.zarr": (p: string) => new NestedDirectoryStore(p),
      "slash.zarr": (p: string) => new DirectoryStore(p, { dimensionSeparator: "/" }),
    };
    for (const [sname, make] of Object.entries(stores)) {
      test(`${sname}: zarrflow writes the same files as zarr-python`, async () => {
        const store = make(join(dir, "ts", sname));
        const g = await group(store);
        await g.attrs.set("store", sname);
        const a = await g.createDataset("sub/a", { shape: [5, 6], chunks: [2, 4], dtype: "<i4", fillValue: -1, compressor: null });
        await a.set([null, slice(0, 5)], arange(0, 25, 1, "<i4").reshape(5, 5));
        const b = await g.createDataset("b", { shape: [7], chunks: [3], dtype: "<f8", compressor: { id: "zlib", level: 1 } });
        await b.set(null, LINSPACE7);
        // As zarr-python: an explicit separator that conflicts with the store's is refused.
        await assert.rejects(g.createDataset("c", { shape: [3, 4], chunks: [2, 2], dtype: "<u2", dimensionSeparator: "." }), /separator/);
        assert.equal(await g.has("c"), false);
        const pyFiles = walk(join(dir, "py", sname));
        assert.deepEqual(walk(join(dir, "ts", sname)), pyFiles, "same files on disk");
        for (const f of pyFiles.filter((f) => isMeta(f) || f.startsWith("sub/a/"))) {
          assert.ok(readFileSync(join(dir, "ts", sname, f)).equals(readFileSync(join(dir, "py", sname, f))), `${sname}/${f} differs`);
        }
      });
      test(`${sname}: zarrflow reads zarr-python's`, async () => {
        const store = make(join(dir, "py", sname));
        const a = await openArray(store, { mode: "r", path: "sub/a" });
        assert.equal(a.dimensionSeparator, "/");
        assertValues(await a.get(), [...Array(30).keys()].map((i) => (i % 6 === 5 ? -1 : Math.floor(i / 6) * 5 + (i % 6))), "sub/a");
        assert.equal(await a.nchunksInitialized(), 6);
        const b = await openArray(store, { mode: "r", path: "b" });
        assert.equal(b.dimensionSeparator, "/");
        assertValues(await b.get(), LINSPACE7, "b");
      });
    }
    test("an array whose .zarray lacks dimension_separator is read with the store's separator", async () => {
      // As zarr-python's Array._load_metadata_nosync: metadata first, then the store's default, then '.'.
      const src = join(dir, "py", "slash.zarr");
      const legacy = join(dir, "legacy-slash.zarr");
      cpSync(src, legacy, { recursive: true });
      const meta = JSON.parse(readFileSync(join(legacy, "sub/a/.zarray"), "utf8"));
      delete meta.dimension_separator;
      writeFileSync(join(legacy, "sub/a/.zarray"), JSON.stringify(meta, null, 4));
      const viaSlash = await openArray(new DirectoryStore(legacy, { dimensionSeparator: "/" }), { mode: "r", path: "sub/a" });
      assert.equal(viaSlash.dimensionSeparator, "/");
      assertValues(await viaSlash.get(), [...Array(30).keys()].map((i) => (i % 6 === 5 ? -1 : Math.floor(i / 6) * 5 + (i % 6))), "legacy via '/' store");
      const viaDefault = await openArray(new DirectoryStore(legacy), { mode: "r", path: "sub/a" });
      assert.equal(viaDefault.dimensionSeparator, ".");
      assertValues(await viaDefault.get(), new Array(30).fill(-1), "legacy via a default store: no chunk at the '.' keys");
    });
  });

  describe("zarrflow updates zarr-python's arrays in place (read-modify-write of partial chunks)", () => {
    for (const c of updatable) {
      test(c.name, async () => {
        const store = new DirectoryStore(join(dir, "upd.zarr"));
        const z = await openArray(store, { mode: "r+", path: c.name });
        const before = await z.get();
        const last = before.getFlat(before.size - 1);
        // Every other index of axis 0 between the first and the last, set to the last element's value.
        await z.set([slice(1, c.shape[0] - 1, 2)], last);
        updated.push(c.name);
        const after = await z.get();
        const rowLen = c.shape.slice(1).reduce((a, b) => a * b, 1);
        const want = before.toList().map((v, i) => {
          const row = Math.floor(i / rowLen);
          return row >= 1 && row < c.shape[0] - 1 && (row - 1) % 2 === 0 ? last : v;
        });
        assertValues(after, want, `${c.name} after update`);
      });
    }
  });

  describe("zarrflow writes, zarr-python reads", () => {
    before(() => {
      verify = runPython<Verify>(PY_VERIFY, { dir, names: written, updated, pyDecodeWithoutFilters: cases.filter((c) => c.pyDecodeWithoutFilters).map((c) => c.name), separatorDroppedByPython: ["ops/append_1d_F_slash"] });
    });
    test("every array zarrflow wrote was checked", () => {
      assert.deepEqual(Object.keys(verify!.arrays).sort(), [...written].sort());
      assert.ok(written.length >= cases.length, `${written.length} arrays written`);
    });
    for (const name of [...cases.map((c) => c.name), "ops/resize_append", "ops/append_1d_F_slash"]) {
      test(name, () => {
        const probs = verify!.arrays[name];
        assert.ok(probs, `${name} was not written by zarrflow (an earlier test failed)`);
        assert.deepEqual(probs, [], `zarr-python reading zarrflow's ${name}:\n${probs.join("\n")}`);
      });
    }
    test("zarr-python reads zarrflow's NestedDirectoryStore and '/' DirectoryStore as its own", () => {
      assert.deepEqual(verify!.sep_stores, { "nested.zarr": true, "slash.zarr": true });
    });
    test("zarr-python reads the arrays zarrflow updated in place", () => {
      assert.equal(Object.keys(verify!.updates).length, updatable.length);
      const bad = Object.entries(verify!.updates).filter(([, p]) => p.length);
      assert.deepEqual(bad, [], bad.map(([n, p]) => `${n}: ${p.join("; ")}`).join("\n"));
    });
    test("zarr-python sees zarrflow's group tree as its own", () => {
      assert.ok(verify!.tree_equal, `zarrflow's tree: ${verify!.tree_ts}\nzarr-python's: ${verify!.tree_py}`);
      assert.ok(verify!.root_attrs_equal, "root attributes incl. 9007199254740993 as an exact int");
    });
  });

  after(() => {
    console.log(
      `zarr-python interop: ${cases.length} array cases both directions (${written.length} written by zarrflow and checked by zarr-python), ` +
        `${updated.length} zarr-python arrays updated in place, ${GUESS.length} default-chunk layouts, groups, resize/append, '/' stores`,
    );
  });
});
