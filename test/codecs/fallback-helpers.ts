/**
 * Shared by the fallback codec tests: sample data and a round trip through numcodecs 0.11 (Python
 * decodes what we encode and encodes the same data for us to decode).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PYTHON = "/usr/bin/python3";
const hasNumcodecs = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numcodecs, numpy"]).status === 0;
/** A skip reason when Python with numcodecs is missing, else false. */
export const noPython: string | false = hasNumcodecs ? false : "/usr/bin/python3 cannot import numcodecs";

/** Deterministic sample bytes: "arange" (counting elements), "random", "zeros", "sine" (float64). */
export function sample(kind: "arange" | "random" | "zeros" | "sine", nbytes: number, itemsize = 4): Uint8Array {
  const a = new Uint8Array(nbytes);
  const dv = new DataView(a.buffer);
  let seed = 12345;
  for (let i = 0; i < nbytes; i++) {
    if (kind === "random") {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      a[i] = seed >>> 24;
    } else if (kind === "arange") {
      const e = Math.floor(i / itemsize);
      a[i] = (e >>> (8 * (i % itemsize))) & 0xff;
    }
  }
  if (kind === "sine") for (let i = 0; i + 8 <= nbytes; i += 8) dv.setFloat64(i, Math.sin(i / 800) * 1000, true);
  return a;
}

/** One case for {@link pythonRoundTrip}. */
export interface PyCase {
  config: Record<string, unknown>;
  /** numpy dtype of the raw bytes (sets Blosc's typesize on the Python side). */
  dtype: string;
  raw: Uint8Array;
  ours: Uint8Array;
}

/**
 * Python decodes each `ours` with `numcodecs.get_codec(config)` (failing the test on any mismatch)
 * and encodes `raw`; returns Python's encodings, in order.
 */
export function pythonRoundTrip(cases: PyCase[]): Uint8Array[] {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-fallback-"));
  try {
    const meta = cases.map((c, i) => {
      writeFileSync(join(dir, `${i}.raw`), c.raw);
      writeFileSync(join(dir, `${i}.ours`), c.ours);
      return { config: c.config, dtype: c.dtype };
    });
    writeFileSync(join(dir, "cases.json"), JSON.stringify(meta));
    const script = `
import json, lzma, sys, numpy as np, numcodecs
numcodecs.blosc.set_nthreads(1)
d = sys.argv[1]
errors = []
for i, c in enumerate(json.load(open(f"{d}/cases.json"))):
    cfg = c["config"]
    for f in cfg.get("filters") or []:
        if f["id"] >= 2**62: f["id"] = lzma.FILTER_LZMA1
    codec = numcodecs.get_codec(cfg)
    raw = open(f"{d}/{i}.raw", "rb").read()
    try:
        dec = bytes(codec.decode(open(f"{d}/{i}.ours", "rb").read()))
        if dec != raw: errors.append(f"case {i} {cfg}: python decoded different bytes")
    except Exception as e:
        errors.append(f"case {i} {cfg}: python failed to decode: {e}")
    open(f"{d}/{i}.py", "wb").write(bytes(codec.encode(np.frombuffer(raw, dtype=c["dtype"]))))
if errors: sys.exit("\\n".join(errors))
`;
    const r = spawnSync(PYTHON, ["-c", script, dir], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`python: ${r.stderr || r.stdout}`);
    return cases.map((_, i) => new Uint8Array(readFileSync(join(dir, `${i}.py`))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Byte equality without Buffer/Uint8Array class differences. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
