/**
 * Codec plumbing shared by the filter, checksum and base64 codecs: configuration checks and
 * numcodecs' output-buffer convention.
 * @module
 */
import { describeValue } from "../../dtype/describe.ts";
import { CodecError } from "../../errors.ts";

/**
 * numcodecs' `from_config` is `cls(**config)`, so an unknown key is a TypeError there; rejecting it
 * here keeps a typo in `.zarray` from being silently ignored. Also checks the id.
 */
export function checkConfig(config: unknown, id: string, codec: string, allowed: readonly string[]): Record<string, unknown> {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new CodecError(`${codec}: configuration must be an object, got ${describeValue(config)}`);
  }
  const c = config as Record<string, unknown>;
  if (c.id !== undefined && c.id !== id) throw new CodecError(`${codec}: configuration id must be '${id}', got ${describeValue(c.id)}`);
  for (const k of Object.keys(c)) {
    if (k !== "id" && !allowed.includes(k)) {
      throw new CodecError(`${codec}: unexpected configuration parameter '${k}' (expected ${allowed.map((a) => `'${a}'`).join(", ") || "none"})`);
    }
  }
  return c;
}

/**
 * numcodecs' `ndarray_copy(dec, out)`: when the caller supplies an output buffer of exactly the
 * decoded size, fill it and return it; otherwise return the freshly decoded bytes.
 */
export function deliver(decoded: Uint8Array, out?: Uint8Array): Uint8Array {
  if (out && out.byteLength === decoded.byteLength) {
    if (out !== decoded) out.set(decoded);
    return out;
  }
  return decoded;
}
