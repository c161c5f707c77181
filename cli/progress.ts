/**
 * Progress of long commands: a cli-progress bar (chunks, bytes, rate, ETA) when stderr is a
 * terminal, plain progress lines otherwise (logs, CI, pipes), nothing with `--quiet`.
 * @module
 */
/// <reference path="./cli-progress.d.ts" />
import cliProgress from "cli-progress";

/** One progress observation. `total` may be unknown (null). */
export interface ProgressState {
  done: number;
  total: number | null;
  bytes: number;
}

/** Where progress goes; {@link makeProgress} picks the implementation. */
export interface ProgressSink {
  /** Report the current counts (cheap to call often; output is throttled). */
  update(s: ProgressState): void;
  /** Stop drawing. `completed` says whether the work finished (false when it failed or was interrupted). */
  stop(completed: boolean): void;
}

/** Bytes as a short human string with binary units: `1.5 MiB`. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i === 0 ? `${x} B` : `${x.toFixed(1)} ${units[i]}`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Rate and ETA from the counts so far. */
function rates(s: ProgressState, startedAt: number): { rate: string; eta: string; elapsed: number } {
  const elapsed = Math.max(1e-3, (Date.now() - startedAt) / 1000);
  const rate = `${formatBytes(s.bytes / elapsed)}/s`;
  const eta = s.total === null || s.done === 0 ? "?" : formatDuration(((s.total - s.done) * elapsed) / s.done);
  return { rate, eta, elapsed };
}

/** Options of {@link makeProgress}. */
export interface ProgressOptions {
  /** The label in front, e.g. `"rechunk"`. */
  label: string;
  /** What is counted, e.g. `"chunks"` or `"keys"`. */
  unit?: string;
  /** Draw a bar (true on a TTY), write plain lines (false), or nothing (`"off"`). */
  mode: boolean | "off";
  /** Where to write (default stderr). */
  stream?: NodeJS.WritableStream;
  /** Minimum time between plain lines (default 1000 ms). The first and last are always written. */
  intervalMs?: number;
}

/**
 * A progress sink for a command. On a terminal it draws a bar; otherwise it writes lines such as
 * `rechunk: 12/400 chunks (3%), 1.2 MiB, 4.0 MiB/s, ETA 9s` at most once per interval.
 * @example
 * const p = makeProgress({ label: "verify", mode: process.stderr.isTTY === true });
 * p.update({ done: 1, total: 10, bytes: 4096 });
 * p.stop(true);
 */
export function makeProgress(o: ProgressOptions): ProgressSink {
  const unit = o.unit ?? "chunks";
  const stream = o.stream ?? process.stderr;
  const startedAt = Date.now();
  if (o.mode === "off") return { update() {}, stop() {} };
  if (o.mode === true) {
    const bar = new cliProgress.SingleBar({
      format: `${o.label} [{bar}] {percentage}% | {value}/{total} ${unit} | {size} | {rate} | ETA {etaText}`,
      stream, hideCursor: true, clearOnComplete: false, barsize: 30, fps: 10,
    }, cliProgress.Presets.shades_classic);
    let started = false;
    let last: ProgressState = { done: 0, total: null, bytes: 0 };
    const payload = (s: ProgressState) => {
      const r = rates(s, startedAt);
      return { size: formatBytes(s.bytes), rate: r.rate, etaText: r.eta };
    };
    return {
      update(s) {
        last = s;
        if (!started) {
          bar.start(s.total ?? 0, s.done, payload(s));
          started = true;
        } else {
          if (s.total !== null) bar.setTotal(s.total);
          bar.update(s.done, payload(s));
        }
      },
      stop(completed) {
        if (started) {
          bar.update(last.done, payload(last));
          bar.stop();
        }
        if (!completed) stream.write(`${o.label}: stopped at ${last.done}${last.total === null ? "" : "/" + last.total} ${unit}\n`);
      },
    };
  }
  const interval = o.intervalMs ?? 1000;
  let lastAt = -Infinity;
  let last: ProgressState | null = null;
  let lastWritten: ProgressState | null = null;
  const line = (s: ProgressState) => {
    const r = rates(s, startedAt);
    const pct = s.total ? ` (${Math.floor((100 * s.done) / s.total)}%)` : "";
    stream.write(`${o.label}: ${s.done}${s.total === null ? "" : "/" + s.total} ${unit}${pct}, ${formatBytes(s.bytes)}, ${r.rate}, ETA ${r.eta}\n`);
    lastWritten = s;
  };
  return {
    update(s) {
      last = s;
      const now = Date.now();
      if (now - lastAt >= interval) {
        lastAt = now;
        line(s);
      }
    },
    stop(completed) {
      if (last && last !== lastWritten) line(last);
      if (!completed && last) stream.write(`${o.label}: stopped at ${last.done}${last.total === null ? "" : "/" + last.total} ${unit}\n`);
    },
  };
}
