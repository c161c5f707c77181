/** zarrflow side of the benchmark: the package's public API, as a user would call it. */
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as zf from "../../src/internal.ts";
import { fillSlab, NotAvailable, sourceData, type Getter, type Impl, type Task } from "../lib.ts";
import type { CompressorSpec } from "../workloads.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function compressor(spec: CompressorSpec): zf.Codec | null {
  if (spec === null) return null;
  if (spec.id === "blosc") return new zf.Blosc({ cname: spec.cname, clevel: spec.clevel, shuffle: spec.shuffle, blocksize: spec.blocksize });
  return new zf.Zstd({ level: spec.level });
}

const store = (dir: string) => new zf.DirectoryStore(dir);
const open = (dir: string) => zf.openArray(store(dir), { mode: "r" });

/** streams/ exports, or null while it does not exist yet. */
async function streams(): Promise<Record<string, any> | null> {
  // index.ts from the sources, index.js from a compiled build (`npm run build`, `bench --dist`).
  const file = join(root, "streams", import.meta.url.endsWith(".js") ? "index.js" : "index.ts");
  if (!existsSync(file)) return null;
  return (await import(pathToFileURL(file).href)) as Record<string, any>;
}

/**
 * Drive a stream operator with `source`, whatever face it has. WHATWG faces come first because they
 * have backpressure (an RxJS `from(asyncIterable)` drains the source into the operator's queue):
 * `readable.pipeTo(op.sink)`, else `pipeThrough(op)` drained, else a WritableStream, else RxJS.
 */
async function drive(op: any, source: () => ReadableStream<unknown> | AsyncIterable<unknown>): Promise<string> {
  const rs = () => {
    const s = source();
    return s instanceof ReadableStream ? s : ((ReadableStream as any).from(s) as ReadableStream<unknown>);
  };
  if (op && op.sink && typeof op.sink.getWriter === "function") {
    await rs().pipeTo(op.sink as WritableStream);
    return "WHATWG pipeTo(op.sink)";
  }
  if (op && typeof op === "object" && "writable" in op && "readable" in op) {
    const out = rs().pipeThrough(op as TransformStream) as ReadableStream<unknown>;
    for await (const _ of out as unknown as AsyncIterable<unknown>) void _;
    return "WHATWG pipeThrough(op)";
  }
  if (op && typeof op.getWriter === "function") {
    const w = (op as WritableStream).getWriter();
    for await (const item of rs() as unknown as AsyncIterable<unknown>) {
      await w.ready;
      await w.write(item);
    }
    await w.close();
    return "WritableStream";
  }
  if (typeof op === "function") {
    const rx = await import("rxjs");
    await rx.lastValueFrom(rx.from(rs() as unknown as AsyncIterable<unknown>).pipe(op), { defaultValue: undefined });
    return "RxJS pipe(op)";
  }
  throw new NotAvailable(`the operator is ${Object.prototype.toString.call(op)}, a shape the benchmark does not know how to drive`);
}

export const impl: Impl = {
  name: "zarrflow",
  async version() {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    return `${pkg.version} (native codecs: ${zf.hasNativeCodecs() ? "yes" : "no — " + String((zf as any).nativeUnavailableReason ?? "unavailable")}, codec threads ${zf.getCodecThreads()})`;
  },

  unavailable(op) {
    // The streams operators are probed in task(): importing streams/ is not free.
    void op;
    return null;
  },

  async task(op, w, ctx): Promise<Task> {
    const clean = () => rm(ctx.outDir, { recursive: true, force: true });
    if (w.kind === "array") {
      const src = ctx.sharedArray(w);
      const [n, m] = w.shape;
      switch (op) {
        case "write": {
          const data = sourceData(w, ctx.shared);
          return {
            before: clean,
            run: async () => {
              const z = await zf.create({ shape: w.shape, chunks: w.chunks, dtype: w.dtype, compressor: compressor(w.compressor), store: store(ctx.outDir), overwrite: true });
              await z.set(null, zf.ndarray(data, w.shape, { dtype: w.dtype }));
            },
          };
        }
        case "read":
          return {
            run: async (): Promise<Getter> => {
              const a = await (await open(src)).get();
              const d = a.data as Int32Array;
              return (i, j) => d[i * m + j];
            },
          };
        case "read_into": {
          const out = zf.emptyNDArray(w.shape, w.dtype);
          (out.data as Int32Array).fill(0); // fault the pages in before timing, as a reused buffer would be
          const d = out.data as Int32Array;
          return {
            run: async (): Promise<Getter> => {
              await (await open(src)).get(null, { out });
              return (i, j) => d[i * m + j];
            },
            note: "get(null, { out })",
          };
        }
        case "read_row":
          return {
            run: async (): Promise<Getter> => {
              const a = await (await open(src)).get(`${w.row}, :`);
              return (_i, j) => (a.data as Int32Array)[j];
            },
          };
        case "read_col":
          return {
            run: async (): Promise<Getter> => {
              const a = await (await open(src)).get(`:, ${w.col}`);
              return (i) => (a.data as Int32Array)[i];
            },
          };
      }
      void n;
    }
    if (w.kind === "append") {
      const aw = w;
      const slabs = w.rows / w.slab;
      const createTarget = () =>
        zf.create({ shape: [0, w.width], chunks: [w.chunkRows, w.width], dtype: w.dtype, compressor: compressor(w.compressor), store: store(ctx.outDir), overwrite: true });
      if (op === "append") {
        const buf = new Float32Array(w.slab * w.width);
        return {
          before: clean,
          run: async () => {
            const z = await createTarget();
            for (let k = 0; k < slabs; k++) await z.append(zf.ndarray(fillSlab(w, k, buf), [w.slab, w.width], { dtype: w.dtype }));
          },
          note: "z.append loop",
        };
      }
      if (op === "append_op") {
        const mod = await streams();
        if (!mod || typeof mod.append !== "function") throw new NotAvailable("streams/ has no append operator yet");
        let how = "";
        return {
          before: clean,
          run: async () => {
            const z = await createTarget();
            // Fresh slab arrays: a stream may hold on to what it was given until it flushes.
            async function* gen() {
              for (let k = 0; k < slabs; k++) yield zf.ndarray(fillSlab(aw, k), [aw.slab, aw.width], { dtype: aw.dtype });
            }
            how = await drive(mod.append(z, { axis: 0 }), gen);
          },
          get note() {
            return `streams append operator (${how || "?"})`;
          },
        };
      }
    }
    if (w.kind === "rechunk") {
      const src = ctx.sharedArray(w);
      const createTarget = async () => {
        const z1 = await open(src);
        const z2 = await zf.create({ shape: w.shape, chunks: w.targetChunks, dtype: w.dtype, compressor: compressor(w.compressor), store: store(ctx.outDir), overwrite: true });
        return { z1, z2 };
      };
      if (op === "copy") {
        return {
          before: clean,
          run: async () => {
            const { z1, z2 } = await createTarget();
            await z2.set(null, z1);
          },
          note: "z2.set(null, z1)",
        };
      }
      if (op === "rechunk_op" || op === "rechunk_blocks") {
        const mod = await streams();
        if (!mod || typeof mod.rechunk !== "function") throw new NotAvailable("streams/ has no rechunk operator yet");
        const tmp = join(ctx.own, "rechunk-tmp.zarr");
        let how = "";
        return {
          before: async () => {
            await clean();
            await rm(tmp, { recursive: true, force: true });
          },
          run: async () => {
            const { z1, z2 } = await createTarget();
            const operator = mod.rechunk(z2, { maxMemory: w.budget, tempStore: store(tmp) });
            if (op === "rechunk_op") {
              // The source array itself as the operator's input: planned region reads.
              how = await drive(operator, async function* () {
                yield z1;
              });
            } else {
              // The source's chunk blocks as the input, assembled into regions by the operator.
              const blocks = typeof mod.readable === "function" ? () => mod.readable(z1) as ReadableStream<unknown> : typeof (z1 as any).readable === "function" ? () => (z1 as any).readable() : null;
              if (!blocks) throw new NotAvailable("no readable(array) block stream to feed the rechunk operator");
              how = await drive(operator, blocks);
            }
            await rm(tmp, { recursive: true, force: true });
          },
          get note() {
            return `streams rechunk(target, { maxMemory: ${w.budget / 2 ** 20} MiB, tempStore }) fed ${op === "rechunk_op" ? "the source array" : "readable(source) blocks"}, ${how || "?"}`;
          },
        };
      }
    }
    throw new NotAvailable(`no ${op} for ${w.id}`);
  },
};
