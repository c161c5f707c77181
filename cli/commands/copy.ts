/**
 * `copy` (zarr.copy of an array or group, re-encoding chunks) and `copy-store` (raw keys).
 * @module
 */
import {
  ZarrArray, ZarrGroup, containsArray, containsGroup, copyAll, copyNode, copyStore, open, openGroup,
} from "../../src/internal.ts";
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { newMeter } from "../guard.ts";
import { keyPrefix, listStoreKeys } from "../keys.ts";

type IfExists = "raise" | "replace" | "skip" | "skip_initialized";

/** Options of `zarrflow copy`. */
export interface CopyCommandOptions {
  name?: string;
  ifExists?: string;
  dryRun?: boolean;
  shallow?: boolean;
  withoutAttrs?: boolean;
}

function checkIfExists(v: string | undefined, allowed: string[]): IfExists {
  const x = v ?? "raise";
  if (!allowed.includes(x)) throw new UsageError(`--if-exists must be one of ${allowed.join(", ")}, got '${x}'`);
  return x as IfExists;
}

/** A log sink that collects lines for `--json`, prints them otherwise, and stops the work once interrupted. */
function logSink(ctx: CliContext, lines: string[], onLine?: (line: string) => void): (line: string) => void {
  return (line) => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    onLine?.(line);
    if (ctx.json) lines.push(line);
    else ctx.out(line);
  };
}

async function countChunks(node: ZarrArray | ZarrGroup, shallow: boolean, root = true): Promise<number> {
  if (node instanceof ZarrArray) return node.shape.every((n) => n > 0) ? node.nchunks : 0;
  if (shallow && !root) return 0;
  let n = 0;
  for (const [, m] of await node.members()) n += await countChunks(m, shallow, false);
  return n;
}

/**
 * `zarrflow copy SRC DEST`: copy the array or group at SRC (zarr-python's `zarr.copy`, printing its
 * log lines). When DEST is an existing group the node is copied into it under its own name (a root
 * group's members are copied, as `copy_all`); otherwise DEST names the copy.
 */
export async function copyCommand(ctx: CliContext, srcTarget: string, dstTarget: string, o: CopyCommandOptions): Promise<number> {
  const ifExists = checkIfExists(o.ifExists, ["raise", "replace", "skip", "skip_initialized"]);
  const src = await ctx.openStore(srcTarget, { mode: "r" });
  const source = await open(ctx.guard(src.store), { mode: "r", path: src.path });
  const dst = await ctx.openStore(dstTarget, { mode: "w" });
  const meter = newMeter();
  const store = ctx.guard(dst.store, meter);
  const total = await countChunks(source, o.shallow ?? false);
  const progress = ctx.progress("copy");
  meter.onChange = () => progress.update({ done: meter.chunkWrites, total, bytes: meter.bytesWritten });
  const lines: string[] = [];
  const log = logSink(ctx, lines);
  const opts = { log, ifExists, dryRun: o.dryRun, shallow: o.shallow, withoutAttrs: o.withoutAttrs };
  let result: [number, number, number];
  let completed = false;
  try {
    progress.update({ done: 0, total, bytes: 0 });
    const destIsGroup = await containsGroup(store, dst.path);
    if (destIsGroup || dst.path === "") {
      const destGroup = await openGroup(store, { mode: "a", path: dst.path });
      const name = o.name ?? (source.basename || undefined);
      if (name === undefined) {
        if (!(source instanceof ZarrGroup)) throw new UsageError(`${srcTarget} is an array at a store root; give --name for the copy`);
        result = await copyAll(source, destGroup, opts);
      } else {
        result = await copyNode(source, destGroup, { ...opts, name });
      }
    } else {
      if ((await containsArray(store, dst.path)) && ifExists === "raise") throw new UsageError(`${dstTarget} is an existing array; use --if-exists replace to overwrite it`);
      const parts = dst.path.split("/");
      const name = o.name ?? parts.pop()!;
      const destGroup = await openGroup(store, { mode: "a", path: parts.join("/") });
      result = await copyNode(source, destGroup, { ...opts, name });
    }
    completed = true;
  } finally {
    progress.stop(completed && !ctx.signal.aborted);
  }
  const [copied, skipped, bytes] = result;
  if (ctx.json) ctx.outJson({ copied, skipped, bytesCopied: bytes, chunksWritten: meter.chunkWrites, log: lines });
  return 0;
}

/** Options of `zarrflow copy-store`. */
export interface CopyStoreCommandOptions {
  ifExists?: string;
  dryRun?: boolean;
  exclude?: string[];
  include?: string[];
}

/**
 * `zarrflow copy-store SRC DEST`: copy keys as they are, without decoding (zarr-python's
 * `copy_store`), from the node at SRC to the path DEST names.
 */
export async function copyStoreCommand(ctx: CliContext, srcTarget: string, dstTarget: string, o: CopyStoreCommandOptions): Promise<number> {
  const ifExists = checkIfExists(o.ifExists, ["raise", "replace", "skip"]) as "raise" | "replace" | "skip";
  const src = await ctx.openStore(srcTarget, { mode: "r" });
  const dst = await ctx.openStore(dstTarget, { mode: "w" });
  const srcStore = ctx.guard(src.store);
  const meter = newMeter();
  const dstStore = ctx.guard(dst.store, meter);
  const filtered = (o.exclude?.length ?? 0) > 0;
  const total = filtered ? null : (await listStoreKeys(src.store, keyPrefix(src.path))).length;
  const progress = ctx.progress("copy-store", "keys");
  let done = 0;
  meter.onChange = () => progress.update({ done, total, bytes: meter.bytesWritten });
  const lines: string[] = [];
  const log = logSink(ctx, lines, (line) => {
    if (line.startsWith("copy ") || line.startsWith("skip ")) {
      done++;
      progress.update({ done, total, bytes: meter.bytesWritten });
    }
  });
  let completed = false;
  let result: [number, number, number];
  try {
    progress.update({ done: 0, total, bytes: 0 });
    result = await copyStore(srcStore, dstStore, {
      sourcePath: src.path, destPath: dst.path, ifExists, dryRun: o.dryRun, excludes: o.exclude, includes: o.include, log,
    });
    completed = true;
  } finally {
    progress.stop(completed && !ctx.signal.aborted);
  }
  const [copied, skipped, bytes] = result;
  if (ctx.json) ctx.outJson({ copied, skipped, bytesCopied: bytes, log: lines });
  return 0;
}
