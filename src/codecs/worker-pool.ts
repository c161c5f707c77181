/**
 * A small `worker_threads` pool that runs the JS/WASM codecs off the main thread. Without the
 * native addon the pipeline sends each chunk's whole codec chain here ({@link runChainInPool});
 * {@link runInPool} runs a single codec. Workers start on first use, are
 * unreferenced while idle (they never keep the process alive) and are sized by core count.
 *
 * Works from the TypeScript sources (workers register tsx before loading their entry) and from the
 * compiled `dist/` JavaScript (workers load the `.js` entry directly).
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CodecError } from "../errors.ts";
import type { ChunkContext, CodecConfig } from "./codec.ts";
import type { ChainSpec, PoolRequest, PoolResponse } from "./worker-pool-protocol.ts";

export type { ChainSpec } from "./worker-pool-protocol.ts";

/** Options of one {@link runInPool} job. */
export interface PoolJobOptions {
  /**
   * For decode: the exact decoded size (the chunk's byte size). The worker allocates it and never
   * decodes past it, so corrupt or hostile input cannot make it allocate more.
   */
  expectedSize?: number;
  /** What the codec knows about the bytes (Blosc's typesize comes from `itemsize`). */
  ctx?: ChunkContext;
  /**
   * Transfer `bytes`' buffer to the worker instead of copying it. The caller's array is detached
   * afterwards. Only honoured when `bytes` spans its whole, non-shared ArrayBuffer.
   */
  transfer?: boolean;
  /** Rejects the job (with the signal's reason) if aborted before its result arrives. */
  signal?: AbortSignal;
  /** For {@link runChainInPool}: the chunk's key, named by errors as the pipeline names it. */
  key?: string;
}

interface Job {
  req: PoolRequest;
  /** Names the codec (or chain) in errors. */
  label: string;
  transfer: ArrayBuffer[];
  resolve(bytes: Uint8Array): void;
  reject(e: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const MAX_DEFAULT = 8;
let size = defaultSize();
const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;

/** Workers by default: the core count (capped at 8), or `ZARRFLOW_CODEC_WORKERS`. */
function defaultSize(): number {
  const env = Number(process.env.ZARRFLOW_CODEC_WORKERS);
  if (Number.isInteger(env) && env >= 1 && env <= 256) return env;
  return Math.max(1, Math.min(MAX_DEFAULT, availableParallelism()));
}

/** Sets the maximum number of codec workers (1–256). Extra idle workers are stopped. */
export function setPoolSize(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new CodecError(`codec worker pool size must be an integer between 1 and 256, got ${String(n)}`);
  }
  size = n;
  for (let i = slots.length - 1; i >= 0 && slots.length > size; i--) {
    if (!slots[i].job) void slots.splice(i, 1)[0].worker.terminate();
  }
}

/** The maximum number of codec workers. */
export function getPoolSize(): number {
  return size;
}

/** Number of workers currently started (for tests and diagnostics). */
export function poolWorkerCount(): number {
  return slots.length;
}

/** Stops every worker; pending and queued jobs reject with a {@link CodecError}. */
export async function shutdownPool(): Promise<void> {
  const stopping = slots.splice(0);
  for (const job of queue.splice(0)) job.reject(new CodecError("codec worker pool shut down"));
  for (const s of stopping) s.job?.reject(new CodecError("codec worker pool shut down"));
  await Promise.all(stopping.map((s) => s.worker.terminate()));
}

/**
 * Runs `op` ("encode" or "decode") of the codec described by `config` on `bytes` in a worker
 * thread and resolves with the result (a fresh, transferable array). Errors reject as
 * {@link CodecError} naming the codec. Decoding with `expectedSize` fails instead of producing
 * more bytes than that.
 */
export function runInPool(config: CodecConfig, op: "encode" | "decode", bytes: Uint8Array, options: PoolJobOptions = {}): Promise<Uint8Array> {
  if (config === null || typeof config !== "object" || typeof config.id !== "string") {
    return Promise.reject(new CodecError(`runInPool: codec config must be an object with a string "id", got ${JSON.stringify(config)}`));
  }
  return submit("runInPool", { config }, config.id, op, bytes, options);
}

/**
 * Runs a whole codec chain (filters, then the compressor; the reverse on decode) on one chunk in a
 * worker, as {@link CodecPipeline} would in this thread: one job per chunk, so a chunk crosses
 * threads once each way. Every codec of the chain must be one zarrflow registers itself (the
 * worker knows no codec registered at run time). `expectedSize` bounds the decoded chunk.
 */
export function runChainInPool(chain: ChainSpec, op: "encode" | "decode", bytes: Uint8Array, options: PoolJobOptions = {}): Promise<Uint8Array> {
  if (chain === null || typeof chain !== "object" || !Array.isArray(chain.filters) || typeof chain.dtype !== "string") {
    return Promise.reject(new CodecError(`runChainInPool: chain must be { filters, compressor, dtype }, got ${JSON.stringify(chain)}`));
  }
  const ids = [...chain.filters.map((f) => f.id), ...(chain.compressor ? [chain.compressor.id] : [])];
  const label = ids.length ? ids.join("+") : "codec chain";
  return submit("runChainInPool", { chain, key: options.key }, label, op, bytes, options);
}

function submit(
  fn: string,
  what: Pick<PoolRequest, "config" | "chain" | "key">,
  label: string,
  op: "encode" | "decode",
  bytes: Uint8Array,
  options: PoolJobOptions,
): Promise<Uint8Array> {
  if (op !== "encode" && op !== "decode") return Promise.reject(new CodecError(`${fn}: op must be "encode" or "decode", got ${String(op)}`));
  const { expectedSize, signal } = options;
  if (expectedSize !== undefined && (!Number.isSafeInteger(expectedSize) || expectedSize < 0 || expectedSize > 2 ** 31 - 1)) {
    return Promise.reject(new CodecError(`${fn}: expectedSize must be an integer between 0 and 2^31-1, got ${String(expectedSize)}`));
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const send = options.transfer && whole ? bytes : bytes.slice();
  const req: PoolRequest = { id: nextId++, ...what, op, bytes: send, expectedSize, ctx: options.ctx };
  return new Promise<Uint8Array>((resolve, reject) => {
    const job: Job = { req, label, transfer: [send.buffer as ArrayBuffer], resolve, reject, signal };
    if (signal) {
      job.onAbort = () => {
        const i = queue.indexOf(job);
        if (i >= 0) queue.splice(i, 1);
        settle(job);
        reject(signal.reason);
      };
      signal.addEventListener("abort", job.onAbort, { once: true });
    }
    queue.push(job);
    pump();
  });
}

function settle(job: Job): void {
  if (job.signal && job.onAbort) job.signal.removeEventListener("abort", job.onAbort);
  job.resolve = () => {};
  job.reject = () => {};
}

function pump(): void {
  while (queue.length > 0) {
    let slot = slots.find((s) => !s.job);
    if (!slot) {
      if (slots.length >= size) return;
      slot = startWorker();
    }
    const job = queue.shift()!;
    slot.job = job;
    slot.worker.ref();
    slot.worker.postMessage(job.req, job.transfer);
  }
}

/** The worker entry next to this module: `.ts` when running the sources, `.js` in `dist/`. */
function entryUrl(): URL {
  const ts = import.meta.url.endsWith(".ts");
  return new URL(ts ? "./worker-pool-entry.ts" : "./worker-pool-entry.js", import.meta.url);
}

function spawn(): Worker {
  const entry = entryUrl();
  // Workers use the JS/WASM codecs only and stay quiet: the main thread already warned.
  const env: Record<string, string | undefined> = { ...process.env, ZARRFLOW_NO_NATIVE: "1", ZARRFLOW_NATIVE_WARNING: "0" };
  delete env.ZARRFLOW_REQUIRE_NATIVE;
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, { env });
  // Node 20 workers ignore `--import tsx`: register tsx inside the worker, then load the entry.
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, env });
}

function startWorker(): Slot {
  const slot: Slot = { worker: spawn(), job: null };
  const fail = (why: string) => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    const job = slot.job;
    slot.job = null;
    if (job) {
      const { reject } = job;
      settle(job);
      reject(new CodecError(`${job.label} ${job.req.op} failed: codec worker ${why}`));
    }
    pump();
  };
  slot.worker.on("message", (msg: PoolResponse) => {
    const job = slot.job;
    slot.job = null;
    slot.worker.unref();
    if (job && job.req.id === msg.id) {
      const { resolve, reject } = job;
      settle(job);
      if (msg.error) {
        // Chain jobs report as the pipeline does in this thread (`chunk 'key': ...`): pass through.
        const text = job.req.chain || msg.error.message.startsWith(job.label) ? msg.error.message : `${job.label} ${job.req.op} failed: ${msg.error.message}`;
        reject(new CodecError(text));
      } else {
        resolve(msg.bytes!);
      }
    }
    pump();
  });
  slot.worker.on("error", (e) => fail(`crashed: ${e instanceof Error ? e.message : String(e)}`));
  slot.worker.on("exit", (code) => {
    if (slots.includes(slot)) fail(`exited with code ${code}`);
  });
  slot.worker.unref();
  slots.push(slot);
  return slot;
}
