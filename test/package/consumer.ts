// Type-checked by .ci/package-smoke.sh in a fresh project with `tsc --strict` (module nodenext):
// the package's published .d.ts must type-check with no special flags.
import { Blosc, hasNativeCodecs, nativeUnavailableReason, open, zeros, type ZarrArray } from "zarrflow";

async function main(): Promise<number> {
  const z: ZarrArray = await zeros([10, 10], { chunks: [5, 5], dtype: "<i4", compressor: new Blosc({ cname: "zstd" }) });
  await z.set(null, 7);
  const v = await z.get("3, 4");
  const reason: string | null = nativeUnavailableReason;
  const opened = await open(undefined, { mode: "w", shape: [3], dtype: "<f8" });
  console.log(hasNativeCodecs(), reason, v, String(opened));
  return 0;
}

void main();
