/**
 * Test helpers for streams and sync: a store wrapper that counts (and optionally delays) accesses,
 * and deterministic data.
 */
import type { Store } from "../../src/stores/store.ts";

/** Wraps a store, counting gets and sets per key; `delayGet` (ms) delays every get's answer. */
export class CountingStore implements Store {
  readonly gets = new Map<string, number>();
  readonly sets = new Map<string, number>();
  /** Keys in the order they were set. */
  readonly setLog: string[] = [];
  /** Called before each set (after counting), e.g. to check invariants at that moment. */
  onSet?: (key: string, value: Uint8Array) => void;
  delayGet = 0;
  constructor(readonly inner: Store) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    this.gets.set(key, (this.gets.get(key) ?? 0) + 1);
    // The value is taken now and delivered later, like a slow network read: a write landing in
    // between is not seen, which is what makes a racing read-modify-write observable.
    const value = await this.inner.get(key);
    if (this.delayGet) await new Promise((r) => setTimeout(r, this.delayGet));
    return value;
  }
  async set(key: string, value: Uint8Array): Promise<void> {
    this.sets.set(key, (this.sets.get(key) ?? 0) + 1);
    this.setLog.push(key);
    this.onSet?.(key, value);
    await this.inner.set(key, value);
  }
  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
  }
  async has(key: string): Promise<boolean> {
    return (await this.inner.has?.(key)) ?? (await this.inner.get(key)) !== undefined;
  }
  list(prefix?: string) {
    return this.inner.list!(prefix);
  }
  listDir(prefix?: string) {
    return this.inner.listDir!(prefix);
  }
  deletePrefix(prefix: string) {
    return this.inner.deletePrefix!(prefix);
  }
  /** Gets of chunk keys only (no dot-files). */
  chunkGets(): Map<string, number> {
    return new Map([...this.gets].filter(([k]) => !k.split("/").pop()!.startsWith(".")));
  }
  chunkSets(): Map<string, number> {
    return new Map([...this.sets].filter(([k]) => !k.split("/").pop()!.startsWith(".")));
  }
  reset(): void {
    this.gets.clear();
    this.sets.clear();
    this.setLog.length = 0;
  }
}

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `0, 1, 2, …` as an Int32Array of `n` elements. */
export function iota(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
