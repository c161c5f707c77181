// Codec implementations byte-compatible with numcodecs 0.11.
//
// Blosc is zarrflow's own implementation of the c-blosc 1.21 container (blosc/); zstd and lz4 come
// from the C sources npm packages ship, or from the system runtime libraries (see build.mjs); zlib,
// bzip2 and xz are the system runtime libraries, reached without their -dev packages
// (blosc/zlib_api.h, blosc/bz2_api.h).
//
// Python semantics are mirrored where they are observable: zlib/bz2/lzma decode multiple
// concatenated streams like the Python standard library does, gzip writes the header of Python's
// GzipFile, LZ4 prefixes the little-endian uncompressed size like numcodecs.
//
// This file holds the public entry points of codecs.h (dispatch by codec kind, exception barrier,
// OutBuf, versions); the adapters live in codec_blosc_zstd_lz4.cc, codec_zlib.cc (zlib,
// gzip), codec_bz2.cc and codec_lzma.cc.
#include "codecs.h"

#define ZSTD_STATIC_LINKING_ONLY
#include <lz4.h>
#include <zstd.h>
#ifndef ZF_NO_LZMA
#include <lzma.h>
#endif

#include "blosc/blosc.h"
#include "blosc/shuffle.h"
#include "blosc/bz2_api.h"
#include "blosc/zlib_api.h"
#include "codec_util.h"
#include "copy.h"
#include "recycler.h"

#include <algorithm>
#include <cstring>

namespace zf {

using namespace detail;

bool OutBuf::Reserve(size_t cap) {
  if (cap == 0) cap = 1;  // never hand NULL to a library
  if (cap <= cap_) return true;
  if (!owned_ || cap > std::max<size_t>(limit_, 1)) return false;
  // 64-byte aligned, so that writing the buffer to a file is an aligned kernel copy (see copy.h);
  // hence a move instead of realloc when growing.
  // A first allocation of a large output reuses a collected result of that size (recycler.h):
  // decoding chunk after chunk then writes into pages already present.
  void* p = data_ == nullptr && cap >= kPooledOutputBytes ? OutputRecycler().Take(cap) : nullptr;
  if (!p && posix_memalign(&p, 64, cap) != 0) return false;
  if (size_) CopyBytes(static_cast<uint8_t*>(p), data_, size_);
  std::free(data_);
  data_ = static_cast<uint8_t*>(p);
  cap_ = cap;
  return true;
}

bool OutBuf::Grow(size_t minExtra) {
  if (!owned_) return false;
  size_t want = std::max(cap_ * 2, cap_ + minExtra);
  if (want < cap_) want = SIZE_MAX;  // overflow
  want = std::min(want, std::max<size_t>(limit_, 1));
  if (want <= cap_) return false;
  return Reserve(want);
}

uint8_t* OutBuf::Release() {
  if (!owned_) return nullptr;
  if (!data_) Reserve(1);
  if (data_ && size_ < cap_) {
    void* p = std::realloc(data_, size_ ? size_ : 1);
    if (p) {
      data_ = static_cast<uint8_t*>(p);
      cap_ = size_ ? size_ : 1;
    }
  }
  uint8_t* d = data_;
  data_ = nullptr;
  cap_ = size_ = 0;
  return d;
}

// The public entry points run on libuv pool threads: nothing may escape them. The codecs do not
// throw, but building an error message can (std::bad_alloc); "out of memory" fits the small-string
// buffer, so the fallback itself never allocates.
template <typename F>
std::string NoThrow(F&& f) {
  try {
    return f();
  } catch (...) {
    return "out of memory";
  }
}

std::string CompressImpl(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  switch (p.kind) {
    case CodecKind::Blosc: return BloscCompress(p, src, n, out);
    case CodecKind::Zstd: return ZstdCompress(p, src, n, out);
    case CodecKind::Lz4: return Lz4Compress(p, src, n, out);
    case CodecKind::Zlib: return ZlibCompress(p, src, n, out);
    case CodecKind::Gzip: return GzipCompress(p, src, n, out);
    case CodecKind::Bz2: return Bz2Compress(p, src, n, out);
    case CodecKind::Lzma: return LzmaCompress(p, src, n, out);
  }
  return "unknown codec";
}

std::string Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  return NoThrow([&] { return CompressImpl(p, src, n, out); });
}

std::string BloscGetBytes(const uint8_t* src, size_t n, size_t startByte, size_t count, uint8_t* dst, size_t* dstStart) {
  return NoThrow([&] { return BloscGetBytesImpl(src, n, startByte, count, dst, dstStart); });
}

std::string BloscDecompressRuns(const uint8_t* src, size_t n, const blosc::Run* runs, size_t nruns) {
  return NoThrow([&] { return blosc::DecompressRuns(NonNull(src), n, runs, nruns); });
}

std::string DecompressImpl(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  src = NonNull(src);
  switch (p.kind) {
    case CodecKind::Blosc: return BloscDecompress(p, src, n, out);
    case CodecKind::Zstd: return ZstdDecompress(p, src, n, out);
    case CodecKind::Lz4: return Lz4Decompress(p, src, n, out);
    case CodecKind::Zlib: return ZlibDecompress(p, src, n, out);
    case CodecKind::Gzip: return GzipDecompress(p, src, n, out);
    case CodecKind::Bz2: return Bz2Decompress(p, src, n, out);
    case CodecKind::Lzma: return LzmaDecompress(p, src, n, out);
  }
  return "unknown codec";
}

std::string Decompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  return NoThrow([&] { return DecompressImpl(p, src, n, out); });
}

std::string BloscCompressors() { return blosc::Compressors(); }

std::vector<std::pair<std::string, std::string>> Versions() {
  return {
      {"blosc", "1.21.3 (zarrflow's own Blosc 1.x; shuffle: " + std::string(blosc::ShuffleImplementation()) + ")"},
      {"zstd", ZSTD_versionString()},
      {"lz4", LZ4_versionString()},
      {"zlib", Zlib() ? std::string(Zlib()->zlibVersion()) + " (" + Zlib()->source + ")" : std::string("unavailable")},
#ifndef ZF_NO_BZ2
      {"bz2", BZ2_bzlibVersion()},
#else
      {"bz2", "unavailable"},
#endif
#ifndef ZF_NO_LZMA
      {"lzma", lzma_version_string()},
#else
      {"lzma", "unavailable"},
#endif
  };
}

}  // namespace zf
