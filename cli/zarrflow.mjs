#!/usr/bin/env node
// Launcher of the `zarrflow` command (package.json "bin"). It runs the compiled CLI,
// dist/cli/main.js, when the package has been built (`npm run build`) and the build is not older
// than any TypeScript source beside it, and otherwise the sources (cli/main.ts) through tsx, which
// is a dependency of the package. The compiled path starts in a fraction of the time: tsx
// registers a loader and transpiles every module on first use. In an installed package every file
// carries the same timestamp, so dist/ is used; in a git checkout an edit after `npm run build`
// sends the command back to the sources rather than running stale code.
// ZARRFLOW_CLI=source or ZARRFLOW_CLI=dist forces one or the other.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const compiled = join(root, "dist", "cli", "main.js");

/** The newest modification time of the .ts sources the build compiles (0 when there are none). */
function newestSource() {
  let newest = 0;
  for (const dir of ["cli", "src", "streams", "sync"]) {
    let names;
    try {
      names = readdirSync(join(root, dir), { recursive: true });
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(".ts") || name.endsWith(".d.ts")) continue;
      const t = statSync(join(root, dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (t > newest) newest = t;
    }
  }
  return newest;
}

function useCompiled() {
  const mode = process.env.ZARRFLOW_CLI;
  if (mode === "source") return false;
  if (!existsSync(compiled)) return false;
  if (mode === "dist") return true;
  return statSync(compiled).mtimeMs >= newestSource();
}

if (useCompiled()) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(here, "main.ts")).href);
}
