/**
 * `append(target, { axis })`: the ingestion sink. Rows (or slabs of any size) arrive one by one; the
 * operator buffers them up to the next chunk boundary along `axis` and writes each chunk row once,
 * instead of rewriting the tail chunk on every small append as `ZarrArray.append` must.
 * @module
 */
import type { ZarrArray } from "../src/array.ts";
import { chunkAccess } from "../src/array/chunk-access.ts";
import { IndexError, ReadOnlyError, ShapeError } from "../src/errors.ts";
import type { ArrayBlock } from "./types.ts";
import { allocate } from "../src/dtype/elements.ts";
import type { NormalizedDim } from "../src/indexing/slice.ts";
import { asNDArray, NDArray } from "../src/ndarray/ndarray.ts";
import { cStrides, product } from "../src/ndarray/strided.ts";
import { copyBox, subView } from "./blocks.ts";
import { makeOperator, type ArrayOperator, type OperatorOptions } from "./operator.ts";

/** What `append` accepts: an NDArray (or anything `asNDArray` takes), a block, or a single row. */
export type AppendInput = NDArray | ArrayBlock | ArrayLike<unknown> | number | bigint | unknown[];

/** Emitted after each flush: the array now holds `shape`, and rows `rows` along the axis were just written. */
export interface AppendEvent {
  shape: number[];
  rows: [number, number];
  /** Chunks written by this flush. */
  chunksWritten: number;
  /** Uncompressed bytes written by this flush. */
  bytesWritten: number;
  /** True for the tail flushed on close. */
  final: boolean;
}

/** Options of {@link append}. */
export interface AppendOptions extends OperatorOptions {
  /** Axis to grow (default 0; negative counts from the end). */
  axis?: number;
  /** Chunk writes in flight during a flush (default: the I/O concurrency). */
  concurrency?: number;
}

/**
 * Append a stream of slabs to `target` along `axis`. Guarantees:
 * - every chunk is encoded and written once per pass over it (a chunk row is written when full;
 *   the partial tail once, on close; a pre-existing partial tail chunk is read back once and
 *   rewritten once, when its row fills);
 * - memory holds at most one chunk row plus the slab being consumed;
 * - the shape grows only after the rows it covers are in the store, so a crash loses at most the
 *   unflushed tail and readers never see metadata pointing past written data.
 * A slab may have the target's rank (any length along `axis`) or one less (a single row).
 * One appender per array: concurrent appenders would race on the shape.
 * @example
 * const series = await zeros([0, 3], { chunks: [1000, 3], dtype: "<f8" });
 * const ingest = append(series, { axis: 0 });            // buffers rows to chunk boundaries
 * await sensorReadings.pipeTo(ingest.sink);              // a ReadableStream of rows or slabs
 * console.log(series.shape);                             // [rowsReceived, 3]
 */
export function append(target: ZarrArray, opts: AppendOptions = {}): ArrayOperator<AppendInput, AppendEvent> {
  const nd = target.ndim;
  let axis = opts.axis ?? 0;
  if (axis < 0) axis += nd;
  if (nd === 0 || axis < 0 || axis >= nd) throw new IndexError(`axis ${opts.axis ?? 0} is out of bounds for an array of ${nd} dimensions`);
  if (target.readOnly) throw new ReadOnlyError(`array '${target.path || "/"}' is read-only`);
  return makeOperator<AppendInput, AppendEvent>((ctx) => {
    const c = target.chunks[axis];
    const dt = target.dt;
    const access = chunkAccess(target);
    let base = 0; // first row of the buffered chunk row (a multiple of c)
    let fill = 0; // rows buffered
    let other: number[] = []; // the target's shape with `axis` set to c
    let buffer: NDArray;
    let dirty = false; // rows arrived since the last flush (a re-read old tail alone is not rewritten)
    let rowsTotal = 0, chunksTotal = 0, bytesTotal = 0;
    const chunksPerRow = () => product(target.cdataShape.filter((_, d) => d !== axis));

    const writeRows = async (src: NDArray, start: number, count: number, final: boolean, controller: TransformStreamDefaultController<AppendEvent>) => {
      const sel: NormalizedDim[] = other.map((n, d) => (d === axis ? { kind: "slice", start, step: 1, count } : { kind: "slice", start: 0, step: 1, count: n }));
      // Rows past the stored shape: the shape grows only after they are in the store.
      await access.writeSelection(sel, src, { concurrency: opts.concurrency, beyondShape: true });
      const newShape = target.shape.map((n, d) => (d === axis ? start + count : n));
      await target.resize(newShape); // metadata after data: never points past written rows
      const rowsOfChunks = Math.ceil((start + count) / c) - Math.floor(start / c);
      const chunks = rowsOfChunks * chunksPerRow();
      const bytes = src.size * target.itemsize;
      chunksTotal += chunks;
      bytesTotal += bytes;
      controller.enqueue({ shape: newShape, rows: [start, start + count], chunksWritten: chunks, bytesWritten: bytes, final });
      ctx.report({ operation: "append", chunksDone: chunksTotal, chunksTotal: null, bytesDone: bytesTotal, bytesTotal: null });
    };

    const toSlab = (x: AppendInput): NDArray => {
      const v = x as { selection?: unknown; data?: unknown };
      let a = v && typeof v === "object" && "data" in v && "selection" in v ? asNDArray(v.data, target.dtype) : asNDArray(x, target.dtype);
      if (a.shape.length === nd - 1) {
        // One row: insert the axis with length 1 (a view).
        const shape = [...a.shape], strides = [...a.strides];
        shape.splice(axis, 0, 1);
        strides.splice(axis, 0, 0);
        a = new NDArray(a.data, shape, a.dt, strides, a.offset);
      }
      if (a.shape.length !== nd || a.shape.some((n, d) => d !== axis && n !== other[d])) {
        throw new ShapeError(`cannot append data of shape (${a.shape.join(", ")}) to an array of shape (${target.shape.join(", ")}) along axis ${axis}`);
      }
      return a;
    };

    // Full chunk rows are written in the background while the next one fills, so encoding overlaps
    // with the producer; at most `maxInFlight` rows are in flight (memory: that many row buffers).
    // Writes and shape growth stay in order (each flush's resize waits for the ones before it), and
    // an abort settles them first (see SettlingTransformer), so nothing accepted is dropped.
    const maxInFlight = 3;
    const inFlight: Promise<void>[] = [];
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown = null;
    const spare: NDArray[] = [];
    const flushBuffered = async (controller: TransformStreamDefaultController<AppendEvent>) => {
      const full = buffer;
      const start = base;
      buffer = spare.pop() ?? new NDArray(allocate(dt, product(other)), other, dt);
      const job = chain.then(() => (failure ? undefined : writeRows(full, start, c, false, controller))).then(
        () => void spare.push(full),
        (e) => {
          failure ??= e;
        },
      );
      chain = job;
      inFlight.push(job);
      if (inFlight.length >= maxInFlight) await inFlight.shift();
      if (failure) throw failure;
    };
    const drain = async () => {
      await chain;
      inFlight.length = 0;
      if (failure) throw failure;
    };

    /** Copy `count` rows of `src` from row `from` into the buffer at row `fill`. */
    const buffer_ = (src: NDArray, from: number, count: number) => {
      copyBox(buffer, other.map((_, d) => (d === axis ? fill : 0)), src, other.map((_, d) => (d === axis ? from : 0)), other.map((n, d) => (d === axis ? count : n)));
      fill += count;
    };

    return {
      async start() {
        const len = target.shape[axis];
        base = Math.floor(len / c) * c;
        other = target.shape.map((n, d) => (d === axis ? c : n));
        buffer = new NDArray(allocate(dt, product(other)), other, dt);
        if (len > base) {
          // A partial tail chunk row already exists: take it into the buffer so the row is written once.
          const sel: NormalizedDim[] = target.shape.map((n, d) => (d === axis ? { kind: "slice", start: base, step: 1, count: len - base } : { kind: "slice", start: 0, step: 1, count: n }));
          const tail = await access.readSelection(sel);
          buffer_(tail, 0, len - base);
        }
      },
      async transform(chunk, controller) {
        const slab = toSlab(chunk);
        let from = 0;
        let n = slab.shape[axis];
        rowsTotal += n;
        if (n > 0) dirty = true;
        while (n > 0) {
          if (fill === 0 && n >= c) {
            // Whole chunk rows straight from the slab, no copy (after earlier rows, to keep order).
            await drain();
            const k = Math.floor(n / c) * c;
            await writeRows(subView(slab, other.map((_, d) => (d === axis ? from : 0)), other.map((m, d) => (d === axis ? k : m))), base, k, false, controller);
            base += k;
            from += k;
            n -= k;
            continue;
          }
          const take = Math.min(n, c - fill);
          buffer_(slab, from, take);
          from += take;
          n -= take;
          if (fill === c) {
            await flushBuffered(controller);
            base += c;
            fill = 0;
          }
        }
      },
      async settle() {
        await chain;
      },
      async flush(controller) {
        await drain();
        if (fill > 0 && dirty) {
          const part = new NDArray(buffer.data, other.map((m, d) => (d === axis ? fill : m)), dt, cStrides(other), 0);
          await writeRows(part, base, fill, true, controller);
        }
        void rowsTotal;
      },
    };
  }, opts);
}
