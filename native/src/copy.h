// Byte copies and scratch buffers that stay fast whatever the alignment of the caller's memory.
//
// Measured on this project's CI machine kind (AMD EPYC, glibc 2.36): glibc's memcpy uses
// `rep movsb` for copies of 2 KiB to 512 KiB, and there `rep movsb` runs at 1.5-1.7 GB/s instead of
// ~20 GB/s when source and destination are not 32-byte aligned relative to each other (a 16-byte
// offset is enough: malloc and V8's ArrayBuffers are only 16-byte aligned). The kernel's copy into a
// read() buffer behaves the same (0.6-2 GB/s against 2.6-8.7 GB/s). A chunk row copied into a
// JavaScript array, or a chunk file read into a malloc'd buffer, hit it half the time. So: copies
// of that size with a relative misalignment go through a vector loop here, and the buffers that
// file reads land in are 64-byte aligned (a file is read from offset 0, or from a 64-byte multiple).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace zf {

// memcpy for non-overlapping ranges (see above for why it is not just memcpy).
inline void CopyBytes(uint8_t* dst, const uint8_t* src, size_t n) {
#if defined(__SSE2__)
  if (n >= 1024 && ((reinterpret_cast<uintptr_t>(dst) - reinterpret_cast<uintptr_t>(src)) & 31) != 0) {
    const size_t head = (16 - (reinterpret_cast<uintptr_t>(dst) & 15)) & 15;
    std::memcpy(dst, src, head);
    dst += head, src += head, n -= head;
    for (; n >= 64; n -= 64, dst += 64, src += 64) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16));
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 32));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 48));
      _mm_store_si128(reinterpret_cast<__m128i*>(dst), a);
      _mm_store_si128(reinterpret_cast<__m128i*>(dst + 16), b);
      _mm_store_si128(reinterpret_cast<__m128i*>(dst + 32), c);
      _mm_store_si128(reinterpret_cast<__m128i*>(dst + 48), d);
    }
    std::memcpy(dst, src, n);
    return;
  }
#endif
  std::memcpy(dst, src, n);
}

// An allocator whose blocks start on a 64-byte boundary.
template <typename T>
struct Aligned64 {
  using value_type = T;
  Aligned64() = default;
  template <typename U>
  Aligned64(const Aligned64<U>&) {}
  T* allocate(size_t n) {
    void* p = nullptr;
    if (posix_memalign(&p, 64, n != 0 ? n * sizeof(T) : 64) != 0) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const Aligned64<U>&) const { return true; }
  template <typename U>
  bool operator!=(const Aligned64<U>&) const { return false; }
};

// A growable scratch buffer, 64-byte aligned (for file reads and decoded chunks).
using ScratchBytes = std::vector<uint8_t, Aligned64<uint8_t>>;

}  // namespace zf
