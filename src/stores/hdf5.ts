/**
 * HDF5Store: a read-only zarr view of an HDF5 file, read through h5wasm (an optional dependency),
 * so the tutorial's h5py examples work in TypeScript: `tree`, `copy` and `copyAll` take the groups
 * and datasets of an HDF5 file as sources. Groups appear as `.zgroup`, datasets as `.zarray` with
 * their own chunks (contiguous datasets get the chunks zarr-python would guess), HDF5 attributes as
 * `.zattrs`, and each chunk key yields the raw little-endian elements of that chunk, read with an
 * HDF5 hyperslab. The store declares `foreignFormat: "hdf5"`, which tells `copy` to give new arrays
 * zarr's default compressor, as zarr-python does when copying from h5py.
 * @module
 */
import { guessChunks } from "../creation.ts";
import { ReadOnlyError, ZarrError } from "../errors.ts";
import { padToChunk } from "../util/pad.ts";
import { encodeJson } from "../metadata/json.ts";
import { normalizeKey } from "./keys.ts";
import type { AbortOptions, Store, StoreCapabilities } from "./store.ts";
import { throwIfAborted } from "./store.ts";
import { loadOptional } from "../util/optional-peer.ts";

/** The parts of h5wasm's API used here. */
interface H5Meta {
  type: number;
  signed: boolean;
  size: number;
  littleEndian: boolean;
  vlen: boolean;
  shape: number[];
  chunks: number[] | null;
}
interface H5Node {
  type: string;
  keys?(): string[];
  attrs: Record<string, unknown>;
  get_attribute(name: string, json: true): unknown;
}
interface H5Dataset extends H5Node {
  metadata: H5Meta;
  slice(ranges: [number, number][]): ArrayLike<number | bigint> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
}
interface H5File extends H5Node {
  get(path: string): H5Node | null;
  close(): unknown;
}

const CHUNK_KEY = /^\d+(\.\d+)*$/;

/** The zarr dtype of an HDF5 dataset, or a typed error naming it. */
function zarrDtype(m: H5Meta, path: string): string {
  if (m.vlen) throw new ZarrError(`HDF5 dataset '${path}': variable-length data is not supported`);
  if (m.type === 0) return (m.size === 1 ? "|" : "<") + (m.signed ? "i" : "u") + m.size;
  if (m.type === 1) return "<f" + m.size;
  if (m.type === 3) return "|S" + m.size;
  throw new ZarrError(`HDF5 dataset '${path}': HDF5 type class ${m.type} is not supported (integers, floats and fixed-length strings are)`);
}

/**
 * A read-only zarr view of an HDF5 file.
 * @example
 * const h5 = await HDF5Store.open("data/example.h5");
 * const dest = await group("data/from-hdf5.zarr");
 * await copyAll(await openGroup(h5, { mode: "r" }), dest, { log: console.log });  // zarr.copy_all(h5py.File(...), dest)
 * await h5.close();
 */
export class HDF5Store implements Store {
  /** What the info table shows. */
  readonly storeType = "h5py.File";
  /** Copying from here gives new arrays zarr's defaults, as from h5py. */
  readonly capabilities: StoreCapabilities = { foreignFormat: "hdf5" };
  readonly #file: H5File;

  private constructor(file: H5File, readonly path: string) {
    this.#file = file;
  }

  /**
   * Open an HDF5 file read-only. h5wasm is loaded on first use.
   * @throws {MissingDependencyError} when h5wasm is not installed; {ZarrError} when the file cannot be opened
   * @example
   * const source = await openGroup(await HDF5Store.open("data/example.h5"), { mode: "r" });
   * await copyAll(source, dest, { log: console.log });
   */
  static async open(path: string): Promise<HDF5Store> {
    type H5 = { ready: Promise<unknown>; File: new (path: string, mode: string) => H5File };
    const mod = await loadOptional<H5 & { default?: H5 }>("h5wasm/node", "HDF5Store");
    const h5 = (mod.default ?? mod) as H5;
    await h5.ready;
    let file: H5File;
    try {
      file = new h5.File(path, "r");
    } catch (e) {
      throw new ZarrError(`cannot open HDF5 file ${path}: ${(e as Error).message}`);
    }
    if (!file || (file as unknown as { file_id?: bigint }).file_id === undefined || (file as unknown as { file_id: bigint }).file_id < 0n) {
      throw new ZarrError(`cannot open HDF5 file ${path}`);
    }
    return new HDF5Store(file, path);
  }

  /** The HDF5 node at a zarr path ("" is the root group), or null. */
  #node(path: string): H5Node | null {
    if (path === "") return this.#file;
    try {
      return this.#file.get(path) ?? null;
    } catch {
      return null;
    }
  }

  /** The JSON of a node's HDF5 attributes. */
  #attrs(node: H5Node): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(node.attrs)) out[name] = node.get_attribute(name, true);
    return out;
  }

  /** Chunks of a dataset: its own, or the guess zarr-python makes for contiguous ones. */
  #chunks(m: H5Meta): number[] {
    return m.chunks ?? guessChunks(m.shape, m.size);
  }

  /** Synthesized metadata for groups and datasets, raw chunk bytes for chunk keys. */
  async get(key: string, opts?: AbortOptions): Promise<Uint8Array | undefined> {
    throwIfAborted(opts?.signal);
    const k = normalizeKey(key);
    const i = k.lastIndexOf("/");
    const dir = i < 0 ? "" : k.slice(0, i), last = k.slice(i + 1);
    const node = this.#node(dir);
    if (node === null) return undefined;
    if (last === ".zgroup") return node.type === "Group" || node === this.#file ? encodeJson({ zarr_format: 2 }) : undefined;
    if (last === ".zattrs") {
      const a = this.#attrs(node);
      return Object.keys(a).length ? encodeJson(a) : undefined;
    }
    if (node.type !== "Dataset") return undefined;
    const m = (node as H5Dataset).metadata;
    const dtype = zarrDtype(m, dir);
    const chunks = this.#chunks(m);
    if (last === ".zarray") {
      return encodeJson({ chunks, compressor: null, dtype, fill_value: dtype.startsWith("|S") ? "" : 0, filters: null, order: "C", shape: m.shape, zarr_format: 2 });
    }
    if (!CHUNK_KEY.test(last)) return undefined;
    const coords = m.shape.length === 0 ? [] : last.split(".").map(Number);
    if (coords.length !== m.shape.length || coords.some((c, d) => c * chunks[d] >= m.shape[d])) return undefined;
    const ranges = coords.map((c, d) => [c * chunks[d], Math.min(m.shape[d], (c + 1) * chunks[d])] as [number, number]);
    const data = (node as H5Dataset).slice(ranges);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const part = ranges.map(([a, b]) => b - a);
    if (part.every((n, d) => n === chunks[d])) return bytes.slice();
    return padToChunk(bytes, part, chunks, m.size);
  }

  /** Every zarr key of the file (metadata keys and the chunk keys of every dataset). */
  async list(prefix = ""): Promise<string[]> {
    const out: string[] = [];
    const walk = (path: string, node: H5Node) => {
      const pre = path ? path + "/" : "";
      if (node.type === "Dataset") {
        out.push(pre + ".zarray");
        const m = (node as H5Dataset).metadata;
        const chunks = this.#chunks(m);
        const grid = m.shape.map((n, d) => Math.ceil(n / chunks[d]));
        if (grid.every((n) => n > 0)) {
          const idx = grid.map(() => 0);
          for (;;) {
            out.push(pre + (idx.length ? idx.join(".") : "0"));
            let d = idx.length - 1;
            for (; d >= 0; d--) {
              if (++idx[d] < grid[d]) break;
              idx[d] = 0;
            }
            if (d < 0) break;
          }
        }
      } else {
        out.push(pre + ".zgroup");
        for (const name of node.keys?.() ?? []) {
          const child = this.#node(pre + name);
          if (child) walk(pre + name, child);
        }
      }
      if (Object.keys(node.attrs).length) out.push(pre + ".zattrs");
    };
    walk("", this.#file);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }

  /** The children of a group (with its metadata keys), as zarr-python's `listdir`. */
  async listDir(prefix = ""): Promise<string[]> {
    const p = prefix.replace(/\/+$/, "");
    const node = this.#node(p);
    if (node === null) return [];
    if (node.type === "Dataset") return (await this.list(p ? p + "/" : "")).map((k) => k.slice(p ? p.length + 1 : 0)).filter((k) => !k.includes("/"));
    const out = [...(node.keys?.() ?? []), ".zgroup"];
    if (Object.keys(node.attrs).length) out.push(".zattrs");
    return out.sort();
  }

  /** HDF5 sources are read-only. */
  set(key: string, _value?: Uint8Array): never {
    throw new ReadOnlyError(`HDF5Store is read-only (writing '${key}')`);
  }

  /** HDF5 sources are read-only. */
  delete(key: string): never {
    throw new ReadOnlyError(`HDF5Store is read-only (deleting '${key}')`);
  }

  /** Closes the store at the end of an `await using` block (explicit resource management). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Close the HDF5 file. */
  async close(): Promise<void> {
    this.#file.close();
  }
}
