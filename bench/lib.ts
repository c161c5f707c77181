/**
 * What the JavaScript implementation modules (bench/impl/*.ts) share with the child runner.
 */
import { openSync, readSync, closeSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AppendWorkload, ArrayWorkload, Workload } from "./workloads.ts";
import { ITEMSIZE } from "./workloads.ts";

/** Thrown by an implementation that cannot run an op; the message is the reason shown as "n/a". */
export class NotAvailable extends Error {}

/** Element (i, j), in array coordinates, of what a read returned. */
export type Getter = (i: number, j: number) => number;

/** One op, prepared: `run` is timed; `before` runs untimed before every repetition. */
export interface Task {
  before?: () => Promise<void> | void;
  run: () => Promise<Getter | void>;
  /** Shown next to the measurement, e.g. which API path was taken. */
  note?: string;
}

export interface TaskContext {
  /** Shared inputs written once (by zarr-python): `<id>.zarr`, `<id>.raw`. */
  shared: string;
  /** This implementation's own scratch dir for this op; writes go to `<own>/out.zarr`. */
  own: string;
  /** The output a write op must produce (checked by zarr-python afterwards). */
  outDir: string;
  /** Source array of a W* workload. */
  sharedArray: (w: Workload) => string;
}

/** An implementation module's interface. */
export interface Impl {
  name: string;
  version: () => Promise<string>;
  /** Why the implementation cannot run `op` on `w`, or null when it can (cheap: no I/O). */
  unavailable: (op: string, w: Workload) => string | null;
  /** Prepare an op (untimed); throws NotAvailable when it cannot run after all. */
  task: (op: string, w: Workload, ctx: TaskContext) => Promise<Task>;
}

export type NumArray = Int32Array | Float32Array | Float64Array;

/** The array a write op writes: the linear index or the shared raw normal data (read untimed). */
export function sourceData(w: ArrayWorkload, shared: string): NumArray {
  const n = w.shape[0] * w.shape[1];
  if (w.data === "arange") {
    if (w.dtype !== "<i4") throw new Error("arange data is int32 here");
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    return a;
  }
  const buf = readFileSync(join(shared, w.id + ".raw"));
  if (w.dtype === "<f8") return new Float64Array(buf.buffer, buf.byteOffset, n);
  return new Int32Array(buf.buffer, buf.byteOffset, n);
}

/** Slab k of the append workload: the linear index rounded once to f4 (as the Python side does). */
export function fillSlab(w: AppendWorkload, k: number, out = new Float32Array(w.slab * w.width)): Float32Array {
  const n = w.slab * w.width;
  const base = k * n;
  for (let i = 0; i < n; i++) out[i] = base + i;
  return out;
}

/** The value the shared array holds at (i, j). */
export function expectedAt(w: ArrayWorkload, shared: string, i: number, j: number): number {
  const lin = i * w.shape[1] + j;
  if (w.data === "arange") return lin;
  const item = ITEMSIZE[w.dtype];
  const fd = openSync(join(shared, w.id + ".raw"), "r");
  try {
    const b = Buffer.alloc(item);
    readSync(fd, b, 0, item, lin * item);
    return w.dtype === "<f8" ? b.readDoubleLE(0) : b.readInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** /proc/self/status field in kB (VmHWM is the peak RSS, VmRSS the current one). */
export function vm(field: "VmHWM" | "VmRSS"): number | null {
  try {
    const m = readFileSync("/proc/self/status", "utf8").match(new RegExp(`^${field}:\\s+(\\d+)`, "m"));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return field === "VmHWM" ? process.resourceUsage().maxRSS : Math.round(process.memoryUsage().rss / 1024);
}

/** The numcodecs config a workload stores, as in `.zarray`. */
export function zarrayJson(w: { shape: number[]; dtype: string; compressor: unknown }, chunks: number[]): string {
  return JSON.stringify({
    chunks, compressor: w.compressor, dtype: w.dtype, fill_value: 0, filters: null, order: "C", shape: w.shape, zarr_format: 2,
  }, null, 4);
}
