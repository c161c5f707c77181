/**
 * ZarrGroup: a hierarchy node holding arrays and other groups, with member access by path like an
 * async Map, creation of members, `tree()` and `info()` as zarr-python prints them.
 * @module
 */
import { Attributes } from "./attributes.ts";
import { ZarrArray, listKeys } from "./array.ts";
import { array, create, type ArrayFor, type CreateOptions, type OpenMode, type ChunksLike } from "./creation.ts";
import { dtypeName } from "./dtype/dtype.ts";
import { ContainsArrayError, ContainsGroupError, GroupNotFoundError, KeyError, ReadOnlyError, ZarrError } from "./errors.ts";
import { containsArray, containsGroup, pathPrefix, prepareNode, rmdir } from "./hierarchy-keys.ts";
import { InfoReport, storeTypeName } from "./info.ts";
import { encodeGroupMetadata, parseGroupMetadata } from "./metadata/array-metadata.ts";
import { asStore, type StoreLike } from "./stores/adapt.ts";
import { normalizeStoragePath, compareKeys } from "./stores/keys.ts";
import { MemoryStore } from "./stores/memory.ts";
import { closeStore, type Store } from "./stores/store.ts";
import type { Synchronizer } from "./synchronizer.ts";

/** Options for groups. */
export interface GroupOptions {
  path?: string;
  readOnly?: boolean;
  synchronizer?: Synchronizer | null;
  overwrite?: boolean;
  mode?: OpenMode;
  store?: StoreLike;
}

/**
 * A group of arrays and groups.
 * @example
 * const root = await group();
 * const foo = await root.createGroup("foo");
 * await foo.zeros("baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "<i4" });
 * console.log(String(await root.tree()));
 */
export class ZarrGroup {
  readonly store: Store;
  readonly path: string;
  readonly readOnly: boolean;
  readonly synchronizer: Synchronizer | null;
  readonly attrs: Attributes;
  private readonly prefix: string;

  /** @internal use {@link group}, {@link openGroup} or a parent's `createGroup`. */
  constructor(store: Store, path: string, opts: { readOnly?: boolean; synchronizer?: Synchronizer | null } = {}) {
    this.store = store;
    this.path = path;
    this.prefix = pathPrefix(path);
    this.readOnly = opts.readOnly ?? false;
    this.synchronizer = opts.synchronizer ?? null;
    this.attrs = new Attributes(store, this.prefix + ".zattrs", this.readOnly, this.synchronizer);
  }

  /** `/path`, or `/` for the root. */
  get name(): string {
    return "/" + this.path;
  }

  /** The last path segment ("" for the root). */
  get basename(): string {
    return this.path.split("/").pop() ?? "";
  }

  /**
   * zarr-python's repr: `<zarr.hierarchy.Group '/foo'>`.
   * @example
   * String(await root.get("foo"));  // "<zarr.hierarchy.Group '/foo'>"
   */
  toString(): string {
    return `<zarr.hierarchy.Group '${this.name}'${this.readOnly ? " read-only" : ""}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private childPath(name: string): string {
    const p = normalizeStoragePath(name);
    if (!p) throw new KeyError(`empty member name`);
    return this.prefix + p;
  }

  private checkWritable(): void {
    if (this.readOnly) throw new ReadOnlyError(`group '${this.name}' is read-only`);
  }

  /** Names of direct children, sorted as zarr-python lists them. */
  private async childNames(): Promise<string[]> {
    const s = this.store;
    if (s.listDir) return [...(await s.listDir(this.path))].sort(compareKeys);
    const names = new Set<string>();
    for (const k of await listKeys(s, this.prefix)) {
      const rest = k.slice(this.prefix.length);
      const i = rest.indexOf("/");
      if (i > 0) names.add(rest.slice(0, i));
    }
    return [...names].sort(compareKeys);
  }

  /**
   * A member by name or path (`"foo/bar/baz"`); throws {@link KeyError} naming the path when absent.
   * The result is the union; {@link ZarrGroup.getArray} and {@link ZarrGroup.getGroup} give one kind.
   * @example
   * const baz = await root.get("foo/bar/baz");       // root["foo/bar/baz"]
   * if (baz instanceof ZarrArray) console.log(baz.shape);
   */
  async get(name: string): Promise<ZarrArray | ZarrGroup> {
    const p = this.childPath(name);
    if (await containsArray(this.store, p)) return ZarrArray.open(this.store, { path: p, readOnly: this.readOnly, synchronizer: this.synchronizer });
    if (await containsGroup(this.store, p)) return new ZarrGroup(this.store, p, { readOnly: this.readOnly, synchronizer: this.synchronizer });
    throw new KeyError(`no member '${name}' in group '${this.name}'`);
  }

  /**
   * The array at a name or path, typed by the caller's dtype `D` and rank `N` (their word, not
   * checked against `.zarray`). A group there is a {@link ContainsGroupError} and nothing there a
   * {@link KeyError}, both naming the path, so no cast or `instanceof` is needed.
   * @example
   * const temp = await g.getArray<"<f4", 2>("surface/temp");
   */
  async getArray<D extends string = string, N extends number = number>(name: string): Promise<ZarrArray<D, N>> {
    const p = this.childPath(name);
    if (await containsArray(this.store, p)) return ZarrArray.open<D, N>(this.store, { path: p, readOnly: this.readOnly, synchronizer: this.synchronizer });
    if (await containsGroup(this.store, p)) throw new ContainsGroupError(`member '${name}' of group '${this.name}' is a group, not an array (path '${p}')`);
    throw new KeyError(`no member '${name}' in group '${this.name}'`);
  }

  /**
   * The group at a name or path. An array there is a {@link ContainsArrayError} and nothing there a
   * {@link KeyError}, both naming the path.
   * @example
   * const bar = await root.getGroup("foo/bar");   // root["foo/bar"], known to be a group
   */
  async getGroup(name: string): Promise<ZarrGroup> {
    const p = this.childPath(name);
    if (await containsGroup(this.store, p)) return new ZarrGroup(this.store, p, { readOnly: this.readOnly, synchronizer: this.synchronizer });
    if (await containsArray(this.store, p)) throw new ContainsArrayError(`member '${name}' of group '${this.name}' is an array, not a group (path '${p}')`);
    throw new KeyError(`no member '${name}' in group '${this.name}'`);
  }

  /**
   * Whether a member exists at a name or path.
   * @example
   * if (!(await root.has("foo/bar"))) await root.createGroup("foo/bar");  // "foo/bar" in root
   */
  async has(name: string): Promise<boolean> {
    const p = this.childPath(name);
    return (await containsArray(this.store, p)) || (await containsGroup(this.store, p));
  }

  /**
   * Delete a member and everything under it.
   * @example
   * await root.delete("foo/bar");  // del root["foo/bar"]
   */
  async delete(name: string): Promise<void> {
    this.checkWritable();
    if (!(await this.has(name))) throw new KeyError(`no member '${name}' in group '${this.name}'`);
    await rmdir(this.store, this.childPath(name));
  }

  /**
   * Names of direct members (arrays and groups), sorted.
   * @example
   * await root.keys();  // list(root): ["bar", "foo"]
   */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    for (const n of await this.childNames()) {
      const p = this.prefix + n;
      if ((await containsArray(this.store, p)) || (await containsGroup(this.store, p))) out.push(n);
    }
    return out;
  }

  /**
   * Direct member arrays as [name, array] pairs.
   * @example
   * for (const [name, a] of await root.arrays()) console.log(name, a.shape);  // root.arrays()
   */
  async arrays(): Promise<[string, ZarrArray][]> {
    const out: [string, ZarrArray][] = [];
    for (const n of await this.childNames()) {
      if (await containsArray(this.store, this.prefix + n)) out.push([n, (await this.get(n)) as ZarrArray]);
    }
    return out;
  }

  /**
   * Direct member groups as [name, group] pairs.
   * @example
   * for (const [name, g] of await root.groups()) console.log(name, String(g));  // root.groups()
   */
  async groups(): Promise<[string, ZarrGroup][]> {
    const out: [string, ZarrGroup][] = [];
    for (const n of await this.childNames()) {
      if (await containsGroup(this.store, this.prefix + n)) out.push([n, (await this.get(n)) as ZarrGroup]);
    }
    return out;
  }

  /**
   * Names of member arrays.
   * @example
   * await root.arrayKeys();   // ["baz", ...]: root.array_keys()
   */
  async arrayKeys(): Promise<string[]> {
    return (await this.arrays()).map(([n]) => n);
  }

  /**
   * Names of member groups.
   * @example
   * await root.groupKeys();   // root.group_keys()
   */
  async groupKeys(): Promise<string[]> {
    return (await this.groups()).map(([n]) => n);
  }

  /**
   * Members as [name, node] pairs.
   * @example
   * for (const [name, node] of await root.members()) console.log(name, String(node));
   */
  async members(): Promise<[string, ZarrArray | ZarrGroup][]> {
    const out: [string, ZarrArray | ZarrGroup][] = [];
    for (const n of await this.keys()) out.push([n, await this.get(n)]);
    return out;
  }

  /** Iterate member names. */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    yield* await this.keys();
  }

  /**
   * Create a subgroup (intermediate groups too); fails if something exists there unless `overwrite`.
   * @example
   * const bar = await root.createGroup("foo/bar");  // root.create_group("foo/bar"): creates foo too
   */
  async createGroup(name: string, opts: { overwrite?: boolean } = {}): Promise<ZarrGroup> {
    this.checkWritable();
    const p = this.childPath(name);
    await prepareNode(this.store, p, opts.overwrite ?? false);
    await this.store.set(pathPrefix(p) + ".zgroup", encodeGroupMetadata());
    return new ZarrGroup(this.store, p, { synchronizer: this.synchronizer });
  }

  /**
   * Open a subgroup, creating it when absent.
   * @example
   * const foo = await root.requireGroup("foo");  // root.require_group("foo"): opened if it exists
   */
  async requireGroup(name: string, opts: { overwrite?: boolean } = {}): Promise<ZarrGroup> {
    const p = this.childPath(name);
    if (!opts.overwrite && (await containsGroup(this.store, p))) return new ZarrGroup(this.store, p, { readOnly: this.readOnly, synchronizer: this.synchronizer });
    if (!opts.overwrite && (await containsArray(this.store, p))) throw new ContainsArrayError(`an array exists at path '${p}'`);
    return this.createGroup(name, opts);
  }

  /**
   * Create several subgroups.
   * @example
   * const [foo, bar] = await root.requireGroups("foo", "bar");
   */
  async requireGroups(...names: string[]): Promise<ZarrGroup[]> {
    const out: ZarrGroup[] = [];
    for (const n of names) out.push(await this.requireGroup(n));
    return out;
  }

  /**
   * Create an array at `name` (h5py's `create_dataset`); `data` is written when given.
   * @example
   * const z = await root.createDataset("foo", { shape: [100, 100], chunks: [10, 10], dtype: "<f8" });  // root.create_dataset(...)
   * const d = await root.createDataset("bar", { data: arange(100), chunks: [10] });
   */
  async createDataset(name: string, opts: CreateOptions & { data?: unknown } = {}): Promise<ZarrArray> {
    this.checkWritable();
    const p = this.childPath(name);
    const { data, ...rest } = opts;
    if (data !== undefined) {
      return array(data, { ...rest, store: this.store, path: p, synchronizer: rest.synchronizer ?? this.synchronizer });
    }
    return create({ ...rest, store: this.store, path: p, synchronizer: rest.synchronizer ?? this.synchronizer });
  }

  /**
   * Open the array at `name` if it matches shape and dtype, otherwise create it.
   * @example
   * const z = await root.requireDataset("baz", { shape: [100, 100], chunks: [10, 10], dtype: "<i4" });  // root.require_dataset(...)
   */
  async requireDataset(name: string, opts: CreateOptions & { exact?: boolean } = {}): Promise<ZarrArray> {
    const p = this.childPath(name);
    if (await containsArray(this.store, p)) {
      const a = await ZarrArray.open(this.store, { path: p, readOnly: this.readOnly, synchronizer: this.synchronizer });
      const shape = typeof opts.shape === "number" ? [opts.shape] : opts.shape;
      if (shape && (shape.length !== a.shape.length || shape.some((n, i) => n !== a.shape[i]))) {
        throw new ZarrError(`array at '${p}' has shape (${a.shape.join(", ")}), not (${shape.join(", ")})`);
      }
      if (opts.dtype !== undefined) {
        const { parseDtype } = await import("./dtype/dtype.ts");
        const want = parseDtype(opts.dtype);
        if (opts.exact ? want.str !== a.dtype : want.kind !== a.dt.kind || want.itemsize > a.dt.itemsize) {
          throw new ZarrError(`array at '${p}' has dtype ${a.dtype}, incompatible with ${want.str}`);
        }
      }
      return a;
    }
    if (await containsGroup(this.store, p)) throw new ContainsGroupError(`a group exists at path '${p}'`);
    return this.createDataset(name, opts);
  }

  /**
   * Create an array of zeros at `name`; typed by literal `dtype`/`shape` options as the root `zeros`.
   * @example
   * const z = await root.zeros("baz", { shape: [10000, 10000], chunks: [1000, 1000], dtype: "<i4" });  // root.zeros("baz", ...)
   */
  zeros<const O extends CreateOptions = {}>(name: string, opts?: O): Promise<ArrayFor<O>>;
  async zeros(name: string, opts: CreateOptions = {}): Promise<ZarrArray> {
    return this.createDataset(name, { ...opts, fillValue: 0 });
  }
  /**
   * Create an array of ones at `name`.
   * @example
   * const z = await root.ones("mask", { shape: [100, 100], chunks: [10, 10], dtype: "|b1" });
   */
  ones<const O extends CreateOptions = {}>(name: string, opts?: O): Promise<ArrayFor<O>>;
  async ones(name: string, opts: CreateOptions = {}): Promise<ZarrArray> {
    return this.createDataset(name, { ...opts, fillValue: 1 });
  }
  /**
   * Create an array with no fill value at `name`.
   * @example
   * const z = await root.empty("scratch", { shape: [100], chunks: [10], dtype: "<f8" });
   */
  empty<const O extends CreateOptions = {}>(name: string, opts?: O): Promise<ArrayFor<O>>;
  async empty(name: string, opts: CreateOptions = {}): Promise<ZarrArray> {
    return this.createDataset(name, { ...opts, fillValue: null });
  }
  /**
   * Create an array filled with `fillValue` at `name`.
   * @example
   * const z = await root.full("nines", 9, { shape: [100], chunks: [10], dtype: "<i4" });
   */
  full<const O extends CreateOptions = {}>(name: string, fillValue: unknown, opts?: O): Promise<ArrayFor<O>>;
  async full(name: string, fillValue: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
    return this.createDataset(name, { ...opts, fillValue });
  }
  /**
   * Create an array holding `data` at `name`.
   * @example
   * const a = await root.array("data", arange(100).reshape(10, 10), { chunks: [5, 5] });  // root.array("data", np.arange(100).reshape(10, 10), chunks=(5, 5))
   */
  async array(name: string, data: unknown, opts: CreateOptions = {}): Promise<ZarrArray> {
    return this.createDataset(name, { ...opts, data });
  }

  /**
   * Close the group's store when it holds a resource (SQLite, LMDB, zip, a remote client); with
   * `await using` this happens when the block ends.
   * @example
   * await using root = await openGroup("data/example.zip", { mode: "w" });
   * await root.zeros("z", { shape: [10], chunks: [5], dtype: "i4" });
   * // the zip file is written and closed here
   */
  async close(): Promise<void> {
    await closeStore(this.store);
  }

  /** {@link ZarrGroup.close} at the end of an `await using` block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The hierarchy below this group, drawn as zarr-python's `tree()` does.
   * @example
   * console.log(String(await root.tree()));             // root.tree()
   * console.log(String(await root.tree({ level: 1 })));
   */
  async tree(opts: { level?: number } = {}): Promise<TreeView> {
    const lines: string[] = [this.path ? this.basename : "/"];
    const walk = async (g: ZarrGroup, indent: string, depth: number) => {
      if (opts.level !== undefined && depth >= opts.level) return;
      const names = await g.keys();
      for (let i = 0; i < names.length; i++) {
        const last = i === names.length - 1;
        const node = await g.get(names[i]);
        const label = node instanceof ZarrArray ? `${names[i]} (${node.shape.join(", ")}${node.shape.length === 1 ? "," : ""}) ${dtypeName(node.dt)}` : names[i];
        lines.push(indent + (last ? "└── " : "├── ") + label);
        if (node instanceof ZarrGroup) await walk(node, indent + (last ? "    " : "│   "), depth + 1);
      }
    };
    await walk(this, " ", 0);
    return new TreeView(lines.map((l, i) => (i === 0 ? l : l)).join("\n"));
  }

  /**
   * The diagnostics table zarr-python prints as `group.info`.
   * @example
   * console.log(String(await root.info()));  // root.info
   */
  async info(): Promise<InfoReport> {
    const arrays = await this.arrayKeys();
    const groups = await this.groupKeys();
    const items: [string, string][] = [
      ["Name", this.name],
      ["Type", "zarr.hierarchy.Group"],
      ["Read-only", this.readOnly ? "True" : "False"],
      ["Store type", storeTypeName(this.store)],
      ["No. members", String(arrays.length + groups.length)],
      ["No. arrays", String(arrays.length)],
      ["No. groups", String(groups.length)],
    ];
    if (arrays.length) items.push(["Arrays", arrays.join(", ")]);
    if (groups.length) items.push(["Groups", groups.join(", ")]);
    return new InfoReport(items);
  }
}

/**
 * The text of a `tree()`; `toString()` gives the drawing.
 * @example
 * const view = await root.tree({ level: 1 });
 * console.log(view.toString());                 // the drawing, as zarr-python prints it
 */
export class TreeView {
  constructor(readonly text: string) {}
  /** The drawing, as zarr-python's `tree()` prints it. */
  toString(): string {
    return this.text;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.text;
  }
}

/**
 * Create or open a group (zarr-python's `zarr.group`): a new in-memory store when none is given.
 * @example
 * const root = await group();                                  // zarr.group(): in memory
 * const onDisk = await group("data/group.zarr");               // zarr.group(store="data/group.zarr")
 * const foo = await root.createGroup("foo");
 */
export async function group(store?: StoreLike, opts: GroupOptions = {}): Promise<ZarrGroup> {
  const s = store === undefined ? (opts.store !== undefined ? asStore(opts.store) : new MemoryStore()) : asStore(store);
  const path = normalizeStoragePath(opts.path ?? "");
  if (opts.overwrite || !(await containsGroup(s, path))) {
    if (!opts.overwrite && (await containsArray(s, path))) throw new ContainsArrayError(`an array exists at path '${path}'`);
    await prepareNode(s, path, opts.overwrite ?? false);
    await s.set(pathPrefix(path) + ".zgroup", encodeGroupMetadata());
  }
  return new ZarrGroup(s, path, { readOnly: opts.readOnly, synchronizer: opts.synchronizer });
}

/**
 * Open a group with a mode (zarr-python's `open_group`): `r`/`r+` need it to exist, `a` creates it if
 * absent, `w` replaces what is there, `w-`/`x` fail if anything is there.
 * @example
 * const root = await openGroup("data/group.zarr", { mode: "a" });  // zarr.open_group("data/group.zarr", mode="a")
 * const bar = await root.requireGroup("foo/bar");
 */
export async function openGroup(store?: StoreLike, opts: GroupOptions = {}): Promise<ZarrGroup> {
  const s = store === undefined ? (opts.store !== undefined ? asStore(opts.store) : new MemoryStore()) : asStore(store);
  const path = normalizeStoragePath(opts.path ?? "");
  const mode = opts.mode ?? "a";
  const sync = { synchronizer: opts.synchronizer, readOnly: mode === "r" || opts.readOnly };
  switch (mode) {
    case "r":
    case "r+": {
      if (await containsArray(s, path)) throw new ContainsArrayError(`path '${path}' contains an array, not a group`);
      const raw = await s.get(pathPrefix(path) + ".zgroup");
      if (raw === undefined) throw new GroupNotFoundError(`no group at path '${path}'`);
      parseGroupMetadata(raw, pathPrefix(path) + ".zgroup");
      return new ZarrGroup(s, path, sync);
    }
    case "a":
      if (await containsGroup(s, path)) return new ZarrGroup(s, path, sync);
      return group(s, { ...opts, path });
    case "w":
      return group(s, { ...opts, path, overwrite: true });
    case "w-":
    case "x":
      if (await containsArray(s, path)) throw new ContainsArrayError(`an array already exists at path '${path}'`);
      if (await containsGroup(s, path)) throw new ContainsGroupError(`a group already exists at path '${path}'`);
      return group(s, { ...opts, path });
    default:
      throw new ZarrError(`unknown mode '${mode}'; use r, r+, a, w or w-`);
  }
}

export type { ChunksLike };
