/**
 * numpy 1.24 repr/str parity for src/ndarray/format.ts: fixed expectations (numpy's real output,
 * whitespace included) and object-array cases. The generated parity tests are in format.test.ts.
 */
import { test, describe } from "node:test";
import assert from "node:assert/strict";

import { dtypeName, formatNDArray, formatNDArrayStr, formatScalar, type FormatSource } from "../../src/ndarray/format.ts";

function arr(dtype: string, shape: number[], values: unknown[]): FormatSource {
  return { dtype, shape, get: (i) => values[i] };
}

const te = new TextEncoder();

describe("fixed numpy outputs", () => {
  test("tutorial strings", () => {
    assert.equal(
      formatNDArray({ dtype: "<i4", shape: [10000], get: (i) => i }),
      "array([   0,    1,    2, ..., 9997, 9998, 9999], dtype=int32)",
    );
    assert.equal(
      formatNDArray(arr("<M8[D]", [3], [13707n, 13161n, 14834n])),
      "array(['2007-07-13', '2006-01-13', '2010-08-13'], dtype='datetime64[D]')",
    );
    const s6 = [te.encode("Hello"), te.encode("world!"), ...Array.from({ length: 8 }, () => new Uint8Array(0))];
    assert.equal(
      formatNDArray(arr("|S6", [10], s6)),
      // numpy's real output: the dtype would pass column 75, so it moves to its own line.
      "array([b'Hello', b'world!', b'', b'', b'', b'', b'', b'', b'', b''],\n      dtype='|S6')",
    );
  });

  test("dtype suffix rules, 0-d and empty arrays", () => {
    assert.equal(formatNDArray(arr("<i4", [3], [0, 1, 2])), "array([0, 1, 2], dtype=int32)");
    assert.equal(formatNDArray(arr("<i8", [3], [0n, 1n, 2n])), "array([0, 1, 2])");
    assert.equal(formatNDArray(arr("<f8", [2], [1, 2.5])), "array([1. , 2.5])");
    assert.equal(formatNDArray(arr("|b1", [2], [true, false])), "array([ True, False])");
    assert.equal(formatNDArray(arr("<i4", [], [42])), "array(42, dtype=int32)");
    assert.equal(formatNDArray(arr("<i4", [0], [])), "array([], dtype=int32)");
    assert.equal(formatNDArray(arr("<f8", [0], [])), "array([], dtype=float64)");
    assert.equal(formatNDArray(arr("<i4", [0, 5], [])), "array([], shape=(0, 5), dtype=int32)");
    assert.equal(formatNDArray(arr("<U1", [1], ["a"])), "array(['a'], dtype='<U1')");
    assert.equal(formatNDArray(arr("<m8[D]", [2], [1n, 2n])), "array([1, 2], dtype='timedelta64[D]')");
    assert.equal(formatNDArrayStr(arr("<i4", [3], [0, 1, 2])), "[0 1 2]");
  });

  test("dtypeName", () => {
    assert.equal(dtypeName("<i4"), "int32");
    assert.equal(dtypeName("|b1"), "bool");
    assert.equal(dtypeName("<f8"), "float64");
    assert.equal(dtypeName("<M8[D]"), "datetime64[D]");
    assert.equal(dtypeName("|S3"), "|S3");
    assert.equal(dtypeName("<U20"), "<U20");
    assert.equal(dtypeName('[["foo","|S3"],["bar","<i4"]]'), "[('foo', 'S3'), ('bar', '<i4')]");
  });

  test("scalars", () => {
    assert.equal(formatScalar(42, "<i4"), "42");
    assert.equal(formatScalar(4.2, "<f8"), "4.2");
    assert.equal(formatScalar(true, "|b1"), "True");
    assert.equal(formatScalar(te.encode("abc"), "|S3"), "b'abc'");
    assert.equal(formatScalar("foo", "<U3"), "'foo'");
    assert.equal(formatScalar(13707n, "<M8[D]"), "numpy.datetime64('2007-07-13')");
  });

  test("structured", () => {
    const dt = '[["foo","|S3"],["bar","<i4"],["baz","<f8"]]';
    const values = [
      { foo: te.encode("a"), bar: 1, baz: 2.5 },
      { foo: te.encode("bcd"), bar: 100, baz: 3 },
    ];
    assert.equal(
      formatNDArray(arr(dt, [2], values)),
      "array([(b'a',   1, 2.5), (b'bcd', 100, 3. )],\n      dtype=[('foo', 'S3'), ('bar', '<i4'), ('baz', '<f8')])",
    );
    assert.equal(formatScalar(values[0], dt), "(b'a', 1, 2.5)");
  });
});

// ---------------------------------------------------------------------------------------------
// Generated comparisons against real numpy
// ---------------------------------------------------------------------------------------------

describe("object arrays and custom element types", () => {
  test("nested NDArray-like objects print via toString", () => {
    const inner = { toString: () => "array([1, 2])" };
    assert.equal(formatNDArray(arr("|O", [2], [inner, "x"])), "array([array([1, 2]), 'x'], dtype=object)");
    const multi = { toString: () => "array([[1, 2],\n       [3, 4]])" };
    assert.equal(
      formatNDArray(arr("|O", [2], [multi, multi])),
      "array([array([[1, 2],\n              [3, 4]]), array([[1, 2],\n                               [3, 4]])], dtype=object)",
    );
  });

  test("options are validated", () => {
    assert.throws(() => formatNDArray(arr("<i4", [1], [1]), { edgeitems: -1 }), RangeError);
    assert.throws(() => formatNDArray(arr("<x9", [1], [1])), /unsupported dtype/);
  });
});
