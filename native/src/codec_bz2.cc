// bzip2 adapter over the system runtime libbz2.so.1.0 (blosc/bz2_api.h, no -dev package).
//
// Decoding mirrors Python's bz2.decompress: concatenated streams, garbage after a complete stream
// ignored.
#include "codec_util.h"

#include <cstring>

#include "blosc/bz2_api.h"

namespace zf {
namespace detail {

#ifndef ZF_NO_BZ2
// ---------------------------------------------------------------- bz2

std::string Bz2Error(int r) {
  switch (r) {
    case BZ_DATA_ERROR: return "corrupt data (bzip2 data integrity error)";
    case BZ_DATA_ERROR_MAGIC: return "not a bzip2 stream (bad magic bytes)";
    case BZ_MEM_ERROR: return "out of memory";
    case BZ_PARAM_ERROR: return "invalid parameter";
    default: return "bzip2 error " + std::to_string(r);
  }
}

std::string Bz2Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (p.level < 1 || p.level > 9) return "level must be between 1 and 9, got " + std::to_string(p.level);
  bz_stream s;
  std::memset(&s, 0, sizeof s);
  int r = BZ2_bzCompressInit(&s, p.level, 0, 0);
  if (r != BZ_OK) return Bz2Error(r);
  if (!out.Reserve(n + n / 100 + 600)) {
    BZ2_bzCompressEnd(&s);
    return "out of memory";
  }
  size_t inPos = 0;
  std::string err;
  while (true) {
    const size_t chunk = std::min(n - inPos, kSlice);
    s.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(NonNull(src) + inPos));
    s.avail_in = unsigned(chunk);
    inPos += chunk;
    const bool last = inPos == n;
    do {
      if (out.size() == out.cap() && !GrowOrFail(out, &err)) break;
      const size_t room = std::min(out.cap() - out.size(), kSlice);
      s.next_out = reinterpret_cast<char*>(out.data() + out.size());
      s.avail_out = unsigned(room);
      r = BZ2_bzCompress(&s, last ? BZ_FINISH : BZ_RUN);
      out.set_size(out.size() + room - s.avail_out);
      if (r < 0) err = Bz2Error(r);
    } while (err.empty() && (last ? r != BZ_STREAM_END : s.avail_in > 0));
    if (!err.empty() || last) break;
  }
  BZ2_bzCompressEnd(&s);
  return err;
}

// Decodes one bzip2 stream from src[*pos]; advances *pos past it.
std::string Bz2Stream(const uint8_t* src, size_t n, size_t* pos, OutBuf& out) {
  bz_stream s;
  std::memset(&s, 0, sizeof s);
  int r = BZ2_bzDecompressInit(&s, 0, 0);
  if (r != BZ_OK) return Bz2Error(r);
  std::string err;
  while (true) {
    if (s.avail_in == 0 && *pos < n) {
      const size_t chunk = std::min(n - *pos, kSlice);
      s.next_in = reinterpret_cast<char*>(const_cast<uint8_t*>(src + *pos));
      s.avail_in = unsigned(chunk);
      *pos += chunk;
    }
    if (!MakeRoom(out, &err)) break;
    const size_t room = std::min(out.cap() - out.size(), kSlice);
    s.next_out = reinterpret_cast<char*>(out.data() + out.size());
    s.avail_out = unsigned(room);
    const unsigned inBefore = s.avail_in;
    r = BZ2_bzDecompress(&s);
    out.set_size(out.size() + room - s.avail_out);
    if (r == BZ_STREAM_END) {
      *pos -= s.avail_in;
      break;
    }
    if (r != BZ_OK) {
      err = Bz2Error(r);
      break;
    }
    if (room == 0 && s.avail_in == inBefore) {
      err = FullError(out);
      break;
    }
    // Output space left over means bzip2 emitted all it could; without input it cannot go on.
    if (s.avail_in == 0 && *pos >= n && s.avail_out > 0) {
      err = "truncated data (compressed data ended before the end-of-stream marker)";
      break;
    }
  }
  BZ2_bzDecompressEnd(&s);
  return err;
}

std::string Bz2Decompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  if (out.owned() && !out.Reserve(StartCap(out, n))) return "out of memory";
  size_t pos = 0;  // empty input decodes to nothing, as in Python
  int streams = 0;
  // Python's bz2.decompress: concatenated streams; garbage after a complete stream is ignored.
  while (pos < n) {
    const size_t sizeBefore = out.size();
    const size_t posBefore = pos;
    std::string err = Bz2Stream(src, n, &pos, out);
    if (!err.empty()) {
      const bool notAStream = err.rfind("not a bzip2", 0) == 0 || err.rfind("corrupt", 0) == 0;
      if (streams > 0 && notAStream) {
        out.set_size(sizeBefore);
        return "";
      }
      return err;
    }
    streams++;
    if (pos == posBefore) break;
  }
  return "";
}

#else
std::string Bz2Compress(const Params&, const uint8_t*, size_t, OutBuf&) { return "bzip2 is not available (no libbz2.so.1.0 when the addon was built)"; }
std::string Bz2Decompress(const Params&, const uint8_t*, size_t, OutBuf&) { return "bzip2 is not available (no libbz2.so.1.0 when the addon was built)"; }
#endif  // ZF_NO_BZ2

}  // namespace detail
}  // namespace zf
