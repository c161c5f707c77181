// Smoke program run by .ci/package-smoke.sh inside a fresh project that installed the packed
// tarball: plain node, the package's public entry, every compressor; writes arrays to the directory
// given as argv[2] for python3 to read back.
import { Blosc, BZ2, GZip, hasNativeCodecs, LZ4, LZMA, nativeUnavailableReason, open, Zlib, Zstd, zeros } from "zarrflow";
import { arange } from "zarrflow";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node smoke.mjs OUTDIR");
console.log(`hasNativeCodecs: ${hasNativeCodecs()}${hasNativeCodecs() ? "" : ` (${nativeUnavailableReason})`}`);

const compressors = {
  none: null,
  ...Object.fromEntries(["blosclz", "lz4", "lz4hc", "zlib", "zstd"].map((cname) => [`blosc-${cname}`, new Blosc({ cname, clevel: 5, shuffle: Blosc.SHUFFLE })])),
  "blosc-bitshuffle": new Blosc({ cname: "zstd", clevel: 3, shuffle: Blosc.BITSHUFFLE }),
  zstd: new Zstd({ level: 3 }),
  lz4: new LZ4(),
  zlib: new Zlib({ level: 6 }),
  gzip: new GZip({ level: 5 }),
  bz2: new BZ2({ level: 9 }),
  lzma: new LZMA({ preset: 1 }),
};

const names = [];
for (const [name, compressor] of Object.entries(compressors)) {
  const path = `${dir}/${name}.zarr`;
  const z = await open(path, { mode: "w", shape: [40, 30], chunks: [16, 16], dtype: "<i4", compressor });
  await z.set(null, arange(1200, undefined, 1, "<i4").reshape(40, 30));
  // Read back through zarrflow too.
  const back = await (await open(path, { mode: "r" })).get("39, 29");
  if (Number(back) !== 1199) throw new Error(`${name}: read back ${back}, expected 1199`);
  names.push(name);
}
const z = await zeros([5], { dtype: "<f8" });
if ((await z.get("0")) !== 0) throw new Error("zeros() did not read back 0");
console.log(`wrote ${names.length} arrays: ${names.join(" ")}`);
