/**
 * c-blosc's byte shuffle and bitshuffle (the bitshuffle library's bit-transpose-by-element), and
 * their inverses, on one block.
 * @module
 */

/** Byte shuffle: the j-th byte of every element together; trailing bytes (< typesize) copied. */
export function shuffle(src: Uint8Array, typesize: number): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(n);
  const elems = Math.floor(n / typesize);
  for (let j = 0; j < typesize; j++) {
    const row = j * elems;
    for (let i = 0, s = j; i < elems; i++, s += typesize) out[row + i] = src[s];
  }
  out.set(src.subarray(elems * typesize), elems * typesize);
  return out;
}

/** Inverse of {@link shuffle}. */
export function unshuffle(src: Uint8Array, typesize: number): Uint8Array {
  const n = src.length;
  const out = new Uint8Array(n);
  const elems = Math.floor(n / typesize);
  for (let j = 0; j < typesize; j++) {
    const row = j * elems;
    for (let i = 0, d = j; i < elems; i++, d += typesize) out[d] = src[row + i];
  }
  out.set(src.subarray(elems * typesize), elems * typesize);
  return out;
}

/**
 * Bitshuffle as c-blosc 1.x applies it to a block: when the element count is a multiple of 8, bit
 * j·8+b of the output rows holds bit b of byte j of every element (8 elements per byte, lowest
 * element in the lowest bit); otherwise the block is copied unchanged.
 */
export function bitshuffle(src: Uint8Array, typesize: number): Uint8Array {
  const elems = Math.floor(src.length / typesize);
  const out = src.slice();
  if (elems % 8 !== 0 || elems === 0) return out;
  const rowBytes = elems / 8;
  for (let j = 0; j < typesize; j++) {
    for (let k = 0; k < rowBytes; k++) {
      const base = 8 * k * typesize + j;
      for (let b = 0; b < 8; b++) {
        let v = 0;
        for (let m = 0; m < 8; m++) v |= ((src[base + m * typesize] >> b) & 1) << m;
        out[(j * 8 + b) * rowBytes + k] = v;
      }
    }
  }
  return out;
}

/** Inverse of {@link bitshuffle}. */
export function bitunshuffle(src: Uint8Array, typesize: number): Uint8Array {
  const elems = Math.floor(src.length / typesize);
  const out = src.slice();
  if (elems % 8 !== 0 || elems === 0) return out;
  const rowBytes = elems / 8;
  for (let j = 0; j < typesize; j++) {
    for (let k = 0; k < rowBytes; k++) {
      const base = 8 * k * typesize + j;
      for (let m = 0; m < 8; m++) {
        let v = 0;
        for (let b = 0; b < 8; b++) v |= ((src[(j * 8 + b) * rowBytes + k] >> m) & 1) << b;
        out[base + m * typesize] = v;
      }
    }
  }
  return out;
}
