/**
 * bzip2 for the BZ2 codec when the native addon is missing: `libbzip2-wasm` (libbzip2 itself
 * compiled to WebAssembly, so its output is byte-identical to Python's `bz2.compress`) encodes,
 * pure-JS `seek-bzip` decodes (both optional dependencies, loaded on first use). Decoding never
 * writes past the caller's bound, so a small corrupt or hostile input cannot allocate without limit.
 * @module
 */
import { CodecError } from "../../errors.ts";

/** The instantiated Emscripten module of `libbzip2-wasm` (embind). */
interface Libbz2 {
  /** `BZ2_bzBuffToBuffCompress`: the output is a view of a fresh block of the module's heap. */
  compressBZ2(data: Uint8Array, blockSize100k: number, workFactor: number): { error: number; output: Uint8Array };
  _free(ptr: number): void;
  HEAP8: Int8Array;
}
type Libbz2Factory = () => { then(fn: (m: Libbz2) => void): unknown };
type SeekBzip = { decode(input: Uint8Array, output: OutputStream, multistream: boolean): unknown };
interface OutputStream {
  writeByte(b: number): void;
}

let encoder: Promise<{ m: Libbz2 }> | undefined;
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

/** A module whose heap grew past this is dropped and a fresh one made (wasm memory never shrinks). */
const MAX_HEAP = 256 * 1024 * 1024;

/**
 * Instantiates the module. Its Emscripten glue installs process-wide `uncaughtException` and
 * `unhandledRejection` listeners (the latter aborts the module, and would swallow the caller's own
 * handling); a library must not change how the process fails, so they are removed again.
 */
async function instantiate(): Promise<{ m: Libbz2 }> {
  const factory = await optional<Libbz2Factory>("libbzip2-wasm", "bz2");
  const proc = process as unknown as NodeJS.EventEmitter;
  const events = ["uncaughtException", "unhandledRejection"];
  const before = events.map((e) => new Set(proc.listeners(e)));
  const pending = factory();
  events.forEach((e, i) => {
    for (const l of proc.listeners(e)) if (!before[i].has(l)) proc.removeListener(e, l as (...a: unknown[]) => void);
  });
  // The module object is itself a thenable: wrap it so awaiting does not adopt it again.
  return new Promise((resolve) => void pending.then((m) => resolve({ m })));
}

/** Compresses `data` into one bzip2 stream with block size `level` (1–9, in 100 kB units). */
export async function bz2Compress(data: Uint8Array, level: number): Promise<Uint8Array> {
  encoder ??= instantiate();
  encoder.catch(() => (encoder = undefined));
  const { m } = await encoder;
  let r: { error: number; output: Uint8Array };
  try {
    r = m.compressBZ2(data, level, 30);
  } catch (e) {
    encoder = undefined; // an aborted module is unusable: start a fresh one next time
    throw new CodecError(`bz2 encode failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (r.error !== 0) throw new CodecError(`bz2 encode failed: libbzip2 error ${r.error}`);
  const out = r.output.slice();
  // The glue leaves the output block allocated; free it, or every call leaks its size.
  m._free(r.output.byteOffset);
  if (m.HEAP8.byteLength > MAX_HEAP) encoder = undefined;
  return out;
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
