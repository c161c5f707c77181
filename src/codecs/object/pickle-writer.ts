/**
 * The pickle writer of numcodecs' `Pickle` codec (protocol 4, no framing), used only when writing
 * pickles has been enabled.
 * @module
 */
import { fail } from "./unpickle.ts";
import type { DType } from "../../dtype/dtype.ts";
import { byteswapInPlace, swapWidth, type DataArray } from "../../dtype/elements.ts";
import { PyFloat } from "../../metadata/json.ts";
import { NDArray } from "../../ndarray/ndarray.ts";

/** Pickle writer (protocol 4 opcodes, no framing), for {@link Pickle.encodeObjects} with `allowWrite`. */
export class PickleWriter {
  readonly out: number[] = [0x80, 4];
  byte(...b: number[]): void {
    for (const x of b) this.out.push(x);
  }
  /** An opcode followed by a 4-byte little-endian length and the bytes. */
  blob(op: number, b: Uint8Array): void {
    this.byte(op, b.length & 0xff, (b.length >>> 8) & 0xff, (b.length >>> 16) & 0xff, (b.length >>> 24) & 0xff);
    for (const x of b) this.out.push(x);
  }
  str(s: string): void {
    this.blob(0x58, new TextEncoder().encode(s)); // BINUNICODE
  }
  int(v: bigint | number): void {
    let x = BigInt(v);
    if (x >= -(2n ** 31n) && x < 2n ** 31n) {
      const n = Number(BigInt.asUintN(32, x));
      return this.byte(0x4a, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff); // BININT
    }
    const b: number[] = [];
    do {
      b.push(Number(x & 0xffn));
      x >>= 8n;
    } while (!((x === 0n && !(b[b.length - 1] & 0x80)) || (x === -1n && b[b.length - 1] & 0x80)));
    this.byte(0x8a, b.length, ...b); // LONG1
  }
  global(module: string, name: string): void {
    this.byte(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }
  /** `numpy.dtype(typestr, False, True)` + BUILD (3, byteorder, None, None, None, -1, -1, flags). */
  dtype(dt: DType): void {
    this.global("numpy", "dtype");
    this.str(dt.kind === "O" ? "O8" : dt.str.slice(1));
    this.byte(0x89, 0x88, 0x87, 0x52, 0x28); // False, True, TUPLE3, REDUCE, MARK
    this.int(3);
    this.str(dt.byteorder === ">" ? ">" : dt.itemsize === 1 || dt.kind === "O" ? "|" : "<");
    this.byte(0x4e, 0x4e, 0x4e);
    [-1, -1, dt.kind === "O" ? 63 : 0].forEach((x) => this.int(x));
    this.byte(0x74, 0x62); // TUPLE, BUILD
  }
  /** `_reconstruct(ndarray, (0,), b'b')` + BUILD (1, shape, dtype, fortran, list-or-bytes); object lists are in C order. */
  array(a: NDArray, fortran = false): void {
    const dt = a.dt;
    if (!"biufO".includes(dt.kind)) fail(`cannot write numpy arrays of dtype '${dt.str}'`);
    this.global("numpy.core.multiarray", "_reconstruct");
    this.global("numpy", "ndarray");
    this.int(0);
    this.byte(0x85); // TUPLE1
    this.blob(0x42, new Uint8Array([0x62])); // b'b'
    this.byte(0x87, 0x52, 0x28); // TUPLE3, REDUCE, MARK
    this.int(1);
    this.byte(0x28);
    a.shape.forEach((d) => this.int(d));
    this.byte(0x74);
    this.dtype(dt);
    this.byte(fortran && dt.kind === "O" && a.ndim > 1 ? 0x88 : 0x89);
    if (dt.kind === "O") this.list(a.toList());
    else {
      const c = a.toContiguous().data as Exclude<DataArray, unknown[]>;
      const bytes = new Uint8Array(c.buffer, c.byteOffset, a.size * dt.itemsize).slice();
      if (swapWidth(dt)) byteswapInPlace(bytes, swapWidth(dt));
      this.blob(0x42, bytes);
    }
    this.byte(0x74, 0x62);
  }
  list(items: Iterable<unknown>, open = 0x5d, close = 0x65): void {
    this.byte(open, 0x28);
    for (const x of items) this.value(x);
    this.byte(close);
  }
  value(v: unknown): void {
    if (v === null || v === undefined) this.byte(0x4e);
    else if (typeof v === "boolean") this.byte(v ? 0x88 : 0x89);
    else if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v) && !Object.is(v, -0))) this.int(v);
    else if (typeof v === "number" || v instanceof PyFloat) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, typeof v === "number" ? v : v.value, false);
      this.byte(0x47, ...b); // BINFLOAT
    } else if (typeof v === "string") this.str(v);
    else if (v instanceof Uint8Array) this.blob(0x42, v);
    else if (v instanceof NDArray) this.array(v);
    else if (Array.isArray(v)) this.list(v);
    else if (v instanceof Set) this.list(v, 0x8f, 0x90); // EMPTY_SET, ADDITEMS
    else if (v instanceof Map || (typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v)))) {
      this.list([...(v instanceof Map ? v : Object.entries(v as object))].flat(), 0x7d, 0x75); // EMPTY_DICT, SETITEMS
    } else fail(`cannot pickle a value of type ${(v as object)?.constructor?.name ?? typeof v}`);
  }
}
