/**
 * Helpers for the tagged JSON form of object values used by the fixtures (SOURCES.md, "Tagged JSON
 * for object values"). Not a test file itself.
 */
import assert from "node:assert/strict";
import { asNDArray, NDArray } from "../../src/internal.ts";
import { PyFloat } from "../../src/metadata/json.ts";

/** A tagged fixture file: `{dtype, shape, order, values}`. */
export interface TaggedFile {
  dtype: string;
  shape: number[];
  order: "C" | "F";
  values: unknown[];
}

function num(x: unknown): number {
  return x === "NaN" ? NaN : x === "Infinity" ? Infinity : x === "-Infinity" ? -Infinity : (x as number);
}

/** Assert that a decoded JS value matches a tagged expected value. */
export function assertTagged(actual: unknown, expected: unknown, where = "value"): void {
  if (expected === null || typeof expected === "string" || typeof expected === "boolean") {
    assert.strictEqual(actual, expected, where);
    return;
  }
  if (typeof expected === "number") {
    assert.ok(actual === expected || (typeof actual === "bigint" && actual === BigInt(expected)), `${where}: ${String(actual)} !== ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected a list, got ${String(actual)}`);
    assert.strictEqual(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertTagged(actual[i], e, `${where}[${i}]`));
    return;
  }
  const [tag, v] = Object.entries(expected as Record<string, unknown>)[0];
  switch (tag) {
    case "float": {
      const x = num(v);
      assert.ok(typeof actual === "number" && (actual === x || (Number.isNaN(x) && Number.isNaN(actual))), `${where}: ${String(actual)} !== float ${String(v)}`);
      return;
    }
    case "bigint":
      assert.strictEqual(BigInt(actual as bigint), BigInt(v as string), where);
      return;
    case "bytes_b64":
      assert.ok(actual instanceof Uint8Array, `${where}: expected bytes`);
      assert.strictEqual(Buffer.from(actual).toString("base64"), v, where);
      return;
    case "dict": {
      const d = v as Record<string, unknown>;
      assert.ok(actual !== null && typeof actual === "object" && !Array.isArray(actual), `${where}: expected a dict`);
      assert.deepStrictEqual(Object.keys(actual as object).sort(), Object.keys(d).sort(), `${where}: keys`);
      for (const k of Object.keys(d)) assertTagged((actual as Record<string, unknown>)[k], d[k], `${where}.${k}`);
      return;
    }
    case "ndarray": {
      const nd = v as { dtype: string; shape: number[]; values: unknown[] };
      assert.ok(actual instanceof NDArray, `${where}: expected an NDArray`);
      assert.strictEqual(actual.dtype, nd.dtype, `${where}: dtype`);
      assert.deepStrictEqual(actual.shape, nd.shape, `${where}: shape`);
      const flat = actual.toList().flat(Infinity) as unknown[];
      nd.values.forEach((e, i) => assertTagged(typeof flat[i] === "bigint" && typeof e === "number" ? Number(flat[i]) : flat[i], e, `${where}[${i}]`));
      return;
    }
    default:
      throw new Error(`unknown tag ${tag}`);
  }
}

/** Convert a tagged value into the JS value zarrflow encodes (floats as {@link PyFloat} when `pyFloats`). */
export function fromTagged(t: unknown, pyFloats = false): unknown {
  if (t === null || typeof t !== "object") return t;
  if (Array.isArray(t)) return t.map((x) => fromTagged(x, pyFloats));
  const [tag, v] = Object.entries(t as Record<string, unknown>)[0];
  switch (tag) {
    case "float": return pyFloats ? new PyFloat(num(v)) : num(v);
    case "bigint": return BigInt(v as string);
    case "bytes_b64": return new Uint8Array(Buffer.from(v as string, "base64"));
    case "dict": return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, fromTagged(x, pyFloats)]));
    case "ndarray": {
      const nd = v as { dtype: string; shape: number[]; values: unknown[] };
      return asNDArray(nd.values.map((x) => fromTagged(x)), nd.dtype);
    }
    default: throw new Error(`unknown tag ${tag}`);
  }
}

/** True when a tagged value contains a float with an integral value (1.0), which JS numbers cannot keep apart from ints. */
export function hasIntegralFloat(t: unknown): boolean {
  if (t === null || typeof t !== "object") return false;
  if (Array.isArray(t)) return t.some(hasIntegralFloat);
  const [tag, v] = Object.entries(t as Record<string, unknown>)[0];
  if (tag === "float") return typeof v === "number" && Number.isInteger(v);
  if (tag === "dict") return Object.values(v as object).some(hasIntegralFloat);
  return false;
}
