/** A throwaway redis-server on 127.0.0.1 and a random free port, for the RedisSynchronizer tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";

export const REDIS_SERVER = "/usr/bin/redis-server";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Start redis-server without persistence; resolves once it accepts connections. */
export async function startRedis(): Promise<{ url: string; proc: ChildProcess; stop: () => Promise<void> }> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is not installed (Debian package redis-server)`);
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], { stdio: ["ignore", "pipe", "pipe"] });
    const ok = await new Promise<boolean>((resolve) => {
      let out = "";
      const onData = (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/i.test(out)) resolve(true);
      };
      proc.stdout!.on("data", onData);
      proc.once("exit", () => resolve(false));
      setTimeout(() => resolve(false), 10000);
    });
    if (ok) {
      const stop = () =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve();
          proc.once("exit", () => resolve());
          proc.kill("SIGTERM");
        });
      return { url: `redis://127.0.0.1:${port}`, proc, stop };
    }
    proc.kill("SIGKILL");
    if (attempt >= 3) throw new Error("redis-server did not start");
  }
}
