/**
 * Shared helpers of the tutorial tests: running zarr-python for reference output, comparing info
 * tables, temp directories. Not a test file itself.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasNativeCodecs, nativeUnavailableReason } from "../../src/internal.ts";

export const PYTHON = "/usr/bin/python3";

/** Whether /usr/bin/python3 with zarr 2.x and numpy is available. */
export const hasZarrPython: boolean =
  spawnSync(PYTHON, ["-c", "import zarr, numpy, numcodecs; assert zarr.__version__.startswith('2.')"], { encoding: "utf8" }).status === 0;

/** A `skip` option value for tests needing zarr-python. */
export const skipNoPython: string | false = hasZarrPython ? false : "/usr/bin/python3 with zarr 2.x is not available";

/**
 * Run a Python snippet that assigns a JSON-serializable value to `out`; returns it. The snippet
 * starts with `import zarr, numpy as np, numcodecs, lzma` done.
 */
export function runPython<T = unknown>(code: string, timeoutMs = 120_000): T {
  const prog = `import json, sys, zarr, numcodecs, lzma\nimport numpy as np\nout = None\n${code}\nsys.stdout.write(json.dumps(out))\n`;
  const r = spawnSync(PYTHON, ["-c", prog], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A fresh temp directory removed after the test. */
export function tempDir(t: { after(fn: () => void): void }, prefix = "zarrflow-tutorial-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * How far "No. bytes stored" may be from zarr-python's. With the native addon both sides use the
 * same system c-blosc/zstd/lz4 (5%). The WebAssembly fallback bundles an older c-blosc whose
 * output is the tutorial's own numbers (e.g. 3379344 bytes for the Blosc/zstd example) but up to
 * ~27% away from today's Debian build, so the comparison is looser there.
 */
export const SIZE_TOLERANCE = hasNativeCodecs() ? 0.05 : 0.3;

/** A `skip` option value for tests needing a codec only the native addon provides (LZMA, BZ2). */
export const skipNoNative: string | false = hasNativeCodecs() ? false : `native codecs unavailable: ${nativeUnavailableReason}`;

const NUM_ROW = /^(No\. bytes stored|Storage ratio)(\s*:\s*)(.*)$/;

/**
 * Assert that two info tables (zarr-python's `str(z.info)`) are the same text, except that "No.
 * bytes stored" and "Storage ratio" may differ by up to `tolerance` (relative): compressors may be
 * other builds of the same library.
 */
export function assertInfoClose(actual: string, expected: string, tolerance = SIZE_TOLERANCE): void {
  const a = actual.replace(/\n+$/, "").split("\n");
  const e = expected.replace(/\n+$/, "").split("\n");
  assert.equal(a.length, e.length, `info tables differ in length:\n--- ours\n${actual}\n--- zarr-python\n${expected}`);
  for (let i = 0; i < a.length; i++) {
    const ma = NUM_ROW.exec(a[i]);
    const me = NUM_ROW.exec(e[i]);
    if (ma && me && ma[1] === me[1]) {
      assert.equal(ma[2], me[2], `column alignment of '${ma[1]}'`);
      const x = parseFloat(ma[3]);
      const y = parseFloat(me[3]);
      assert.ok(Math.abs(x - y) <= tolerance * y, `${ma[1]}: ours ${ma[3]} vs zarr-python ${me[3]} (more than ${tolerance * 100}% apart)`);
      continue;
    }
    assert.equal(a[i], e[i], `info line ${i + 1} differs:\n--- ours\n${actual}\n--- zarr-python\n${expected}`);
  }
}

/** The number in an info table's row, e.g. `infoNumber(t, "No. bytes stored")`. */
export function infoNumber(table: string, row: string): number {
  const line = table.split("\n").find((l) => l.startsWith(row + " ") || l.startsWith(row + ":"));
  assert.ok(line, `no row '${row}' in\n${table}`);
  return parseFloat(line.split(":")[1]);
}

/** The UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
