/**
 * zarrita.js side of the benchmark, through its documented API: `zarr.open`, `zarr.get`, `zarr.set`
 * with `FileSystemStore` from `@zarrita/storage`.
 *
 * `zarr.create` writes only Zarr v3 metadata, so the write op writes the same v2 `.zarray`
 * zarr-python would (one small JSON file, inside the timing) and fills the chunks with `zarr.set`;
 * the output is then a v2 array every implementation can read.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import { NotAvailable, sourceData, zarrayJson, type Getter, type Impl, type Task } from "../lib.ts";

const openV2 = (dir: string) => zarr.open.v2(new FileSystemStore(dir), { kind: "array", attrs: false });

export const impl: Impl = {
  name: "zarrita",
  async version() {
    // From bench/impl, or from dist/bench/impl under --dist.
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../../node_modules/zarrita/package.json", import.meta.url)), "utf8").catch(() => readFile(fileURLToPath(new URL("../../../node_modules/zarrita/package.json", import.meta.url)), "utf8")));
    return pkg.version;
  },

  unavailable(op, w) {
    if (w.kind === "append") return "zarrita has no resize or append API";
    if (w.kind === "rechunk") return "zarrita has no copy or rechunk API";
    if (op === "read_into") return "zarrita's get has no output-array parameter";
    return null;
  },

  async task(op, w, ctx): Promise<Task> {
    const na = this.unavailable(op, w);
    if (na) throw new NotAvailable(na);
    if (w.kind !== "array") throw new NotAvailable(`no ${op}`);
    const src = ctx.sharedArray(w);
    const m = w.shape[1];
    switch (op) {
      case "write": {
        const data = sourceData(w, ctx.shared);
        return {
          before: () => rm(ctx.outDir, { recursive: true, force: true }),
          run: async () => {
            await mkdir(ctx.outDir, { recursive: true });
            await writeFile(join(ctx.outDir, ".zarray"), zarrayJson(w, w.chunks));
            const arr = await openV2(ctx.outDir);
            await zarr.set(arr as any, null, { data, shape: [...w.shape], stride: [m, 1] } as any);
          },
          note: "v2 .zarray written as JSON + zarr.set",
        };
      }
      case "read":
        return {
          run: async (): Promise<Getter> => {
            const a = await zarr.get(await openV2(src), [null, null]);
            const d = a.data as Int32Array;
            return (i, j) => d[i * m + j];
          },
        };
      case "read_row":
        return {
          run: async (): Promise<Getter> => {
            const a = await zarr.get(await openV2(src), [w.row, null]);
            return (_i, j) => (a.data as Int32Array)[j];
          },
        };
      case "read_col":
        return {
          run: async (): Promise<Getter> => {
            const a = await zarr.get(await openV2(src), [null, w.col]);
            return (i) => (a.data as Int32Array)[i];
          },
        };
    }
    throw new NotAvailable(`no ${op}`);
  },
};
