/**
 * Zip fuzz cases: a valid ZipStore archive (stored and deflated entries, an array with chunks),
 * damaged (bit flips, truncation, garbage, header and directory fields set to extremes), then
 * opened and read every way. Every outcome must be a success or a ZarrError. Not a test file itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, ZarrArray, Zlib, ZipStore } from "../../src/index.ts";
import { runOp, type OpOutcome } from "./cases.ts";
import { caseRng } from "./gen.ts";

const dir = mkdtempSync(join(tmpdir(), "zf-fuzz-zip-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** Valid archives to damage: one with stored entries, one deflated. */
export async function zipBases(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const out = [];
  for (const compression of ["stored", "deflated"] as const) {
    const file = join(dir, `base-${compression}.zip`);
    const store = new ZipStore(file, { mode: "w", compression });
    const z = await create({ store, path: "a", shape: [40, 30], chunks: [16, 16], dtype: "<i4", compressor: compression === "stored" ? null : new Zlib() });
    await z.set(null, 5);
    store.close();
    out.push({ name: compression, bytes: new Uint8Array(readFileSync(file)) });
  }
  return out;
}

/** One zip case: damage an archive, then open it, list it, read every key and the array. */
export async function runZipCase(bases: { name: string; bytes: Uint8Array }[], seed: number, index: number, timeoutMs: number, announce: (input: string) => void = () => {}): Promise<{ outcomes: OpOutcome[]; input: string }> {
  const rng = caseRng(seed, index);
  const base = bases[index % bases.length];
  const x = base.bytes.slice();
  const dv = new DataView(x.buffer);
  let how: string;
  const r = rng.int(5);
  let bytes: Uint8Array = x;
  if (r === 0) {
    const n = 1 + rng.int(16);
    for (let i = 0; i < n; i++) x[rng.int(x.length)] ^= 1 << rng.int(8);
    how = `flip ${n} bits`;
  } else if (r === 1) {
    const n = rng.int(x.length);
    bytes = x.subarray(0, n);
    how = `truncate to ${n}`;
  } else if (r === 2) {
    const at = rng.int(x.length);
    const n = Math.min(x.length - at, 1 + rng.int(64));
    for (let i = 0; i < n; i++) x[at + i] = rng.int(256);
    how = `overwrite ${n} bytes at ${at}`;
  } else {
    // A 16- or 32-bit field of a local header, the central directory or its end set to an extreme.
    const sigs = [0x04034b50, 0x02014b50, 0x06054b50];
    const starts: number[] = [];
    for (let i = 0; i + 4 <= x.length; i++) if (sigs.includes(dv.getUint32(i, true))) starts.push(i);
    const at = rng.pick(starts) + 4 + 2 * rng.int(20);
    const value = rng.pick([0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0xffff, 0x10000000]);
    if (at + 4 <= x.length) dv.setUint32(at, value >>> 0, true);
    how = `field at ${at} := ${value.toString(16)}`;
  }
  const input = `${base.name} zip: ${how} (${bytes.length} bytes; seed ${seed} case ${index})`;
  announce(input);
  const file = join(dir, `case.zip`);
  writeFileSync(file, bytes);
  const outcomes: OpOutcome[] = [];
  const store = await runOp("open", () => new ZipStore(file, { mode: "r", maxEntryBytes: 16 * 2 ** 20 }), timeoutMs, outcomes);
  if (!store) return { outcomes, input };
  const keys = (await runOp("list", () => store.list(), timeoutMs, outcomes)) ?? [];
  for (const k of keys.slice(0, 20)) await runOp(`get(${k})`, () => store.get(k), timeoutMs, outcomes);
  await runOp("getRange", () => store.getRange(keys[0] ?? "a/.zarray", { offset: 1, length: 8 }), timeoutMs, outcomes);
  const z = await runOp("openArray", () => ZarrArray.open(store, { path: "a", readOnly: true } as never), timeoutMs, outcomes);
  if (z) await runOp("get(all)", () => z.get(), timeoutMs, outcomes);
  await runOp("close", () => store.close(), timeoutMs, outcomes);
  return { outcomes, input };
}
