/**
 * The diagnostics table of `info()`, formatted as zarr-python's `info_text_report` (80-column
 * wrapping with the key column repeated on continuation lines).
 * @module
 */

/**
 * A two-column report whose `toString()` is zarr-python's text table.
 * @example
 * const report = await z.info();
 * console.log(String(report));                      // the table
 * console.log(Object.fromEntries(report.items)["Chunks initialized"]);
 */
export class InfoReport {
  constructor(readonly items: [string, string][]) {}

  /** The rows as an object, for programs rather than people. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.items);
  }

  /** The table as zarr-python prints `.info`. */
  toString(): string {
    const w = Math.max(...this.items.map(([k]) => k.length));
    let out = "";
    for (const [k, v] of this.items) out += wrap(v, k.padEnd(w) + " : ", " ".repeat(w) + " : ", 80) + "\n";
    return out;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Python's textwrap.fill for the simple case of space-separated words. */
function wrap(text: string, first: string, rest: string, width: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = first;
  let empty = true;
  for (const word of words) {
    if (!empty && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = rest + word;
    } else {
      cur += (empty ? "" : " ") + word;
    }
    empty = false;
  }
  lines.push(cur);
  return lines.join("\n");
}

/** zarr-python's human_readable_size, with the exact count in front: `400000000 (381.5M)`. */
export function humanBytes(n: number): string {
  if (n <= 2 ** 10) return String(n);
  const units: [number, string][] = [[2 ** 20, "K"], [2 ** 30, "M"], [2 ** 40, "G"], [2 ** 50, "T"]];
  let s = "";
  let prev = 2 ** 10;
  for (const [lim, u] of units) {
    if (n < lim) {
      s = (n / prev).toFixed(1) + u;
      break;
    }
    prev = lim;
  }
  if (!s) s = (n / 2 ** 50).toFixed(1) + "P";
  return `${n} (${s})`;
}

/** The "Store type" zarr-python would print for the equivalent store. */
export function storeTypeName(store: unknown): string {
  const t = (store as { storeType?: string }).storeType;
  if (t) return t;
  if (store instanceof Map) return "builtins.dict";
  return (store as object).constructor?.name ?? "unknown";
}
