/**
 * Messages between {@link runInPool} and its workers (types only).
 * @module
 */
import type { ChunkContext, CodecConfig } from "./codec.ts";

/** One job: run `op` of the codec described by `config` on `bytes`. */
export interface PoolRequest {
  id: number;
  config: CodecConfig;
  op: "encode" | "decode";
  bytes: Uint8Array;
  /** For decode: the exact chunk size; the worker never decodes past it. */
  expectedSize?: number;
  ctx?: ChunkContext;
}

/** The answer to one job: the result bytes (transferred) or the error's name and message. */
export interface PoolResponse {
  id: number;
  bytes?: Uint8Array;
  error?: { name: string; message: string };
}
