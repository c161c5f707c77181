/**
 * The writer the crash matrix kills: opens `dir` and repeats one kind of write forever, printing
 * "ready" once it has started. Every write uses values the checker can recognize (see matrix).
 * argv: kind dir seed
 */
import { ZipStore, DirectoryStore, openArray, openGroup, consolidateMetadata, create, slice, ndarray } from "../../src/internal.ts";

const [kind, dir, seedArg] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0 || 1;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const int = (n: number) => Math.floor(rand() * n);
let g = 1 + int(1e6); // generation: values written by this run

if (kind === "zip") {
  const file = `${dir}/data.zip`;
  process.stdout.write("ready\n");
  for (;;) {
    const store = new ZipStore(file, { mode: "w" });
    const z = await create({ store, shape: [40, 40], chunks: [8, 8], dtype: "<i4", fillValue: -1 });
    await z.set(null, ++g);
    await store.close();
  }
}
if (kind === "consolidate") {
  const store = new DirectoryStore(dir);
  const root = await openGroup(store, { mode: "a" });
  process.stdout.write("ready\n");
  for (;;) {
    const a = await root.zeros(`a${int(5)}`, { shape: [int(50) + 1], chunks: [7], dtype: "<i4", overwrite: true });
    await a.attrs.put({ g: ++g });
    await consolidateMetadata(store);
  }
}
const z = await openArray(new DirectoryStore(dir), { mode: "r+" });
process.stdout.write("ready\n");
for (;;) {
  g++;
  switch (kind) {
    case "whole": // whole-chunk writes: the entire array, every chunk replaced
      await z.set(null, g);
      break;
    case "partial": { // a full row: unaligned with the 8-row chunks, a part of each chunk of a chunk row
      await z.set([int(z.shape[0]), null], g);
      break;
    }
    case "shrink": // shrink then write the regrown rows later (cycle); kills land anywhere in it
    case "grow": {
      const n = z.shape[0];
      if (kind === "shrink" || n > 60) await z.resize([Math.max(1, n - 1 - int(20)), 40]);
      else {
        const m = n + 1 + int(20);
        await z.resize([m, 40]);
        await z.set([slice(n, m), null], g);
      }
      if (kind === "shrink" && z.shape[0] < 10) {
        await z.resize([40, 40]);
        await z.set([slice(0, 40), null], g);
      }
      break;
    }
    case "append": {
      const k = 1 + int(12);
      await z.append(ndarray(new Int32Array(k * 40).fill(g), [k, 40]));
      if (z.shape[0] > 200) await z.resize([int(20) + 1, 40]);
      break;
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}
