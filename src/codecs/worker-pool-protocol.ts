/**
 * Messages between {@link runInPool} / {@link runChainInPool} and their workers (types only).
 * @module
 */
import type { ChunkContext, CodecConfig } from "./codec.ts";

/**
 * A whole codec chain as `.zarray` describes it: the worker builds the same pipeline, so one job
 * runs every filter and the compressor of a chunk without crossing threads between stages.
 */
export interface ChainSpec {
  filters: CodecConfig[];
  compressor: CodecConfig | null;
  /** numpy dtype string of the array (filters and Blosc's typesize depend on it). */
  dtype: string;
}

/** One job: run `op` of the codec described by `config`, or of the whole `chain`, on `bytes`. */
export interface PoolRequest {
  id: number;
  /** A single codec (exactly one of `config` and `chain` is set). */
  config?: CodecConfig;
  /** A whole chain, run as the pipeline would. */
  chain?: ChainSpec;
  op: "encode" | "decode";
  bytes: Uint8Array;
  /** For decode: the exact chunk size; the worker never decodes past it. */
  expectedSize?: number;
  ctx?: ChunkContext;
  /** For chain jobs: the chunk's store key, so errors name it as an in-thread decode would. */
  key?: string;
}

/** The answer to one job: the result bytes (transferred) or the error's name and message. */
export interface PoolResponse {
  id: number;
  bytes?: Uint8Array;
  error?: { name: string; message: string };
}
