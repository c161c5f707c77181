/**
 * What happens when a codec runs without the native addon: one warning per process on stderr
 * naming the reason and the fix, or, with `ZARRFLOW_REQUIRE_NATIVE=1`, a typed error.
 *
 * Codec fallbacks call {@link useFallback} right before they run; it is cheap after the first call.
 * @module
 */
import { CodecError } from "../errors.ts";
import { nativeCodecs, nativeUnavailableReason } from "./native.ts";

/**
 * The native codec addon is required (`ZARRFLOW_REQUIRE_NATIVE=1`) but could not be used. The
 * message names the reason and how to fix it.
 * @example
 * // ZARRFLOW_REQUIRE_NATIVE=1 node app.mjs
 * try { await zeros([10], { compressor: new Zstd() }).then((z) => z.set(null, 1)); } catch (e) { if (e instanceof NativeCodecsRequiredError) console.error(e.message); }
 */
export class NativeCodecsRequiredError extends CodecError {}

let warned = false;

/** How to get the addon, given why it is missing. */
export function nativeFixHint(reason: string | null = nativeUnavailableReason): string {
  if (reason?.includes("ZARRFLOW_NO_NATIVE")) return "unset ZARRFLOW_NO_NATIVE to use the native addon";
  return (
    "install a C++ toolchain (make, g++, python3; no codec -dev packages are needed), keep the optional " +
    "dependencies (zstd-napi and lz4 ship the codec sources), then run `npm rebuild zarrflow` " +
    "(in a checkout: `node native/build.mjs`); " +
    "the build log is native/build/build.log"
  );
}

/**
 * Called by a codec before it uses its WASM/JS fallback for `codecId`. Throws
 * {@link NativeCodecsRequiredError} when `ZARRFLOW_REQUIRE_NATIVE=1`; otherwise prints one warning
 * per process (unless the addon was disabled on purpose with `ZARRFLOW_NO_NATIVE=1`, or
 * `ZARRFLOW_NATIVE_WARNING=0`; `ZARRFLOW_NATIVE_WARNING=1` warns even then). Does nothing when
 * the addon is loaded.
 */
export function useFallback(codecId: string): void {
  if (nativeCodecs) return;
  const reason = nativeUnavailableReason ?? "unknown reason";
  if (process.env.ZARRFLOW_REQUIRE_NATIVE === "1") {
    throw new NativeCodecsRequiredError(
      `${codecId}: the native codec addon is required (ZARRFLOW_REQUIRE_NATIVE=1) but unavailable: ${reason}; ${nativeFixHint(reason)}`,
    );
  }
  if (warned) return;
  warned = true;
  const setting = process.env.ZARRFLOW_NATIVE_WARNING;
  if (setting === "0" || (process.env.ZARRFLOW_NO_NATIVE === "1" && setting !== "1")) return;
  process.stderr.write(
    `zarrflow: warning: native codec addon unavailable (${reason}); using the slower WASM/JS codecs. ` +
      `To fix: ${nativeFixHint(reason)}. Silence with ZARRFLOW_NATIVE_WARNING=0.\n`,
  );
}

/** Whether {@link useFallback} has already warned in this process (for tests). */
export function fallbackWarned(): boolean {
  return warned;
}
