#!/usr/bin/env node
// Launcher of the `zarrflow` command (package.json "bin"). It runs the compiled CLI,
// dist/cli/main.js, when the package has been built (`npm run build`), and otherwise the
// TypeScript sources (cli/main.ts) through tsx, which is a dependency of the package.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const compiled = join(here, "..", "dist", "cli", "main.js");
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(here, "main.ts")).href);
}
