/**
 * RxJS entry points: an array's blocks as an Observable, for code that composes with RxJS operators
 * (`map`, `filter`, `mergeMap`, ...) and zarrflow's own operators in one `pipe(...)`.
 * @module
 */
import type { Observable } from "./rx-types.js";
import { rxjs } from "./rxjs-lazy.ts";
import type { ZarrArray } from "../src/array.ts";
import type { ArrayBlock, BlocksOptions } from "./types.ts";
import { blocks } from "./blocks.ts";
import { emitWithBackpressure } from "./operator.ts";

/**
 * The array's blocks as a cold Observable: each subscription reads the array afresh, chunk by chunk,
 * and unsubscribing stops the reads. The next chunk is requested once the previous emission returns
 * and, when a zarrflow operator downstream is full, once it has room again (see
 * `emitWithBackpressure`), so `fromArray(z).pipe(map(f), rechunk(...))` runs in bounded memory.
 * Asynchronous RxJS operators in between (`mergeMap`, …) buffer as RxJS always does; use
 * `readable(z)` when the consumer must set the pace regardless.
 * @example
 * fromArray(src).pipe(filter((b) => b.chunkCoords[0] % 2 === 0), copy(dst)).subscribe({ complete: () => console.log("done") });
 * fromArray(src).pipe(rechunk(dst, { maxMemory: 64 << 20 })).subscribe((p) => console.log(p.chunksDone));
 */
export function fromArray(z: ZarrArray, opts: BlocksOptions = {}): Observable<ArrayBlock> {
  return new (rxjs().Observable)<ArrayBlock>((sub) => {
    const ac = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, ac.signal]) : ac.signal;
    const it = blocks(z, { ...opts, signal });
    (async () => {
      try {
        for await (const b of it) {
          if (sub.closed) break;
          const wait = emitWithBackpressure(sub, b);
          if (wait) await wait;
        }
        sub.complete();
      } catch (e) {
        sub.error(e);
      }
    })();
    return () => ac.abort();
  });
}
