/**
 * Commands that write metadata: `create` and `consolidate`.
 * @module
 */
import { consolidateMetadata, openArray, parseDtype, type OpenMode } from "../../src/internal.ts";
import { shapeRepr, type CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { parseCompressor, parseFillValue, parseIntList } from "../parse.ts";

/** Options of `zarrflow create`. */
export interface CreateCommandOptions {
  shape: string;
  chunks?: string;
  dtype: string;
  compressor?: string;
  fillValue?: string;
  order?: string;
  dimensionSeparator?: string;
  overwrite?: boolean;
  path?: string;
}

/**
 * `zarrflow create PATH --shape 100,100 --chunks 10,10 --dtype <i4 [--compressor zstd:3]
 * [--fill-value 0]`: a new, empty array. Refuses to replace an existing node unless `--overwrite`.
 */
export async function createCommand(ctx: CliContext, target: string, o: CreateCommandOptions): Promise<number> {
  const shape = parseIntList("--shape", o.shape);
  const chunks = o.chunks === undefined ? true : parseIntList("--chunks", o.chunks, true).map((c) => (c === -1 ? null : c));
  if (Array.isArray(chunks) && chunks.length !== shape.length) throw new UsageError(`--chunks has ${chunks.length} values but --shape has ${shape.length}`);
  try {
    parseDtype(o.dtype);
  } catch (e) {
    throw new UsageError(`--dtype: ${(e as Error).message}`);
  }
  const compressor = o.compressor === undefined ? undefined : parseCompressor("--compressor", o.compressor);
  if (o.order !== undefined && o.order !== "C" && o.order !== "F") throw new UsageError(`--order must be C or F, got '${o.order}'`);
  const sep = o.dimensionSeparator;
  if (sep !== undefined && sep !== "." && sep !== "/") throw new UsageError(`--dimension-separator must be '.' or '/', got '${sep}'`);
  const { store, path } = await ctx.openStore(target, { mode: "w", path: o.path });
  const mode: OpenMode = o.overwrite ? "w" : "w-";
  const z = await openArray(store, {
    mode, path, shape, chunks, dtype: o.dtype, fillValue: parseFillValue(o.fillValue, o.dtype),
    order: o.order as "C" | "F" | undefined, dimensionSeparator: sep as "." | "/" | undefined,
    ...(compressor !== undefined ? { compressor } : {}),
  });
  if (ctx.json) {
    ctx.outJson({ created: true, path: z.path, shape: z.shape, chunks: z.chunks, dtype: z.dtype, compressor: z.compressor?.getConfig() ?? null, fillValue: z.fillValue });
  } else {
    ctx.out(`created ${z.path ? "/" + z.path : "/"} ${shapeRepr(z.shape)} ${z.dtype} chunks=${shapeRepr(z.chunks)} compressor=${z.compressor?.toString() ?? "None"}`);
  }
  return 0;
}

/** `zarrflow consolidate PATH`: write `.zmetadata` (zarr-python's `consolidate_metadata`). */
export async function consolidateCommand(ctx: CliContext, target: string, o: { path?: string; metadataKey?: string }): Promise<number> {
  const { store, path } = await ctx.openStore(target, { mode: "w", path: o.path });
  if (path) throw new UsageError(`consolidate works on a whole store; give the store root, not '${path}' inside it`);
  if ((await store.get(".zgroup")) === undefined) throw new UsageError(`${target}: no zarr group at the store root (missing '.zgroup')`);
  const key = o.metadataKey ?? ".zmetadata";
  const g = await consolidateMetadata(store, { metadataKey: key });
  const members = (await g.keys()).length;
  if (ctx.json) ctx.outJson({ consolidated: true, key, members });
  else ctx.out(`wrote ${key} (${members} top-level members)`);
  return 0;
}
