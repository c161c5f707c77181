// Byte shuffle and bit shuffle for the Blosc container.
//
// Byte shuffle groups byte j of every item together: SSE2 transposes for the common item sizes 2,
// 4 and 8, plain loops for the rest and the tails. Bit shuffle collects bit rows with SSE2
// movemask; bit unshuffle interleaves 8 rows and transposes 8x8 bit tiles with three delta swaps
// on both 64-bit lanes of an SSE2 register (scalar 64-bit words for the tails).
#include "shuffle.h"

#include "../copy.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif


namespace zf {
namespace blosc {

namespace {

void ShuffleScalar(size_t ts, size_t n, size_t from, const uint8_t* src, uint8_t* dst) {
  for (size_t j = 0; j < ts; j++) {
    uint8_t* d = dst + j * n;
    const uint8_t* s = src + j;
    for (size_t i = from; i < n; i++) d[i] = s[i * ts];
  }
}

// Items [from, to) of a block of n items; `dst` points at item `base` (base <= from).
void UnshuffleScalar(size_t ts, size_t n, size_t base, size_t from, size_t to, const uint8_t* src, uint8_t* dst) {
  for (size_t i = from; i < to; i++) {
    for (size_t j = 0; j < ts; j++) dst[(i - base) * ts + j] = src[j * n + i];
  }
}


#if defined(__SSE2__)
// SSE2 byte transposes for item sizes 4 and 8, 16 items at a time (x86-64 always has SSE2):
// three rounds of byte/word/dword interleaving turn 8 items into byte planes, two groups of 8 are
// then joined so every plane gets one 16-byte store. The inverse interleaves 16-byte plane rows.
inline void Planes8x8(const uint8_t* s, __m128i out[4]) {
  __m128i r[8];
  for (int k = 0; k < 8; k++) r[k] = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + 8 * k));
  const __m128i a0 = _mm_unpacklo_epi8(r[0], r[1]), a1 = _mm_unpacklo_epi8(r[2], r[3]);
  const __m128i a2 = _mm_unpacklo_epi8(r[4], r[5]), a3 = _mm_unpacklo_epi8(r[6], r[7]);
  const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
  const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
  out[0] = _mm_unpacklo_epi32(b0, b2);  // planes 0 | 1
  out[1] = _mm_unpackhi_epi32(b0, b2);  // planes 2 | 3
  out[2] = _mm_unpacklo_epi32(b1, b3);  // planes 4 | 5
  out[3] = _mm_unpackhi_epi32(b1, b3);  // planes 6 | 7
}

inline void Planes8x4(const uint8_t* s, __m128i out[2]) {
  __m128i r[8];
  for (int k = 0; k < 8; k++) {
    int v;
    std::memcpy(&v, s + 4 * k, 4);
    r[k] = _mm_cvtsi32_si128(v);
  }
  const __m128i a0 = _mm_unpacklo_epi8(r[0], r[1]), a1 = _mm_unpacklo_epi8(r[2], r[3]);
  const __m128i a2 = _mm_unpacklo_epi8(r[4], r[5]), a3 = _mm_unpacklo_epi8(r[6], r[7]);
  const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b2 = _mm_unpacklo_epi16(a2, a3);
  out[0] = _mm_unpacklo_epi32(b0, b2);  // planes 0 | 1
  out[1] = _mm_unpackhi_epi32(b0, b2);  // planes 2 | 3
}

template <int TS>
size_t ShuffleSse2(size_t n, const uint8_t* src, uint8_t* dst) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m128i x[4], y[4];
    if (TS == 8) {
      Planes8x8(src + i * 8, x);
      Planes8x8(src + i * 8 + 64, y);
    } else {
      Planes8x4(src + i * 4, x);
      Planes8x4(src + i * 4 + 32, y);
    }
    for (int k = 0; k < TS / 2; k++) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * k) * n + i), _mm_unpacklo_epi64(x[k], y[k]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + (2 * k + 1) * n + i), _mm_unpackhi_epi64(x[k], y[k]));
    }
  }
  return i;
}

size_t Shuffle2Sse2(size_t n, const uint8_t* src, uint8_t* dst) {
  const __m128i lowBytes = _mm_set1_epi16(0x00ff);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_packus_epi16(_mm_and_si128(v0, lowBytes), _mm_and_si128(v1, lowBytes)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n + i),
                     _mm_packus_epi16(_mm_srli_epi16(v0, 8), _mm_srli_epi16(v1, 8)));
  }
  return i;
}

// The unshuffles below write items [from, to) of a block of n items, `dst` pointing at item `from`;
// they return the item they stopped at (the rest is left to UnshuffleScalar).
size_t Unshuffle2Sse2(size_t n, size_t from, size_t to, const uint8_t* src, uint8_t* dst) {
  size_t i = from;
  for (; i + 16 <= to; i += 16) {
    const __m128i p0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i p1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 2 * (i - from)), _mm_unpacklo_epi8(p0, p1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + 2 * (i - from) + 16), _mm_unpackhi_epi8(p0, p1));
  }
  return i;
}

size_t Unshuffle4Sse2(size_t n, size_t from, size_t to, const uint8_t* src, uint8_t* dst) {
  size_t i = from;
  for (; i + 16 <= to; i += 16) {
    __m128i p[4];
    for (int k = 0; k < 4; k++) p[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k * n + i));
    const __m128i lo01 = _mm_unpacklo_epi8(p[0], p[1]), lo23 = _mm_unpacklo_epi8(p[2], p[3]);
    const __m128i hi01 = _mm_unpackhi_epi8(p[0], p[1]), hi23 = _mm_unpackhi_epi8(p[2], p[3]);
    __m128i* d = reinterpret_cast<__m128i*>(dst + (i - from) * 4);
    _mm_storeu_si128(d + 0, _mm_unpacklo_epi16(lo01, lo23));
    _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(lo01, lo23));
    _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(hi01, hi23));
    _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(hi01, hi23));
  }
  return i;
}

size_t Unshuffle8Sse2(size_t n, size_t from, size_t to, const uint8_t* src, uint8_t* dst) {
  size_t i = from;
  for (; i + 16 <= to; i += 16) {
    __m128i p[8];
    for (int k = 0; k < 8; k++) p[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k * n + i));
    __m128i* d = reinterpret_cast<__m128i*>(dst + (i - from) * 8);
    for (int half = 0; half < 2; half++) {
      const __m128i a0 = half ? _mm_unpackhi_epi8(p[0], p[1]) : _mm_unpacklo_epi8(p[0], p[1]);
      const __m128i a1 = half ? _mm_unpackhi_epi8(p[2], p[3]) : _mm_unpacklo_epi8(p[2], p[3]);
      const __m128i a2 = half ? _mm_unpackhi_epi8(p[4], p[5]) : _mm_unpacklo_epi8(p[4], p[5]);
      const __m128i a3 = half ? _mm_unpackhi_epi8(p[6], p[7]) : _mm_unpacklo_epi8(p[6], p[7]);
      const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
      const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
      _mm_storeu_si128(d + 4 * half + 0, _mm_unpacklo_epi32(b0, b2));
      _mm_storeu_si128(d + 4 * half + 1, _mm_unpackhi_epi32(b0, b2));
      _mm_storeu_si128(d + 4 * half + 2, _mm_unpacklo_epi32(b1, b3));
      _mm_storeu_si128(d + 4 * half + 3, _mm_unpackhi_epi32(b1, b3));
    }
  }
  return i;
}
#endif

// Items [from, to) of a block of n items into dst (which points at item `from`).
void UnshuffleItems(size_t ts, size_t n, size_t from, size_t to, const uint8_t* src, uint8_t* dst) {
  size_t done = from;
#if defined(__SSE2__)
  if (ts == 2) done = Unshuffle2Sse2(n, from, to, src, dst);
  if (ts == 4) done = Unshuffle4Sse2(n, from, to, src, dst);
  if (ts == 8) done = Unshuffle8Sse2(n, from, to, src, dst);
#endif
  UnshuffleScalar(ts, n, from, done, to, src, dst);
}

inline uint64_t Transpose8x8(uint64_t x) {
  uint64_t t;
  t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAULL;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCULL;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ULL;
  x = x ^ t ^ (t << 28);
  return x;
}

void PlaneToBits(const uint8_t* plane, size_t n, uint8_t* rows);
void BitsToPlane(const uint8_t* rows, size_t n, uint8_t* plane);

}  // namespace

void Shuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts <= 1 || n == 0) {
    CopyBytes(dst, src, size);
    return;
  }
  size_t done = 0;
#if defined(__SSE2__)
  if (ts == 2) done = Shuffle2Sse2(n, src, dst);
  if (ts == 4) done = ShuffleSse2<4>(n, src, dst);
  if (ts == 8) done = ShuffleSse2<8>(n, src, dst);
#endif
  ShuffleScalar(ts, n, done, src, dst);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void Unshuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts <= 1 || n == 0) {
    CopyBytes(dst, src, size);
    return;
  }
  UnshuffleItems(ts, n, 0, n, src, dst);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void UnshuffleBytes(size_t ts, size_t size, const uint8_t* src, size_t lo, size_t hi, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts <= 1 || n == 0) {
    CopyBytes(dst, src + lo, hi - lo);
    return;
  }
  const size_t items = n * ts;
  // Byte b of the unshuffled block: byte b % ts of item b / ts, or a trailing byte kept in place.
  auto byteAt = [&](size_t b) { return b < items ? src[(b % ts) * n + b / ts] : src[b]; };
  size_t b = lo;
  for (; b < hi && b % ts != 0; b++) dst[b - lo] = byteAt(b);
  const size_t first = b / ts, last = std::max(first, std::min(hi, items) / ts);
  if (last > first) {
    UnshuffleItems(ts, n, first, last, src, dst + (b - lo));
    b = last * ts;
  }
  for (; b < hi; b++) dst[b - lo] = byteAt(b);
}

namespace {

// Bit planes of one byte plane: row k gets bit k of the n bytes of `plane`, 8 bytes per row byte.
void PlaneToBits(const uint8_t* plane, size_t n, uint8_t* rows) {
  const size_t rowBytes = n / 8;
  size_t r = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: movemask collects the top bit of each byte; shifting left walks down the bits.
  for (; r + 2 <= rowBytes; r += 2) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(plane + 8 * r));
    for (int k = 7; k >= 0; k--) {
      const uint16_t bits = uint16_t(_mm_movemask_epi8(x));
      std::memcpy(rows + size_t(k) * rowBytes + r, &bits, 2);
      x = _mm_slli_epi16(x, 1);
    }
  }
#endif
  for (; r < rowBytes; r++) {
    uint64_t x;
    std::memcpy(&x, plane + 8 * r, 8);
    x = Transpose8x8(x);
    for (int k = 0; k < 8; k++) rows[size_t(k) * rowBytes + r] = uint8_t(x >> (8 * k));
  }
}

#if defined(__SSE2__)
// Transpose8x8 on both 64-bit lanes.
inline __m128i Transpose8x8x2(__m128i x) {
  __m128i t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 7)), _mm_set1_epi64x(0x00AA00AA00AA00AALL));
  x = _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 7));
  t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 14)), _mm_set1_epi64x(0x0000CCCC0000CCCCLL));
  x = _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 14));
  t = _mm_and_si128(_mm_xor_si128(x, _mm_srli_epi64(x, 28)), _mm_set1_epi64x(0x00000000F0F0F0F0LL));
  return _mm_xor_si128(_mm_xor_si128(x, t), _mm_slli_epi64(t, 28));
}
#endif

// Inverse of PlaneToBits.
void BitsToPlane(const uint8_t* rows, size_t n, uint8_t* plane) {
  const size_t rowBytes = n / 8;
  size_t r = 0;
#if defined(__SSE2__)
  // 16 row bytes at a time: interleave the 8 rows so each 64-bit lane holds byte r of every row
  // (the 8-byte unshuffle), then transpose the bits of each lane.
  for (; r + 16 <= rowBytes; r += 16) {
    __m128i p[8];
    for (int k = 0; k < 8; k++) p[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows + size_t(k) * rowBytes + r));
    __m128i* d = reinterpret_cast<__m128i*>(plane + 8 * r);
    for (int half = 0; half < 2; half++) {
      const __m128i a0 = half ? _mm_unpackhi_epi8(p[0], p[1]) : _mm_unpacklo_epi8(p[0], p[1]);
      const __m128i a1 = half ? _mm_unpackhi_epi8(p[2], p[3]) : _mm_unpacklo_epi8(p[2], p[3]);
      const __m128i a2 = half ? _mm_unpackhi_epi8(p[4], p[5]) : _mm_unpacklo_epi8(p[4], p[5]);
      const __m128i a3 = half ? _mm_unpackhi_epi8(p[6], p[7]) : _mm_unpacklo_epi8(p[6], p[7]);
      const __m128i b0 = _mm_unpacklo_epi16(a0, a1), b1 = _mm_unpackhi_epi16(a0, a1);
      const __m128i b2 = _mm_unpacklo_epi16(a2, a3), b3 = _mm_unpackhi_epi16(a2, a3);
      _mm_storeu_si128(d + 4 * half + 0, Transpose8x8x2(_mm_unpacklo_epi32(b0, b2)));
      _mm_storeu_si128(d + 4 * half + 1, Transpose8x8x2(_mm_unpackhi_epi32(b0, b2)));
      _mm_storeu_si128(d + 4 * half + 2, Transpose8x8x2(_mm_unpacklo_epi32(b1, b3)));
      _mm_storeu_si128(d + 4 * half + 3, Transpose8x8x2(_mm_unpackhi_epi32(b1, b3)));
    }
  }
#endif
  for (; r < rowBytes; r++) {
    uint64_t x = 0;
    for (int k = 0; k < 8; k++) x |= uint64_t(rows[size_t(k) * rowBytes + r]) << (8 * k);
    x = Transpose8x8(x);
    std::memcpy(plane + 8 * r, &x, 8);
  }
}

}  // namespace

void BitShuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst, uint8_t* scratch) {
  const size_t n = ts ? size / ts : 0;
  if (ts == 0 || n % 8 != 0) {
    CopyBytes(dst, src, size);
    return;
  }
  // Byte planes first (the identity for 1-byte items), then the bits of each plane.
  const uint8_t* planes = src;
  if (ts > 1) {
    Shuffle(ts, n * ts, src, scratch);
    planes = scratch;
  }
  for (size_t j = 0; j < ts; j++) PlaneToBits(planes + j * n, n, dst + j * n);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void BitUnshuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst, uint8_t* scratch) {
  const size_t n = ts ? size / ts : 0;
  if (ts == 0 || n % 8 != 0) {
    CopyBytes(dst, src, size);
    return;
  }
  uint8_t* planes = ts > 1 ? scratch : dst;
  for (size_t j = 0; j < ts; j++) BitsToPlane(src + j * n, n, planes + j * n);
  if (ts > 1) Unshuffle(ts, n * ts, scratch, dst);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

const char* ShuffleImplementation() {
#if defined(__SSE2__)
  return "sse2";
#else
  return "scalar";
#endif
}

}  // namespace blosc
}  // namespace zf
