/**
 * Real servers for the backend store tests, each on 127.0.0.1 and a free port, started by the test
 * and stopped by it: redis-server (Debian), an HTTP file server with Range support (node:http),
 * s3rver (npm) and azurite (npm). Plus `hasPackage` to skip tests whose optional SDK is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);

/** Whether an npm package can be resolved from the repository. */
export function hasPackage(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    try {
      require.resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A started server process and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  proc?: ChildProcess;
  stop: () => Promise<void>;
}

/** Stop a child process: SIGTERM, then SIGKILL after a grace period. */
function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    proc.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill("SIGTERM");
  });
}

/** Spawn a server and wait until a line of its output matches `ready` (bounded by `timeoutMs`). */
async function spawnUntil(cmd: string, args: string[], ready: RegExp, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
  let out = "";
  const ok = await new Promise<boolean>((resolve) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(true);
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", () => resolve(false));
    proc.once("error", () => resolve(false));
    setTimeout(() => resolve(false), timeoutMs);
  });
  if (!ok) {
    await stopProcess(proc);
    throw new Error(`${cmd} did not start:\n${out.slice(-2000)}`);
  }
  // Keep draining the pipes so the server never blocks on a full pipe.
  proc.stdout!.resume();
  proc.stderr!.resume();
  return proc;
}

export const REDIS_SERVER = "/usr/bin/redis-server";

/** Start redis-server without persistence on a free loopback port. */
export async function startRedis(): Promise<RunningServer> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is not installed (Debian package redis-server)`);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const proc = await spawnUntil(
        REDIS_SERVER,
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
        /Ready to accept connections/i,
        10_000,
      );
      return { url: `redis://127.0.0.1:${port}`, port, proc, stop: () => stopProcess(proc) };
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

/** The bin script of an npm package (`bin` entry `name`). */
function packageBin(pkg: string, name: string): string {
  const pj = require.resolve(`${pkg}/package.json`);
  const meta = require(pj) as { bin?: string | Record<string, string> };
  const rel = typeof meta.bin === "string" ? meta.bin : meta.bin?.[name];
  if (!rel) throw new Error(`${pkg} has no bin ${name}`);
  return join(pj, "..", rel);
}

/** Start azurite's blob service in memory on a free loopback port; `url` is the blob endpoint for account devstoreaccount1. */
export async function startAzurite(): Promise<RunningServer & { connectionString: string }> {
  const bin = packageBin("azurite", "azurite-blob");
  const workdir = mkdtempSync(join(tmpdir(), "zarrflow-azurite-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const proc = await spawnUntil(
        process.execPath,
        [bin, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl", "--location", workdir],
        /successfully listens on/i,
        30_000,
      );
      const url = `http://127.0.0.1:${port}/devstoreaccount1`;
      const connectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        `BlobEndpoint=${url};`;
      return {
        url,
        port,
        proc,
        connectionString,
        stop: async () => {
          await stopProcess(proc);
          rmSync(workdir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      if (attempt >= 2) {
        rmSync(workdir, { recursive: true, force: true });
        throw e;
      }
    }
  }
}
