/**
 * Cross-check against Python numcodecs 0.11: random data is encoded in TypeScript and in Python,
 * and each side decodes both encodings. Skipped when `/usr/bin/python3` cannot import numcodecs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import "../../src/codecs/filters/index.ts";
import { getCodec } from "../../src/codecs/registry.ts";
import type { CodecConfig } from "../../src/codecs/codec.ts";
import { elementWriter, parseFilterDtype, viewOf } from "../../src/codecs/filters/elements.ts";

const PYTHON = "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import numcodecs, numpy; assert numcodecs.__version__.startswith('0.11')"], { encoding: "utf8" });
const havePython = probe.status === 0;

const PY_SCRIPT = String.raw`
import sys, json, base64, warnings
import numpy as np, numcodecs
warnings.simplefilter('ignore')
def tob(x):
    if isinstance(x, (bytes, bytearray)):
        return bytes(x)
    return np.asarray(x).tobytes(order='A')
def b64(x):
    return base64.b64encode(x).decode()
out = []
for c in json.load(sys.stdin):
    r = {}
    try:
        codec = numcodecs.get_codec(dict(c['config']))
        r['repr'] = repr(codec)
        r['config'] = codec.get_config()
        data = base64.b64decode(c['data'])
        arr = np.frombuffer(data, dtype=c['dtype']).copy() if c['dtype'] else data
        try:
            r['enc'] = b64(tob(codec.encode(arr)))
        except Exception as e:
            r['enc_err'] = repr(e)
        for key, src in (('dec_py', r.get('enc')), ('dec_ts', c.get('ts_enc'))):
            if src is None:
                continue
            try:
                r[key] = b64(tob(codec.decode(base64.b64decode(src))))
            except Exception as e:
                r[key + '_err'] = repr(e)
    except Exception as e:
        r['err'] = repr(e)
    out.append(r)
json.dump(out, sys.stdout)
`;

/** mulberry32: a tiny seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 5e-324, 1e-310, 6e-8, 3e-5, 0.5, 1.5, 2.5, -2.5, 127.5, 128, 255.5, 256,
  -129, 32767.5, 65504, 65519, 65520, 1e5, 2 ** 31, 2 ** 31 + 0.5, -(2 ** 31) - 1, 3e9, -3e9, 2 ** 32 + 5,
  2 ** 53 + 2, 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, -1e20, 3.4e38, 1e39, -1e300,
];

interface Gen {
  /** Typical magnitude of normal values. */
  scale?: number;
  /** Centre of normal values. */
  centre?: number;
  /** Fraction of special values. */
  special?: number;
  /** Fraction of raw random bit patterns (includes NaN payloads). */
  bits?: number;
}

function randomData(dtype: string, n: number, r: () => number, g: Gen = {}): Uint8Array {
  const dt = parseFilterDtype(dtype, "test", "dtype");
  const out = new Uint8Array(n * dt.itemsize);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(r() * 256);
  if (dt.kind === "b") {
    for (let i = 0; i < n; i++) out[i] = r() < 0.5 ? 1 : 0;
    return out;
  }
  if (dt.kind !== "f") return out;
  const wr = elementWriter(dt);
  const dv = viewOf(out);
  const { scale = 1000, centre = 0, special = 0.1, bits = 0.05 } = g;
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < bits) continue; // keep the random bit pattern
    let v: number;
    if (u < bits + special) v = SPECIALS[Math.floor(r() * SPECIALS.length)] * (r() < 0.5 ? -1 : 1);
    else v = centre + (r() * 2 - 1) * scale;
    if (dt.itemsize === 4) v = Math.fround(v);
    wr(dv, i, v);
  }
  return out;
}

function randomLabels(dtype: string, n: number, labels: string[], r: () => number): Uint8Array {
  const dt = parseFilterDtype(dtype, "test", "dtype");
  const chars = dt.itemsize / 4;
  const out = new Uint8Array(n * dt.itemsize);
  const dv = viewOf(out);
  const extra = ["", "zz", "a\u{1F600}", "ab", "abcdefgh", "\u00e9"];
  for (let i = 0; i < n; i++) {
    const pool = r() < 0.8 ? labels : extra;
    const s = [...pool[Math.floor(r() * pool.length)]].slice(0, chars);
    s.forEach((ch, k) => dv.setUint32(i * dt.itemsize + 4 * k, ch.codePointAt(0)!, dt.littleEndian));
  }
  return out;
}

interface Case {
  name: string;
  config: CodecConfig;
  dtype: string | null;
  data: Uint8Array;
}

function buildCases(): Case[] {
  const r = rng(Number(process.env.FILTER_XCHECK_SEED ?? 20240611));
  const cases: Case[] = [];
  const add = (config: CodecConfig, dtype: string | null, data: Uint8Array) =>
    cases.push({ name: `${JSON.stringify(config)} on ${dtype ?? "bytes"} x${data.length}`, config, dtype, data });
  const lengths = [1, 3, 37, 1000];

  // Delta
  const deltaPairs: [string, string | null, Gen?][] = [
    ["|i1", null], ["|u1", null], ["<i2", null], ["<u2", null], ["<i4", null], ["<u4", null], ["<i8", null], ["<u8", null],
    ["<f2", null, { scale: 100 }], ["<f4", null], ["<f8", null], ["|b1", null], [">i4", null], [">f8", null], ["<f8", ">f8"],
    ["<i2", "|i1"], ["|u1", "<i2"], ["<f8", "<f4"], ["<f8", "<i4", { scale: 1e9 }], ["<i4", "<f8"], ["<f4", "<u4", { scale: 5e9 }],
    ["<i8", "<f4"], ["<u2", "<f2"], ["<f8", "<u8", { scale: 1e19 }], ["<f4", "|b1"], ["|b1", "<i2"], ["<i2", "<f4"],
    ["<f4", "<i8", { scale: 1e19 }], ["<u8", "<i8"], ["<u4", "<f8"], ["<f2", "|i1", { scale: 300 }],
  ];
  for (const [dtype, astype, g] of deltaPairs) {
    for (const n of lengths) add({ id: "delta", dtype, ...(astype ? { astype } : {}) }, dtype, randomData(dtype, n, r, g));
  }

  // FixedScaleOffset
  const fso: [number, number, string, string, Gen][] = [
    [1000, 10, "<f8", "|u1", { centre: 1010, scale: 15 }],
    [1000, 10, "<f8", "|i1", { centre: 1000, scale: 15 }],
    [1000, 100, "<f8", "<i2", { centre: 1000, scale: 400 }],
    [1000, 1000000000000, "<f8", "<i8", { centre: 1000, scale: 1 }],
    [0.5, 3.7, "<f4", "<i2", { scale: 1000 }],
    [10, 100, "<f2", "|i1", { scale: 12 }],
    [1000.5, 10, "<f2", "<i4", { scale: 2000 }],
    [70000, 1000000, "<f4", "<u4", { centre: 70000, scale: 3000 }],
    [1000, 10, "<f4", "<u4", { centre: 1000, scale: 1e9 }],
    [5, 2, "<i4", "<i2", {}],
    [-1, 3, "|u1", "|u1", {}],
    [1.5, 0.25, "<f8", "<f4", {}],
    [100, 1.5, ">f8", ">i4", { centre: 100 }],
    [3, 0.5, "<i8", "<f8", {}],
    [1000.5, 1e10, "<f2", "<f2", {}],
    [0, 1, "<f8", "<u8", { scale: 1e19 }],
    [-7, 65536, "<i2", "<i4", {}],
    [0, 1, "<f8", "|b1", {}],
    [3, 2, "|b1", "|u1", {}],
    [-5, 3, "<u8", "<u8", {}],
    [200, 3, "|i1", "|i1", {}],
    [7, 70000, "<u2", "<u4", {}],
    [70000, 2, "<f2", "<f4", {}],
    [0.25, 1000, "<f2", "<i2", { scale: 30 }],
    [1000, 1e-3, ">f4", "<f8", { centre: 1000 }],
  ];
  for (const [offset, scale, dtype, astype, g] of fso) {
    for (const n of lengths) add({ id: "fixedscaleoffset", offset, scale, dtype, astype }, dtype, randomData(dtype, n, r, g));
  }

  // Quantize
  const quant: [number, string, string, Gen][] = [
    [-1, "<f8", "<f2", {}], [0, "<f8", "<f2", {}], [1, "<f8", "<f2", { scale: 10 }], [2, "<f8", "<f8", { scale: 1 }],
    [5, "<f8", "<f4", {}], [12, "<f8", "<f8", {}], [3, "<f4", "<f4", {}], [2, "<f2", "<f2", { scale: 100 }],
    [5, "<f2", "<f2", { scale: 100 }], [1, ">f8", ">f4", {}], [-3, "<f4", "<f8", { scale: 1e6 }], [300, "<f8", "<f8", {}],
  ];
  for (const [digits, dtype, astype, g] of quant) {
    for (const n of lengths) add({ id: "quantize", digits, dtype, astype }, dtype, randomData(dtype, n, r, g));
  }

  // PackBits
  for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 1000]) add({ id: "packbits" }, "|b1", randomData("|b1", n, r));
  add({ id: "packbits" }, "|u1", randomData("|u1", 64, r));

  // AsType
  const numeric = ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f2", "<f4", "<f8", ">i2", ">u4", ">f4", ">f8"];
  for (const dec of numeric) {
    for (const enc of numeric) {
      if (enc === dec) continue;
      const g: Gen = { scale: dec.endsWith("f2") ? 300 : 5e9, special: 0.2 };
      add({ id: "astype", encode_dtype: enc, decode_dtype: dec }, dec, randomData(dec, 37, r, g));
    }
  }
  add({ id: "astype", encode_dtype: "<f4", decode_dtype: "<f8" }, "<f8", randomData("<f8", 1000, r));
  add({ id: "astype", encode_dtype: "<u4", decode_dtype: "<f8" }, "<f8", randomData("<f8", 1001, r, { scale: 1e10, special: 0.3 }));
  add({ id: "astype", encode_dtype: ">M8[ns]", decode_dtype: "<M8[ns]" }, "<M8[ns]", randomData("<u8", 10, r));

  // Shuffle
  for (const es of [0, 1, 2, 3, 4, 8, 16]) {
    for (const nbytes of [0, 48, 4800]) add({ id: "shuffle", elementsize: es }, "|u1", randomData("|u1", nbytes, r));
  }

  // BitRound
  const br: [string, number[]][] = [["<f2", [0, 1, 5, 9, 10]], ["<f4", [0, 1, 10, 22, 23]], ["<f8", [0, 1, 10, 31, 32, 33, 51, 52]]];
  for (const [dtype, kbs] of br) {
    for (const keepbits of kbs) add({ id: "bitround", keepbits }, dtype, randomData(dtype, 257, r, { bits: 0.2, special: 0.2 }));
  }

  // Categorize
  const labels = ["ƒöõ", "ßàř", "ßāẑ", "ƪùüx", "a\u{1F600}", "ab"];
  const cat: [string, string, string[]][] = [
    ["<U4", "|u1", labels], ["<U1", "|u1", labels], [">U3", "<i2", labels], ["<U4", "<f4", labels], ["<U4", "<u8", labels],
    ["<U2", "|b1", labels], ["<U4", "|i1", Array.from({ length: 200 }, (_, i) => `L${i}`)],
    ["<U4", "|u1", Array.from({ length: 300 }, (_, i) => `L${i}`)], ["<U4", "|u1", ["ab", "ab", "zz"]],
  ];
  for (const [dtype, astype, labs] of cat) {
    add({ id: "categorize", labels: labs, dtype, astype }, dtype, randomLabels(dtype, 500, labs.slice(0, 300), r));
  }

  // Checksums and Base64
  for (const id of ["crc32", "adler32", "base64"]) {
    for (const n of [0, 1, 2, 3, 4, 1000, 3800, 5553, 70001]) add({ id }, "|u1", randomData("|u1", n, r));
  }
  return cases;
}

interface PyResult {
  repr?: string;
  config?: Record<string, unknown>;
  enc?: string;
  enc_err?: string;
  dec_py?: string;
  dec_py_err?: string;
  dec_ts?: string;
  dec_ts_err?: string;
  err?: string;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString("base64");

test("TypeScript codecs agree with Python numcodecs 0.11 on random data", { skip: havePython ? false : "python3 numcodecs 0.11 not available" }, async () => {
  const cases = buildCases();
  const ts: { enc?: Uint8Array; err?: string }[] = [];
  for (const c of cases) {
    const codec = await getCodec(c.config);
    const dt = c.dtype ? parseFilterDtype(c.dtype, "test", "dtype") : null;
    try {
      ts.push({ enc: await codec.encode(c.data, dt ? { dtype: dt.str, itemsize: dt.itemsize } : undefined) });
    } catch (e) {
      ts.push({ err: String(e) });
    }
  }
  const input = JSON.stringify(cases.map((c, i) => ({ config: c.config, dtype: c.dtype, data: b64(c.data), ts_enc: ts[i].enc ? b64(ts[i].enc!) : undefined })));
  const run = spawnSync(PYTHON, ["-c", PY_SCRIPT], { input, encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(run.status, 0, run.stderr);
  const py = JSON.parse(run.stdout) as PyResult[];
  assert.equal(py.length, cases.length);

  const failures: string[] = [];
  const perCodec = new Map<string, number>();
  const bothRaised: string[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const p = py[i];
    const fail = (msg: string) => failures.push(`${c.name}: ${msg}`);
    if (p.err) {
      fail(`python could not build the codec: ${p.err}`);
      continue;
    }
    const codec = await getCodec(c.config);
    const dt = c.dtype ? parseFilterDtype(c.dtype, "test", "dtype") : null;
    const ctx = dt ? { dtype: dt.str, itemsize: dt.itemsize } : undefined;
    if (codec.toString() !== p.repr) fail(`repr ${codec.toString()} vs python ${p.repr}`);
    try {
      assert.deepEqual(codec.getConfig(), p.config);
    } catch {
      fail(`config ${JSON.stringify(codec.getConfig())} vs python ${JSON.stringify(p.config)}`);
    }
    if (p.enc_err || ts[i].err) {
      if (!(p.enc_err && ts[i].err)) fail(`encode error mismatch: ts=${ts[i].err ?? "ok"} python=${p.enc_err ?? "ok"}`);
      else bothRaised.push(`${c.name}: ${p.enc_err}`);
    } else {
      const pyEnc = Buffer.from(p.enc!, "base64");
      if (!pyEnc.equals(Buffer.from(ts[i].enc!))) {
        const a = ts[i].enc!;
        let k = 0;
        while (k < a.length && a[k] === pyEnc[k]) k++;
        fail(`encode differs (lengths ${a.length}/${pyEnc.length}, first diff at byte ${k})`);
        continue;
      }
      // Python's decode of its own encoding vs ours.
      let tsDec: Uint8Array | undefined;
      let tsErr: string | undefined;
      try {
        tsDec = await codec.decode(new Uint8Array(pyEnc), undefined, ctx);
      } catch (e) {
        tsErr = String(e);
      }
      if (p.dec_py_err || tsErr) {
        if (!(p.dec_py_err && tsErr)) fail(`decode error mismatch: ts=${tsErr ?? "ok"} python=${p.dec_py_err ?? "ok"}`);
      } else if (!Buffer.from(p.dec_py!, "base64").equals(Buffer.from(tsDec!))) {
        const e = Buffer.from(p.dec_py!, "base64");
        let k = 0;
        while (k < e.length && e[k] === tsDec![k]) k++;
        fail(`decode differs (lengths ${tsDec!.length}/${e.length}, first diff at byte ${k})`);
      }
    }
    perCodec.set(c.config.id, (perCodec.get(c.config.id) ?? 0) + 1);
  }
  console.log(`python cross-check cases: ${[...perCodec.entries()].map(([k, v]) => `${k}=${v}`).join(" ")}`);
  console.log(`cases where both sides raised on encode (${bothRaised.length}):\n  ${bothRaised.join("\n  ")}`);
  assert.deepEqual(failures, [], `${failures.length} mismatches:\n${failures.slice(0, 40).join("\n")}`);
});
