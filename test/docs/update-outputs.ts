/**
 * `npm run docs:outputs`: run every doc snippet and write what it prints into the ```text block
 * after it (inserting one where missing). Review the diff: the outputs are the docs' promise.
 */
import { writeFileSync } from "node:fs";
import { DOC_FILES, extractSnippets, readDoc, runSnippet } from "./snippets.ts";

for (const file of DOC_FILES) {
  let md = readDoc(file);
  if (md === null) continue;
  // From the last snippet backwards so earlier offsets stay valid.
  for (const s of extractSnippets(md).reverse()) {
    const block = "\n```text\n" + runSnippet(s.code) + "```\n";
    md = s.outputRange ? md.slice(0, s.outputRange[0]) + block + md.slice(s.outputRange[1]) : md.slice(0, s.insertAt) + block + md.slice(s.insertAt);
  }
  writeFileSync(file, md);
  console.log(`updated ${file}`);
}
