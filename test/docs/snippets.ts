/**
 * Doc snippets: every ```ts block of a Markdown file, and the ```text block that follows it (its
 * expected output). Snippets import from "zarrflow" (and its subpaths) as a user would; running
 * them maps those imports onto this repository's sources.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** One code block and where its expected output sits in the file. */
export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The following ```text block, or null when there is none yet. */
  expected: string | null;
  /** Character range of the expected block (fences included), for rewriting it. */
  outputRange: [number, number] | null;
  /** Where an output block would be inserted when there is none. */
  insertAt: number;
}

/** The runnable snippets of a Markdown text. */
export function extractSnippets(md: string): Snippet[] {
  const out: Snippet[] = [];
  const re = /```ts\n([\s\S]*?)```\n/g;
  for (let m = re.exec(md); m; m = re.exec(md)) {
    const end = m.index + m[0].length;
    const next = /^\n*```text\n([\s\S]*?)```\n/.exec(md.slice(end));
    out.push({
      line: md.slice(0, m.index).split("\n").length,
      code: m[1],
      expected: next ? next[1] : null,
      outputRange: next ? [end, end + next[0].length] : null,
      insertAt: end,
    });
  }
  return out;
}

/** Rewrite `from "zarrflow"` and its subpaths (package.json `exports`) to this repository's sources. */
function localImports(code: string): string {
  const map: Record<string, string> = {
    zarrflow: join(ROOT, "src/index.ts"),
    "zarrflow/codecs": join(ROOT, "src/codecs/index.ts"),
    "zarrflow/errors": join(ROOT, "src/errors.ts"),
    "zarrflow/stores": join(ROOT, "src/stores/index.ts"),
    "zarrflow/internal": join(ROOT, "src/internal.ts"),
    "zarrflow/streams": join(ROOT, "streams/index.ts"),
    "zarrflow/sync": join(ROOT, "sync/index.ts"),
  };
  return code.replace(/from "(zarrflow(?:\/[a-z]+)?)"/g, (whole, name: string) => (map[name] ? `from ${JSON.stringify(map[name])}` : whole));
}

/** Run a snippet as an ES module in a fresh directory; its stdout, or a thrown error with stderr. */
export function runSnippet(code: string, timeoutMs = 240_000): string {
  const dir = mkdtempSync(join(tmpdir(), "zarrflow-doc-"));
  try {
    const file = join(dir, "snippet.mts");
    writeFileSync(file, localImports(code));
    const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), file], { cwd: dir, encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, NODE_NO_WARNINGS: "1" } });
    if (r.status !== 0) throw new Error(`snippet failed (${r.status ?? r.signal}):\n${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Markdown files whose snippets are run. */
export const DOC_FILES = ["docs/tutorial.md", "docs/migrating-from-zarr-python.md"].map((f) => join(ROOT, f));

/** Read a doc, tolerating one that does not exist yet. */
export function readDoc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
