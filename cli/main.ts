/**
 * Entry point of the `zarrflow` command (see `cli/zarrflow.mjs` for the launcher the package's
 * `bin` points at). Runs the program and exits with its code.
 * @module
 */
import { run } from "./program.ts";

const code = await run(process.argv);
process.exitCode = code;
// Do not wait for idle handles (worker pools, timers) once the answer is known.
setImmediate(() => process.exit(code));
