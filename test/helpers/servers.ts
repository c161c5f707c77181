/**
 * Real servers for the backend store tests, each on 127.0.0.1 and a free port, started by the test
 * and stopped by it: redis-server (Debian), an HTTP file server with Range support (node:http),
 * s3rver (npm) and azurite (npm). Plus `hasPackage` to skip tests whose optional SDK is missing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
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
async function spawnUntil(cmd: string, args: string[], ready: RegExp, timeoutMs: number, cwd?: string): Promise<ChildProcess> {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], cwd });
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

/**
 * Why the Redis tests cannot run here, or false. A redis-server that is installed but cannot even
 * print its version (its shared libraries hidden or broken) is a machine problem, not a failure of ours.
 */
export const redisSkip: string | false = !existsSync(REDIS_SERVER)
  ? `${REDIS_SERVER} is not installed (Debian package redis-server)`
  : spawnSync(REDIS_SERVER, ["--version"], { stdio: "ignore" }).status === 0
    ? false
    : `${REDIS_SERVER} is installed but cannot run here`;

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
        [bin, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableProductStyleUrl"],
        /successfully listens on/i,
        30_000,
        workdir,
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

/** A fault the test HTTP server injects: answer `status` (or reset the connection) for the next `times` requests of a path. */
export interface HttpFault {
  times: number;
  status?: number;
  reset?: boolean;
  retryAfter?: number;
}

/** The test HTTP file server: serves `root` with Range support, records requests, injects faults. */
export interface FileServer extends RunningServer {
  /** Requests seen: method, path, Range header. */
  log: { method: string; path: string; range?: string; status: number; bytes?: number }[];
  /** Faults to inject, by URL path (e.g. `/data/.zgroup`). */
  faults: Map<string, HttpFault>;
  /** When false, Range headers are ignored (a server without range support). */
  ranges: boolean;
}

/**
 * Serve the files under `root` on 127.0.0.1 (GET and HEAD, `Range: bytes=a-b`, `bytes=a-` and
 * `bytes=-n`, 206/416 answers), refusing paths that leave `root`. Faults make given paths answer a
 * status (e.g. 503) or drop the connection a given number of times first.
 */
export async function startFileServer(root: string): Promise<FileServer> {
  const http = await import("node:http");
  const fs = await import("node:fs/promises");
  const { resolve: resolvePath, sep } = await import("node:path");
  const base = resolvePath(root);
  const log: FileServer["log"] = [];
  const faults = new Map<string, HttpFault>();
  const state = { ranges: true };
  const server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const range = req.headers.range;
    const done = (status: number, headers: Record<string, string | number> = {}, body?: Uint8Array) => {
      log.push({ method: req.method ?? "", path, range, status, bytes: req.method === "HEAD" ? 0 : body?.byteLength ?? 0 });
      res.writeHead(status, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const fault = faults.get(path);
    if (fault && fault.times > 0) {
      fault.times--;
      if (fault.reset) {
        log.push({ method: req.method ?? "", path, range, status: 0 });
        req.socket.destroy();
        return;
      }
      return done(fault.status ?? 503, fault.retryAfter !== undefined ? { "Retry-After": fault.retryAfter } : {}, new TextEncoder().encode("try again"));
    }
    if (req.method !== "GET" && req.method !== "HEAD") return done(405);
    const file = resolvePath(base, "." + path);
    if (file !== base && !file.startsWith(base + sep)) return done(403);
    let data: Buffer;
    try {
      const st = await fs.stat(file);
      if (!st.isFile()) return done(404);
      data = await fs.readFile(file);
    } catch {
      return done(404);
    }
    const size = data.byteLength;
    const m = state.ranges && range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
    if (m && (m[1] !== "" || m[2] !== "")) {
      let start: number;
      let end: number;
      if (m[1] === "") {
        start = Math.max(0, size - Number(m[2]));
        end = size - 1;
      } else {
        start = Number(m[1]);
        end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
      }
      if (start >= size || (m[1] === "" && Number(m[2]) === 0)) return done(416, { "Content-Range": `bytes */${size}` });
      return done(206, { "Content-Range": `bytes ${start}-${end}/${size}`, "Content-Length": end - start + 1, "Accept-Ranges": "bytes" }, data.subarray(start, end + 1));
    }
    return done(200, { "Content-Length": size, "Accept-Ranges": "bytes" }, data);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  const result: FileServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    faults,
    get ranges() {
      return state.ranges;
    },
    set ranges(v: boolean) {
      state.ranges = v;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return result;
}

/**
 * Start s3rver (an S3-protocol server) in a child process on a free loopback port with the given
 * buckets, storing objects in a temporary directory; credentials are s3rver's fixed S3RVER/S3RVER.
 * s3rver encrypts ListObjectsV2 continuation tokens with DES, which Node 17+ only offers with
 * OpenSSL's legacy provider, hence `--openssl-legacy-provider` for its process.
 */
export async function startS3rver(buckets: string[]): Promise<RunningServer & { credentials: { accessKeyId: string; secretAccessKey: string } }> {
  const bin = packageBin("s3rver", "s3rver");
  const directory = mkdtempSync(join(tmpdir(), "zarrflow-s3rver-"));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const proc = await spawnUntil(
        process.execPath,
        ["--openssl-legacy-provider", bin, "-d", directory, "-a", "127.0.0.1", "-p", String(port), "--no-vhost-buckets", ...buckets.flatMap((b) => ["--configure-bucket", b])],
        /listening/i,
        30_000,
      );
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        proc,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        stop: async () => {
          await stopProcess(proc);
          rmSync(directory, { recursive: true, force: true });
        },
      };
    } catch (e) {
      if (attempt >= 2) {
        rmSync(directory, { recursive: true, force: true });
        throw e;
      }
    }
  }
}
