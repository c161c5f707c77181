/**
 * The dependency rules of DESIGN.md, checked on the source: `src/` never imports `streams/`,
 * `sync/` or `native/` (the package root `src/index.ts` and `src/internal.ts` re-export the outer layers and are the
 * exceptions), and no runtime import cycles exist in src/, streams/ or sync/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** Relative imports of a module that exist at runtime (type-only imports and re-exports are erased). */
function runtimeImports(file: string): string[] {
  const src = readFileSync(file, "utf8");
  const out: string[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*"(\.[^"]+)"/gms;
  for (const m of src.matchAll(re)) {
    if (m[2]) continue; // import type / export type
    const names = m[3];
    // `import { type A, type B }` is erased too.
    if (/^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, "").split(",").filter(Boolean).every((n) => n.startsWith("type"))) continue;
    out.push(resolve(dirname(file), m[4]));
  }
  // Dynamic imports count too (a lazy cycle is still a cycle), except the codec registry's lazy
  // loaders (registry.ts and its table, builtins.ts): the registry is DESIGN's "lazy registry by numcodecs id", and a codec it loads on
  // demand may itself ask the registry for the codecs it wraps.
  if (!file.endsWith(join("src", "codecs", "registry.ts")) && !file.endsWith(join("src", "codecs", "builtins.ts"))) {
    for (const m of src.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)) out.push(resolve(dirname(file), m[1]));
  }
  return out;
}

test("src/ never imports streams/, sync/ or native/ (only the package root re-exports them)", () => {
  const offenders: string[] = [];
  for (const f of tsFiles(join(root, "src"))) {
    if (f === join(root, "src/index.ts") || f === join(root, "src/internal.ts")) continue;
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith(".")) continue;
      const target = relative(root, resolve(dirname(f), spec));
      if (/^(streams|sync|native|cli)\//.test(target)) offenders.push(`${relative(root, f)} -> ${target}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test("no runtime import cycles in src/, streams/ or sync/", () => {
  const files = ["src", "streams", "sync"].flatMap((d) => tsFiles(join(root, d)));
  const graph = new Map(files.map((f) => [f, runtimeImports(f).filter((t) => files.includes(t))]));
  const state = new Map<string, 1 | 2>();
  const cycles: string[] = [];
  const visit = (f: string, stack: string[]) => {
    state.set(f, 1);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), f, t].map((x) => relative(root, x)).join(" -> "));
      else if (!state.has(t)) visit(t, [...stack, f]);
    }
    state.set(f, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f, []);
  assert.deepEqual(cycles, []);
});

test("the array, chunk and codec-pipeline modules stay under ~500 lines", () => {
  const big = ["src/array", "src/chunk", "streams", "sync"]
    .flatMap((d) => tsFiles(join(root, d)))
    .concat([join(root, "src/codecs/pipeline.ts"), join(root, "src/codecs/native-backend.ts"), join(root, "src/codecs/native-job.ts"), join(root, "src/creation.ts"), join(root, "src/group.ts")])
    .filter((f) => readFileSync(f, "utf8").split("\n").length > 500)
    .map((f) => relative(root, f));
  assert.deepEqual(big, []);
});
