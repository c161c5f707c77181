/**
 * Where `../shared/fixtures` is: beside the repository (as CI lays it out), overridable with
 * ZARRFLOW_FIXTURES, with the development machine's /work/shared as a last resort.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SHARED_FIXTURES: string =
  [process.env.ZARRFLOW_FIXTURES, fileURLToPath(new URL("../../../shared/fixtures", import.meta.url)), "/work/shared/fixtures"].find(
    (p): p is string => !!p && existsSync(p),
  ) ?? fileURLToPath(new URL("../../../shared/fixtures", import.meta.url));
