/**
 * Running the `zarrflow` CLI as a subprocess (through its launcher, as an installed `bin` runs) and
 * making stores with zarr-python. Not a test file itself.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The launcher the package's `bin` points at. */
export const LAUNCHER = fileURLToPath(new URL("../../cli/zarrflow.mjs", import.meta.url));

/** What one CLI run gave. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with each stderr chunk and the child, e.g. to send SIGINT once progress shows. */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
}

/** Run `zarrflow ARGS...` and collect its exit code and output. */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], {
      cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temporary directory for one test file. */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `zarrflow-cli-${tag}-`));
}
