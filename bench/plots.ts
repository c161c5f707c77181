/**
 * The charts of docs/performance.md, drawn as small self-contained SVG files in docs/img/:
 *
 * - `throughput-<workload>.svg`: MB/s (uncompressed bytes per second, log scale) of every
 *   implementation for each op of a workload, from the last benchmark run;
 * - `compression.svg`: compression ratio (raw bytes / stored chunk bytes) per codec, measured here
 *   with zarrflow on samples shaped like the benchmark's data.
 *
 * `npm run bench` calls {@link renderPlots} after writing its results; `npm run bench:plots` redraws
 * from the last results alone (bench/results.json, or the table in bench/RESULTS.md when a run
 * predates results.json). The SVG is written by hand (no plotting dependency): bars, a log axis,
 * labels and a legend are all these charts need.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const IMG_DIR = join(here, "..", "docs", "img");

/** One measurement, as bench/run.ts records it (only the fields the charts use). */
export interface ResultRow {
  impl: string;
  workload: string;
  op: string;
  seconds?: number;
  mb_s?: number;
  na?: string;
  error?: string;
}

/** bench/results.json: what bench/run.ts measured, and where. */
export interface Results {
  date?: string;
  meta?: Record<string, unknown>;
  rows: ResultRow[];
}

const IMPL_ORDER = ["zarrflow", "zarr-python", "zarrita", "zarr.js"];
const COLORS: Record<string, string> = { zarrflow: "#2563eb", "zarr-python": "#f59e0b", zarrita: "#10b981", "zarr.js": "#ef4444" };

/**
 * The last results: bench/results.json when present, otherwise the "All measurements" table of
 * bench/RESULTS.md (the format bench/run.ts wrote before it wrote JSON).
 */
export function loadResults(benchDir = here): Results {
  const json = join(benchDir, "results.json");
  if (existsSync(json)) return JSON.parse(readFileSync(json, "utf8")) as Results;
  const md = readFileSync(join(benchDir, "RESULTS.md"), "utf8");
  const date = /on (\d{4}-\d{2}-\d{2})/.exec(md)?.[1];
  const section = md.split("## All measurements")[1];
  if (!section) throw new Error("bench/RESULTS.md has no 'All measurements' table and there is no bench/results.json");
  const rows: ResultRow[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length < 6 || cells[0] === "workload" || cells[0]!.startsWith("---")) continue;
    const [workload, op, impl, seconds, , mbs] = cells as [string, string, string, string, string, string];
    const row: ResultRow = { impl, workload, op };
    if (seconds === "n/a") row.na = cells[cells.length - 1] || "n/a";
    else if (Number.isFinite(Number(seconds)) && seconds !== "") {
      row.seconds = Number(seconds);
      if (mbs !== "") row.mb_s = Number(mbs);
    } else row.error = cells[cells.length - 1] || "error";
    rows.push(row);
  }
  return { date, rows };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A number as the charts print it: 3 significant digits, no exponent. */
export function fmt(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString("en-US");
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

interface BarGroup {
  label: string;
  bars: { series: string; value: number | null; note?: string }[];
}

interface BarChartOptions {
  title: string;
  subtitle?: string;
  unit: string;
  log: boolean;
  series: string[];
  colors: Record<string, string>;
}

/** A horizontal grouped bar chart: one group per op/codec, one bar per series, values at bar ends. */
export function barChart(groups: BarGroup[], o: BarChartOptions): string {
  const barH = 14, gap = 3, groupGap = 14, left = 130, plotW = 430, right = 70, top = o.subtitle ? 62 : 46;
  const rowsPerGroup = o.series.length;
  const groupH = rowsPerGroup * (barH + gap) - gap;
  const height = top + groups.length * (groupH + groupGap) + 40;
  const width = left + plotW + right;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => v !== null && v > 0);
  const max = Math.max(...values, 1e-9);
  const min = Math.min(...values, max);
  let x: (v: number) => number;
  const ticks: number[] = [];
  if (o.log) {
    const lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
    const span = Math.max(hi - lo, 1);
    x = (v) => ((Math.log10(v) - lo) / span) * plotW;
    for (let e = lo; e <= lo + span; e++) ticks.push(10 ** e);
  } else {
    const step = niceStep(max / 5);
    const top_ = Math.ceil(max / step) * step;
    x = (v) => (v / top_) * plotW;
    for (let t = 0; t <= top_ + 1e-9; t += step) ticks.push(t);
  }
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="10" y="20" font-size="14" font-weight="600">${esc(o.title)}</text>`);
  if (o.subtitle) out.push(`<text x="10" y="37" fill="#555">${esc(o.subtitle)}</text>`);
  // legend
  let lx = left;
  for (const s of o.series) {
    out.push(`<rect x="${lx}" y="${top - 18}" width="10" height="10" fill="${o.colors[s] ?? "#888"}"/>`);
    out.push(`<text x="${lx + 14}" y="${top - 9}">${esc(s)}</text>`);
    lx += 14 + s.length * 6.5 + 16;
  }
  const plotBottom = height - 30;
  for (const t of ticks) {
    const tx = left + x(t);
    out.push(`<line x1="${tx.toFixed(1)}" y1="${top - 4}" x2="${tx.toFixed(1)}" y2="${plotBottom}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${tx.toFixed(1)}" y="${plotBottom + 13}" text-anchor="middle" fill="#555">${fmt(t)}</text>`);
  }
  out.push(`<text x="${left + plotW / 2}" y="${plotBottom + 27}" text-anchor="middle" fill="#333">${esc(o.unit)}${o.log ? " (log scale)" : ""}</text>`);
  let y = top;
  for (const g of groups) {
    out.push(`<text x="${left - 8}" y="${(y + groupH / 2 + 4).toFixed(1)}" text-anchor="end" font-weight="600">${esc(g.label)}</text>`);
    for (const s of o.series) {
      const b = g.bars.find((bb) => bb.series === s);
      if (b && b.value !== null && b.value > 0) {
        const w = Math.max(x(b.value), 1);
        out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${o.colors[s] ?? "#888"}"><title>${esc(`${s}: ${fmt(b.value)} ${o.unit}`)}</title></rect>`);
        out.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + barH - 3}" fill="#111">${fmt(b.value)}</text>`);
      } else {
        out.push(`<text x="${left + 4}" y="${y + barH - 3}" fill="#888" font-style="italic">${esc(`${s}: ${b?.note ?? "n/a"}`)}</text>`);
      }
      y += barH + gap;
    }
    y += groupGap - gap;
  }
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Short reasons for missing bars (the full text is in RESULTS.md). */
function shortNote(r: ResultRow | undefined): string {
  if (!r) return "not run";
  if (r.error) return "failed";
  const na = r.na ?? "n/a";
  if (/output-array|no .*parameter/.test(na)) return "no out= parameter";
  if (/registers no/.test(na)) return "codec not supported";
  if (/has no .*(operator|append|rechunk)/.test(na)) return "no such operator";
  return "n/a";
}

/** One throughput chart per workload, from the results. Returns file name → SVG text. */
export function throughputCharts(results: Results): Map<string, string> {
  const charts = new Map<string, string>();
  const workloads = [...new Set(results.rows.map((r) => r.workload))];
  for (const w of workloads) {
    const rows = results.rows.filter((r) => r.workload === w);
    const ops = [...new Set(rows.map((r) => r.op))];
    // Every implementation that took part, so a missing bar says why (codec unsupported, ...).
    const series = IMPL_ORDER.filter((i) => rows.some((r) => r.impl === i));
    for (const i of new Set(rows.map((r) => r.impl))) if (!series.includes(i)) series.push(i);
    const groups: BarGroup[] = ops.map((op) => ({
      label: op,
      bars: series.map((s) => {
        const r = rows.find((rr) => rr.impl === s && rr.op === op);
        return { series: s, value: r?.mb_s ?? null, note: shortNote(r) };
      }),
    }));
    const title = `${w}: throughput per operation`;
    const subtitle = WORKLOAD_TITLES[w] ?? undefined;
    charts.set(`throughput-${w.toLowerCase()}.svg`, barChart(groups, { title, subtitle, unit: "MB/s, higher is better", log: true, series, colors: COLORS }));
  }
  return charts;
}

/** What each workload is (mirrors bench/workloads.ts, kept here so old results still get titles). */
const WORKLOAD_TITLES: Record<string, string> = {
  W1: "int32 (10000, 10000), chunks (1000, 1000), arange, Blosc(lz4, 5, SHUFFLE)",
  W2: "W1 with Zstd(level=1)",
  W3: "W1 with no compressor",
  W4: "float64 normal (4000, 4000), chunks (500, 500), Blosc(lz4, 5, SHUFFLE)",
  W5: "float64 normal (1000, 1000) in tiny (10, 10) chunks, Blosc(lz4, 5, SHUFFLE)",
  W6: "int32 (1000, 1000) copied from (1000, 1) to (1, 1000) chunks",
  APPEND: "1M rows x 100 float32 appended in 1000-row slabs, chunks (10000, 100)",
  RECHUNK: "int32 (10000, 10000) from (10000, 100) to (100, 10000) chunks, 256 MB budget",
};

/** A compression ratio measured on one sample. */
export interface RatioRow {
  codec: string;
  sample: string;
  ratio: number;
}

/**
 * Compression ratio of each codec on two samples shaped like the benchmark's data: int32 `arange`
 * (W1–W3) and float64 standard normal (W4). Measured by writing each sample with zarrflow into a
 * MemoryStore and dividing the raw size by the sum of the stored chunk sizes.
 */
export async function measureCompression(): Promise<RatioRow[]> {
  const z = await import("../src/index.ts");
  const n = 1000;
  const ints = z.arange(0, n * n, 1, "<i4").reshape(n, n);
  const normal = new Float64Array(n * n);
  // Deterministic standard normal (xorshift32 + Box-Muller); statistically like the bench's
  // numpy default_rng(0) data, not the same numbers.
  let s = 2463534242;
  const u = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 1) / 4294967297;
  };
  for (let i = 0; i < normal.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u())), t = 2 * Math.PI * u();
    normal[i] = r * Math.cos(t);
    if (i + 1 < normal.length) normal[i + 1] = r * Math.sin(t);
  }
  const samples: [string, unknown, string][] = [
    ["int32 arange", ints, "<i4"],
    ["float64 normal", z.ndarray(normal, [n, n]), "<f8"],
  ];
  const codecs: [string, unknown][] = [
    ["Blosc lz4 shuffle", new z.Blosc({ cname: "lz4", clevel: 5, shuffle: z.Blosc.SHUFFLE })],
    ["Blosc zstd bitshuffle", new z.Blosc({ cname: "zstd", clevel: 3, shuffle: z.Blosc.BITSHUFFLE })],
    ["Blosc lz4 noshuffle", new z.Blosc({ cname: "lz4", clevel: 5, shuffle: z.Blosc.NOSHUFFLE })],
    ["Zstd 1", new z.Zstd({ level: 1 })],
    ["Zstd 9", new z.Zstd({ level: 9 })],
    ["LZ4", new z.LZ4()],
    ["Zlib 5", new z.Zlib({ level: 5 })],
    ["GZip 5", new z.GZip({ level: 5 })],
    ["BZ2 9", new z.BZ2({ level: 9 })],
    ["LZMA preset 1", new z.LZMA({ preset: 1 })],
  ];
  const out: RatioRow[] = [];
  for (const [codec, compressor] of codecs) {
    for (const [sample, data, dtype] of samples) {
      const store = new z.MemoryStore();
      await z.array(data, { chunks: [250, 250], dtype, compressor: compressor as never, store });
      let stored = 0;
      for (const key of store.list()) if (!key.startsWith(".")) stored += store.get(key)!.byteLength;
      out.push({ codec, sample, ratio: (n * n * (dtype === "<i4" ? 4 : 8)) / stored });
    }
  }
  return out;
}

/** The compression chart: one group per codec, one bar per sample. */
export function compressionChart(rows: RatioRow[]): string {
  const samples = [...new Set(rows.map((r) => r.sample))];
  const codecs = [...new Set(rows.map((r) => r.codec))];
  const colors: Record<string, string> = { [samples[0] ?? ""]: "#2563eb", [samples[1] ?? ""]: "#f59e0b" };
  const groups: BarGroup[] = codecs.map((c) => ({
    label: c,
    bars: samples.map((s) => ({ series: s, value: rows.find((r) => r.codec === c && r.sample === s)?.ratio ?? null })),
  }));
  return barChart(groups, {
    title: "Compression ratio per codec (zarrflow)",
    subtitle: "raw bytes / stored chunk bytes, 1000 x 1000 samples in 250 x 250 chunks",
    unit: "ratio, higher is smaller on disk", log: true, series: samples, colors,
  });
}

/** Draw every chart into `dir` (docs/img by default). Returns the files written. */
export async function renderPlots(opts: { results?: Results; dir?: string; compression?: boolean } = {}): Promise<string[]> {
  const dir = opts.dir ?? IMG_DIR;
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, svg] of throughputCharts(opts.results ?? loadResults())) {
    writeFileSync(join(dir, name), svg);
    written.push(join(dir, name));
  }
  if (opts.compression !== false) {
    const ratios = await measureCompression();
    writeFileSync(join(dir, "compression.json"), JSON.stringify(ratios.map((r) => ({ ...r, ratio: Number(r.ratio.toFixed(3)) })), null, 2) + "\n");
    writeFileSync(join(dir, "compression.svg"), compressionChart(ratios));
    written.push(join(dir, "compression.svg"));
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await renderPlots();
  for (const f of files) console.log(`wrote ${f}`);
}
