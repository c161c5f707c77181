/**
 * Padding a partial block into a full chunk: N5 edge blocks and HDF5 hyperslabs at the array's
 * edge are smaller than the chunk, while zarr chunks are always stored full-size.
 * @module
 */

/**
 * Copy a C-order block of shape `part` into the top corner of a zeroed C-order chunk of shape
 * `full` (both in elements of `itemsize` bytes), as zarr-python pads N5 edge blocks.
 */
export function padToChunk(block: Uint8Array, part: readonly number[], full: readonly number[], itemsize: number): Uint8Array {
  const out = new Uint8Array(full.reduce((a, b) => a * b, 1) * itemsize);
  const nd = full.length;
  if (nd === 0 || part.some((n) => n === 0)) return out;
  const rowBytes = part[nd - 1] * itemsize;
  const strides = new Array<number>(nd);
  for (let i = nd - 1, s = itemsize; i >= 0; i--) {
    strides[i] = s;
    s *= full[i];
  }
  const idx = new Array<number>(nd - 1).fill(0);
  const rows = part.slice(0, -1).reduce((a, b) => a * b, 1);
  for (let r = 0, src = 0; r < rows; r++, src += rowBytes) {
    let dst = 0;
    for (let d = 0; d < nd - 1; d++) dst += idx[d] * strides[d];
    out.set(block.subarray(src, src + rowBytes), dst);
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < part[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
