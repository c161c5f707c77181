/**
 * The package root's `copy`: one name for two zarr operations. With a target array (and optional
 * operator options) it is the block-stream operator of `streams/copy.ts`; with a source node and a
 * destination group it is zarr-python's `zarr.copy` ({@link copyNode}).
 * @module
 */
import { ZarrArray } from "../src/array.ts";
import { copyNode, type CopyNodeOptions } from "../src/convenience.ts";
import { ZarrGroup } from "../src/group.ts";
import type { ArrayBlock, BlockInput } from "./types.ts";
import { copy as copyOperator, type CopyOptions } from "./copy.ts";
import type { ArrayOperator } from "./operator.ts";

/**
 * `copy(target, opts?)`: a block-stream operator writing every block into the array `target`
 * (see `streams` `copy`).
 * @example
 * // zarr.copy(source["foo"], dest, log=sys.stdout)
 * const [copied, skipped, bytes] = await copy(await source.get("foo"), dest, { log: console.log });
 * // as a stream operator: write every block of `src` into `dst`
 * await readable(src).pipeTo(copy(dst).sink);
 */
export function copy(target: ZarrArray, opts?: CopyOptions): ArrayOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput>;
/**
 * `copy(source, dest, opts?)`: copy an array or group into the group `dest`, as zarr-python's
 * `zarr.copy`; resolves to `[copied, skipped, bytesCopied]`.
 */
export function copy(source: ZarrArray | ZarrGroup, dest: ZarrGroup, opts?: CopyNodeOptions): Promise<[number, number, number]>;
export function copy(
  a: ZarrArray | ZarrGroup,
  b?: ZarrGroup | CopyOptions,
  c?: CopyNodeOptions,
): ArrayOperator<ArrayBlock | BlockInput, ArrayBlock | BlockInput> | Promise<[number, number, number]> {
  if (b instanceof ZarrGroup) return copyNode(a, b, c);
  if (!(a instanceof ZarrArray)) throw new TypeError("copy(target) needs a ZarrArray target; copy(source, dest) needs a ZarrGroup dest");
  return copyOperator(a, b as CopyOptions | undefined);
}
