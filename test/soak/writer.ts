/**
 * One soak writer, run as a worker thread (input in `workerData`) or a child process (JSON file in
 * argv[2]): on three shared arrays at once it makes region writes (unaligned tiles, overlapping
 * unaligned regions, whole chunks and the whole array, racing other writers' writes of the same
 * chunks), field writes (one field of records whose other field another writer owns) and appends
 * (one row per append, tagged with its writer and sequence number), all interleaved. It reports
 * its counts and when each region write ran (start and end, µs on the machine's monotonic clock).
 */
import { readFileSync } from "node:fs";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { closeDescribedSynchronizers, openFromDescriptor, slice, ndarray, type ArrayDescriptor } from "../../src/internal.ts";

export interface SoakInput {
  id: number;
  /** Region writes `[r0, r1, c0, c1, value]`; one covering the whole array is written as `set(null, v)`. */
  tiles: { array: ArrayDescriptor; list: [number, number, number, number, number][] };
  /** Records [start, stop) whose field `name` this writer sets to `index * 3 + id`-style values. */
  fields: { array: ArrayDescriptor; name: string; records: number[]; mul: number };
  appends: { array: ArrayDescriptor; count: number };
}

const input: SoakInput = isMainThread ? JSON.parse(readFileSync(process.argv[2], "utf8")) : workerData;
const [tz, fz, az] = await Promise.all([openFromDescriptor(input.tiles.array), openFromDescriptor(input.fields.array), openFromDescriptor(input.appends.array)]);
let writes = 0;
let next = 0;
/** `times[2i]`, `times[2i + 1]`: when region write i started and ended (the lock wait included). */
const times: number[] = new Array(2 * input.tiles.list.length).fill(0);
const now = () => Number(process.hrtime.bigint() / 1000n);
const [rows, cols] = tz.shape;
const tiles = async () => {
  while (next < input.tiles.list.length) {
    const i = next++;
    const [r0, r1, c0, c1, v] = input.tiles.list[i];
    times[2 * i] = now();
    if (r0 === 0 && c0 === 0 && r1 === rows && c1 === cols) await tz.set(null, v);
    else await tz.set([slice(r0, r1), slice(c0, c1)], v);
    times[2 * i + 1] = now();
    writes++;
  }
};
const fields = async () => {
  for (const i of input.fields.records) {
    await fz.set([slice(i, i + 1)], ndarray(new Int32Array([i * input.fields.mul]), [1]), { fields: input.fields.name });
    writes++;
  }
};
const appends = async () => {
  for (let s = 0; s < input.appends.count; s++) {
    await az.append(ndarray(new Int32Array([input.id, s]), [1, 2]));
    writes++;
  }
};
// Tell the parent the writes begin, so its own whole-chunk writes race them.
if (isMainThread) process.stdout.write(JSON.stringify({ started: input.id }) + "\n");
else parentPort!.postMessage({ started: input.id });
await Promise.all([tiles(), tiles(), fields(), appends()]);
await closeDescribedSynchronizers();
const report = { id: input.id, writes, times };
if (isMainThread) process.stdout.write(JSON.stringify(report) + "\n");
else parentPort!.postMessage(report);
