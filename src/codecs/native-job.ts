/**
 * The one description of a native chunk job. The pipeline's native backend builds it here, and the
 * addon (native/src/job.cc, `ParseJob`) reads it in one place, so the two sides cannot drift
 * apart through positional arrays.
 * @module
 */
import type { NativeCodecName, NativeOptions } from "./native.ts";

/**
 * The strided region moved between a chunk and a caller's array, all in bytes. Decoding copies
 * chunk → array, encoding array → chunk.
 */
export interface RegionCopy {
  /** Bytes of one element. */
  elemBytes: number;
  /** Byte-swap width (0: stored and machine order agree). */
  swapWidth: number;
  /** Bytes of the whole decoded chunk. */
  chunkBytes: number;
  /** First byte of the region in the chunk. */
  chunkOffset: number;
  /** Byte strides of the region in the chunk, per axis. */
  chunkStrides: number[];
  /** First byte of the region in the caller's array. */
  arrayOffset: number;
  /** Byte strides of the region in the caller's array, per axis (0 broadcasts a scalar). */
  arrayStrides: number[];
  /** Elements of the region per axis. */
  shape: number[];
}

/** A native chunk job, exactly as the addon's `ParseJob` reads it. */
export interface NativeJob {
  /** The codec to run, or null for raw (uncompressed) chunks. */
  codec: NativeCodecName | null;
  /** The codec's options (numcodecs names). */
  opts: NativeOptions;
  /** The caller's array bytes: the destination of a decode, the source of an encode. */
  array: Uint8Array;
  /** Decode: the stored chunk bytes (null when `path` is given). */
  stored: Uint8Array | null;
  /** Decode: a local file holding the stored chunk, read on the pool thread. */
  path: string | null;
  /** Encode: the file to replace atomically (with `temp` written first), or null to return bytes. */
  file: string | null;
  temp: string | null;
  /** Decode: only these chunk bytes are needed (the codec decodes a part when it can). */
  partial: { start: number; count: number } | null;
  copy: RegionCopy;
}

/** Where a decode job reads the stored chunk: its bytes, or a local file. */
export type NativeSource = { bytes: Uint8Array } | { file: string };

/** What {@link buildNativeJob} needs; `source` and `partial` make a decode job, `target` an encode job's file. */
export interface NativeJobParts {
  codec: NativeCodecName | null;
  opts: NativeOptions;
  array: Uint8Array;
  copy: RegionCopy;
  /** Decode: where the stored chunk is. */
  source?: NativeSource;
  /** Decode: the chunk bytes the copy needs, when the codec can decode a part. */
  partial?: NativeJob["partial"];
  /** Encode: write the chunk to this file atomically instead of returning it. */
  target?: { file: string; temp: string } | null;
}

/** The one place a {@link NativeJob} is built. */
export function buildNativeJob(p: NativeJobParts): NativeJob {
  const src = p.source;
  return {
    codec: p.codec,
    opts: p.opts,
    array: p.array,
    stored: src && "bytes" in src ? src.bytes : null,
    path: src && "file" in src ? src.file : null,
    file: p.target?.file ?? null,
    temp: p.target?.temp ?? null,
    partial: p.partial ?? null,
    copy: p.copy,
  };
}
