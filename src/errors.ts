/**
 * Typed errors. Every error names the key, path or parameter at fault so a user can act on it.
 * @module
 */

/**
 * Base class of every error zarrflow throws on purpose.
 * @example
 * try {
 *   await openArray("data/missing.zarr", { mode: "r" });
 * } catch (e) {
 *   if (e instanceof ZarrError) console.error(e.message);   // names the path
 * }
 */
export class ZarrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Reading or writing a key's data failed in the storage itself rather than in its content: a
 * permission or full-disk error, or something other than a regular file (a FIFO, a device) where a
 * chunk file should be. Kept apart from {@link CodecError} so a caller can tell a broken disk from a
 * corrupt chunk. The message names the key and the cause.
 * @example
 * try { await z.get(); } catch (e) { if (e instanceof StoreIOError) console.log(e.key, e.code); } // "0" "ENOSPC"
 */
export class StoreIOError extends ZarrError {
  constructor(
    message: string,
    /** The store key concerned. */
    readonly key: string,
    /** The errno name (`"EACCES"`, `"ENOSPC"`, …), or `"ERR_NOT_REGULAR_FILE"`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * A key or path that is malformed or escapes the store root (`..`, absolute paths).
 * @example
 * await new MemoryStore().get("../x");   // throws InvalidKeyError naming "../x"
 */
export class InvalidKeyError extends ZarrError {}

/**
 * A key that is not present in a store or group.
 * @example
 * try { await root.get("nope"); } catch (e) { if (e instanceof KeyError) console.log("no member 'nope'"); }
 */
export class KeyError extends ZarrError {}

/**
 * No array at the given path.
 * @example
 * try { await openArray("data/group.zarr", { mode: "r" }); } catch (e) { if (e instanceof ArrayNotFoundError) console.log(e.message); }
 */
export class ArrayNotFoundError extends ZarrError {}

/**
 * No group at the given path.
 * @example
 * try { await openGroup("data/example.zarr", { mode: "r" }); } catch (e) { if (e instanceof GroupNotFoundError) console.log(e.message); }
 */
export class GroupNotFoundError extends ZarrError {}

/**
 * An array already exists at the given path.
 * @example
 * try { await root.createGroup("baz"); } catch (e) { if (e instanceof ContainsArrayError) console.log("an array is already there"); }
 */
export class ContainsArrayError extends ZarrError {}

/**
 * A group already exists at the given path.
 * @example
 * try { await openArray("data/group.zarr", { mode: "w-", shape: [10] }); } catch (e) { if (e instanceof ContainsGroupError) console.log(e.message); }
 */
export class ContainsGroupError extends ZarrError {}

/**
 * A write was attempted on a read-only array, group or store.
 * @example
 * const z = await openArray("data/example.zarr", { mode: "r" });
 * await z.set(null, 0);   // throws ReadOnlyError
 */
export class ReadOnlyError extends ZarrError {}

/**
 * A codec failed, is unknown, or was given bad configuration or corrupt bytes.
 * @example
 * try { await getCodec({ id: "nope" }); } catch (e) { if (e instanceof CodecError) console.log(e.message); }   // names the id
 */
export class CodecError extends ZarrError {}

/**
 * An index or selection falls outside the array's bounds.
 * @example
 * await (await zeros([10])).get(10);   // throws BoundsCheckError: index 10 is out of bounds for axis 0 with size 10
 */
export class BoundsCheckError extends ZarrError {}

/**
 * A selection is malformed (wrong number of dimensions, bad step, unparsable string).
 * @example
 * await z.get("0:5:0");   // throws IndexError: slice step cannot be zero
 */
export class IndexError extends ZarrError {}

/**
 * Metadata (`.zarray`, `.zgroup`, `.zattrs`, `.zmetadata`) is missing fields or malformed.
 * @example
 * try { parseArrayMetadata('{"zarr_format": 2}', "foo/.zarray"); } catch (e) { if (e instanceof MetadataError) console.log(e.message); }
 */
export class MetadataError extends ZarrError {}

/**
 * A dtype string is unknown or malformed, or a value does not fit the dtype.
 * @example
 * parseDtype("i3");   // throws DtypeError naming "i3"
 */
export class DtypeError extends ZarrError {}

/**
 * A shape, chunk shape or value shape is invalid or does not match.
 * @example
 * await zeros([10, -1]);   // throws ShapeError
 */
export class ShapeError extends ZarrError {}

/**
 * Metadata asks for more than a configured limit allows (see `setLimits` in `limits.ts`), e.g. a
 * chunk larger than `maxChunkBytes`. The message names the key, the field, the value and the limit.
 * @example
 * try { await openArray("untrusted.zarr", { mode: "r" }); } catch (e) { if (e instanceof LimitExceededError) console.log(e.message); }
 */
export class LimitExceededError extends MetadataError {
  constructor(
    message: string,
    /** Which limit, e.g. `"maxChunkBytes"`. */
    readonly limit: string,
    /** The value that exceeded it. */
    readonly value: number,
    /** The limit in force. */
    readonly max: number,
  ) {
    super(message);
  }
}

/**
 * A rechunk resume (`{ resume: true }`) found its destination's `.zarrflow-incomplete` marker written
 * for a different source — another shape, dtype, chunks, codecs, fill value, store or array path —
 * or a marker that does not record its source at all. Continuing would leave the chunks the first
 * run stored beside chunks of the new source, a mix no reader could detect, so nothing is written;
 * rechunk without `resume` to start over. The message names the destination and what differs.
 * @example
 * try { await rechunkArray(src, dst, { resume: true }); }
 * catch (e) { if (e instanceof RechunkSourceMismatchError) console.log(e.destination, e.differences); }
 */
export class RechunkSourceMismatchError extends ZarrError {
  constructor(
    message: string,
    /** The destination array: its store location (when known) and path. */
    readonly destination: string,
    /** What differs, one entry per field, e.g. `"shape: (40, 40) in the marker, (40, 41) now"`. */
    readonly differences: readonly string[],
  ) {
    super(message);
  }
}

/**
 * A short, safe rendering of any value for error messages: never throws (bigints, cycles, symbols,
 * getters that throw) and never exceeds `max` characters, so a hostile value cannot blow up an error path.
 * `bigints: "n"` marks bigints as JavaScript writes them (`2n`), for messages about values a caller
 * passed, where a bigint in place of a number is the mistake; metadata messages leave it off, since
 * there the bigint is only how a large JSON integer was read.
 * @example
 * throw new ZarrError(`fill value ${formatValue(value)} does not fit dtype <i4`);
 */
export function formatValue(v: unknown, max = 200, bigints: "" | "n" = ""): string {
  let s: string;
  try {
    s = formatInner(v, 0, new Set(), bigints);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

function formatInner(v: unknown, depth: number, seen: Set<unknown>, bigints: string): string {
  switch (typeof v) {
    case "bigint":
      return v.toString() + bigints;
    case "number":
      return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v);
    case "string":
      return JSON.stringify(v.length > 200 ? v.slice(0, 200) : v);
    case "undefined":
      return "undefined";
    case "boolean":
      return String(v);
    case "symbol":
    case "function":
      return `<${typeof v}>`;
  }
  if (v === null) return "null";
  if (seen.has(v) || depth > 4) return "…";
  seen.add(v);
  if (Array.isArray(v)) {
    const items = v.slice(0, 10).map((x) => formatInner(x, depth + 1, seen, bigints));
    if (v.length > 10) items.push(`… ${v.length - 10} more`);
    return `[${items.join(", ")}]`;
  }
  if (ArrayBuffer.isView(v)) return `<${v.constructor.name} of ${v.byteLength} bytes>`;
  const keys = Object.keys(v as object);
  const items = keys.slice(0, 10).map((k) => `${JSON.stringify(k)}: ${formatInner((v as Record<string, unknown>)[k], depth + 1, seen, bigints)}`);
  if (keys.length > 10) items.push(`… ${keys.length - 10} more`);
  return `{${items.join(", ")}}`;
}
