/**
 * What every command gets: output channels that respect `--json` and interruption, the abort
 * signal Ctrl-C fires, progress sinks, and store opening that remembers what to close.
 * @module
 */
import { NDArray, ZarrArray, ZarrGroup, open, type Store } from "../src/internal.ts";
import { UsageError } from "./errors.ts";
import { guardStore, newMeter, type IoMeter } from "./guard.ts";
import { makeProgress, type ProgressSink } from "./progress.ts";
import { resolveStore, type ResolveOptions, type ResolvedStore } from "./resolve.ts";

/** Global options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
  quiet?: boolean;
  progress?: boolean;
}

/** The command context. */
export class CliContext {
  /** Machine output: one JSON document on stdout instead of text. */
  readonly json: boolean;
  /** Print stack traces of failures. */
  readonly debug: boolean;
  /** No progress output. */
  readonly quiet: boolean;
  /** Fired by Ctrl-C (SIGINT). */
  readonly signal: AbortSignal;
  /** Artificial latency per store read/write in ms (`ZARRFLOW_CLI_IO_DELAY_MS`), to test cancellation. */
  readonly ioDelayMs: number;
  readonly #opened: ResolvedStore[] = [];
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;
  readonly #tty: boolean;
  readonly #forceProgress: boolean | undefined;

  constructor(opts: GlobalOptions, signal: AbortSignal, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; tty: boolean }) {
    this.json = opts.json === true;
    this.debug = opts.debug === true;
    this.quiet = opts.quiet === true;
    this.#forceProgress = opts.progress === false ? false : undefined;
    this.signal = signal;
    this.#stdout = io.stdout;
    this.#stderr = io.stderr;
    this.#tty = io.tty;
    const d = Number(process.env.ZARRFLOW_CLI_IO_DELAY_MS ?? 0);
    this.ioDelayMs = Number.isFinite(d) && d > 0 ? d : 0;
  }

  /** Write a line of text output (dropped after an interruption, so nothing claims success). */
  out(text: string): void {
    if (this.signal.aborted) return;
    this.#stdout.write(text.endsWith("\n") ? text : text + "\n");
  }

  /** Write the command's JSON result. */
  outJson(value: unknown): void {
    if (this.signal.aborted) return;
    this.#stdout.write(JSON.stringify(value, jsonReplacer) + "\n");
  }

  /** Write a diagnostic line to stderr. */
  err(text: string): void {
    this.#stderr.write(text.endsWith("\n") ? text : text + "\n");
  }

  /** A progress sink: a bar on a terminal, lines otherwise, nothing with `--quiet`/`--no-progress`. */
  progress(label: string, unit = "chunks"): ProgressSink {
    const off = this.quiet || this.#forceProgress === false;
    return makeProgress({ label, unit, mode: off ? "off" : this.#tty, stream: this.#stderr, intervalMs: 1000 });
  }

  /** Open a store (see {@link resolveStore}); it is closed by {@link CliContext.closeAll}. */
  async openStore(target: string, opts: ResolveOptions = {}): Promise<ResolvedStore> {
    const r = await resolveStore(target, opts);
    this.#opened.push(r);
    return r;
  }

  /** `store` made cancellable by Ctrl-C and metered (see `guardStore`). */
  guard<S extends Store>(store: S, meter: IoMeter = newMeter()): S {
    return guardStore(store, this.signal, meter, this.ioDelayMs);
  }

  /** Open the array or group a user named, read-only. */
  async openNode(target: string, opts: { path?: string } = {}): Promise<{ node: ZarrArray | ZarrGroup; resolved: ResolvedStore }> {
    const resolved = await this.openStore(target, { mode: "r", path: opts.path });
    const node = await open(resolved.store, { mode: "r", path: resolved.path });
    return { node, resolved };
  }

  /** Open the array a user named, read-only; a group is a usage error. */
  async openArrayNode(target: string, opts: { path?: string } = {}): Promise<{ node: ZarrArray; resolved: ResolvedStore }> {
    const r = await this.openNode(target, opts);
    if (!(r.node instanceof ZarrArray)) throw new UsageError(`${target}${opts.path ? ` (path '${opts.path}')` : ""} is a group; this command needs an array`);
    return { node: r.node, resolved: r.resolved };
  }

  /**
   * Close every store opened through this context (writes ZIP archives). After an interruption the
   * stores are dropped unclosed, so a ZIP archive being written keeps its previous contents.
   */
  async closeAll(): Promise<void> {
    if (this.signal.aborted) this.#opened.length = 0;
    while (this.#opened.length) await this.#opened.pop()!.close();
  }
}

/** JSON for values JSON cannot hold: bigints beyond 2^53 as strings, NaN/±Infinity as strings, bytes as arrays. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (v instanceof Uint8Array) return Array.from(v);
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  if (v instanceof NDArray) return v.toArray();
  return v;
}

/** Python's repr of a shape tuple: `(100,)`, `(10, 10)`, `()`. */
export function shapeRepr(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}
