/**
 * Worker side of {@link runInPool}: builds codecs from their configs (cached), runs one encode or
 * decode per message and posts the result back, transferring its buffer.
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { Codec, CodecConfig } from "./codec.ts";
import "./compressors.ts";
import "./filters/index.ts";
import { getCodec } from "./registry.ts";
import type { PoolRequest, PoolResponse } from "./worker-pool-protocol.ts";

const codecs = new Map<string, Promise<Codec>>();

function codecFor(config: CodecConfig): Promise<Codec> {
  const key = JSON.stringify(config);
  let c = codecs.get(key);
  if (!c) {
    c = getCodec(config);
    codecs.set(key, c);
    c.catch(() => codecs.delete(key));
  }
  return c;
}

/** A result that owns its whole (non-shared) buffer, so it can be transferred without a copy. */
function owned(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

async function run(req: PoolRequest): Promise<Uint8Array> {
  const codec = await codecFor(req.config);
  if (req.op === "encode") return codec.encode(req.bytes, req.ctx);
  const out = req.expectedSize !== undefined ? new Uint8Array(req.expectedSize) : undefined;
  const result = await codec.decode(req.bytes, out, req.ctx);
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
