/**
 * The operator shape shared by `append`, `copy`, `resize` and `rechunk`: one value that is at once a
 * WHATWG transform (`readable.pipeThrough(op)`), a sink (`readable.pipeTo(op.sink)`) and an RxJS
 * operator (`obs.pipe(op)`), with a progress feed. Operators are written once, as a WHATWG
 * `Transformer`, and get the other faces from here, so both worlds see the same behaviour.
 * @module
 */
import type { Observable, Subject } from "./rx-types.js";
import { rxjs } from "./rxjs-lazy.ts";
import type { Progress } from "./types.ts";
import { abortError, asAbort, checkAborted } from "./abort.ts";

/** Options every operator accepts. */
export interface OperatorOptions {
  /** Called with every progress event (besides the operator's `progress` Observable). */
  onProgress?: (p: Progress) => void;
  /**
   * Cancels the operator: both of its stream sides error with an `AbortError` (so a `pipeTo`/
   * `pipeThrough` pipeline and `done` reject, and the RxJS face errors), its background writes are
   * cancelled, and every chunk it touched is left either old or new. Nothing resolves as success
   * after an abort.
   */
  signal?: AbortSignal;
}

/**
 * A single-use stream transform from `I` to `O`. Use exactly one face: `pipeThrough`, `pipeTo(sink)`,
 * or RxJS `pipe`; the state behind them (buffers, counters) is one.
 */
export interface ArrayOperator<I, O> {
  /** RxJS face: `source$.pipe(op)`. Source values are queued into the transform in order. */
  (source: Observable<I>): Observable<O>;
  /** WHATWG face, as in `ReadableWritablePair`: `readable.pipeThrough(op)`. */
  readonly readable: ReadableStream<O>;
  readonly writable: WritableStream<I>;
  /** The writable end, with the outputs drained and dropped: for operators used as the last stage. */
  readonly sink: WritableStream<I>;
  /** Progress events; completes when the operator has flushed. */
  readonly progress: Observable<Progress>;
  /** Resolves when the operator has flushed everything, rejects with its failure. */
  readonly done: Promise<void>;
}

/** What an operator implementation receives: a way to report progress. */
export interface OperatorContext {
  /** Publish a progress event to `onProgress` and the operator's `progress` observable. */
  report(p: Progress): void;
}

/**
 * A transformer that may keep work running in the background between `transform` calls (append's
 * chunk-row writes); `settle()` waits for it, so an abort still leaves everything accepted so far
 * in the store.
 */
export type SettlingTransformer<I, O> = Transformer<I, O> & { settle?(): Promise<void> };

/**
 * Build an {@link ArrayOperator} from a transformer factory. The transform is created on first use,
 * so building an operator has no side effects until it is piped.
 * @example
 * // an operator doubling every block's values, usable with pipeThrough, pipeTo(op.sink) and RxJS pipe
 * const double = () => makeOperator<ArrayBlock, ArrayBlock>(() => ({
 *   transform(block, controller) {
 *     const data = astype(block.data, block.data.dtype);
 *     for (let i = 0; i < data.size; i++) (data.data as Float64Array)[i] *= 2;
 *     controller.enqueue({ ...block, data });
 *   },
 * }));
 * await readable(src).pipeThrough(double()).pipeTo(copy(dst).sink);
 */
export function makeOperator<I, O>(
  make: (ctx: OperatorContext) => SettlingTransformer<I, O>,
  opts: OperatorOptions & { writableHighWaterMark?: number; readableHighWaterMark?: number } = {},
): ArrayOperator<I, O> {
  // The progress Subject is made on first access of `op.progress`, so operators used without RxJS
  // never load it. A plain Subject drops events nobody listens to, so nothing is lost by waiting;
  // an operator that already ended hands its end to a late Subject.
  let subject: Subject<Progress> | null = null;
  let ended: { error: unknown } | "complete" | null = null;
  const progressSubject = (): Subject<Progress> => {
    if (subject) return subject;
    subject = new (rxjs().Subject)<Progress>();
    if (ended === "complete") subject.complete();
    else if (ended) subject.error(ended.error);
    return subject;
  };
  const progress = {
    next: (p: Progress) => subject?.next(p),
    error: (e: unknown) => {
      ended = { error: e };
      subject?.error(e);
    },
    complete: () => {
      ended = "complete";
      subject?.complete();
    },
  };
  let resolveDone!: () => void, rejectDone!: (e: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => {}); // a failure is also reported through the stream; awaiting `done` still throws
  const ctx: OperatorContext = {
    report(p) {
      opts.onProgress?.(p);
      progress.next(p);
    },
  };
  let pair: TransformStream<I, O> | null = null;
  let settled = false;
  let transformer: SettlingTransformer<I, O> | null = null;
  const get = (): TransformStream<I, O> => {
    if (pair) return pair;
    const t = make(ctx);
    transformer = t;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      rejectDone(e);
      progress.error(e);
    };
    const signal = opts.signal;
    pair = new TransformStream<I, O>(
      {
        async start(controller) {
          if (signal) {
            const onAbort = () => {
              const e = abortError(signal);
              fail(e);
              controller.error(e);
            };
            if (signal.aborted) return onAbort();
            signal.addEventListener("abort", onAbort, { once: true });
          }
          await t.start?.(controller);
        },
        async transform(chunk, controller) {
          try {
            checkAborted(signal);
            if (t.transform) await t.transform(chunk, controller);
            else controller.enqueue(chunk as unknown as O);
            checkAborted(signal);
          } catch (e) {
            const err = asAbort(e, signal);
            fail(err);
            throw err;
          }
        },
        async flush(controller) {
          try {
            checkAborted(signal);
            await t.flush?.(controller);
            checkAborted(signal);
          } catch (e) {
            const err = asAbort(e, signal);
            fail(err);
            throw err;
          }
          if (settled) return;
          settled = true;
          resolveDone();
          progress.complete();
        },
      },
      new CountQueuingStrategy({ highWaterMark: opts.writableHighWaterMark ?? 1 }),
      new CountQueuingStrategy({ highWaterMark: opts.readableHighWaterMark ?? 0 }),
    );
    return pair;
  };
  const op = ((source: Observable<I>) => rxThrough(source, get())) as ArrayOperator<I, O>;
  /** The writable side, with an abort that first lets background work settle. */
  let front: WritableStream<I> | null = null;
  const writableFront = (): WritableStream<I> => {
    if (front) return front;
    const inner = get().writable.getWriter();
    front = new WritableStream<I>(
      {
        async write(chunk) {
          await inner.ready;
          await inner.write(chunk);
        },
        close: () => inner.close(),
        async abort(reason) {
          await transformer?.settle?.().catch(() => {});
          await inner.abort(reason);
        },
      },
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    return front;
  };
  Object.defineProperties(op, {
    readable: { get: () => get().readable },
    writable: { get: writableFront },
    sink: {
      get: () => {
        const p = get();
        p.readable.pipeTo(new WritableStream<O>()).catch(() => {});
        return writableFront();
      },
    },
    progress: { get: () => progressSubject().asObservable() },
    done: { value: done },
  });
  return op;
}

/** Demand promises collected during one synchronous emission (see {@link emitWithBackpressure}). */
let collecting: Promise<unknown>[] | null = null;

/**
 * Emit `value` and return a promise that resolves when every backpressure-aware consumer reached
 * synchronously by this emission has room again (or null when none was reached). RxJS has no demand
 * protocol, but `map`, `filter`, `tap` and friends pass values on synchronously, so a producer like
 * {@link fromArray} can learn, within the same call, that a zarrflow operator downstream is full and
 * wait before reading the next chunk. Asynchronous operators in between (`mergeMap`, `delay`) cut
 * the link, and values then queue as usual in RxJS.
 * @example
 * // inside a custom Observable producer: wait while a zarrflow operator downstream is full
 * const source = new Observable<ArrayBlock>((sub) => {
 *   (async () => {
 *     for await (const block of blocks(z)) await emitWithBackpressure(sub, block);
 *     sub.complete();
 *   })().catch((e) => sub.error(e));
 * });
 */
export function emitWithBackpressure<T>(sub: { next(v: T): void }, value: T): Promise<void> | null {
  const prev = collecting;
  const mine: Promise<unknown>[] = [];
  collecting = mine;
  try {
    sub.next(value);
  } finally {
    collecting = prev;
  }
  return mine.length ? Promise.all(mine).then(() => undefined) : null;
}

/**
 * Called by a consumer inside an emission: the producer should wait for `ready` before the next value.
 * @example
 * // inside a consumer's next(): ask the producer to wait until this write is done
 * fromArray(src).subscribe({ next: (block) => signalDemand(writer.write(block)) });
 */
export function signalDemand(ready: Promise<unknown>): void {
  collecting?.push(ready);
}

/**
 * Run an Observable through a WHATWG transform. Producers that use {@link emitWithBackpressure}
 * (such as `fromArray`) wait while the transform's queue is full; other Observables push, and their
 * values wait in the queue.
 * @example
 * const upper = new TransformStream<string, string>({ transform: (s, c) => c.enqueue(s.toUpperCase()) });
 * rxThrough(of("a", "b"), upper).subscribe(console.log);  // "A", "B"
 */
export function rxThrough<I, O>(source: Observable<I>, pair: ReadableWritablePair<O, I>): Observable<O> {
  return new (rxjs().Observable)<O>((sub) => {
    const writer = pair.writable.getWriter();
    const reader = pair.readable.getReader();
    const inSub = source.subscribe({
      next: (v) => {
        writer.write(v).catch(() => {});
        if (writer.desiredSize !== null && writer.desiredSize <= 0) signalDemand(writer.ready.catch(() => {}));
      },
      error: (e) => void writer.abort(e).catch(() => {}),
      complete: () => void writer.close().catch(() => {}),
    });
    (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          sub.next(value);
        }
        sub.complete();
      } catch (e) {
        sub.error(e);
      }
    })();
    return () => {
      inSub.unsubscribe();
      reader.cancel().catch(() => {});
    };
  });
}

/**
 * A ReadableStream as an Observable (pulls one value per emission; unsubscribing cancels).
 * @example
 * fromReadable(readable(z)).pipe(map((b) => b.chunkCoords)).subscribe(console.log);
 */
export function fromReadable<T>(stream: ReadableStream<T>): Observable<T> {
  return new (rxjs().Observable)<T>((sub) => {
    const reader = stream.getReader();
    (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || sub.closed) break;
          sub.next(value);
        }
        sub.complete();
      } catch (e) {
        sub.error(e);
      }
    })();
    return () => void reader.cancel().catch(() => {});
  });
}

/**
 * An Observable as a ReadableStream. Producers using {@link emitWithBackpressure} (`fromArray`)
 * pause while the stream's queue is full; values of other Observables are buffered (an Observable
 * cannot be paused). Use it where a push source enters a pull pipeline.
 * @example
 * await toReadable(fromArray(src)).pipeTo(copy(dst).sink);
 */
export function toReadable<T>(source: Observable<T>): ReadableStream<T> {
  let sub: { unsubscribe(): void } | null = null;
  let room: { promise: Promise<void>; resolve: () => void } | null = null;
  return new ReadableStream<T>({
    start(controller) {
      sub = source.subscribe({
        next: (v) => {
          controller.enqueue(v);
          if ((controller.desiredSize ?? 1) <= 0) {
            if (!room) {
              let resolve!: () => void;
              const promise = new Promise<void>((r) => (resolve = r));
              room = { promise, resolve };
            }
            signalDemand(room.promise);
          }
        },
        error: (e) => controller.error(e),
        complete: () => controller.close(),
      });
    },
    pull() {
      room?.resolve();
      room = null;
    },
    cancel() {
      room?.resolve();
      sub?.unsubscribe();
    },
  });
}

/**
 * Start a stream of values from an (async) iterable; pulls lazily, so the source sets the pace.
 * @example
 * await readableFrom(rows).pipeTo(append(series).sink);   // rows: any iterable or async iterable of slabs
 */
export function readableFrom<T>(items: Iterable<T> | AsyncIterable<T>): ReadableStream<T> {
  const it = Symbol.asyncIterator in (items as object) ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  return new ReadableStream<T>(
    {
      async pull(controller) {
        const r = await it.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      async cancel() {
        await it.return?.();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 1 }),
  );
}
