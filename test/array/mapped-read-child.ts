/**
 * Child process of mapped-read.test.ts, run with ZARRFLOW_FAILPOINT_TRUNCATE_MAPPED=1: the addon
 * then cuts each chunk file short right after mapping it, as another program rewriting the file in
 * place would. Reads a column (the mapped path) and prints what happened as one JSON line; the
 * process must survive the SIGBUS that the copy out of the mapping raises. Not a test file itself.
 *   mapped-read-child.ts <dir>
 */
import { openArray, DirectoryStore, StoreIOError } from "../../src/internal.ts";

const z = await openArray(new DirectoryStore(process.argv[2]), { mode: "r" });
let outcome: Record<string, unknown>;
try {
  await z.get(":, 300");
  outcome = { result: "read" };
} catch (e) {
  outcome = { result: e instanceof StoreIOError ? "StoreIOError" : (e as Error).name, code: (e as StoreIOError).code, key: (e as StoreIOError).key, message: (e as Error).message };
}
process.stdout.write(JSON.stringify(outcome) + "\n");
