/**
 * What `ZarrArray.get` returns, as a type: one element for a selection of one integer per axis,
 * an NDArray otherwise. Types only.
 *
 * The rule, chosen to be sound (the type never claims an element when the run time gives an
 * NDArray or the other way round):
 * - The number of integers K of a selection is known when it is a `number` (1), a tuple of
 *   `number`s (its length), or a string literal whose comma-separated parts are all integer
 *   literals (`"3"`, `"1, -2"`, `"[0, 1]"`: the parts count; `"1:2"`, `":"`, `"..."`, `"None"` are
 *   not integers). A selection that certainly holds a slice, `null` or `"..."` alone is an NDArray.
 * - The rank N is the array's second type parameter (inferred from a literal `shape` by the
 *   creation functions, or given: `openArray<"<f4", 2>(…)`). K = N gives the element type; K < N an
 *   NDArray (the remaining axes are whole); K > N is an IndexError at run time.
 * - Whatever cannot be told apart at compile time (rank unknown, a non-literal `string`, a
 *   `number[]`, a string part such as `"0x1"` that may parse as an integer, an ellipsis next to
 *   integers) is the union `ElementOf<D> | NDArray<D>`: narrow it with `instanceof NDArray`.
 * - A dtype that is not a known literal (a plain `string`) keeps the old `any`.
 * @module
 */
import type { ElementOf, IsKnownDtype } from "../dtype/typed.ts";
import type { NDArray } from "../ndarray/ndarray.ts";

/** Trim spaces (and a surrounding `[` `]`) from a selection string literal. */
type Trim<S extends string> = S extends ` ${infer R}` ? Trim<R> : S extends `${infer R} ` ? Trim<R> : S;
type Unbracket<S extends string> = Trim<S> extends `[${infer R}]` ? Trim<R> : Trim<S>;

/** One comma-separated part: "int", "nd" (certainly not an integer), or "maybe". */
type PartKind<P extends string> =
  Trim<P> extends `${bigint}` ? "int"
  : Trim<P> extends `${string}:${string}` ? "nd"
  : "maybe";

/** Kinds of the parts of a selection string, parsed like `parseSelection` (a trailing empty part dropped). */
type StringParts<S extends string, Acc extends string[] = []> =
  S extends `${infer A},${infer B}` ? (Trim<B> extends "" ? [...Acc, PartKind<A>] : StringParts<B, [...Acc, PartKind<A>]>)
  : Trim<S> extends "" ? Acc : [...Acc, PartKind<S>];

/** Integer count of a selection: a number, "nd" (an NDArray for certain) or "maybe". */
type IntCount<S> =
  S extends null | undefined ? "nd"
  : S extends number ? 1
  : S extends string
    ? string extends S ? "maybe"
    : Unbracket<S> extends "..." | "Ellipsis" ? "nd"
    : CountParts<StringParts<Unbracket<S>>>
  : S extends readonly unknown[]
    ? number extends S["length"] ? "maybe" : CountTuple<S>
  : "nd"; // a Slice object

type CountParts<P extends string[]> = "nd" extends P[number] ? "nd" : "maybe" extends P[number] ? "maybe" : P["length"];

/** One tuple item: an integer, certainly an axis kept (`null`, a slice), or can't tell (`"..."`, unions). */
type ItemKind<E> = [E] extends [number] ? "int" : [E] extends [null | undefined | object] ? "nd" : "maybe";

type CountTuple<S extends readonly unknown[]> = CountParts<{ -readonly [I in keyof S]: ItemKind<S[I]> } & string[]>;

/**
 * Ranks numpy allows (up to 32 axes). `N` is only ever on the left of a check, never
 * `number extends N`, so a `ZarrArray<"<f4", 2>` stays assignable to a plain `ZarrArray`.
 */
type Rank = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22 | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32;

/** The union for results the compiler cannot decide. */
type Either<D extends string> = ElementOf<D> | NDArray<D>;

/**
 * The result type of `ZarrArray<D, N>.get(selection)` for a selection of type `S` (see the module
 * notes for the rule).
 */
export type GetResult<D extends string, N extends number, S> =
  IsKnownDtype<D> extends true
    ? IntCount<S> extends infer K
      ? K extends "nd" ? NDArray<D>
      : K extends number
        ? N extends Rank ? (N extends K ? ElementOf<D> : NDArray<D>) : Either<D>
      : Either<D>
      : never
    : any;

/** Rank of a shape argument: 1 for a number, the tuple's length for a literal tuple, else `number`. */
export type RankOf<S> = S extends number ? 1 : S extends readonly unknown[] ? (number extends S["length"] ? number : S["length"]) : number;

/**
 * The result type of `getOrthogonalSelection(selection)`: as {@link GetResult}, except that on a
 * 1-d array any JS array selection is an NDArray (a flat list of integers is axis 0's index list
 * there, by the selection rule of `src/indexing/orthogonal.ts`).
 */
export type OrthogonalResult<D extends string, N extends number, S> =
  IsKnownDtype<D> extends true
    ? S extends readonly unknown[] ? (N extends 1 ? NDArray<D> : GetResult<D, N, S>) : GetResult<D, N, S>
    : any;
