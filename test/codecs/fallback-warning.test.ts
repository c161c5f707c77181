/**
 * Without the addon: one warning per process at first codec use (naming the reason and the fix),
 * none when disabled on purpose, and a typed error with ZARRFLOW_REQUIRE_NATIVE=1.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const program = `
import { Zlib, Zstd, LZ4, hasNativeCodecs, nativeUnavailableReason } from "./src/codecs/compressors.ts";
const d = new Uint8Array(1000).fill(7);
try {
  for (const c of [new Zlib(), new Zstd(), new LZ4(), new Zlib()]) await c.decode(await c.encode(d));
  console.log("ok", hasNativeCodecs(), nativeUnavailableReason);
} catch (e) {
  console.log("error", e.name, e.message);
}
`;

function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ZARRFLOW_REQUIRE_NATIVE: "", ZARRFLOW_NATIVE_WARNING: "", ...env },
  });
  return { stdout: r.stdout, warnings: r.stderr.split("\n").filter((l) => l.includes("zarrflow: warning")) };
}

test("one warning per process, naming the reason and the fix", () => {
  const r = run({ ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_NATIVE_WARNING: "1" });
  assert.match(r.stdout, /^ok false disabled by ZARRFLOW_NO_NATIVE=1/);
  assert.equal(r.warnings.length, 1, r.warnings.join("\n"));
  assert.match(r.warnings[0], /native codec addon unavailable \(disabled by ZARRFLOW_NO_NATIVE=1\).*To fix: unset ZARRFLOW_NO_NATIVE/);
});

test("no warning when the addon is disabled on purpose or the warning is silenced", () => {
  assert.equal(run({ ZARRFLOW_NO_NATIVE: "1" }).warnings.length, 0);
  assert.equal(run({ ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_NATIVE_WARNING: "0" }).warnings.length, 0);
});

test("ZARRFLOW_REQUIRE_NATIVE=1 turns a missing addon into NativeCodecsRequiredError", () => {
  const r = run({ ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_REQUIRE_NATIVE: "1" });
  assert.match(r.stdout, /^error NativeCodecsRequiredError zlib: the native codec addon is required \(ZARRFLOW_REQUIRE_NATIVE=1\) but unavailable: disabled by ZARRFLOW_NO_NATIVE=1/);
});
