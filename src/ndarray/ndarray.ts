/**
 * NDArray: the in-memory result of a read and the value of a write. It is a thin strided view over a
 * typed array (or a plain array for object dtypes) so that zarrflow can hand data to users and to
 * codecs without copying.
 * @module
 */
import { parseDtype, type DType, type DtypeLike } from "../dtype/dtype.ts";
import { allocate, elementValue, getElement, laneInfo, setElement, type DataArray, type TypedArray } from "../dtype/elements.ts";
import type { DtypeOfData, ElementOf, TypedArrayOf } from "../dtype/typed.ts";
import { IndexError, ShapeError, DtypeError, BoundsCheckError } from "../errors.ts";
import { cStrides, copyStrided, fStrides, product } from "./strided.ts";
import { formatNDArray, formatNDArrayStr } from "./format.ts";

/** Memory order of a contiguous array: row-major (C) or column-major (F). */
export type Order = "C" | "F";

/**
 * An N-dimensional array: typed `data`, `shape`, element `strides`, and a numpy `dtype` string.
 * The type parameter is the dtype (`NDArray<"<f4">` has a `Float32Array` `data` and `number`
 * elements, see {@link ElementOf}); a plain `NDArray` (a non-literal dtype) is loosely typed:
 * `data` is any `DataArray` and elements are `unknown`.
 * @example
 * const b = new NDArray(new Int32Array(6), [2, 3], "<i4");
 * b.set([1, 2], 7);
 * console.log(b.get(1, 2), b.shape, String(b));  // 7 [ 2, 3 ] array([[0, 0, 0], [0, 0, 7]], dtype=int32)
 * const a = await z.get("0:2");   // z: ZarrArray<"<i8">, so a: NDArray<"<i8">
 * a.data;                          // BigInt64Array
 * a.get(1);                        // bigint
 */
export class NDArray<D extends string = string> {
  /** numpy dtype string, e.g. `"<i4"`; structured dtypes use the JSON list form. */
  readonly dtype: string;
  /** Parsed dtype. */
  readonly dt: DType;
  readonly shape: number[];
  /** Strides in elements (not bytes, not lanes). */
  readonly strides: number[];
  /** Offset of element (0, …, 0) in elements. */
  readonly offset: number;
  /** Element storage; for numeric dtypes a typed array in machine byte order. */
  readonly data: TypedArrayOf<D>;

  constructor(data: TypedArrayOf<D>, shape: readonly number[], dtype: DtypeLike, strides?: readonly number[], offset = 0) {
    this.dt = parseDtype(dtype);
    this.dtype = this.dt.str;
    this.shape = [...shape];
    this.strides = strides ? [...strides] : cStrides(shape);
    this.offset = offset;
    this.data = data;
  }

  /** Number of elements. */
  get size(): number {
    return product(this.shape);
  }

  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** True when the elements are laid out contiguously in C order starting at `offset`. */
  get isCContiguous(): boolean {
    const c = cStrides(this.shape);
    return this.shape.every((n, d) => n <= 1 || this.strides[d] === c[d]);
  }

  /** True when the elements are laid out contiguously in F order starting at `offset`. */
  get isFContiguous(): boolean {
    const f = fStrides(this.shape);
    return this.shape.every((n, d) => n <= 1 || this.strides[d] === f[d]);
  }

  /** Lanes per element in `data` (2 for complex, itemsize for bytes/unicode/structured, else 1). */
  get lanes(): number {
    return this.dt.kind === "O" ? 1 : laneInfo(this.dt).lanes;
  }

  private flatIndex(index: readonly number[]): number {
    if (index.length !== this.shape.length) {
      throw new IndexError(`expected ${this.shape.length} indices for shape (${this.shape.join(", ")}), got ${index.length}`);
    }
    let off = this.offset;
    for (let d = 0; d < index.length; d++) {
      let i = index[d];
      if (i < 0) i += this.shape[d];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[d]) {
        throw new BoundsCheckError(`index ${index[d]} is out of bounds for axis ${d} with size ${this.shape[d]}`);
      }
      off += i * this.strides[d];
    }
    return off;
  }

  /**
   * One element, e.g. `a.get(1, 2)`; negative indices count from the end. Datetime64/timedelta64
   * elements come as {@link Datetime64}/{@link Timedelta64} (the raw counts stay in `data`, and
   * `getFlat`, `toArray` and `toList` give counts, as numpy's `tolist()` gives plain numbers).
   */
  get(...index: number[]): ElementOf<D> {
    return elementValue(this.dt, this.data, this.flatIndex(index)) as ElementOf<D>;
  }

  /** Set one element, converting the value to the dtype as numpy assignment would. */
  set(index: readonly number[], value: unknown): void {
    setElement(this.dt, this.data, this.flatIndex(index), value);
  }

  /** Element at a flat C-order position (storage values: bigint counts for datetimes). */
  getFlat(i: number): unknown {
    if (this.isCContiguous) return getElement(this.dt, this.data, this.offset + i);
    let off = this.offset;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      const n = this.shape[d];
      off += (i % n) * this.strides[d];
      i = Math.floor(i / n);
    }
    return getElement(this.dt, this.data, off);
  }

  /** Nested JS arrays of element values (a bare value for 0-d arrays). */
  toArray(): unknown {
    const rec = (d: number, off: number): unknown => {
      if (d === this.shape.length) return getElement(this.dt, this.data, off);
      const out = new Array(this.shape[d]);
      for (let i = 0; i < this.shape[d]; i++) out[i] = rec(d + 1, off + i * this.strides[d]);
      return out;
    };
    return rec(0, this.offset);
  }

  /** A flat list of element values in C order. */
  toList(): unknown[] {
    const out = new Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.getFlat(i);
    return out;
  }

  /** A C-contiguous copy (or this array when it already is one with offset 0 and exact length). */
  toContiguous(): NDArray<D> {
    const lanes = this.lanes;
    if (this.isCContiguous && this.offset === 0 && (this.data as TypedArray).length === this.size * lanes) return this;
    const out = allocate(this.dt, this.size) as TypedArrayOf<D>;
    copyStrided(
      { data: out, offset: 0, strides: [...cStrides(this.shape).map((s) => s * lanes), 1] },
      { data: this.data, offset: this.offset * lanes, strides: [...this.strides.map((s) => s * lanes), 1] },
      [...this.shape, lanes],
    );
    return new NDArray<D>(out, this.shape, this.dt);
  }

  /** A view with reversed axes (numpy's `.T`), no copy. */
  transpose(): NDArray<D> {
    return new NDArray<D>(this.data, [...this.shape].reverse(), this.dt, [...this.strides].reverse(), this.offset);
  }

  /** A view with a new shape (C order); copies only when this array is not C-contiguous. */
  reshape(...shape: number[]): NDArray<D> {
    const flat = shape.length === 1 && Array.isArray(shape[0]) ? (shape[0] as unknown as number[]) : shape;
    const neg = flat.indexOf(-1);
    const known = product(flat.filter((n) => n !== -1));
    const full = flat.map((n) => (n === -1 ? this.size / known : n));
    if (neg >= 0 && !Number.isInteger(full[neg])) throw new ShapeError(`cannot reshape array of size ${this.size} into shape (${flat.join(", ")})`);
    if (product(full) !== this.size) throw new ShapeError(`cannot reshape array of size ${this.size} into shape (${flat.join(", ")})`);
    const c = this.toContiguous();
    return new NDArray<D>(c.data, full, this.dt, undefined, c.offset);
  }

  /** Raw values of one field of a structured array, as a new NDArray of the field's dtype. */
  field(name: string): NDArray {
    const f = this.dt.fields?.find((x) => x.name === name);
    if (!f) throw new DtypeError(`no field '${name}' in dtype ${this.dtype}`);
    const out = empty(this.shape, f.dtype);
    for (let i = 0; i < this.size; i++) setElement(f.dtype, out.data, i, (this.getFlat(i) as Record<string, unknown>)[name]);
    return out;
  }

  /** numpy's repr, e.g. `array([0, 1, 2], dtype=int32)`. */
  toString(): string {
    return formatNDArray({ dtype: this.dtype, shape: this.shape, get: (i) => this.getFlat(i) });
  }

  /** numpy's str(), e.g. `[0 1 2]`. */
  toStr(): string {
    return formatNDArrayStr({ dtype: this.dtype, shape: this.shape, get: (i) => this.getFlat(i) });
  }

  /** Node's console.log shows the numpy repr. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** Options for {@link ndarray}. */
export interface NDArrayOptions {
  /** numpy dtype; inferred from the typed array when omitted (Float64Array → `<f8`, …). */
  dtype?: DtypeLike;
  /** Memory order of `data`. */
  order?: Order;
}

/** The dtype a typed array holds when none is given. */
export function inferDtype(data: DataArray): string {
  if (Array.isArray(data)) return "|O";
  const name = data.constructor.name;
  const map: Record<string, string> = {
    Int8Array: "|i1", Uint8Array: "|u1", Uint8ClampedArray: "|u1", Int16Array: "<i2", Uint16Array: "<u2",
    Int32Array: "<i4", Uint32Array: "<u4", Float32Array: "<f4", Float64Array: "<f8",
    BigInt64Array: "<i8", BigUint64Array: "<u8",
  };
  const d = map[name];
  if (!d) throw new DtypeError(`cannot infer a dtype from ${name}`);
  return d;
}

/**
 * Wrap an existing typed array as an NDArray without copying. Its dtype type is the given dtype
 * literal, else the one the typed array implies (`Float32Array` → `NDArray<"<f4">`).
 * @example
 * const a = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);  // no copy; dtype from the typed array
 * await z.set("0:2, 0:3", a);
 */
export function ndarray<const D extends string>(data: DataArray, shape: readonly number[], opts: NDArrayOptions & { dtype: D }): NDArray<D>;
export function ndarray<T extends DataArray>(data: T, shape: readonly number[], opts?: NDArrayOptions & { dtype?: undefined }): NDArray<DtypeOfData<T>>;
export function ndarray(data: DataArray, shape: readonly number[], opts?: NDArrayOptions): NDArray;
export function ndarray(data: DataArray, shape: readonly number[], opts: NDArrayOptions = {}): NDArray {
  const dt = parseDtype(opts.dtype ?? inferDtype(data));
  const lanes = dt.kind === "O" ? 1 : laneInfo(dt).lanes;
  const need = product(shape) * lanes;
  const have = Array.isArray(data) ? data.length : (data as TypedArray).length;
  if (have < need) throw new ShapeError(`data has ${have} lanes but shape (${shape.join(", ")}) of ${dt.str} needs ${need}`);
  if (!Array.isArray(data) && dt.kind !== "O") {
    const { ctor } = laneInfo(dt);
    if (!(data instanceof (ctor as unknown as typeof Uint8Array)) && data.constructor !== ctor) {
      throw new DtypeError(`dtype ${dt.str} needs a ${ctor.name}, got ${data.constructor.name}`);
    }
  }
  const strides = (opts.order ?? "C") === "F" ? fStrides(shape) : cStrides(shape);
  return new NDArray(data, shape, dt, strides);
}

/**
 * An uninitialized (zeroed) array.
 * @example
 * const a = emptyNDArray([2, 3], "<i4");   // np.empty((2, 3), dtype="i4"), zero-filled here
 */
export function empty<const D extends string = "<f8">(shape: readonly number[], dtype?: D | DtypeLike): NDArray<D> {
  const dt = parseDtype(dtype ?? "<f8");
  return new NDArray<D>(allocate(dt, product(shape)) as TypedArrayOf<D>, shape, dt);
}

/**
 * An array filled with one value.
 * @example
 * const a = fullNDArray([2, 3], 7, "<i4"); // np.full((2, 3), 7, dtype="i4")
 * await z.set("0:2, 0:3", a);
 */
export function full<const D extends string = "<f8">(shape: readonly number[], value: unknown, dtype?: D | DtypeLike): NDArray<D> {
  const a = empty<D>(shape, dtype);
  const n = a.size;
  for (let i = 0; i < n; i++) setElement(a.dt, a.data, i, value);
  return a;
}

/**
 * numpy's `arange`: `arange(stop)` or `arange(start, stop, step?, dtype?)`; the default dtype is `<i8`, as numpy's.
 * @example
 * const a = arange(10);                    // np.arange(10): dtype <i8
 * const b = arange(0, 1, 0.25, "<f8");     // np.arange(0, 1, 0.25)
 * await z.set("0, :", arange(10000, undefined, 1, "<i4"));
 */
export function arange<const D extends string = "<i8">(start: number, stop?: number, step = 1, dtype: D | DtypeLike = "<i8"): NDArray<D> {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new IndexError("arange step must not be 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const a = empty<D>([n], dtype);
  const d = a.data as unknown as unknown[];
  if (a.dt.kind === "i" || a.dt.kind === "u" || a.dt.kind === "f") {
    if (a.dt.itemsize === 8 && a.dt.kind !== "f") for (let i = 0; i < n; i++) d[i] = BigInt(start + i * step);
    else if (a.dt.kind === "f" && a.dt.itemsize === 2) for (let i = 0; i < n; i++) setElement(a.dt, a.data, i, start + i * step);
    else for (let i = 0; i < n; i++) d[i] = start + i * step;
  } else for (let i = 0; i < n; i++) setElement(a.dt, a.data, i, start + i * step);
  return a;
}

function nestedShape(v: unknown): number[] {
  const shape: number[] = [];
  let x = v;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  return shape;
}

function guessDtype(values: unknown[]): string {
  if (values.length === 0) return "<f8";
  if (values.every((v) => typeof v === "boolean")) return "|b1";
  if (values.every((v) => typeof v === "bigint")) return "<i8";
  if (values.every((v) => typeof v === "number" || typeof v === "boolean")) {
    return values.every((v) => typeof v !== "number" || Number.isInteger(v)) ? "<i8" : "<f8";
  }
  if (values.every((v) => typeof v === "string")) return `<U${Math.max(1, ...values.map((s) => [...(s as string)].length))}`;
  if (values.every((v) => v instanceof Uint8Array)) return `|S${Math.max(1, ...values.map((s) => (s as Uint8Array).length))}`;
  return "|O";
}

/**
 * Build an NDArray from nested JS arrays (or an NDArray, or a typed array, or a scalar). The dtype is
 * inferred like numpy's (ints → `<i8`, floats → `<f8`, strings → `<U n`) unless given.
 * @example
 * const a = asNDArray([[1, 2], [3, 4]]);          // np.asarray([[1, 2], [3, 4]]): dtype <i8
 * const f = asNDArray([[1, 2], [3, 4]], "<f4");   // np.asarray(..., dtype="f4")
 */
export function asNDArray<const D extends string = string>(value: unknown, dtype?: D | DtypeLike): NDArray<D> {
  if (value instanceof NDArray) {
    if (dtype === undefined || parseDtype(dtype).str === value.dtype) return value as NDArray<D>;
    return astype(value, dtype) as NDArray<D>;
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const typed = value as TypedArray;
    const src = ndarray(typed, [typed.length]) as NDArray;
    return (dtype === undefined ? src : astype(src, dtype)) as NDArray<D>;
  }
  const shape = nestedShape(value);
  const flat = shape.length ? (value as unknown[]).flat(shape.length - 1 as 1) as unknown[] : [value];
  if (flat.length !== product(shape)) throw new ShapeError(`nested arrays are ragged; expected ${product(shape)} elements in shape (${shape.join(", ")})`);
  const dt = parseDtype(dtype ?? guessDtype(flat));
  const a = new NDArray<D>(allocate(dt, flat.length) as TypedArrayOf<D>, shape, dt);
  for (let i = 0; i < flat.length; i++) setElement(dt, a.data, i, flat[i]);
  return a;
}

/**
 * A copy converted to another dtype (C order), like numpy's `astype`.
 * @example
 * const f = astype(arange(5), "<f4");      // np.arange(5).astype("f4")
 */
export function astype<const D extends string = string>(a: NDArray, dtype: D | DtypeLike): NDArray<D> {
  const dt = parseDtype(dtype);
  const out = new NDArray<D>(allocate(dt, a.size) as TypedArrayOf<D>, a.shape, dt);
  const n = a.size;
  if (dt.kind !== "O" && a.dt.kind === dt.kind && a.dt.itemsize === dt.itemsize && dt.kind !== "V") {
    const c = a.toContiguous();
    const lanes = laneInfo(dt).lanes;
    (out.data as TypedArray).set((c.data as TypedArray).subarray(0, n * lanes) as never);
    return out;
  }
  for (let i = 0; i < n; i++) setElement(dt, out.data, i, a.getFlat(i));
  return out;
}

/** An array of zeros. */
export function zerosArray<const D extends string = "<f8">(shape: readonly number[], dtype?: D | DtypeLike): NDArray<D> {
  return empty<D>(shape, dtype);
}
