// Type-checked by .ci/package-smoke.sh after `npm install rxjs` in the consumer project: with the
// optional peer installed, zarrflow's Observables are rxjs's own, so they pipe and type as usual.
import { lastValueFrom, toArray, type Observable } from "rxjs";
import { rechunk, zeros, type ArrayBlock } from "zarrflow";
import { fromArray } from "zarrflow/streams";

export async function rxRechunk(): Promise<number> {
  const src = await zeros([100], { chunks: [10], dtype: "<i4" });
  await src.set(null, 3);
  const dst = await zeros([100], { chunks: [25], dtype: "<i4" });
  const blocks: Observable<ArrayBlock> = fromArray(src);
  const written: unknown[] = await lastValueFrom(blocks.pipe(rechunk(dst), toArray()));
  return written.length;
}
