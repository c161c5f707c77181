/**
 * A bounded pure-TypeScript LZMA1/LZMA2 decoder (the LZMA specification as implemented by liblzma
 * and xz-embedded), for the LZMA codec when the native addon is missing. The whole output is the
 * dictionary; it never grows past the caller's bound.
 * @module
 */
import { CodecError } from "../../errors.ts";

const fail = (why: string): never => {
  throw new CodecError(`lzma decode failed: ${why}`);
};

/** Growable output that refuses to exceed `max` bytes. */
export class BoundedOutput {
  buf: Uint8Array;
  pos = 0;
  constructor(readonly max: number, initial = 65536) {
    this.buf = new Uint8Array(Math.min(max, initial));
  }
  /** Makes room for `n` more bytes or fails naming the bound. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    if (need > this.max) fail(`output exceeds the expected ${this.max} bytes`);
    const next = new Uint8Array(Math.min(this.max, Math.max(need, this.buf.length * 2)));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  /** The bytes written so far. */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

class RangeDecoder {
  range = 0;
  code = 0;
  pos = 0;
  end = 0;
  constructor(private readonly data: Uint8Array) {}
  init(pos: number, end: number): void {
    if (end - pos < 5 || this.data[pos] !== 0) fail("corrupt range coder start");
    this.range = 0xffffffff;
    this.code = ((this.data[pos + 1] << 24) | (this.data[pos + 2] << 16) | (this.data[pos + 3] << 8) | this.data[pos + 4]) >>> 0;
    this.pos = pos + 5;
    this.end = end;
    if (this.code === this.range) fail("corrupt range coder start");
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      if (this.pos >= this.end) fail("truncated input");
      this.range = this.range * 256;
      this.code = this.code * 256 + this.data[this.pos++];
    }
  }
  bit(p: Uint16Array, i: number): number {
    const prob = p[i];
    const bound = (this.range >>> 11) * prob;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      p[i] = prob + ((2048 - prob) >> 5);
      b = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      p[i] = prob - (prob >> 5);
      b = 1;
    }
    this.normalize();
    return b;
  }
  direct(n: number): number {
    let r = 0;
    for (let i = 0; i < n; i++) {
      this.range = Math.floor(this.range / 2);
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      r = r * 2 + b;
      this.normalize();
    }
    return r;
  }
  tree(p: Uint16Array, off: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(p, off + m);
    return m - (1 << bits);
  }
  reverse(p: Uint16Array, off: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(p, off + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }
}

/** Length decoder layout: choice, choice2, low[16][8], mid[16][8], high[256]. */
const LEN_SIZE = 2 + 128 + 128 + 256;

/** LZMA decoder state that survives across LZMA2 chunks. */
export class LzmaDecoder {
  private lc = 3;
  private lp = 0;
  private pb = 2;
  private literal = new Uint16Array(0x300 << 3);
  private isMatch = new Uint16Array(12 << 4);
  private isRep = new Uint16Array(12);
  private isRepG0 = new Uint16Array(12);
  private isRepG1 = new Uint16Array(12);
  private isRepG2 = new Uint16Array(12);
  private isRep0Long = new Uint16Array(12 << 4);
  private posSlot = new Uint16Array(4 * 64);
  private posSpecial = new Uint16Array(115);
  private align = new Uint16Array(16);
  private lenProbs = new Uint16Array(LEN_SIZE);
  private repLenProbs = new Uint16Array(LEN_SIZE);
  private state = 0;
  private reps = [0, 0, 0, 0];
  /** Output position where the current dictionary starts (LZMA2 dictionary resets move it). */
  dictStart = 0;

  constructor(readonly out: BoundedOutput, readonly dictSize: number) {}

  /** Sets lc/lp/pb from an LZMA properties byte. */
  setProps(props: number, lzma2 = false): void {
    if (props > 224) fail(`invalid LZMA properties byte ${props}`);
    this.lc = props % 9;
    this.lp = Math.floor(props / 9) % 5;
    this.pb = Math.floor(props / 45);
    if (lzma2 && this.lc + this.lp > 4) fail("invalid LZMA2 properties (lc + lp > 4)");
    if (this.literal.length !== 0x300 << (this.lc + this.lp)) this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
  }

  /** Resets probabilities, state and repeat distances. */
  resetState(): void {
    for (const p of [this.literal, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posSpecial, this.align, this.lenProbs, this.repLenProbs]) {
      p.fill(1024);
    }
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  private len(rc: RangeDecoder, p: Uint16Array, posState: number): number {
    if (rc.bit(p, 0) === 0) return rc.tree(p, 2 + posState * 8, 3);
    if (rc.bit(p, 1) === 0) return 8 + rc.tree(p, 130 + posState * 8, 3);
    return 16 + rc.tree(p, 258, 8);
  }

  /**
   * Decodes from `data[start, end)` until `limit` output bytes exist (when known) or the end marker
   * (when `allowEnd`). Returns the input position after the range coder, and whether it ended on
   * the end marker.
   */
  decode(data: Uint8Array, start: number, end: number, limit: number | null, allowEnd: boolean): { pos: number; endMarker: boolean; finished: boolean } {
    const rc = new RangeDecoder(data);
    rc.init(start, end);
    const out = this.out;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let [rep0, rep1, rep2, rep3] = this.reps;
    let state = this.state;
    let endMarker = false;
    while (limit === null || out.pos < limit) {
      const rel = out.pos - this.dictStart;
      const posState = rel & pbMask;
      if (rc.bit(this.isMatch, (state << 4) + posState) === 0) {
        out.ensure(1);
        const prev = rel > 0 ? out.buf[out.pos - 1] : 0;
        const base = 0x300 * (((rel & lpMask) << this.lc) + (prev >> (8 - this.lc)));
        let sym = 1;
        if (state >= 7) {
          let match = out.buf[out.pos - rep0 - 1];
          while (sym < 0x100) {
            const mbit = (match >> 7) & 1;
            match <<= 1;
            const b = rc.bit(this.literal, base + ((1 + mbit) << 8) + sym);
            sym = (sym << 1) | b;
            if (mbit !== b) break;
          }
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(this.literal, base + sym);
        out.buf[out.pos++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, state) === 0) {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = this.len(rc, this.lenProbs, posState);
        state = state < 7 ? 7 : 10;
        const slot = rc.tree(this.posSlot, Math.min(len, 3) * 64, 6);
        if (slot < 4) {
          rep0 = slot;
        } else {
          const bits = (slot >> 1) - 1;
          let dist = (2 | (slot & 1)) * 2 ** bits;
          if (slot < 14) {
            dist += rc.reverse(this.posSpecial, dist - slot - 1, bits);
          } else {
            dist += rc.direct(bits - 4) * 16;
            dist += rc.reverse(this.align, 0, 4);
          }
          rep0 = dist;
          if (rep0 === 0xffffffff) {
            endMarker = true;
            break;
          }
        }
      } else {
        if (rc.bit(this.isRepG0, state) === 0) {
          if (rc.bit(this.isRep0Long, (state << 4) + posState) === 0) {
            if (rep0 >= rel) fail("corrupt data (repeat distance beyond the dictionary)");
            state = state < 7 ? 9 : 11;
            out.ensure(1);
            out.buf[out.pos] = out.buf[out.pos - rep0 - 1];
            out.pos++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(this.isRepG1, state) === 0) {
            dist = rep1;
          } else {
            if (rc.bit(this.isRepG2, state) === 0) {
              dist = rep2;
            } else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = this.len(rc, this.repLenProbs, posState);
        state = state < 7 ? 8 : 11;
      }
      len += 2;
      const rel2 = out.pos - this.dictStart;
      if (rep0 >= rel2 || rep0 >= this.dictSize) fail("corrupt data (match distance beyond the dictionary)");
      if (limit !== null && out.pos + len > limit) fail("corrupt data (match past the end of the data)");
      out.ensure(len);
      const buf = out.buf;
      let p = out.pos;
      const src = p - rep0 - 1;
      for (let i = 0; i < len; i++) buf[p + i] = buf[src + i];
      p += len;
      out.pos = p;
    }
    if (endMarker && !allowEnd) fail("unexpected end marker");
    this.state = state;
    this.reps = [rep0, rep1, rep2, rep3];
    return { pos: rc.pos, endMarker, finished: rc.code === 0 };
  }
}

/** Decodes a raw LZMA2 stream starting at `pos`; returns the position after its end byte. */
export function decodeLzma2(data: Uint8Array, pos: number, out: BoundedOutput, dictSize: number): number {
  const dec = new LzmaDecoder(out, dictSize);
  let needDictReset = true;
  let needProps = true;
  for (;;) {
    if (pos >= data.length) fail("truncated LZMA2 data");
    const control = data[pos++];
    if (control === 0x00) return pos;
    if (control === 0x01 || control === 0x02) {
      if (pos + 2 > data.length) fail("truncated LZMA2 chunk header");
      if (control === 0x01) {
        dec.dictStart = out.pos;
        needDictReset = false;
      } else if (needDictReset) fail("corrupt LZMA2 data (missing dictionary reset)");
      const size = ((data[pos] << 8) | data[pos + 1]) + 1;
      pos += 2;
      if (pos + size > data.length) fail("truncated LZMA2 uncompressed chunk");
      out.ensure(size);
      out.buf.set(data.subarray(pos, pos + size), out.pos);
      out.pos += size;
      pos += size;
      continue;
    }
    if (control < 0x80) fail(`corrupt LZMA2 control byte 0x${control.toString(16)}`);
    if (pos + 4 > data.length) fail("truncated LZMA2 chunk header");
    const unpacked = ((control & 0x1f) << 16) + ((data[pos] << 8) | data[pos + 1]) + 1;
    const packed = ((data[pos + 2] << 8) | data[pos + 3]) + 1;
    pos += 4;
    const reset = (control >> 5) & 3;
    if (reset === 3) {
      dec.dictStart = out.pos;
      needDictReset = false;
    } else if (needDictReset) fail("corrupt LZMA2 data (missing dictionary reset)");
    if (reset >= 2) {
      if (pos >= data.length) fail("truncated LZMA2 chunk header");
      dec.setProps(data[pos++], true);
      needProps = false;
    } else if (needProps) fail("corrupt LZMA2 data (missing properties)");
    if (reset >= 1) dec.resetState();
    if (pos + packed > data.length) fail("truncated LZMA2 chunk");
    if (out.pos + unpacked > out.max) fail(`output exceeds the expected ${out.max} bytes`);
    const r = dec.decode(data, pos, pos + packed, out.pos + unpacked, false);
    if (r.pos !== pos + packed || !r.finished) fail("corrupt LZMA2 chunk (compressed size mismatch)");
    pos += packed;
  }
}

/** Decodes raw LZMA1 data (lc/lp/pb in `props`), to `size` bytes when known, else to its end marker. */
export function decodeLzma1(data: Uint8Array, pos: number, out: BoundedOutput, props: number, dictSize: number, size: number | null): number {
  const dec = new LzmaDecoder(out, Math.max(dictSize, 4096));
  dec.setProps(props);
  dec.resetState();
  if (size !== null && size > out.max) fail(`output of ${size} bytes exceeds the expected ${out.max} bytes`);
  const r = dec.decode(data, pos, data.length, size, true);
  if (size === null && !r.endMarker) fail("truncated input (no end marker)");
  return r.pos;
}
