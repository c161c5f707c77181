/**
 * The native codec backend: chunk jobs that decode straight into caller memory (or gather and
 * encode straight from it) on a libuv pool thread, optionally reading or writing the chunk's local
 * file there too. The pipeline hands one out when every codec of its chain has a native
 * implementation; otherwise the JS/WASM codecs run one chunk at a time.
 * @module
 */
import { CodecError, StoreIOError } from "../errors.ts";
import { buildNativeJob, type NativeSource, type RegionCopy } from "./native-job.ts";
import { nativeCodecs, type NativeCodecName, type NativeOptions } from "./native.ts";

export type { NativeSource, RegionCopy } from "./native-job.ts";

/** Decodes stored chunks straight into a region of caller memory. */
export interface DirectDecoder {
  /**
   * Decode `source` and copy the region `copy` of the chunk into `array`. Resolves false when a
   * file source does not exist (the chunk is not stored). Failures name `key`: a {@link StoreIOError}
   * when reading the file failed (with its errno name) or it is not a regular file, else a {@link CodecError}.
   */
  decodeInto(source: NativeSource, array: Uint8Array, copy: RegionCopy, key: string): Promise<boolean>;
}

/** Gathers a chunk from a region of caller memory and encodes it. */
export interface DirectEncoder {
  /** The encoded chunk gathered from `copy` of `array`; failures are {@link CodecError}s naming `key`. */
  encodeFrom(array: Uint8Array, copy: RegionCopy, key: string): Promise<Uint8Array>;
  /**
   * The same, written to `target.temp` and renamed over `target.file` on the pool thread (the
   * temporary file is removed on failure). Resolves false only when a directory stands where the
   * file goes, which the store's own write knows how to replace; every other failure rejects, a
   * write error (ENOSPC, EACCES, …) as a {@link StoreIOError} naming `key`, so it is never retried
   * or hidden.
   */
  encodeFromToFile(array: Uint8Array, copy: RegionCopy, target: { file: string; temp: string }, key: string): Promise<boolean>;
}

/** Rename failures meaning a directory stands where the chunk file goes. */
const DIRECTORY_IN_THE_WAY = new Set(["EISDIR", "ENOTEMPTY", "EEXIST"]);

/** A rejection of the addon as a typed error naming `key`: file I/O failures carry an errno `code`. */
export function typedError(e: unknown, key: string, what: string): Error {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === "string" && code !== "") return new StoreIOError(`chunk '${key}': ${message} (${code})`, key, code);
  return new CodecError(`chunk '${key}' could not be ${what}: ${message}`);
}

/** The chunk bytes a region touches, as `[start, end)`. */
function extent(copy: RegionCopy): { start: number; end: number } {
  let lo = copy.chunkOffset, hi = copy.chunkOffset;
  copy.shape.forEach((n, i) => {
    const span = (n - 1) * copy.chunkStrides[i];
    if (span < 0) lo += span;
    else hi += span;
  });
  return { start: lo, end: hi + copy.elemBytes };
}

/**
 * A native decoder for `codec` (null: raw chunks), or null without the addon. With `partial`, a
 * region under a quarter of the chunk is decoded from only the part of the container holding it.
 */
export function nativeDecoder(codec: NativeCodecName | null, opts: NativeOptions, partial: boolean): DirectDecoder | null {
  const addon = nativeCodecs;
  if (!addon?.decodeIntoAsync) return null;
  return {
    async decodeInto(source, array, copy, key) {
      let part: { start: number; count: number } | null = null;
      if (partial && codec !== null && copy.shape.every((n) => n > 0)) {
        const { start, end } = extent(copy);
        if ((end - start) * 4 < copy.chunkBytes) part = { start, count: end - start };
      }
      try {
        return await addon.decodeIntoAsync!(buildNativeJob({ codec, opts, array, copy, source, partial: part }));
      } catch (e) {
        throw typedError(e, key, "decoded");
      }
    },
  };
}

/** A native encoder for `codec` (null: raw chunks), or null without the addon. */
export function nativeEncoder(codec: NativeCodecName | null, opts: NativeOptions): DirectEncoder | null {
  const addon = nativeCodecs;
  if (!addon?.encodeFromAsync) return null;
  return {
    async encodeFrom(array, copy, key) {
      try {
        return (await addon.encodeFromAsync!(buildNativeJob({ codec, opts, array, copy }))) as Uint8Array;
      } catch (e) {
        throw typedError(e, key, "encoded");
      }
    },
    async encodeFromToFile(array, copy, target, key) {
      try {
        await addon.encodeFromAsync!(buildNativeJob({ codec, opts, array, copy, target }));
        return true;
      } catch (e) {
        const err = typedError(e, key, "encoded");
        if (err instanceof StoreIOError && DIRECTORY_IN_THE_WAY.has(err.code)) return false;
        throw err;
      }
    },
  };
}
