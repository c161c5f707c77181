// Compiled by test/types/types.test.ts with `tsc --noEmit --strict`; never run. Each
// `@ts-expect-error` line must fail to compile and every other line must compile, so a typing
// regression in either direction fails the test.
import {
  array, asNDArray, create, Datetime64, empty, full, group, ndarray, NDArray, open, openArray, openGroup, ones,
  Timedelta64, zeros, ZarrArray, ZarrGroup, type ElementOf, type TypedArrayOf,
} from "../../src/index.ts";

// ---- the dtype map
const e1: ElementOf<"<f4"> = 1.5;
const e2: ElementOf<">i8"> = 3n;
const e3: ElementOf<"int64"> = 3n;
const e4: ElementOf<"i4"> = 3;
const e5: ElementOf<"|b1"> = true;
const e6: ElementOf<"<c8"> = [1, 2];
const e7: ElementOf<"|S10"> = new Uint8Array(3);
const e8: ElementOf<"<U5"> = "abc";
const e9: ElementOf<"str"> = "abc";
const e10: ElementOf<"<M8[ns]"> = new Datetime64(0n, "ns");
const e11: ElementOf<"<m8[s]"> = new Timedelta64(7n, "s");
const e12: ElementOf<"datetime64[D]"> = new Datetime64(0n, "D");
const e13: ElementOf<"float32"> = 1;
// @ts-expect-error a 64-bit int element is a bigint, not a number
const b1: ElementOf<"<i8"> = 3;
// @ts-expect-error a uint64 element is a bigint
const b2: ElementOf<"|u8" | "<u8"> = 3;
// @ts-expect-error an int32 element is a number
const b3: ElementOf<"<i4"> = 3n;
// @ts-expect-error a datetime element is not a bare bigint
const b4: ElementOf<"<M8[ns]"> = 5n;
// @ts-expect-error a bool element is a boolean
const b5: ElementOf<"|b1"> = 1;
const t1: TypedArrayOf<"<f4"> = new Float32Array(2);
const t2: TypedArrayOf<">i8"> = new BigInt64Array(2);
const t3: TypedArrayOf<"<M8[ns]"> = new BigInt64Array(2);
const t4: TypedArrayOf<"|O"> = ["x"];
// @ts-expect-error a float32 array's data is a Float32Array
const t5: TypedArrayOf<"<f4"> = new Float64Array(2);
// A plain string dtype keeps the loose types.
const l1: ElementOf<string> = 3 as unknown;
const l2: TypedArrayOf<string> = new Float64Array(1);

export async function reads(): Promise<void> {
  // ---- creation infers dtype and rank
  const z8 = await zeros([10], { dtype: "<i8" });
  const z8typed: ZarrArray<"<i8", 1> = z8;
  const i8: bigint = await z8.get(3);
  const i8s: bigint = await z8.get("3");
  // @ts-expect-error the issue's example: an int64 element is a bigint, not a number
  const v: number = await z8.get("3");
  // @ts-expect-error also with a number index
  const v2: number = await z8.get(3);
  const part: NDArray<"<i8"> = await z8.get("1:4");
  const partData: BigInt64Array = part.data;
  const all: NDArray<"<i8"> = await z8.get();
  const el: bigint = all.get(0);
  // @ts-expect-error a slice is an NDArray, never an element
  const notEl: bigint = await z8.get("1:4");

  const f2 = await zeros([4, 3], { dtype: "<f4" });
  const f2el: number = await f2.get("1, 2");
  const f2el2: number = await f2.get([1, 2]);
  const f2el3: number = await f2.get("[1, -1]");
  const row: NDArray<"<f4"> = await f2.get(1);
  const rowData: Float32Array = row.data;
  const rowSel: NDArray<"<f4"> = await f2.get("1, :");
  const rowSel2: NDArray<"<f4"> = await f2.get([1, null]);
  // @ts-expect-error one integer on a 2-d array is a row, not an element
  const notEl2: number = await f2.get(1);
  const ortho: NDArray<"<f4"> = await f2.getOrthogonalSelection([[0, 2], null]);
  const orthoEl: number = await f2.getOrthogonalSelection([1, 1]);
  const coords: NDArray<"<f4"> = await f2.getCoordinateSelection([[0, 1], [1, 2]]);

  // Default dtype is float64; the shape as a number is rank 1; options as the only argument.
  const d1: number = await (await zeros(5)).get(0);
  const d2: ZarrArray<"<f8", 1> = await ones(5);
  const d3: ZarrArray<"|b1", 2> = await full([2, 2], true, { dtype: "|b1" });
  const d4: boolean = await d3.get("0, 0");
  const d5: ZarrArray<"<u2", 3> = await empty({ shape: [1, 2, 3], dtype: "<u2" });
  const d6: ZarrArray<"<c16", 1> = await create({ shape: [4], dtype: "<c16" });
  const c: [number, number] = await d6.get(0);
  const s1: string = await (await zeros(3, { dtype: "str" })).get(0);
  const s2: string = await (await zeros(3, { dtype: "<U4" })).get(0);
  const s3: Uint8Array = await (await zeros(3, { dtype: "|S4" })).get(0);

  // Datetimes: the value type, with the count reachable; NDArray data keeps the counts.
  const dt = await array(["2007-07-13"], { dtype: "<M8[D]" });
  const day: Datetime64 = await dt.get(0);
  const count: bigint = day.count;
  const date: Date | undefined = day.toDate();
  const counts: BigInt64Array = (await dt.get("0:1")).data;
  // @ts-expect-error a datetime element is a Datetime64, not a bigint
  const bad: bigint = await dt.get(0);
  const td: Timedelta64 = await (await zeros(2, { dtype: "<m8[s]" })).get(1);

  // `array` takes the dtype from typed data, NDArrays and the option.
  const a1: ZarrArray<"<f4"> = await array(new Float32Array(4));
  const a2: ZarrArray<"<i8"> = await array(asNDArray([1, 2], "<i8"));
  const a3: ZarrArray<"|u1"> = await array([1, 2], { dtype: "|u1" });
  const nd: NDArray<"<f8"> = ndarray(new Float64Array(4), [2, 2]);
  const nd2: NDArray<"|b1"> = ndarray(new Uint8Array(4), [4], { dtype: "|b1" });
  const nd2el: boolean = nd2.get(0);

  // ---- unknown rank: the union, narrowed by instanceof
  const r = await openArray<"<i8">(undefined, { mode: "r" });
  const either = await r.get(0);
  // @ts-expect-error with the rank unknown, one integer may be a row
  const notYet: bigint = either;
  if (!(either instanceof NDArray)) { const ok: bigint = either; }
  const r2 = await openArray<"<i8", 2>(undefined, { mode: "r" });
  const ok2: bigint = await r2.get("0, 1");
  const sub: NDArray<"<i8"> = await r2.get(0);

  // ---- open: the union without type arguments, an array with them
  const node = await open("x.zarr");
  // @ts-expect-error open() may give a group
  const mustNarrow: ZarrArray = node;
  const arr: ZarrArray<"<f8", 2> = await open<"<f8", 2>("x.zarr");
  const g: ZarrGroup = await openGroup("x.zarr");
  const ga: ZarrArray<"<f4", 1> = await g.getArray<"<f4", 1>("a");
  const gaEl: number = await ga.get(0);
  const gg: ZarrGroup = await g.getGroup("b");
  const gz: ZarrArray<"<i2", 1> = await (await group()).zeros("z", { shape: [3], dtype: "<i2" });

  // ---- a plain ZarrArray keeps the old loose types, and typed arrays widen to it
  const loose: ZarrArray = z8;
  const anything: number = await loose.get(0);
  const anything2: string = await loose.get("0");
  const looseNd: NDArray = part;
  const mixed: ZarrArray[] = [z8, f2, dt];
  void [e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, b1, b2, b3, b4, b5, t1, t2, t3, t4, t5, l1, l2];
  void [z8typed, i8, i8s, v, v2, partData, el, notEl, f2el, f2el2, f2el3, rowData, rowSel, rowSel2, notEl2, ortho, orthoEl, coords];
  void [d1, d2, d4, d5, c, s1, s2, s3, count, date, counts, bad, td, a1, a2, a3, nd, nd2el, notYet, ok2, sub, mustNarrow, arr];
  void [gaEl, gg, gz, anything, anything2, looseNd, mixed];
}

export async function ranks(data: unknown, rows: number[][]): Promise<void> {
  const a = await array(data, { dtype: "<i4" });
  // @ts-expect-error data of unknown shape: one integer may be a row
  const x: number = await a.get(0);
  const m = await array(rows, { dtype: "<i4" });
  const y: number = await m.get("0, 1");
  const s0: number = await (await array(5, { dtype: "<i4" })).get([]);
  void [x, y, s0];
}

export async function orthogonal(): Promise<void> {
  const one = await zeros([5], { dtype: "<i4" });
  const el: number = await one.getOrthogonalSelection(2);
  // On a 1-d array a flat list of integers is an index list: the result is an NDArray.
  const list: NDArray<"<i4"> = await one.getOrthogonalSelection([2]);
  // @ts-expect-error [2] on a 1-d array is not an element
  const notEl: number = await one.getOrthogonalSelection([2]);
  void [el, list, notEl];
}
