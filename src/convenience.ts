/**
 * zarr-python's convenience functions for whole hierarchies: consolidated metadata
 * (`consolidateMetadata`, `openConsolidated`), copying (`copyStore`, `copyNode`, `copyAll`) and
 * `tree`. Log lines and counts are those zarr-python 2.13 prints.
 * @module
 */
import { listKeys } from "./stores/list-keys.ts";
import { ZarrArray } from "./array.ts";
import { dtypeName } from "./dtype/dtype.ts";
import { ZarrError } from "./errors.ts";
import { ZarrGroup, openGroup, type TreeView } from "./group.ts";
import { asStore, type StoreLike } from "./stores/adapt.ts";
import { capabilitiesOf } from "./stores/store.ts";
import { ConsolidatedMetadataStore, buildConsolidatedMetadata } from "./stores/consolidated.ts";
import { compareKeys, normalizeStoragePath } from "./stores/keys.ts";
import type { Store } from "./stores/store.ts";

/**
 * Raised when a copy would overwrite something and `ifExists` is `raise` (zarr-python's CopyError).
 * @example
 * try {
 *   await copyAll(source, dest);              // ifExists defaults to "raise"
 * } catch (e) {
 *   if (e instanceof CopyError) await copyAll(source, dest, { ifExists: "replace" });
 * }
 */
export class CopyError extends ZarrError {}

/** Where copy functions send their log lines: a function given each line, or a writable like `process.stdout`. */
export type CopyLog = ((line: string) => void) | { write(text: string): unknown } | null | undefined;

function logger(log: CopyLog): (line: string) => void {
  if (!log) return () => {};
  if (typeof log === "function") return log;
  if (typeof (log as { write?: unknown }).write === "function") return (line) => void log.write(line + "\n");
  throw new TypeError("log must be a function or an object with a write() method");
}

/** `{:,}`: thousands separators. */
function commas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function summary(log: (l: string) => void, dryRun: boolean, copied: number, skipped: number, bytes: number): void {
  let m = dryRun ? "dry run: " : "all done: ";
  m += `${commas(copied)} copied, ${commas(skipped)} skipped`;
  if (!dryRun) m += `, ${commas(bytes)} bytes copied`;
  log(m);
}

/** Python's repr of a shape tuple: `(100,)`, `(10, 10)`, `()`. */
function shapeRepr(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

async function storeKeys(store: Store): Promise<string[]> {
  return listKeys(store, "");
}

async function storeHas(store: Store, key: string): Promise<boolean> {
  if (store.has) return await store.has(key);
  return (await store.get(key)) !== undefined;
}

/** Options of {@link consolidateMetadata}. */
export interface ConsolidateMetadataOptions {
  /** Path of the group to open afterwards (default the root). */
  path?: string;
  /** Key to write (default `.zmetadata`). */
  metadataKey?: string;
}

/**
 * Gather every `.zarray`, `.zgroup` and `.zattrs` of `store` into one key (`.zmetadata`), written
 * byte for byte as zarr-python 2.13's `consolidate_metadata`, and return the group at `path`
 * opened through it (mode `r+`, see {@link openConsolidated}).
 * @example
 * await consolidateMetadata("data/group.zarr");                 // zarr.consolidate_metadata(store)
 * const root = await openConsolidated("data/group.zarr");       // one read for every .zarray/.zgroup/.zattrs
 */
export async function consolidateMetadata(store: StoreLike, opts: ConsolidateMetadataOptions = {}): Promise<ZarrGroup> {
  const s = asStore(store);
  const key = opts.metadataKey ?? ".zmetadata";
  await s.set(key, await buildConsolidatedMetadata(s));
  return openConsolidated(s, { mode: "r+", path: opts.path, metadataKey: key });
}

/** Options of {@link openConsolidated}. */
export interface OpenConsolidatedOptions {
  /** `r` read-only; `r+` (default, as zarr-python) allows data writes but no metadata changes. */
  mode?: "r" | "r+";
  /** Path of the group to open (default the root). */
  path?: string;
  /** Key the consolidated metadata is under (default `.zmetadata`). */
  metadataKey?: string;
}

/**
 * Open the group at `path` using only the consolidated metadata for `.zarray`/`.zgroup`/`.zattrs`
 * (zarr-python's `open_consolidated`). Metadata is read-only in both modes: creating members,
 * resizing or changing attributes throws `ReadOnlyError` (from `zarrflow/errors`); in mode `r+` chunk data can be written.
 * @example
 * const root = await openConsolidated("data/group.zarr");                 // zarr.open_consolidated(store)
 * const rw = await openConsolidated("data/group.zarr", { mode: "r+" });   // chunks writable, metadata not
 * const z = await root.get("foo/bar/baz");
 */
export async function openConsolidated(store: StoreLike, opts: OpenConsolidatedOptions = {}): Promise<ZarrGroup> {
  const mode = opts.mode ?? "r+";
  if (mode !== "r" && mode !== "r+") throw new ZarrError(`invalid mode, expected either 'r' or 'r+'; found '${mode}'`);
  const meta = await ConsolidatedMetadataStore.open(asStore(store), { metadataKey: opts.metadataKey, readOnly: mode === "r" });
  return openGroup(meta, { mode, path: opts.path ?? "" });
}

/** Options of {@link copyStore}. */
export interface CopyStoreOptions {
  /** Only copy keys under this path. */
  sourcePath?: string;
  /** Put copied keys under this path. */
  destPath?: string;
  /** Regular expressions (strings are compiled with `flags`): matching keys are not copied... */
  excludes?: string | RegExp | (string | RegExp)[];
  /** ...unless they also match one of these. */
  includes?: string | RegExp | (string | RegExp)[];
  /** Flags for string patterns (e.g. `"i"`). */
  flags?: string;
  /** What to do with keys that exist in `dest`: `raise` (default), `replace` or `skip`. */
  ifExists?: "raise" | "replace" | "skip";
  /** Only log what would be copied. */
  dryRun?: boolean;
  /** Receives each log line (a function, or a writable such as `process.stdout`). */
  log?: CopyLog;
}

/**
 * Copy keys directly from one store to another without decoding (zarr-python's `copy_store`).
 * Resolves to `[copied, skipped, bytesCopied]`.
 * @example
 * const [copied, skipped, bytes] = await copyStore("data/example.zarr", new MemoryStore());  // zarr.copy_store(src, dest)
 * await copyStore("data/group.zarr", "data/copy.zarr", { sourcePath: "foo", destPath: "bar", excludes: ["^foo/tmp"], log: console.log });
 */
export async function copyStore(source: StoreLike, dest: StoreLike, opts: CopyStoreOptions = {}): Promise<[number, number, number]> {
  const src = asStore(source), dst = asStore(dest);
  let sp = normalizeStoragePath(opts.sourcePath ?? "");
  let dp = normalizeStoragePath(opts.destPath ?? "");
  if (sp) sp += "/";
  if (dp) dp += "/";
  const toList = (x: CopyStoreOptions["excludes"]) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
  const compile = (p: string | RegExp) => (typeof p === "string" ? new RegExp(p, opts.flags ?? "") : p);
  const excludes = toList(opts.excludes).map(compile);
  const includes = toList(opts.includes).map(compile);
  const ifExists = opts.ifExists ?? "raise";
  if (!["raise", "replace", "skip"].includes(ifExists)) throw new ZarrError(`if_exists must be one of raise, replace, skip; found '${ifExists}'`);
  const log = logger(opts.log);
  let copied = 0, skipped = 0, bytes = 0;
  for (const key of (await storeKeys(src)).sort(compareKeys)) {
    if (!key.startsWith(sp)) continue;
    let exclude = excludes.some((r) => { r.lastIndex = 0; return r.test(key); });
    if (exclude && includes.some((r) => { r.lastIndex = 0; return r.test(key); })) exclude = false;
    if (exclude) continue;
    const destKey = dp + key.slice(sp.length);
    const descr = destKey === key ? key : `${key} -> ${destKey}`;
    let doCopy = true;
    if (ifExists !== "replace" && (await storeHas(dst, destKey))) {
      if (ifExists === "raise") throw new CopyError(`key '${destKey}' exists in destination`);
      doCopy = false;
    }
    if (doCopy) {
      log(`copy ${descr}`);
      if (!opts.dryRun) {
        const data = await src.get(key);
        if (data !== undefined) {
          bytes += data.byteLength;
          await dst.set(destKey, data);
        }
      }
      copied++;
    } else {
      log(`skip ${descr}`);
      skipped++;
    }
  }
  summary(log, opts.dryRun ?? false, copied, skipped, bytes);
  return [copied, skipped, bytes];
}

/** Options of {@link copyNode} and {@link copyAll}. */
export interface CopyNodeOptions {
  /** Name in `dest` (default the source's basename). Not used by {@link copyAll}. */
  name?: string;
  /** Copy only the immediate children of a group. */
  shallow?: boolean;
  /** Do not copy user attributes. */
  withoutAttrs?: boolean;
  /** Receives each log line (a function, or a writable such as `process.stdout`). */
  log?: CopyLog;
  /** Arrays already in `dest`: `raise` (default), `replace`, `skip`, or `skip_initialized` (skip when all chunks exist). */
  ifExists?: "raise" | "replace" | "skip" | "skip_initialized";
  /** Only log what would be copied. */
  dryRun?: boolean;
}

type Counts = [number, number, number];

async function copyRec(log: (l: string) => void, source: ZarrArray | ZarrGroup, dest: ZarrGroup | null, name: string | undefined, root: boolean, o: CopyNodeOptions): Promise<Counts> {
  let copied = 0, skipped = 0, bytes = 0;
  const ifExists = o.ifExists ?? "raise";
  if (!["raise", "replace", "skip", "skip_initialized"].includes(ifExists)) throw new ZarrError(`if_exists must be one of raise, replace, skip, skip_initialized; found '${ifExists}'`);
  if (name === undefined) {
    name = (source.name ?? "/").split("/").pop() ?? "";
    if (!name) throw new TypeError("source has no name, please provide the `name` option to indicate a name to copy to");
  }
  if (source instanceof ZarrArray) {
    let doCopy = true;
    const exists = dest !== null && (await dest.has(name));
    if (exists) {
      if (ifExists === "raise") throw new CopyError(`an object '${name}' already exists in destination '${dest!.name}'`);
      if (ifExists === "skip") doCopy = false;
      else if (ifExists === "skip_initialized") {
        const ds = await dest!.get(name);
        if (ds instanceof ZarrArray && (await ds.nchunksInitialized()) === ds.nchunks) doCopy = false;
      }
    }
    const label = `${source.name ?? "/"} ${shapeRepr(source.shape)} ${dtypeName(source.dt)}`;
    if (doCopy) {
      log(`copy ${label}`);
      if (!o.dryRun) {
        if (exists) await dest!.delete(name);
        // As zarr-python: zarr → zarr preserves compression; h5py → zarr uses zarr's defaults.
        const foreign = capabilitiesOf(source.store).foreignFormat !== undefined;
        const ds = await dest!.createDataset(name, foreign
          ? { shape: source.shape, dtype: source.dtype, chunks: source.chunks, fillValue: source.fillValue }
          : {
              shape: source.shape, dtype: source.dtype, chunks: source.chunks, compressor: source.compressor,
              filters: source.filters, order: source.order, fillValue: source.fillValue,
            });
        const shape = ds.shape, chunks = ds.chunks;
        const offsets = (d: number): number[][] => {
          if (d === shape.length) return [[]];
          const rest = offsets(d + 1);
          const out: number[][] = [];
          for (let o0 = 0; o0 < shape[d]; o0 += chunks[d]) for (const r of rest) out.push([o0, ...r]);
          return out;
        };
        if (shape.every((n) => n > 0)) {
          const { slice } = await import("./indexing/slice.ts");
          for (const off of offsets(0)) {
            const sel = off.map((o0, i) => slice(o0, Math.min(shape[i], o0 + chunks[i])));
            await ds.set(sel, await source.get(sel));
          }
        }
        bytes += ds.size * ds.itemsize;
        if (!o.withoutAttrs) await ds.attrs.update(await source.attrs.asObject());
      }
      copied++;
    } else {
      log(`skip ${label}`);
      skipped++;
    }
  } else if (root || !o.shallow) {
    let doCopy = true;
    const existsArray = dest !== null && (await dest.has(name)) && (await dest.get(name)) instanceof ZarrArray;
    if (existsArray) {
      if (ifExists === "raise") throw new CopyError(`an array '${name}' already exists in destination '${dest!.name}'`);
      if (ifExists === "skip") doCopy = false;
    }
    if (doCopy) {
      log(`copy ${source.name}`);
      let grp: ZarrGroup | null = null;
      if (!o.dryRun) {
        if (existsArray) await dest!.delete(name);
        grp = await dest!.requireGroup(name);
        if (!o.withoutAttrs) await grp.attrs.update(await source.attrs.asObject());
      } else if (dest !== null && (await dest.has(name))) {
        const g = await dest.get(name);
        grp = g instanceof ZarrGroup ? g : null;
      }
      for (const k of await source.keys()) {
        const [c, s, b] = await copyRec(log, await source.get(k), grp, k, false, o);
        copied += c; skipped += s; bytes += b;
      }
      copied++;
    } else {
      log(`skip ${source.name}`);
      skipped++;
    }
  }
  return [copied, skipped, bytes];
}

/**
 * Copy an array or group (recursively unless `shallow`) into the group `dest`, re-encoding chunk by
 * chunk with the source's chunks, compressor, filters, order and fill value (zarr-python's
 * `zarr.copy`). Resolves to `[copied, skipped, bytesCopied]`. Exported from the package root as
 * `copy(source, dest, opts)`.
 * @example
 * const dest = await group();
 * await copyNode(await source.get("foo/bar/baz") as ZarrArray, dest, { name: "baz", log: console.log });
 */
export async function copyNode(source: ZarrArray | ZarrGroup, dest: ZarrGroup, opts: CopyNodeOptions = {}): Promise<[number, number, number]> {
  if (!(dest instanceof ZarrGroup)) throw new ZarrError(`dest must be a group, got ${String(dest)}`);
  const log = logger(opts.log);
  const r = await copyRec(log, source, dest, opts.name, true, opts);
  summary(log, opts.dryRun ?? false, ...r);
  return r;
}

/**
 * Copy every member of the group `source` into the group `dest`, then its attributes
 * (zarr-python's `copy_all`). Resolves to `[copied, skipped, bytesCopied]`.
 * @example
 * const dest = await group("data/copy.zarr");
 * const [copied, skipped, bytes] = await copyAll(source, dest, { log: console.log });  // zarr.copy_all(source, dest, log=sys.stdout)
 */
export async function copyAll(source: ZarrGroup, dest: ZarrGroup, opts: Omit<CopyNodeOptions, "name"> = {}): Promise<[number, number, number]> {
  if (!(dest instanceof ZarrGroup)) throw new ZarrError(`dest must be a group, got ${String(dest)}`);
  const log = logger(opts.log);
  let copied = 0, skipped = 0, bytes = 0;
  for (const k of await source.keys()) {
    const [c, s, b] = await copyRec(log, await source.get(k), dest, k, false, opts);
    copied += c; skipped += s; bytes += b;
  }
  await dest.attrs.update(await source.attrs.asObject());
  summary(log, opts.dryRun ?? false, copied, skipped, bytes);
  return [copied, skipped, bytes];
}

/**
 * The hierarchy below `group` drawn as zarr-python's `zarr.tree(grp)` (same as `group.tree()`).
 * @example
 * const root = await group();
 * await (await root.createGroup("foo")).zeros("bar", { shape: [10, 10] });
 * console.log(String(await tree(root)));       // zarr.tree(root)
 */
export async function tree(group: ZarrGroup, opts: { level?: number } = {}): Promise<TreeView> {
  return group.tree(opts);
}
