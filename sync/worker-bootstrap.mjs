// Entry point of workers started by startWorker(): zarrflow ships TypeScript sources, and Node 20
// workers ignore `--import tsx` in execArgv, so the worker registers tsx itself before importing
// the real script (passed as `--zarrflow-worker-script <url>` in argv, removed from process.argv).
import { register } from "tsx/esm/api";

const i = process.argv.indexOf("--zarrflow-worker-script");
if (i < 0) throw new Error("worker-bootstrap.mjs: missing --zarrflow-worker-script <url>");
const script = process.argv[i + 1];
process.argv.splice(i, 2);
register();
await import(script);
