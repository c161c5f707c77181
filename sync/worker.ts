/**
 * Starting worker threads that run TypeScript: what parallel writers need to get an array handle
 * (as a descriptor) into several threads.
 * @module
 */
import { pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

const bootstrap = new URL("./worker-bootstrap.mjs", import.meta.url);

/**
 * A `worker_threads` Worker running `script` (a `.ts` or `.js` file path or URL). TypeScript workers
 * are started through a small bootstrap that registers tsx, because Node 20 does not apply
 * `--import tsx` from `execArgv` to workers. `workerData`, `argv` and the other options are passed
 * through unchanged; send arrays as `toDescriptor(z)` and reopen them with `openFromDescriptor`.
 * @example
 * const worker = startWorker(new URL("./writer.ts", import.meta.url), { workerData: toDescriptor(z) });
 * await new Promise((resolve, reject) => worker.once("exit", resolve).once("error", reject));
 */
export function startWorker(script: string | URL, options: WorkerOptions = {}): Worker {
  const url = script instanceof URL ? script : /^[a-z][a-z0-9+.-]*:/i.test(script) ? new URL(script) : pathToFileURL(script);
  if (!/\.(c|m)?tsx?$/.test(url.pathname)) return new Worker(url, options);
  return new Worker(bootstrap, { ...options, argv: ["--zarrflow-worker-script", url.href, ...(options.argv ?? [])] });
}
