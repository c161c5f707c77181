/**
 * The codec registry: numcodecs id → factory. Built-in codecs resolve through lazy loaders
 * (`builtins.ts`), so importing zarrflow registers nothing and loads no compression library.
 * @module
 */
import { CodecError } from "../errors.ts";
import { builtinCodecLoaders as builtinLoaders } from "./builtins.ts";
import type { Codec, CodecConfig, CodecFactory } from "./codec.ts";

const factories = new Map<string, CodecFactory>();
const loaders = new Map<string, () => Promise<CodecFactory>>();

/**
 * Register a codec factory under its numcodecs id, replacing any earlier one.
 * @example
 * registerCodec("mycodec", (config) => new MyCodec(config));   // numcodecs.register_codec(MyCodec)
 */
export function registerCodec(id: string, factory: CodecFactory): void {
  factories.set(id, factory);
}

/**
 * Register a lazily imported codec factory under its numcodecs id.
 * @example
 * registerCodecLoader("mycodec", async () => (await import("./my-codec.ts")).factory);
 */
export function registerCodecLoader(id: string, loader: () => Promise<CodecFactory>): void {
  loaders.set(id, loader);
}

/**
 * The ids of every registered codec.
 * @example
 * listCodecs();   // ["adler32", "astype", "bitround", "blosc", "bz2", ...]
 */
export function listCodecs(): string[] {
  return [...new Set([...factories.keys(), ...loaders.keys(), ...Object.keys(builtinLoaders)])].sort();
}

/**
 * Look up a codec by its numcodecs configuration, e.g. `getCodec({ id: "zstd", level: 1 })`.
 * Throws {@link CodecError} naming the id when it is unknown.
 * @example
 * const codec = await getCodec({ id: "zstd", level: 1 });   // numcodecs.get_codec({"id": "zstd", "level": 1})
 * const bytes = await codec.encode(new Uint8Array(1000));
 */
export async function getCodec(config: CodecConfig): Promise<Codec> {
  if (config === null || typeof config !== "object" || typeof config.id !== "string") {
    throw new CodecError(`codec configuration must be an object with a string "id", got ${JSON.stringify(config, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`);
  }
  let factory = factories.get(config.id);
  if (!factory) {
    const loader = loaders.get(config.id) ?? (Object.hasOwn(builtinLoaders, config.id) ? builtinLoaders[config.id] : undefined);
    if (!loader) throw new CodecError(`unknown codec id '${config.id}' (known: ${listCodecs().join(", ")})`);
    factory = await loader();
    factories.set(config.id, factory);
  }
  return factory(config);
}

/** Synchronous lookup for codecs whose factories are already loaded. */
export function getCodecSync(config: CodecConfig): Codec {
  const factory = factories.get(config?.id);
  if (!factory) throw new CodecError(`unknown or not yet loaded codec id '${config?.id}'`);
  return factory(config);
}
