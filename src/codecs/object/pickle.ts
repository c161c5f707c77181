/**
 * numcodecs `Pickle` (id `pickle`), read-only and safe: a small pickle virtual machine that builds
 * values from the opcodes of protocols 2–5 without ever running code. numcodecs pickles the whole
 * object chunk (`pickle.dumps(chunk)`), so a chunk is a pickled numpy object array:
 * `numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')` + BUILD with the shape, the dtype
 * and the list of elements.
 *
 * Values map as follows: `None` → `null`, `bool` → boolean, `int` → number when it is a safe integer
 * (|n| ≤ 2^53 − 1), else `bigint`; `float` → number; `str` → string; `bytes` and `bytearray` →
 * `Uint8Array`; `list` and `tuple` → arrays; `dict` → a plain object when every key is a string,
 * else a `Map`; `set`/`frozenset` → `Set`; numpy scalars of plain dtypes (bool, int, uint, float,
 * complex as `[re, im]`, `S`, `U`) → the same JS values as their Python counterparts; numpy arrays of
 * those dtypes or of object dtype → {@link NDArray}.
 *
 * The only globals it resolves are numpy's array, dtype and scalar reconstructors, `set`,
 * `frozenset`, `bytes`, `bytearray` and `_codecs.encode` (how protocol 2 spells bytes). Any other global —
 * `os.system`, `builtins.eval`, a user class — and any other opcode is refused with a
 * {@link CodecError} naming it, before anything is called. Writing pickles is refused unless the
 * codec is built with `allowWrite: true`, or, for arrays (which rebuild their codecs from
 * `.zarray`), after `Pickle.enableWrites()`; it then writes protocol 4 pickles that Python reads.
 * @module
 */
import { PickleWriter } from "./pickle-writer.ts";
import { fail, NAME, unpickle } from "./unpickle.ts";
import { PyFloat } from "../../metadata/json.ts";
import { NDArray } from "../../ndarray/ndarray.ts";
import type { CodecConfig } from "../codec.ts";
import { checkCount, checkObjectConfig, fromNested, ObjectCodecBase, toNested, type ObjectLayout } from "./object-codec.ts";

export { unpickle };

let writesEnabled = false;

/** Options of {@link Pickle}. */
export interface PickleOptions {
  /** Pickle protocol written by numcodecs (recorded in the config). Default 5. */
  protocol?: number;
  /** Allow `encodeObjects` (writing pickles). Default false: writing is refused. */
  allowWrite?: boolean;
}

/**
 * numcodecs' Pickle codec (`pickle`): decodes safely; encoding needs `allowWrite`.
 * @example
 * const z = await openArray("data/pickled.zarr", { mode: "r" });   // written by zarr-python with numcodecs.Pickle()
 * console.log(await z.get());
 * const w = await empty([2], { dtype: "|O", objectCodec: new Pickle({ allowWrite: true }) });
 */
export class Pickle extends ObjectCodecBase {
  protected readonly codecName = NAME;
  /** The numcodecs id. */
  static readonly codecId = "pickle";
  /** The numcodecs id. */
  readonly codecId = Pickle.codecId;
  /** The protocol in the config. */
  readonly protocol: number;
  /** Whether encoding is allowed. */
  readonly allowWrite: boolean;

  /** Build with numcodecs' parameters. */
  constructor(options: PickleOptions = {}) {
    super();
    this.protocol = options?.protocol ?? 5;
    this.allowWrite = options?.allowWrite ?? false;
    if (!Number.isInteger(this.protocol) || this.protocol < -1 || this.protocol > 5) fail(`unsupported protocol ${this.protocol}`);
  }

  /** Build from a `.zarray` filter entry (writes allowed only after {@link Pickle.enableWrites}). */
  static fromConfig(config: CodecConfig | Record<string, unknown>): Pickle {
    const c = checkObjectConfig(config as Record<string, unknown>, Pickle.codecId, NAME, ["protocol"]);
    return new Pickle({ protocol: c.protocol as number | undefined, allowWrite: writesEnabled });
  }

  /**
   * Allow (or, with `false`, forbid again) writing for every Pickle codec built from an array's
   * configuration from now on. Arrays rebuild their codecs from `.zarray`, so this is how writes to
   * a Pickle object array are enabled; a `new Pickle({ allowWrite: true })` alone enables its own
   * `encodeObjects` only.
   * @example
   * Pickle.enableWrites();
   * await z.set(null, values); // z's object codec is Pickle
   */
  static enableWrites(on = true): void {
    writesEnabled = on;
  }

  /**
   * Pickle the chunk as numcodecs does (a numpy object array of `layout.shape`), with protocol 4
   * opcodes. Refused unless built with `allowWrite: true`. Values map back as in the module note
   * (plain objects and Maps to dicts, Sets to sets, NDArrays of bool/int/uint/float/object dtypes to
   * numpy arrays; wrap a number in `PyFloat` to write an integral float).
   */
  async encodeObjects(values: unknown[], layout?: ObjectLayout): Promise<Uint8Array> {
    if (!this.allowWrite) fail("writing pickles is disabled (construct Pickle with { allowWrite: true }, or call Pickle.enableWrites(), to enable it)");
    const shape = layout?.shape ?? [values.length];
    const nested = toNested(values, layout);
    const flat = shape.length === 0 ? [nested] : (fromNested(NAME, nested, shape, "C"));
    const w = new PickleWriter();
    // numcodecs pickles the chunk as it lies in memory: an F-ordered chunk is a Fortran array.
    w.array(new NDArray(flat, shape, "|O"), layout?.order === "F");
    w.byte(0x2e); // STOP
    return Uint8Array.from(w.out);
  }

  /** Decode a chunk: a pickled numpy object array, flattened into `layout.order` (C by default). */
  async decodeObjects(bytes: Uint8Array, count?: number, layout?: ObjectLayout): Promise<unknown[]> {
    const v = unpickle(bytes);
    if (!(v instanceof NDArray)) fail("a chunk must be a pickled numpy array");
    const flat = fromNested(NAME, v.toArray(), v.shape, layout?.order ?? "C");
    checkCount(NAME, flat.length, count);
    return flat;
  }

  /** `{ id: "pickle", protocol }` */
  getConfig(): CodecConfig {
    return { id: Pickle.codecId, protocol: this.protocol };
  }

  /** `Pickle(protocol=5)` */
  toString(): string {
    return `Pickle(protocol=${this.protocol})`;
  }
}
