/**
 * Pure-JS bzip2 for the BZ2 codec when the native addon is missing: `compressjs` encodes,
 * `seek-bzip` decodes (both optional dependencies, loaded on first use). Decoding never writes past
 * the caller's bound, so a small corrupt or hostile input cannot allocate without limit.
 * @module
 */
import { CodecError } from "../../errors.ts";

type Compressjs = { Bzip2: { compressFile(data: Uint8Array, out: null, level: number): Uint8Array | number[] } };
type SeekBzip = { decode(input: Uint8Array, output: OutputStream, multistream: boolean): unknown };
interface OutputStream {
  writeByte(b: number): void;
}

let encoder: Promise<Compressjs> | undefined;
let decoder: Promise<SeekBzip> | undefined;

/** Imports an optional dependency by a name TypeScript does not resolve (neither ships types). */
async function optional<T>(name: string, codecId: string): Promise<T> {
  try {
    const mod = (await import(name)) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (e) {
    throw new CodecError(
      `${codecId}: the JS fallback needs the optional dependency '${name}', which failed to load ` +
        `(${e instanceof Error ? e.message : String(e)}); reinstall zarrflow without --omit=optional`,
    );
  }
}

/** Compresses `data` into one bzip2 stream with block size `level` (1–9, in 100 kB units). */
export async function bz2Compress(data: Uint8Array, level: number): Promise<Uint8Array> {
  encoder ??= optional<Compressjs>("compressjs", "bz2");
  const { Bzip2 } = await encoder;
  const out = Bzip2.compressFile(data, null, level);
  return out instanceof Uint8Array ? out : Uint8Array.from(out);
}

/**
 * Decompresses one or more concatenated bzip2 streams, as Python's `bz2.decompress`. Fails with a
 * {@link CodecError} as soon as the output would exceed `maxOut` bytes.
 */
export async function bz2Decompress(data: Uint8Array, maxOut: number): Promise<Uint8Array> {
  decoder ??= optional<SeekBzip>("seek-bzip", "bz2");
  const Bunzip = await decoder;
  if (data.byteLength === 0) return new Uint8Array(0);
  let buf = new Uint8Array(Math.min(maxOut, Math.max(1024, data.byteLength * 4)));
  let pos = 0;
  const sink: OutputStream = {
    writeByte(b: number) {
      if (pos >= buf.length) {
        if (pos >= maxOut) throw new CodecError(`bz2 decode failed: output exceeds the expected ${maxOut} bytes`);
        const next = new Uint8Array(Math.min(maxOut, buf.length * 2));
        next.set(buf);
        buf = next;
      }
      buf[pos++] = b;
    },
  };
  try {
    Bunzip.decode(data, sink, true);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    const msg = e instanceof Error ? e.message : typeof e === "object" && e && "message" in e ? String((e as { message: unknown }).message) : String(e);
    throw new CodecError(`bz2 decode failed: ${msg}`);
  }
  return buf.subarray(0, pos);
}
