/**
 * Worker side of {@link runInPool} and {@link runChainInPool}: builds codecs (or whole pipelines)
 * from their configs (cached), runs one encode or decode per message and posts the result back,
 * transferring its buffer.
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { ChunkContext, Codec, CodecConfig } from "./codec.ts";
import { CodecPipeline } from "./pipeline.ts";
import { getCodec } from "./registry.ts";
import type { ChainSpec, PoolRequest, PoolResponse } from "./worker-pool-protocol.ts";

/** What one job runs: a single codec, or a pipeline (its key only names chunks in errors). */
interface Runner {
  encode(bytes: Uint8Array, ctx?: ChunkContext): Promise<Uint8Array>;
  decode(bytes: Uint8Array, out?: Uint8Array, ctx?: ChunkContext, key?: string): Promise<Uint8Array>;
}

const runners = new Map<string, Promise<Runner>>();

function cached(key: string, make: () => Promise<Runner>): Promise<Runner> {
  let r = runners.get(key);
  if (!r) {
    r = make();
    runners.set(key, r);
    r.catch(() => runners.delete(key));
  }
  return r;
}

/** A cache key for a config; bigints (LZMA1's exact filter id) are spelled out, as JSON cannot. */
function keyOf(config: unknown): string {
  return JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

function codecFor(config: CodecConfig): Promise<Runner> {
  return cached("c" + keyOf(config), () => getCodec(config) as Promise<Codec>);
}

function chainFor(chain: ChainSpec): Promise<Runner> {
  return cached("p" + keyOf(chain), async () => {
    const p = await CodecPipeline.fromConfig(chain.filters, chain.compressor, chain.dtype);
    return {
      // inline: this worker runs the chain itself (never hands it on to another pool).
      encode: (bytes) => p.encode(bytes, { inline: true }),
      decode: (bytes, out, _ctx, key) => p.decode(bytes, key ?? "?", out, { inline: true }),
    };
  });
}

/** A result that owns its whole (non-shared) buffer, so it can be transferred without a copy. */
function owned(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

async function run(req: PoolRequest): Promise<Uint8Array> {
  const runner = req.chain ? await chainFor(req.chain) : await codecFor(req.config!);
  if (req.op === "encode") return runner.encode(req.bytes, req.ctx);
  const out = req.expectedSize !== undefined ? new Uint8Array(req.expectedSize) : undefined;
  const result = await runner.decode(req.bytes, out, req.ctx, req.key);
  if (req.expectedSize !== undefined && result.byteLength > req.expectedSize) {
    throw new Error(`decoded ${result.byteLength} bytes, more than the expected ${req.expectedSize}`);
  }
  return result;
}

parentPort?.on("message", (req: PoolRequest) => {
  run(req).then(
    (result) => {
      const bytes = owned(result);
      const msg: PoolResponse = { id: req.id, bytes };
      parentPort!.postMessage(msg, [bytes.buffer as ArrayBuffer]);
    },
    (e: unknown) => {
      const err = e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) };
      const msg: PoolResponse = { id: req.id, error: err };
      parentPort!.postMessage(msg);
    },
  );
});
