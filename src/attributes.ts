/**
 * User attributes of an array or group, persisted as `.zattrs` JSON exactly as zarr-python writes it.
 * @module
 */
import { ReadOnlyError, MetadataError } from "./errors.ts";
import { encodeJson, parseJson } from "./metadata/json.ts";
import type { Store } from "./stores/store.ts";
import { withLock, type Synchronizer } from "./synchronizer.ts";

/**
 * Async map-like access to `.zattrs`. Every call reads the store, so other writers' changes are seen.
 * @example
 * await z.attrs.put({ units: "m", scale: 0.5 });   // z.attrs.put({...})
 * await z.attrs.set("units", "km");                 // z.attrs["units"] = "km"
 * console.log(await z.attrs.asObject());           // dict(z.attrs)
 */
export class Attributes {
  constructor(
    readonly store: Store,
    /** The `.zattrs` key, e.g. `foo/bar/.zattrs`. */
    readonly key: string,
    readonly readOnly = false,
    private readonly synchronizer?: Synchronizer | null,
    /** Consolidated metadata, when opened through `.zmetadata`: read without touching the store. */
    private cached?: Record<string, unknown>,
  ) {}

  /** All attributes as a plain object. */
  async asObject(): Promise<Record<string, unknown>> {
    if (this.cached) return structuredClone(this.cached);
    const raw = await this.store.get(this.key);
    if (raw === undefined) return {};
    const v = parseJson(raw, this.key);
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new MetadataError(`${this.key}: attributes must be a JSON object`);
    return v as Record<string, unknown>;
  }

  /** One attribute, or undefined. */
  async get(name: string): Promise<unknown> {
    return (await this.asObject())[name];
  }

  /** Whether an attribute exists. */
  async has(name: string): Promise<boolean> {
    return name in (await this.asObject());
  }

  /** Attribute names, sorted as zarr-python's `sorted(attrs)`. */
  async keys(): Promise<string[]> {
    return Object.keys(await this.asObject()).sort();
  }

  /** Set one attribute. */
  async set(name: string, value: unknown): Promise<void> {
    await this.update({ [name]: value });
  }

  /** Set several attributes at once (one read and one write). */
  async update(values: Record<string, unknown>): Promise<void> {
    await this.mutate((obj) => Object.assign(obj, values));
  }

  /** Delete one attribute. */
  async delete(name: string): Promise<void> {
    await this.mutate((obj) => {
      if (!(name in obj)) throw new MetadataError(`no attribute '${name}' in ${this.key}`);
      delete obj[name];
    });
  }

  /** Replace all attributes. */
  async put(values: Record<string, unknown>): Promise<void> {
    await this.mutate((obj) => {
      for (const k of Object.keys(obj)) delete obj[k];
      Object.assign(obj, values);
    });
  }

  private async mutate(fn: (obj: Record<string, unknown>) => void): Promise<void> {
    if (this.readOnly) throw new ReadOnlyError(`attributes at '${this.key}' are read-only`);
    await withLock(this.synchronizer, this.key, async () => {
      const obj = await this.asObject();
      fn(obj);
      await this.store.set(this.key, encodeJson(obj));
      if (this.cached) this.cached = obj;
    });
  }
}
