/**
 * Loader for the optional native codec addon (`native/build/Release/zarrflow_codecs.node`) and the
 * helpers the compressor classes share: error wrapping, parameter checks and the thread setting.
 *
 * The addon links the system c-blosc, zstd, lz4, bzip2, xz and zlib, which makes its output
 * byte-identical to numcodecs on the same machine, and runs (de)compression on the libuv thread
 * pool. When it is missing, or `ZARRFLOW_NO_NATIVE=1`, {@link nativeCodecs} is null and each codec
 * uses its WASM/JS fallback.
 * @module
 */
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import { CodecError } from "../errors.ts";
import { getLimits } from "../limits.ts";
import type { ChunkContext } from "./codec.ts";
import type { NativeJob } from "./native-job.ts";

/** Codec ids the addon implements. */
export type NativeCodecName = "blosc" | "zstd" | "lz4" | "zlib" | "gzip" | "bz2" | "lzma";

/**
 * Codecs whose containers the addon can decode in part (Blosc: only the blocks holding the bytes
 * asked for). A codec may also declare it itself through `nativeDecode().partialDecode`.
 */
export const nativePartialDecoders: ReadonlySet<NativeCodecName> = new Set<NativeCodecName>(["blosc"]);

/** Per-call options; each codec reads only its own keys (numcodecs names, plus `typesize`, `nthreads`, `mtime`). */
export type NativeOptions = Record<string, unknown>;

/** The addon's exports. Async variants run on the libuv thread pool. */
export interface NativeCodecs {
  compress(codec: NativeCodecName, data: Uint8Array, opts: NativeOptions): Uint8Array;
  compressAsync(codec: NativeCodecName, data: Uint8Array, opts: NativeOptions): Promise<Uint8Array>;
  /**
   * With `out`, decodes straight into it and returns a view of the decoded prefix. Without it, the
   * result never grows past `maxBytes` (decoding stops with an error instead).
   */
  decompress(codec: NativeCodecName, data: Uint8Array, opts: NativeOptions, out?: Uint8Array | null, maxBytes?: number): Uint8Array;
  decompressAsync(
    codec: NativeCodecName,
    data: Uint8Array,
    opts: NativeOptions,
    out?: Uint8Array | null,
    maxBytes?: number,
  ): Promise<Uint8Array>;
  /**
   * Decode one chunk on a pool thread (reading `job.path` there too when given) and copy the
   * region `job.copy` of it into `job.array`. Resolves false when `job.path` does not exist. Build
   * the job with `buildNativeJob` (src/codecs/native-job.ts).
   */
  decodeIntoAsync?(job: NativeJob): Promise<boolean>;
  /**
   * Gather the region `job.copy` of `job.array` into a chunk and compress it on a pool thread;
   * resolves to the encoded bytes, or with `job.file` writes them there atomically (temp + rename)
   * and resolves to the stored size.
   */
  encodeFromAsync?(job: NativeJob): Promise<Uint8Array | number>;
  /** Fault in the pages of a fresh buffer on a pool thread (parallel when called on slices). */
  populateAsync?(bytes: Uint8Array): Promise<void>;
  /**
   * A page-aligned ArrayBuffer of `nbytes` owned by the addon (huge pages asked for), or undefined
   * where that cannot be had. Its bytes are zero only when fresh: a collected one of the same size
   * is reused for a moment (native/src/populate.cc, Recycler), so the caller writes every element.
   * For large read results: see read.ts `allocateResult`.
   */
  allocAligned?(nbytes: number): ArrayBuffer | undefined;
  /** Bytes of collected `allocAligned` buffers kept for reuse right now (tests, diagnostics). */
  recycledBytes?(): number;
  /** `[live, kept]`: `allocAligned` buffers of exactly `nbytes` held by JavaScript, and kept for reuse. */
  alignedBuffers?(nbytes: number): [number, number];
  /**
   * `[kept, bytes]`: collected codec outputs (results of `compress`/`decompress` without `out`, of
   * 1 MiB or more) of exactly `nbytes` kept for the next codec call's output, and the bytes of all
   * kept ones (at most 128 MiB, each for at most 1.5 s; native/src/recycler.h).
   */
  recycledOutputs?(nbytes: number): [number, number];
  /** Comma-separated compressor names of the linked c-blosc. */
  bloscListCompressors(): string;
  /** Versions of the linked libraries. */
  versions(): Record<"blosc" | "zstd" | "lz4" | "zlib" | "bz2" | "lzma", string>;
}

/**
 * `ZARRFLOW_NATIVE_ADDON` names another build of the addon, e.g. the sanitizer build of
 * native/build-sanitize.sh that CI runs the codec tests and fuzz corpus on. It is loaded without
 * RTLD_DEEPBIND, which AddressSanitizer cannot work with.
 */
const addonOverride = process.env.ZARRFLOW_NATIVE_ADDON || null;

// From src/codecs/ in the sources, or from dist/src/codecs/ in a compiled build.
const addonPath = addonOverride ?? [
  fileURLToPath(new URL("../../native/build/Release/zarrflow_codecs.node", import.meta.url)),
  fileURLToPath(new URL("../../../native/build/Release/zarrflow_codecs.node", import.meta.url)),
].find((p) => existsSync(p)) ?? fileURLToPath(new URL("../../native/build/Release/zarrflow_codecs.node", import.meta.url));

/** Why the addon is not in use, or null when it is. Useful in bug reports and test skip reasons. */
export let nativeUnavailableReason: string | null = null;

function loadAddon(): NativeCodecs | null {
  if (process.env.ZARRFLOW_NO_NATIVE === "1") {
    nativeUnavailableReason = "disabled by ZARRFLOW_NO_NATIVE=1";
    return null;
  }
  if (!existsSync(addonPath)) {
    nativeUnavailableReason = "addon not built (run `node native/build.mjs`)";
    return null;
  }
  try {
    // RTLD_DEEPBIND instead of a plain require(): the addon reaches zlib through its own handle on
    // libz.so.1, but the system zstd/lz4/xz it may link by soname must win over same-named symbols
    // a newer node could export (as node does for its Chromium zlib, whose output differs from the
    // system zlib that Python uses). Deep binding makes the addon prefer the libraries it linked.
    const mod = { exports: {} as unknown };
    const deep = addonOverride ? 0 : ((constants.dlopen as Record<string, number>).RTLD_DEEPBIND ?? 0);
    process.dlopen(mod, addonPath, (constants.dlopen as Record<string, number>).RTLD_NOW | deep);
    const addon = mod.exports as NativeCodecs;
    if (typeof addon.decompressAsync !== "function") throw new Error("addon is missing decompressAsync");
    return addon;
  } catch (e) {
    nativeUnavailableReason = `addon failed to load: ${e instanceof Error ? e.message : String(e)}`;
    return null;
  }
}

/** The loaded addon, or null when the WASM/JS fallbacks are in use. */
export const nativeCodecs: NativeCodecs | null = loadAddon();

/**
 * Whether codecs run through the native addon.
 * @example
 * if (!hasNativeCodecs()) console.warn(`codecs run in JavaScript: ${nativeUnavailableReason}`);
 */
export function hasNativeCodecs(): boolean {
  return nativeCodecs !== null;
}

let codecThreads = 1;

/**
 * Threads c-blosc may use inside one (de)compression call, the analogue of numcodecs'
 * `blosc.set_nthreads`. The default is 1 rather than numcodecs' min(8, cores) because zarrflow
 * already (de)compresses many chunks at once on the libuv pool (size it with `UV_THREADPOOL_SIZE`),
 * and c-blosc's context API starts fresh threads on every call. Raise it when single large chunks
 * dominate. Only the native path honours it; the WASM fallback is single-threaded.
 * @example
 * setCodecThreads(4);   // numcodecs.blosc.set_nthreads(4): for a few very large chunks
 */
export function setCodecThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new CodecError(`codec threads must be an integer between 1 and 256, got ${String(n)}`);
  }
  // Returns the previous count, as numcodecs' `blosc.set_nthreads` does.
  const previous = codecThreads;
  codecThreads = n;
  return previous;
}

/**
 * The thread count set by {@link setCodecThreads}.
 * @example
 * console.log(getCodecThreads());   // 1 unless changed
 */
export function getCodecThreads(): number {
  return codecThreads;
}

/** Wraps any failure of a codec operation as a {@link CodecError} that names the codec. */
export async function guard<T>(codecId: string, op: "encode" | "decode", fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CodecError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new CodecError(`${codecId} ${op} failed: ${msg}`);
  }
}

/**
 * The most bytes a decode may produce: the size of the caller's `out`, else the bound the pipeline
 * set in the context, else `maxChunkBytes`. Every decoder honours it while decoding, not after, so
 * a small hostile stream cannot allocate more than a legitimate chunk would.
 */
export function decodeLimit(out?: Uint8Array, ctx?: ChunkContext): number {
  if (out) return out.byteLength;
  const max = ctx?.maxBytes;
  return typeof max === "number" && max >= 0 ? max : getLimits().maxChunkBytes;
}

/** Decode without `out`, natively, bounded by {@link decodeLimit}. */
export function nativeDecompress(codec: NativeCodecName, data: Uint8Array, opts: NativeOptions, out: Uint8Array | undefined, ctx: ChunkContext | undefined): Promise<Uint8Array> {
  return nativeCodecs!.decompressAsync(codec, data, opts, out, out ? undefined : decodeLimit(out, ctx));
}

/** The error of a decoded size (known from a header, or not) beyond {@link decodeLimit}. */
export function tooLarge(codecId: string, limit: number, size?: number): CodecError {
  const what = size === undefined ? "decoded data exceeds" : `decoded size ${size} exceeds`;
  return new CodecError(`${codecId} decode failed: ${what} the limit of ${limit} bytes (the chunk's size, or maxChunkBytes)`);
}

/**
 * Copies a fallback result into the caller's `out`, as the native path would have decoded into it.
 * Fails instead of truncating when the result does not fit.
 */
export function intoOut(codecId: string, result: Uint8Array, out?: Uint8Array): Uint8Array {
  if (!out) return result;
  if (result.byteLength > out.byteLength) {
    throw new CodecError(
      `${codecId} decode failed: output buffer too small (needs ${result.byteLength} bytes, got ${out.byteLength})`,
    );
  }
  out.set(result);
  return out.subarray(0, result.byteLength);
}

/**
 * Reads an integer constructor/config parameter, so a bad value fails when the codec is created
 * with a message naming codec and parameter, rather than deep inside a library.
 */
export function intParam(
  codecId: string,
  name: string,
  value: unknown,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new CodecError(`${codecId}: '${name}' must be an integer, got ${JSON.stringify(value, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  }
  if (value < min || value > max) {
    throw new CodecError(`${codecId}: '${name}' must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Rejects configuration keys the numcodecs constructor would not accept. */
export function checkKeys(codecId: string, config: object, allowed: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (key !== "id" && !allowed.includes(key)) {
      throw new CodecError(
        `${codecId}: unknown configuration key '${key}' (expected ${allowed.map((k) => `'${k}'`).join(", ")})`,
      );
    }
  }
}

/** Zero-copy `Buffer` view, for node APIs that want one. */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
