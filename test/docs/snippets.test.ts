/**
 * The docs cannot rot: every ```ts block in docs/*.md runs, and prints exactly the ```text block
 * shown after it. Regenerate the shown outputs with `npm run docs:outputs` after a deliberate change.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { relative } from "node:path";
import { DOC_FILES, ROOT, extractSnippets, readDoc, runSnippet } from "./snippets.ts";

for (const file of DOC_FILES) {
  const md = readDoc(file);
  if (md === null) continue;
  for (const s of extractSnippets(md)) {
    test(`${relative(ROOT, file)}:${s.line}`, { concurrency: false }, () => {
      assert.notEqual(s.expected, null, "every snippet is followed by a ```text block with its output");
      assert.equal(runSnippet(s.code), s.expected);
    });
  }
}
