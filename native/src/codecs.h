// Pure C++ codec implementations, free of N-API so they can run on any thread.
//
// Every function returns an empty string on success and a human-readable reason on failure; the
// caller prefixes the codec id. Nothing here throws: the addon must never take the process down on
// corrupt input, so all sizes are validated before any library call touches memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "blosc/blosc.h"

namespace zf {

enum class CodecKind { Blosc, Zstd, Lz4, Zlib, Gzip, Bz2, Lzma };

// One entry of an LZMA filter chain as given in the numcodecs config, e.g. {id: 33, preset: 1}.
// The id is kept as a double because that is what JSON gives us (LZMA1's id, 2^62 + 1, is not
// representable and arrives rounded to 2^62).
struct LzmaFilterSpec {
  double id = 0;
  std::vector<std::pair<std::string, double>> options;
};

// Codec parameters, parsed on the JS thread before work is queued.
struct Params {
  CodecKind kind = CodecKind::Zstd;
  // blosc
  std::string cname = "lz4";
  int clevel = 5;
  int shuffle = 1;
  int64_t blocksize = 0;
  int64_t typesize = 1;
  int nthreads = 1;
  // zstd, zlib, gzip, bz2
  int level = 1;
  // lz4
  int acceleration = 1;
  // gzip header
  uint32_t mtime = 0;
  // lzma
  int format = 1;
  int check = -1;
  int64_t preset = -1;  // -1: None (liblzma default preset)
  bool hasFilters = false;
  std::vector<LzmaFilterSpec> filters;
};

// Destination of a codec call: either a growable malloc'd buffer owned by this object, or a fixed
// caller-provided buffer (decode straight into the chunk) that must not be overrun. An owned buffer
// never grows past its limit (SetLimit), so a decompression bomb stops at the expected size.
class OutBuf {
 public:
  OutBuf() = default;
  OutBuf(const OutBuf&) = delete;
  OutBuf& operator=(const OutBuf&) = delete;
  ~OutBuf() {
    if (owned_) std::free(data_);
  }

  // Point at caller memory; later growth fails instead of reallocating.
  void SetFixed(uint8_t* p, size_t cap) {
    if (owned_) std::free(data_);
    data_ = p;
    cap_ = cap;
    size_ = 0;
    owned_ = false;
  }
  // Cap the size an owned buffer may grow to (decoders: the expected decoded size, or maxChunkBytes).
  void SetLimit(size_t limit) { limit_ = limit; }
  size_t limit() const { return limit_; }
  // An owned buffer that is full and may not grow any more.
  bool AtLimit() const { return owned_ && size_ >= cap_ && cap_ >= limit_; }
  // Make room for at least `cap` bytes in total. False when fixed and too small, over the limit, or out of memory.
  bool Reserve(size_t cap);
  // Make room for more output after `size()`; doubles the buffer so streaming stays linear.
  bool Grow(size_t minExtra);
  // Detach the owned buffer (shrunk to size, never NULL) for handing to JS.
  uint8_t* Release();

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  size_t cap() const { return cap_; }
  bool owned() const { return owned_; }
  void set_size(size_t s) { size_ = s; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
  bool owned_ = true;
  size_t limit_ = SIZE_MAX;
};

std::string Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string Decompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
// Decodes only the blosc blocks covering bytes [startByte, startByte + count) of the chunk into dst
// (which must hold count + 2 * typesize bytes); *dstStart is the chunk byte offset of dst[0].
std::string BloscGetBytes(const uint8_t* src, size_t n, size_t startByte, size_t count, uint8_t* dst, size_t* dstStart);
// Blosc: decodes the runs (see blosc::DecompressRuns) straight into their destinations.
std::string BloscDecompressRuns(const uint8_t* src, size_t n, const blosc::Run* runs, size_t nruns);

// Comma-separated compressor names of the linked c-blosc.
std::string BloscCompressors();
// Library versions, as name=value pairs.
std::vector<std::pair<std::string, std::string>> Versions();

}  // namespace zf
