/**
 * The docs cannot rot: every ```ts block in docs/*.md runs, and prints exactly the ```text block
 * shown after it. Regenerate the shown outputs with `npm run docs:outputs` after a deliberate change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { relative } from "node:path";
import { hasNativeCodecs } from "../../src/internal.ts";
import { DOC_FILES, ROOT, extractSnippets, readDoc, runSnippet } from "./snippets.ts";

for (const file of DOC_FILES) {
  const md = readDoc(file);
  if (md === null) continue;
  for (const s of extractSnippets(md)) {
    test(`${relative(ROOT, file)}:${s.line}`, { concurrency: false }, () => {
      assert.notEqual(s.expected, null, "every snippet is followed by a ```text block with its output");
      const out = runSnippet(s.code);
      // The documented stored sizes are the native codecs' (byte-identical to numcodecs); the
      // JS/WASM fallback compresses to other sizes, so there those lines are compared without them.
      if (!hasNativeCodecs() && /No\. bytes stored/.test(s.expected ?? "")) {
        const sizeFree = (t: string) => t.replace(/^(No\. bytes stored|Storage ratio)\s*:.*$/gm, "$1");
        assert.equal(sizeFree(out), sizeFree(s.expected!));
        return;
      }
      assert.equal(out, s.expected);
    });
  }
}
