/**
 * zarr.js (npm `zarr`) side of the benchmark, through its documented API: `create`, `openArray`,
 * `ZarrArray.get` / `.set` with `NestedArray` values. zarr.js ships no filesystem store, so this
 * module implements its `AsyncStore` interface over node:fs (its docs say any such object works).
 */
import { access, mkdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, KeyError, NestedArray, openArray } from "zarr";
import { NotAvailable, sourceData, type Getter, type Impl, type Task } from "../lib.ts";

/** A zarr.js AsyncStore over a directory (keys are relative paths, '.' separated chunk keys). */
class FsStore {
  /** Writes not yet finished: zarr.js's chunkSetItem calls setItem without awaiting it. */
  private pending = new Set<Promise<boolean>>();
  constructor(readonly root: string) {}
  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
  async getItem(key: string): Promise<ArrayBuffer> {
    try {
      const b = await readFile(join(this.root, key));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new KeyError(key);
      throw e;
    }
  }
  setItem(key: string, value: ArrayBuffer | string | Uint8Array): Promise<boolean> {
    const p = this.write(key, value);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => {});
    return p;
  }
  private async write(key: string, value: ArrayBuffer | string | Uint8Array): Promise<boolean> {
    const file = join(this.root, key);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof value === "string" ? value : value instanceof Uint8Array ? value : new Uint8Array(value));
    return true;
  }
  async deleteItem(key: string): Promise<boolean> {
    try {
      await unlink(join(this.root, key));
      return true;
    } catch {
      return false;
    }
  }
  async containsItem(key: string): Promise<boolean> {
    try {
      await access(join(this.root, key));
      return true;
    } catch {
      return false;
    }
  }
  async keys(): Promise<string[]> {
    return [];
  }
}

const open = (dir: string) => openArray({ store: new FsStore(dir) as any, mode: "r" });

export const impl: Impl = {
  name: "zarr.js",
  async version() {
    // From bench/impl, or from dist/bench/impl under --dist.
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../../node_modules/zarr/package.json", import.meta.url)), "utf8").catch(() => readFile(fileURLToPath(new URL("../../../node_modules/zarr/package.json", import.meta.url)), "utf8")));
    return pkg.version;
  },

  unavailable(op, w) {
    if (w.kind === "append") return "zarr.js has no resize or append API";
    if (w.kind === "rechunk") return "zarr.js has no copy or rechunk API";
    if (op === "read_into") return "zarr.js's get has no output-array parameter";
    if (w.compressor?.id === "zstd") return "zarr.js registers no zstd codec (only zlib, gzip, blosc)";
    return null;
  },

  async task(op, w, ctx): Promise<Task> {
    const na = this.unavailable(op, w);
    if (na) throw new NotAvailable(na);
    if (w.kind !== "array") throw new NotAvailable(`no ${op}`);
    const src = ctx.sharedArray(w);
    switch (op) {
      case "write": {
        const data = sourceData(w, ctx.shared);
        return {
          before: () => rm(ctx.outDir, { recursive: true, force: true }),
          run: async () => {
            const store = new FsStore(ctx.outDir);
            const z = await create({ shape: [...w.shape], chunks: [...w.chunks], dtype: w.dtype, compressor: w.compressor as any, fillValue: 0, store: store as any });
            await z.set(null, new NestedArray(data as any, [...w.shape], w.dtype));
            // zarr.js resolves set() before its chunk writes finish (chunkSetItem does not await
            // store.setItem); the write is only done when they are.
            await store.flush();
          },
          note: "set() + waiting for the store writes it does not await",
        };
      }
      case "read":
      case "read_row":
      case "read_col":
        break;
      default:
        throw new NotAvailable(`no ${op}`);
    }
    const sel = op === "read" ? null : op === "read_row" ? [w.row, null] : [null, w.col];
    return {
      run: async (): Promise<Getter> => {
        const a = (await (await open(src)).get(sel as any)) as { data: any };
        const d = a.data as any;
        if (op === "read") return (i, j) => d[i][j];
        if (op === "read_row") return (_i, j) => d[j];
        return (i) => d[i];
      },
    };
  },
};
