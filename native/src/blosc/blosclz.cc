// BloscLZ, the LZ77 codec native to Blosc 1.x, written for zarrflow.
//
// The encoder reproduces the token choices of the encoder in c-blosc 1.21 so the output is
// byte-identical to it (and so to numcodecs): an "entropy probe" on the last quarter of the block
// decides whether to try at all, then a greedy single-probe hash match search with 4-byte hashing.
//
// Stream format: a sequence of tokens, the first byte's top 3 bits being the codec marker.
//   literal run:  byte c < 32, then c + 1 literal bytes
//   match:        byte (L << 5) | (D >> 8) with L in 1..6 giving length L + 2; L = 7 means more length
//                 bytes follow (each adds its value, 255 means "and another"); then D & 255.
//                 Distance D (biased by 1) of 8191 + code means a far match: a 0xff byte and a
//                 16-bit big-endian distance follow, counted from 8191.
#include "blosclz.h"

#include <cstring>

namespace zf {
namespace blosc {

namespace {

constexpr unsigned kMaxCopy = 32;
constexpr unsigned kMaxDistance = 8191;
constexpr unsigned kMaxFarDistance = 65535 + kMaxDistance - 1;
constexpr unsigned kHashLog = 14;
constexpr unsigned kProbeHashLog = 12;

inline uint32_t Read32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian hosts only (checked in binding.gyp targets); the hash is defined on it
}

inline uint32_t Hash(uint32_t seq, unsigned log) { return (seq * 2654435761U) >> (32U - log); }

// End of the match that starts at `pos` and repeats the bytes `dist` back: one past the first
// differing byte, or `bound` when the bytes agree up to it. Long agreeing stretches are compared a
// word at a time.
inline size_t MatchEnd(const uint8_t* base, size_t pos, size_t bound, size_t dist) {
  while (pos + 8 < bound) {
    uint64_t a, b;
    std::memcpy(&a, base + pos, 8);
    std::memcpy(&b, base + pos - dist, 8);
    const uint64_t x = a ^ b;
    if (x != 0) return pos + size_t(__builtin_ctzll(x) >> 3) + 1;
    pos += 8;
  }
  while (pos < bound) {
    if (base[pos] != base[pos - dist]) return pos + 1;
    pos++;
  }
  return bound;
}

// Estimated compression ratio of a probe window (at most 4 KiB), counting output bytes the way the
// encoder would emit them.
double ProbeRatio(const uint8_t* base, int maxlen, unsigned minlen, unsigned shift) {
  uint16_t table[1U << kProbeHashLog];
  std::memset(table, 0, sizeof table);
  const long limit = maxlen > int(1U << kProbeHashLog) ? long(1U << kProbeHashLog) : long(maxlen);
  const long bound = limit - 1;
  const long stop = limit - 12;
  long ip = 0;
  int32_t oc = 5;
  unsigned copy = 4;
  auto literal = [&](long anchor) {
    oc++;
    ip = anchor + 1;
    if (++copy == kMaxCopy) {
      copy = 0;
      oc++;
    }
  };
  while (ip < stop) {
    const long anchor = ip;
    const uint32_t h = Hash(Read32(base + ip), kProbeHashLog);
    const long ref = table[h];
    unsigned distance = unsigned(anchor - ref);
    table[h] = uint16_t(anchor);
    if (distance == 0 || distance >= kMaxFarDistance || Read32(base + ref) != Read32(base + ip)) {
      literal(anchor);
      continue;
    }
    distance--;
    ip = long(MatchEnd(base, size_t(anchor + 4), size_t(bound), size_t(anchor - ref)));
    ip -= long(shift);
    const long len = ip - anchor;
    if (len < long(minlen)) {
      literal(anchor);
      continue;
    }
    if (!copy) oc--;
    copy = 0;
    if (len >= 7) oc += int32_t((len - 7) / 255) + 1;
    oc += distance < kMaxDistance ? 2 : 4;
    table[Hash(Read32(base + ip), kProbeHashLog)] = uint16_t(ip);
    ip += 2;
    oc++;
  }
  return double(ip) / double(oc);
}

}  // namespace

int BloscLZCompress(int clevel, const uint8_t* in, int length, uint8_t* out, int maxout, bool split) {
  if (clevel < 1 || clevel > 9) return 0;
  // Entropy probe on the last quarter; give up on data that would barely compress.
  static const double kMinRatio[10] = {0, 2, 1.5, 1.2, 1.2, 1.2, 1.2, 1.15, 1.1, 1.0};
  const int probeLen = length / 4;
  const double ratio = length >= 16 ? ProbeRatio(in + (length - probeLen), probeLen, 3, 3) : 0.0;
  if (ratio < kMinRatio[clevel]) return 0;
  if (length < 16 || maxout < 66) return 0;

  // Matches end `shift` bytes before the first mismatch; short matches are not worth a token.
  unsigned shift = 4;
  unsigned minlen = 4;
  if (!split || ratio < 4) {
    shift = 3;
    minlen = 3;
  }
  static const uint8_t kHashLogs[10] = {0, kHashLog - 2, kHashLog - 1, kHashLog, kHashLog,
                                        kHashLog, kHashLog, kHashLog, kHashLog, kHashLog};
  const unsigned hlog = kHashLogs[clevel];
  static thread_local uint32_t table[1U << kHashLog];
  std::memset(table, 0, (size_t(1) << hlog) * sizeof(uint32_t));

  const size_t bound = size_t(length) - 1;
  const size_t stop = size_t(length) - 12;
  const size_t olimit = size_t(maxout);
  size_t ip = 0;
  size_t op = 0;
  unsigned copy = 4;
  out[op++] = kMaxCopy - 1;
  for (int i = 0; i < 4; i++) out[op++] = in[ip++];

  while (ip < stop) {
    const size_t anchor = ip;
    const uint32_t h = Hash(Read32(in + ip), hlog);
    const size_t ref = table[h];
    unsigned distance = unsigned(anchor - ref);
    table[h] = uint32_t(anchor);
    bool match = distance != 0 && distance < kMaxFarDistance && Read32(in + ref) == Read32(in + ip);
    unsigned len = 0;
    if (match) {
      distance--;
      ip = MatchEnd(in, anchor + 4, bound, anchor - ref) - shift;
      len = unsigned(ip - anchor);
      if (len < minlen || (len <= 5 && distance >= kMaxDistance)) match = false;
    }
    if (!match) {
      if (op + 2 > olimit) return 0;
      out[op++] = in[anchor];
      ip = anchor + 1;
      if (++copy == kMaxCopy) {
        copy = 0;
        out[op++] = kMaxCopy - 1;
      }
      continue;
    }
    // Close the pending literal run: patch its count, or drop its unused count byte.
    if (copy) {
      out[op - copy - 1] = uint8_t(copy - 1);
    } else {
      op--;
    }
    copy = 0;
    const bool far = distance >= kMaxDistance;
    if (far) distance -= kMaxDistance;
    const unsigned dhi = far ? 31U : (distance >> 8);
    if (len < 7) {
      if (op + (far ? 4 : 2) > olimit) return 0;
      out[op++] = uint8_t((len << 5) + dhi);
    } else {
      if (op + 1 > olimit) return 0;
      out[op++] = uint8_t((7U << 5) + dhi);
      for (len -= 7; len >= 255; len -= 255) {
        if (op + 1 > olimit) return 0;
        out[op++] = 255;
      }
      if (op + (far ? 4 : 2) > olimit) return 0;
      out[op++] = uint8_t(len);
    }
    if (far) {
      out[op++] = 255;
      out[op++] = uint8_t(distance >> 8);
      out[op++] = uint8_t(distance & 255);
    } else {
      out[op++] = uint8_t(distance & 255);
    }
    // Hash the match boundary (twice at clevel 9) before skipping past it.
    uint32_t seq = Read32(in + ip);
    table[Hash(seq, hlog)] = uint32_t(ip);
    ip++;
    if (clevel == 9) {
      seq >>= 8;
      table[Hash(seq, hlog)] = uint32_t(ip);
    }
    ip++;
    if (op + 1 > olimit) return 0;
    out[op++] = kMaxCopy - 1;
  }

  // Trailing literals.
  while (ip <= bound) {
    if (op + 2 > olimit) return 0;
    out[op++] = in[ip++];
    if (++copy == kMaxCopy) {
      copy = 0;
      out[op++] = kMaxCopy - 1;
    }
  }
  if (copy) {
    out[op - copy - 1] = uint8_t(copy - 1);
  } else {
    op--;
  }
  out[0] |= 1U << 5;
  return int(op);
}

// Copies 16 bytes at a time; may write up to 15 bytes past `len` (callers check the room).
inline void WildCopy16(uint8_t* d, const uint8_t* s, size_t len) {
  uint8_t* const e = d + len;
  do {
    std::memcpy(d, s, 16);
    d += 16;
    s += 16;
  } while (d < e);
}

// Copies 8 bytes at a time from `back` >= 8 bytes behind: each step reads only bytes already
// written. May write up to 7 bytes past `len`.
inline void WildCopy8(uint8_t* d, const uint8_t* s, size_t len) {
  uint8_t* const e = d + len;
  do {
    std::memcpy(d, s, 8);
    d += 8;
    s += 8;
  } while (d < e);
}

int BloscLZDecompress(const uint8_t* in, int length, uint8_t* out, int maxout) {
  if (length <= 0) return 0;
  const size_t iend = size_t(length);
  const size_t oend = size_t(maxout);
  size_t ip = 0;
  size_t op = 0;
  unsigned ctrl = in[ip++] & 31U;
  while (true) {
    if (ctrl >= 32) {
      size_t len = (ctrl >> 5) - 1;
      size_t ofs = size_t(ctrl & 31U) << 8;
      if (len == 6) {
        uint8_t code;
        do {
          if (ip + 1 >= iend) return 0;
          code = in[ip++];
          len += code;
        } while (code == 255);
      } else if (ip + 1 >= iend) {
        return 0;
      }
      const uint8_t code = in[ip++];
      len += 3;
      size_t back = ofs + code;
      if (code == 255 && ofs == (31U << 8)) {
        if (ip + 1 >= iend) return 0;
        back = ((size_t(in[ip]) << 8) | in[ip + 1]) + kMaxDistance;
        ip += 2;
      }
      back += 1;
      if (back > op || len > oend - op) return 0;
      const size_t ref = op - back;
      // Fast paths over-copy into the room left in `out` (bytes later overwritten or never
      // reported); near the end of the output they fall back to exact copies.
      const bool room = oend - op - len >= 16;
      if (back == 1) {
        std::memset(out + op, out[ref], len);
      } else if (back >= 16 && room) {
        WildCopy16(out + op, out + ref, len);
      } else if (back >= 8 && room) {
        WildCopy8(out + op, out + ref, len);
      } else if (room) {
        // A short period (2..7, common in shuffled streams): 8 bytes one by one, then 8-byte
        // copies from a whole number of periods (>= 8 bytes) back, which repeat the same pattern.
        uint8_t* d = out + op;
        const uint8_t* s = out + ref;
        for (int i = 0; i < 8; i++) d[i] = s[i];
        if (len > 8) {
          const size_t dist = back * ((8 + back - 1) / back);
          WildCopy8(d + 8, d + 8 - dist, len - 8);
        }
      } else if (back >= len) {
        std::memcpy(out + op, out + ref, len);
      } else if (back >= 8) {
        // Overlapping, but each 8-byte step reads only bytes already written.
        size_t i = 0;
        for (; i + 8 <= len; i += 8) std::memcpy(out + op + i, out + ref + i, 8);
        for (; i < len; i++) out[op + i] = out[ref + i];
      } else {
        for (size_t i = 0; i < len; i++) out[op + i] = out[ref + i];
      }
      op += len;
      if (ip >= iend) break;
      ctrl = in[ip++];
    } else {
      const size_t n = size_t(ctrl) + 1;
      if (n > oend - op || n > iend - ip) return 0;
      if (n <= 32 && oend - op >= 32 && iend - ip >= 32) {
        // A literal run is at most 32 bytes: two fixed-size copies, no length-dependent call.
        std::memcpy(out + op, in + ip, 16);
        if (n > 16) std::memcpy(out + op + 16, in + ip + 16, 16);
      } else {
        std::memcpy(out + op, in + ip, n);
      }
      op += n;
      ip += n;
      if (ip >= iend) break;
      ctrl = in[ip++];
    }
  }
  return int(op);
}

}  // namespace blosc
}  // namespace zf
