/**
 * The typed API is checked by the compiler: `typed-api.ts` holds lines that must compile and lines
 * marked `@ts-expect-error` that must not (tsc reports an unused `@ts-expect-error` as an error).
 * One `tsc --noEmit --strict` run compiles it together with a control file holding the issue's
 * wrong line without the marker, so the run must report exactly that one error: this proves the
 * harness sees compile errors, and that `typed-api.ts` has none.
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

test("typed API: tsc --strict accepts typed-api.ts and rejects an int64 element assigned to a number", () => {
  const dir = mkdtempSync(join(here, ".tmp-"));
  try {
    const control = join(dir, "control.ts");
    writeFileSync(control, [
      `import { zeros } from "../../../src/index.ts";`,
      `export async function f(): Promise<number> {`,
      `  const z = await zeros([10], { dtype: "<i8" });`,
      `  const v: number = await z.get("3");`,
      `  return v;`,
      `}`,
    ].join("\n"));
    const r = spawnSync("npx", ["--no-install", "tsc", "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext",
      "--moduleResolution", "nodenext", "--lib", "es2022,dom", "--allowImportingTsExtensions", "--skipLibCheck", "--types", "node",
      join(here, "typed-api.ts"), control], { cwd: root, encoding: "utf8" });
    const out = `${r.stdout}${r.stderr}`;
    const errors = out.split("\n").filter((l) => /error TS\d+/.test(l));
    assert.equal(errors.length, 1, out);
    assert.match(errors[0], /control\.ts\(4,9\): error TS2322: Type 'bigint' is not assignable to type 'number'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
