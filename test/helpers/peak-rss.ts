/** The process's peak RSS from the kernel's high-water mark, resettable, for memory-bound checks in child processes. */
import { readFileSync, writeFileSync } from "node:fs";

/** Peak RSS (MB) since the last {@link resetPeak}, from /proc/self/status VmHWM (current RSS elsewhere). */
export function peakMB(): number {
  const m = /VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

/** Reset the high-water mark. Not Linux, or not permitted: the peak then only grows, which over-reports (never hides) growth. */
export function resetPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // see above
  }
}
