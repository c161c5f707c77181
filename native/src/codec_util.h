// Internals shared by the codec adapters (codec_*.cc) and their dispatcher (codecs.cc).
//
// Each adapter implements one numcodecs codec over one library; the contract is that of codecs.h:
// an empty string on success, a reason otherwise, never an exception.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "codecs.h"
#include "le32.h"

namespace zf {
namespace detail {

// Library calls want a valid pointer even for empty input; typed arrays of length 0 may give NULL.
inline constexpr uint8_t kEmpty[1] = {0};
inline const uint8_t* NonNull(const uint8_t* p) { return p ? p : kEmpty; }

// zlib and bzip2 count bytes in 32-bit unsigned ints; feed them in slices below this.
inline constexpr size_t kSlice = size_t(1) << 30;


inline std::string TooSmall(size_t need, size_t have) {
  return "output buffer too small (needs " + std::to_string(need) + " bytes, got " +
         std::to_string(have) + ")";
}

// Initial capacity for decoders that cannot know the output size in advance.
inline size_t GuessCap(size_t n) { return std::max<size_t>(n * 4, 64 * 1024); }

inline constexpr char kFixedFull[] = "output buffer too small (decoded data is larger)";
inline constexpr char kNoZlib[] = "zlib is not available (no libz.so.1 on this system)";

// Why an output of `need` bytes cannot be had: the caller's buffer is too small, the decoded size
// exceeds the limit set on the owned buffer, or memory ran out.
inline std::string ReserveError(const OutBuf& out, size_t need) {
  if (!out.owned()) return TooSmall(need, out.cap());
  if (need > out.limit()) {
    return "decoded size " + std::to_string(need) + " exceeds the limit of " + std::to_string(out.limit()) + " bytes";
  }
  return "out of memory";
}

// A decoder made no progress with a full output buffer: the caller's buffer is too small, or the
// decoded data is larger than the owned buffer's limit.
inline std::string FullError(const OutBuf& out) {
  if (!out.owned()) return kFixedFull;
  return "decoded data exceeds the limit of " + std::to_string(out.limit()) + " bytes";
}

// First capacity of a streaming decoder's owned buffer: a guess from the input size, within the limit.
inline size_t StartCap(const OutBuf& out, size_t n) { return std::min(GuessCap(n), std::max<size_t>(out.limit(), 1)); }

inline bool GrowOrFail(OutBuf& out, std::string* err) {
  if (out.Grow(64 * 1024)) return true;
  *err = out.owned() ? (out.cap() >= out.limit() ? FullError(out) : "out of memory") : kFixedFull;
  return false;
}

// Before a decoder call: grows a full owned buffer. A full caller buffer (or an owned one at its
// limit) is left as it is and the decoder runs with no output room, which still lets it read
// trailers and report the end of the stream; only if it then makes no progress is the buffer too
// small (FullError).
inline bool MakeRoom(OutBuf& out, std::string* err) {
  if (out.size() < out.cap() || !out.owned() || out.AtLimit()) return true;
  return GrowOrFail(out, err);
}

std::string BloscCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string BloscDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string ZstdCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string ZstdDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string Lz4Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string Lz4Decompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string ZlibCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string ZlibDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string GzipCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string GzipDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string Bz2Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string Bz2Decompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string LzmaCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string LzmaDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out);
std::string BloscGetBytesImpl(const uint8_t* src, size_t n, size_t startByte, size_t count, uint8_t* dst, size_t* dstStart);

}  // namespace detail
}  // namespace zf
