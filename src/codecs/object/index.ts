/**
 * Object codecs (numcodecs' VLenUTF8, VLenBytes, VLenArray, JSON, MsgPack and object Categorize),
 * resolved by id lazily through the codec registry. The object variant of `categorize` is chosen by
 * the `categorize` factory in the filters module when the config's dtype is `|O`.
 * @module
 */
import { registerCodec } from "../registry.ts";
import { JSONCodec } from "./json.ts";
import { MsgPack } from "./msgpack.ts";
import { VLenArray, VLenBytes, VLenUTF8 } from "./vlen.ts";

export { type ObjectCodec, type ObjectLayout, isObjectCodec, isObjectDtypeString } from "./object-codec.ts";
export { VLenUTF8, VLenBytes, VLenArray, type VLenArrayOptions } from "./vlen.ts";
export { JSONCodec, type JSONCodecOptions } from "./json.ts";
/** numcodecs' name for {@link JSONCodec}; a named export only (no module of ours imports it as `JSON`). */
export { JSONCodec as JSON } from "./json.ts";
export { MsgPack, type MsgPackOptions } from "./msgpack.ts";
export { ObjectCategorize, type ObjectCategorizeOptions } from "./categorize.ts";
export { Pickle, unpickle, type PickleOptions } from "./pickle.ts";

/**
 * Register the object codecs eagerly (e.g. to restore the defaults after replacing one).
 * @example
 * registerObjectCodecs();   // restore the built-in vlen-utf8, json2, msgpack2, ... factories
 */
export function registerObjectCodecs(): void {
  registerCodec(VLenUTF8.codecId, (c) => VLenUTF8.fromConfig(c));
  registerCodec(VLenBytes.codecId, (c) => VLenBytes.fromConfig(c));
  registerCodec(VLenArray.codecId, (c) => VLenArray.fromConfig(c));
  registerCodec(JSONCodec.codecId, (c) => JSONCodec.fromConfig(c));
  registerCodec(MsgPack.codecId, (c) => MsgPack.fromConfig(c));
}


/**
 * zarr-python's object-dtype shorthands (`normalize_dtype`): `"str"` → object dtype with
 * {@link VLenUTF8}, `"bytes"` → {@link VLenBytes}, `"array:<dtype>"` (e.g. `"array:i8"`) →
 * {@link VLenArray} of that dtype. Returns null for any other dtype.
 * @example
 * objectDtypeShorthand("str");       // { dtype: "|O", codec: VLenUTF8 }
 * objectDtypeShorthand("array:i8");  // { dtype: "|O", codec: VLenArray("<i8") }
 */
export function objectDtypeShorthand(dtype: unknown): { dtype: "|O"; codec: VLenUTF8 | VLenBytes | VLenArray } | null {
  if (typeof dtype !== "string") return null;
  if (dtype === "str") return { dtype: "|O", codec: new VLenUTF8() };
  if (dtype === "bytes") return { dtype: "|O", codec: new VLenBytes() };
  if (dtype.startsWith("array:")) return { dtype: "|O", codec: new VLenArray({ dtype: dtype.slice("array:".length) }) };
  return null;
}
