/**
 * BloscLZ, c-blosc's built-in compressor (a FastLZ level-2 variant): a bounded decoder for what
 * c-blosc writes, and a greedy hash-chain encoder whose output c-blosc's decoder accepts.
 *
 * Format: the first instruction is a literal run (the first byte's top 3 bits are ignored). A
 * control byte below 32 starts a run of ctrl+1 literals. Otherwise it is a match: length code
 * (ctrl >> 5) (7 means extension bytes follow, each adding up to 255), then the low distance byte;
 * distance-1 = (ctrl & 31) << 8 | low, and 31/255 announce a 16-bit far distance (+8191).
 * @module
 */

const MAX_DISTANCE = 8191;
const MAX_FARDISTANCE = 65535 + MAX_DISTANCE - 1;
const MAX_COPY = 32;
const HASH_LOG = 14;

/**
 * Decompresses `src` into at most `maxOut` bytes; returns the byte count, or -1 when the input is
 * corrupt or would produce more than `maxOut` bytes.
 */
export function blosclzDecompress(src: Uint8Array, out: Uint8Array, maxOut = out.length): number {
  const ipLimit = src.length;
  if (ipLimit === 0) return 0;
  let ip = 0;
  let op = 0;
  let ctrl = src[ip++] & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >> 5) - 1;
      let ofs = (ctrl & 31) << 8;
      let code: number;
      if (len === 6) {
        do {
          if (ip + 1 >= ipLimit) return -1;
          code = src[ip++];
          len += code;
        } while (code === 255);
      } else if (ip + 1 >= ipLimit) {
        return -1;
      }
      code = src[ip++];
      len += 3;
      let dist = ofs + code + 1;
      if (code === 255 && ofs === 31 << 8) {
        if (ip + 1 >= ipLimit) return -1;
        ofs = (src[ip] << 8) | src[ip + 1];
        ip += 2;
        dist = ofs + MAX_DISTANCE + 1;
      }
      if (op + len > maxOut) return -1;
      const ref = op - dist;
      if (ref < 0) return -1;
      for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
      op += len;
      if (ip >= ipLimit) break;
      ctrl = src[ip++];
    } else {
      ctrl++;
      if (op + ctrl > maxOut || ip + ctrl > ipLimit) return -1;
      out.set(src.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
      if (ip >= ipLimit) break;
      ctrl = src[ip++];
    }
  }
  return op;
}

/**
 * Compresses `src`; returns null when the result would not be smaller than `maxOut` bytes (the
 * caller then stores the block uncompressed, as c-blosc does).
 */
export function blosclzCompress(src: Uint8Array, maxOut: number): Uint8Array | null {
  const n = src.length;
  if (n < 16) return null;
  const out = new Uint8Array(Math.max(maxOut, 0) + 64);
  const table = new Int32Array(1 << HASH_LOG).fill(-1);
  const ipBound = n - 12; // the last bytes are always literals, so the stream ends with a literal run
  let op = 0;
  let anchor = 0; // start of the pending literal run
  let ip = 0;
  const hash = (p: number) => Math.imul(src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24), 0x9e3779b1 | 0) >>> (32 - HASH_LOG);
  const flushLiterals = (end: number): boolean => {
    let p = anchor;
    while (p < end) {
      const run = Math.min(MAX_COPY, end - p);
      if (op + 1 + run > maxOut) return false;
      out[op++] = run - 1;
      out.set(src.subarray(p, p + run), op);
      op += run;
      p += run;
    }
    anchor = end;
    return true;
  };
  // The first instruction must be a literal run.
  ip = 1;
  while (ip < ipBound) {
    const h = hash(ip);
    const ref = table[h];
    table[h] = ip;
    const dist = ip - ref;
    if (ref < 0 || dist > MAX_FARDISTANCE || src[ref] !== src[ip] || src[ref + 1] !== src[ip + 1] || src[ref + 2] !== src[ip + 2] || src[ref + 3] !== src[ip + 3]) {
      ip++;
      continue;
    }
    // Far matches need at least 5 bytes to pay off, as in FastLZ.
    let len = 4;
    const maxLen = ipBound - ip;
    while (len < maxLen && src[ref + len] === src[ip + len]) len++;
    if (dist > MAX_DISTANCE && len < 5) {
      ip++;
      continue;
    }
    if (!flushLiterals(ip)) return null;
    if (op + 8 + Math.ceil(len / 255) > maxOut) return null;
    const d = dist - 1;
    let l = len - 2; // stored length code
    const far = d >= MAX_DISTANCE;
    const hi = far ? 31 : d >> 8;
    if (l < 7) {
      out[op++] = (l << 5) + hi;
    } else {
      out[op++] = (7 << 5) + hi;
      for (l -= 7; l >= 255; l -= 255) out[op++] = 255;
      out[op++] = l;
    }
    if (far) {
      const fd = d - MAX_DISTANCE;
      out[op++] = 255;
      out[op++] = fd >> 8;
      out[op++] = fd & 255;
    } else {
      out[op++] = d & 255;
    }
    // Index a couple of positions inside the match, then continue after it.
    const end = ip + len;
    for (let p = ip + 1; p < end && p < ipBound; p += Math.max(1, len >> 2)) table[hash(p)] = p;
    ip = end;
    anchor = ip;
  }
  if (!flushLiterals(n)) return null;
  if (op >= maxOut) return null;
  return out.slice(0, op);
}
