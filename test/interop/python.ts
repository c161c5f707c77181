/**
 * Calling the reference implementation (Debian's zarr-python 2.13 under /usr/bin/python3) from tests.
 * A script gets JSON on stdin (`inp`) and sets `out` to something JSON-serializable, which is returned.
 * Not a test file itself.
 */
import { spawnSync } from "node:child_process";

export const PYTHON = "/usr/bin/python3";

function probe(): { ok: boolean; why: string; versions?: Record<string, string> } {
  const r = spawnSync(
    PYTHON,
    ["-c", "import json, zarr, numcodecs, numpy; print(json.dumps({'zarr': zarr.__version__, 'numcodecs': numcodecs.__version__, 'numpy': numpy.__version__}))"],
    { encoding: "utf8", timeout: 30_000 },
  );
  if (r.error) return { ok: false, why: `${PYTHON} cannot be run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `${PYTHON} cannot import zarr/numcodecs/numpy: ${r.stderr.trim().split("\n").pop()}` };
  const versions = JSON.parse(r.stdout) as Record<string, string>;
  if (!versions.zarr.startsWith("2.")) return { ok: false, why: `zarr-python ${versions.zarr} is not 2.x`, versions };
  return { ok: true, why: "", versions };
}

const status = probe();

/** Whether zarr-python 2.x, numcodecs and numpy can be imported. */
export const hasZarrPython = status.ok;
/** Versions of the reference stack, when available. */
export const pythonVersions = status.versions;
/** A `skip` option for tests that need zarr-python: false when available, else the reason. */
export const skipWithoutZarrPython: string | false = status.ok ? false : status.why;

/** Prelude of every script: imports and the `inp` object. */
const PRELUDE = String.raw`
import sys, json, base64, os, zlib, warnings
warnings.simplefilter('ignore')
import numpy as np, zarr, numcodecs
inp = json.load(sys.stdin)
out = None
`;

/**
 * Run a Python script with `input` as JSON on stdin and return the JSON it leaves in `out`.
 * Throws with Python's stderr when it fails.
 */
export function runPython<T = unknown>(script: string, input: unknown = null, timeoutMs = 120_000): T {
  const prog = `${PRELUDE}\n${script}\nsys.stdout.write(json.dumps(out))\n`;
  const r = spawnSync(PYTHON, ["-c", prog], { input: JSON.stringify(input), encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
