/**
 * Read-only commands: `info`, `tree`, `ls`, `cat`, `attrs`.
 * @module
 */
import { NDArray, ZarrArray, ZarrGroup, dtypeName } from "../../src/internal.ts";
import { shapeRepr, type CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";

/** Common options of node commands. */
export interface NodeOptions {
  /** Node path inside the store, instead of appending it to the store path. */
  path?: string;
}

/** `zarrflow info PATH`: zarr-python's `.info` table of an array or group. */
export async function infoCommand(ctx: CliContext, target: string, o: NodeOptions): Promise<number> {
  const { node } = await ctx.openNode(target, o);
  const report = await node.info();
  if (ctx.json) ctx.outJson(report.toObject());
  else ctx.out(report.toString().replace(/\n$/, ""));
  return 0;
}

/** A node of the `tree --json` output. */
export interface TreeNode {
  name: string;
  path: string;
  type: "array" | "group";
  shape?: number[];
  dtype?: string;
  chunks?: number[];
  children?: TreeNode[];
}

async function describe(name: string, node: ZarrArray | ZarrGroup, depth: number, level: number | undefined): Promise<TreeNode> {
  if (node instanceof ZarrArray) {
    return { name, path: node.path, type: "array", shape: node.shape, dtype: node.dtype, chunks: node.chunks };
  }
  const out: TreeNode = { name, path: node.path, type: "group", children: [] };
  if (level !== undefined && depth >= level) return out;
  for (const [k, child] of await node.members()) out.children!.push(await describe(k, child, depth + 1, level));
  return out;
}

/** `zarrflow tree PATH [--level N]`: the hierarchy as zarr-python's `tree()` draws it. */
export async function treeCommand(ctx: CliContext, target: string, o: NodeOptions & { level?: number }): Promise<number> {
  const { node } = await ctx.openNode(target, o);
  if (ctx.json) {
    ctx.outJson(await describe(node.basename ?? "/", node, 0, o.level));
    return 0;
  }
  if (node instanceof ZarrArray) ctx.out(`${node.basename ?? "/"} ${shapeRepr(node.shape)} ${dtypeName(node.dt)}`);
  else ctx.out((await node.tree({ level: o.level })).toString());
  return 0;
}

/** `zarrflow ls PATH`: the members of a group (or the one array), one per line. */
export async function lsCommand(ctx: CliContext, target: string, o: NodeOptions): Promise<number> {
  const { node } = await ctx.openNode(target, o);
  const members: [string, ZarrArray | ZarrGroup][] = node instanceof ZarrGroup ? await node.members() : [[node.basename ?? "/", node]];
  const rows = members.map(([name, m]) => (m instanceof ZarrArray
    ? { name, path: m.path, type: "array" as const, shape: m.shape, dtype: m.dtype, chunks: m.chunks, compressor: m.compressor?.toString() ?? null }
    : { name, path: m.path, type: "group" as const }));
  if (ctx.json) {
    ctx.outJson(rows);
    return 0;
  }
  const cells = rows.map((r) => (r.type === "array"
    ? [r.name, "array", shapeRepr(r.shape), dtypeName((members.find(([n]) => n === r.name)![1] as ZarrArray).dt), `chunks=${shapeRepr(r.chunks)}`, r.compressor ?? "None"]
    : [r.name + "/", "group"]));
  const widths: number[] = [];
  for (const c of cells) c.forEach((x, i) => (widths[i] = Math.max(widths[i] ?? 0, x.length)));
  for (const c of cells) ctx.out(c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]))).join("  "));
  return 0;
}

/** A scalar as numpy prints it in `print(z[i])`. */
function scalarText(v: unknown): string {
  if (typeof v === "number") return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null || v === undefined) return "None";
  if (typeof v === "string") return v;
  if (v instanceof NDArray) return v.toString();
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Arrays above this many bytes need a selection for `cat`. */
const CAT_WHOLE_LIMIT = 256 * 2 ** 20;

/** `zarrflow cat PATH [SELECTION]`: values of an array (or a numpy-style selection of it). */
export async function catCommand(ctx: CliContext, target: string, selection: string | undefined, o: NodeOptions): Promise<number> {
  const { node } = await ctx.openArrayNode(target, o);
  const sel = selection === undefined || selection.trim() === "" ? null : selection;
  if (sel === null && node.nbytes > CAT_WHOLE_LIMIT) {
    throw new UsageError(`${target} holds ${node.nbytes} bytes; give a selection such as "0:10" to print part of it`);
  }
  const r: unknown = await node.get(sel as never);
  if (ctx.json) {
    if (r instanceof NDArray) ctx.outJson({ path: node.path, selection: sel, shape: r.shape, dtype: r.dtype, data: r.toArray() });
    else ctx.outJson({ path: node.path, selection: sel, shape: [], dtype: node.dtype, data: r });
    return 0;
  }
  ctx.out(scalarText(r));
  return 0;
}

/** `zarrflow attrs PATH`: the user attributes as JSON. */
export async function attrsCommand(ctx: CliContext, target: string, o: NodeOptions): Promise<number> {
  const { node } = await ctx.openNode(target, o);
  const attrs = await node.attrs.asObject();
  if (ctx.json) ctx.outJson(attrs);
  else ctx.out(JSON.stringify(attrs, null, 2));
  return 0;
}
