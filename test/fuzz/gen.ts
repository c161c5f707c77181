/**
 * Seeded randomness and hostile values for the fuzz harness. Every case is a pure function of
 * (seed, case index), so a failing case reproduces with `npm run fuzz -- --seed S --only I`.
 * Not a test file itself.
 */

/** mulberry32: a small, fast, seeded PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The RNG of one case: independent of every other case. */
export function caseRng(seed: number, index: number): Rng {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (index + 0x85ebca6b), 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return new Rng(h || 1);
}

/** A JSON token written verbatim (NaN, bigint-sized integers, deep nesting, broken text). */
export class Raw {
  constructor(readonly text: string) {}
}

/** Serialize a value that may contain {@link Raw} tokens and `__proto__` own keys. */
export function toJsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v === undefined) return "null";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (typeof v !== "object" || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(toJsonText).join(", ") + "]";
  return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ": " + toJsonText((v as Record<string, unknown>)[k])).join(", ") + "}";
}

const deep = (n: number) => new Raw("[".repeat(n) + "]".repeat(n));

/** Values a hostile writer might put anywhere in metadata. */
export function hostileValue(rng: Rng): unknown {
  switch (rng.int(30)) {
    case 0: return 1e15;
    case 1: return -1;
    case 2: return 0;
    case 3: return NaN;
    case 4: return Infinity;
    case 5: return 1.5;
    case 6: return new Raw("123456789012345678901234567890");
    case 7: return new Raw("-9223372036854775809");
    case 8: return 2 ** 53 + 2;
    case 9: return 1e308;
    case 10: return rng.pick(["|S1000000000", "<U99999999", "|V0", "|S0", "<M8", "<m8[fortnight]", "float128", "|O", ">c16", "<f2", "U", "S", "V8", "<i9", "", "\u0000", "é", "\ud800"]);
    case 11: return rng.pick(["", "x".repeat(10_000), "🚀", "\u202e", "../../etc/passwd", "__proto__", "constructor"]);
    case 12: return null;
    case 13: return rng.chance(0.5);
    case 14: return [];
    case 15: return {};
    case 16: return deep(rng.pick([100, 1000, 10_000]));
    case 17: {
      const n = rng.pick([100, 5000]);
      return new Raw('{"a":'.repeat(n) + "1" + "}".repeat(n));
    }
    case 18: return new Raw('{"__proto__": {"shape": [1], "polluted": true}, "id": "zlib"}');
    case 19: return new Array(100_000).fill(1);
    case 20: return Array.from({ length: 100_000 }, (_, i) => [`f${i}`, "<i4"]);
    case 21: return [["a", "<i4"], ["a", "<f8"]];
    case 22: return [["a", [["b", [["c", "|S1000000"]]]]]];
    case 23: return new Array(rng.pick([33, 64, 1000])).fill(1);
    case 24: return [1e15, 10];
    case 25: return [5e7, 10];
    case 26: return [1e6, 1e6];
    case 27: return { id: rng.pick(["blosc", "zlib", "lzma", "zstd", "bz2", "gzip", "lz4", "delta", "nope"]), level: hostileScalar(rng), clevel: hostileScalar(rng), filters: [{ id: new Raw("4611686018427387905"), preset: hostileScalar(rng) }] };
    case 28: return [{ id: "delta", dtype: rng.pick(["<i4", "|S1000000000", 5]) }];
    default: return new Raw(rng.pick(["NaN", "-Infinity", "1e400", "-0", "0.0", "1E5", "[1,]", "tru", '"\\u12"']));
  }
}

/** A hostile scalar (for codec parameters). */
export function hostileScalar(rng: Rng): unknown {
  return rng.pick([-1, 0, 1e15, 2 ** 31, 2 ** 32, 1.5, NaN, new Raw("123456789012345678901234567890"), "9", null, true, []]);
}

/** Paths (lists of keys/indices) to every value of a JSON-like tree, bounded. */
export function allPaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length > 500) return out;
  out.push(prefix);
  if (Array.isArray(v)) v.slice(0, 20).forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (v && typeof v === "object" && !(v instanceof Raw)) for (const k of Object.keys(v)) allPaths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

/** Apply one random structural mutation to a JSON-like document (in place where possible); returns the new root. */
export function mutateDoc(doc: unknown, rng: Rng): unknown {
  const paths = allPaths(doc);
  const path = rng.pick(paths);
  if (path.length === 0) return rng.chance(0.7) ? doc : hostileValue(rng);
  const parent = path.slice(0, -1).reduce((o: any, k) => o[k], doc) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  const r = rng.int(10);
  if (r < 6) parent[key] = hostileValue(rng);
  else if (r === 6 && !Array.isArray(parent)) delete parent[key];
  else if (r === 7 && !Array.isArray(parent)) Object.defineProperty(parent, "__proto__", { value: hostileValue(rng), enumerable: true, writable: true, configurable: true });
  else if (r === 8 && typeof parent[key] === "number") parent[key] = (parent[key] as number) * rng.pick([-1, 1e9, 1e15, 0.5]);
  else parent[key] = rng.pick([1e15, new Raw("1" + "0".repeat(40)), -5, "10"]);
  return doc;
}

/** Byte-level damage to a text: flip, truncate, insert. */
export function damageText(text: string, rng: Rng): string {
  const i = rng.int(Math.max(1, text.length));
  switch (rng.int(4)) {
    case 0: return text.slice(0, i);
    case 1: return text.slice(0, i) + String.fromCharCode(rng.int(128)) + text.slice(i + 1);
    case 2: return text.slice(0, i) + rng.pick(["{", "[", '"', "\\", "\u0000", ",", "}"]) + text.slice(i);
    default: return text.slice(0, i) + text.slice(i, i + 50).repeat(rng.int(20) + 1) + text.slice(i);
  }
}
