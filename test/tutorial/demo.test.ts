/**
 * `examples/tutorial.ts` runs as a child process, on its own temp dir or one it is given, and
 * prints the tutorial's answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./helpers.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const script = join(repo, "examples", "tutorial.ts");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines printed after a `>>> ` line, up to the next one. */
function answer(out: string, python: string): string {
  const lines = out.split("\n");
  const i = lines.indexOf(`>>> ${python}`);
  assert.ok(i >= 0, `the demo does not show '>>> ${python}'`);
  const rest: string[] = [];
  for (let j = i + 1; j < lines.length && !lines[j].startsWith(">>> ") && lines[j] !== "" && !lines[j].startsWith("# "); j++) rest.push(lines[j]);
  return rest.join("\n");
}

test("examples/tutorial.ts prints the tutorial's answers", { timeout: 600_000 }, async (t) => {
  const dir = tempDir(t, "zarrflow-demo-");
  const { code, stdout, stderr } = await run([dir]);
  assert.equal(code, 0, `demo failed:\n${stderr}`);
  assert.equal(answer(stdout, "z"), "<zarr.core.Array (10000, 10000) int32>");
  assert.equal(answer(stdout, "z[0, 0]"), "0");
  assert.equal(answer(stdout, "z[-1, -1]"), "42");
  assert.equal(answer(stdout, "z[0, :]"), "array([   0,    1,    2, ..., 9997, 9998, 9999], dtype=int32)");
  assert.equal(answer(stdout, "z[:, 0]"), "array([   0,    1,    2, ..., 9997, 9998, 9999], dtype=int32)");
  assert.equal(answer(stdout, "z[:]"), [
    "array([[   0,    1,    2, ..., 9997, 9998, 9999],",
    "       [   1,   42,   42, ...,   42,   42,   42],",
    "       [   2,   42,   42, ...,   42,   42,   42],",
    "       ...,",
    "       [9997,   42,   42, ...,   42,   42,   42],",
    "       [9998,   42,   42, ...,   42,   42,   42],",
    "       [9999,   42,   42, ...,   42,   42,   42]], dtype=int32)",
  ].join("\n"));
  assert.equal(answer(stdout, "np.all(z1[:] == z2[:])").split("\n")[0], "True");
  assert.equal(answer(stdout, "zarr.load('data/example.zarr')"), "array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])");
  assert.equal(answer(stdout, "z.append(a)"), "(20000, 1000)");
  assert.equal(answer(stdout, "z.append(np.vstack([a, a]), axis=1)"), "(20000, 2000)");
  assert.ok(stdout.includes(">>> z.shape\n(20000, 10000)\n"), "resize");
  assert.ok(stdout.includes(">>> z.shape\n(20000, 2000)\n"), "after appends");
  assert.equal(answer(stdout, "z.compressor"), "Blosc(cname='zstd', clevel=3, shuffle=BITSHUFFLE, blocksize=0)");
  const info = answer(stdout, "z.info");
  assert.match(info, /^Type {15}: zarr\.core\.Array$/m);
  assert.match(info, /^Compressor {9}: Blosc\(cname='zstd', clevel=3, shuffle=BITSHUFFLE,\n {19}: blocksize=0\)$/m);
  assert.match(info, /^No\. bytes {10}: 400000000 \(381\.5M\)$/m);
  assert.match(info, /^No\. bytes stored {3}: \d+ \(3\.\dM\)$/m);
  assert.match(info, /^Chunks initialized : 100\/100$/m);
  assert.equal(answer(stdout, "root"), "<zarr.hierarchy.Group '/'>");
  assert.equal(answer(stdout, "root['foo/bar/baz']"), "<zarr.core.Array '/foo/bar/baz' (10000, 10000) int32>");
  assert.ok(stdout.includes([
    ">>> root.tree()",
    "/",
    " └── foo",
    "     └── bar",
    "         ├── baz (10000, 10000) int32",
    "         └── quux (10000, 10000) int32",
  ].join("\n")), "the group tree");
  // With a directory given, the stores stay there.
  assert.ok(existsSync(join(dir, "data", "example.zarr", ".zarray")));
  assert.ok(existsSync(join(dir, "data", "group.zarr", "foo", "bar", "baz", ".zarray")));
  assert.deepEqual(readdirSync(join(dir, "data")).sort(), ["example.zarr", "group.zarr"]);
});
