// Byte shuffle and bit shuffle for the Blosc container.
//
// Byte shuffle groups byte j of every item together (plain loops the compiler vectorises). Bit
// shuffle transposes 8x8 bit tiles with three delta swaps on a 64-bit word.
#include "shuffle.h"

#include <cstring>


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

void UnshuffleScalar(size_t ts, size_t n, size_t from, const uint8_t* src, uint8_t* dst) {
  for (size_t i = from; i < n; i++) {
    for (size_t j = 0; j < ts; j++) dst[i * ts + j] = src[j * n + i];
  }
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

}  // namespace

void Shuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts <= 1 || n == 0) {
    std::memcpy(dst, src, size);
    return;
  }
  ShuffleScalar(ts, n, 0, src, dst);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void Unshuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts <= 1 || n == 0) {
    std::memcpy(dst, src, size);
    return;
  }
  UnshuffleScalar(ts, n, 0, src, dst);
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void BitShuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts == 0 || n % 8 != 0) {
    std::memcpy(dst, src, size);
    return;
  }
  const size_t rowBytes = n / 8;
  for (size_t j = 0; j < ts; j++) {
    uint8_t* rows = dst + j * 8 * rowBytes;
    for (size_t r = 0; r < rowBytes; r++) {
      const uint8_t* s = src + r * 8 * ts + j;
      uint64_t x = 0;
      for (int m = 0; m < 8; m++) x |= uint64_t(s[m * ts]) << (8 * m);
      x = Transpose8x8(x);
      for (int k = 0; k < 8; k++) rows[k * rowBytes + r] = uint8_t(x >> (8 * k));
    }
  }
  std::memcpy(dst + n * ts, src + n * ts, size - n * ts);
}

void BitUnshuffle(size_t ts, size_t size, const uint8_t* src, uint8_t* dst) {
  const size_t n = ts ? size / ts : 0;
  if (ts == 0 || n % 8 != 0) {
    std::memcpy(dst, src, size);
    return;
  }
  const size_t rowBytes = n / 8;
  for (size_t j = 0; j < ts; j++) {
    const uint8_t* rows = src + j * 8 * rowBytes;
    for (size_t r = 0; r < rowBytes; r++) {
      uint64_t x = 0;
      for (int k = 0; k < 8; k++) x |= uint64_t(rows[k * rowBytes + r]) << (8 * k);
      x = Transpose8x8(x);
      uint8_t* d = dst + r * 8 * ts + j;
      for (int m = 0; m < 8; m++) d[m * ts] = uint8_t(x >> (8 * m));
    }
  }
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
