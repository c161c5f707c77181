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
#include "codecs.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_findDecompressedSize / ZSTD_decompressBound
#include <lz4.h>
#include <zstd.h>
#ifndef ZF_NO_LZMA
#include <lzma.h>
#endif

#include "blosc/blosc.h"
#include "blosc/shuffle.h"
#include "blosc/bz2_api.h"
#include "blosc/zlib_api.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace zf {

namespace {

// Library calls want a valid pointer even for empty input; typed arrays of length 0 may give NULL.
const uint8_t kEmpty[1] = {0};
inline const uint8_t* NonNull(const uint8_t* p) { return p ? p : kEmpty; }

// zlib and bzip2 count bytes in 32-bit unsigned ints; feed them in slices below this.
constexpr size_t kSlice = size_t(1) << 30;

inline uint32_t Le32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline void PutLe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}

std::string TooSmall(size_t need, size_t have) {
  return "output buffer too small (needs " + std::to_string(need) + " bytes, got " +
         std::to_string(have) + ")";
}

// Initial capacity for decoders that cannot know the output size in advance.
size_t GuessCap(size_t n) { return std::max<size_t>(n * 4, 64 * 1024); }

const char kFixedFull[] = "output buffer too small (decoded data is larger)";
const char kNoZlib[] = "zlib is not available (no libz.so.1 on this system)";

bool GrowOrFail(OutBuf& out, std::string* err) {
  if (out.Grow(64 * 1024)) return true;
  *err = out.owned() ? "out of memory" : kFixedFull;
  return false;
}

// Before a decoder call: grows a full owned buffer. A full caller buffer is left as it is and the
// decoder runs with no output room, which still lets it read trailers and report the end of the
// stream; only if it then makes no progress is the caller's buffer too small.
bool MakeRoom(OutBuf& out, std::string* err) {
  if (out.size() < out.cap() || !out.owned()) return true;
  return GrowOrFail(out, err);
}

// ---------------------------------------------------------------- blosc

std::string BloscCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (n > blosc::kMaxBufferSize) {
    return "input of " + std::to_string(n) + " bytes exceeds blosc's limit of " +
           std::to_string(blosc::kMaxBufferSize) + " bytes";
  }
  if (!blosc::CanCompress(p.cname)) {
    return "compressor '" + p.cname + "' is not available in this build (available: " + blosc::Compressors() + ")";
  }
  if (p.clevel < 0 || p.clevel > 9) return "clevel must be between 0 and 9, got " + std::to_string(p.clevel);
  size_t typesize = p.typesize > 0 ? size_t(p.typesize) : 1;
  int shuffle = p.shuffle;
  // numcodecs resolves AUTOSHUFFLE from the buffer's itemsize.
  if (shuffle == -1) shuffle = typesize == 1 ? 2 : 1;
  if (shuffle < 0 || shuffle > 2) return "shuffle must be -1, 0, 1 or 2, got " + std::to_string(p.shuffle);
  if (p.blocksize < 0) return "blocksize must be >= 0, got " + std::to_string(p.blocksize);
  // numcodecs gives c-blosc exactly nbytes + BLOSC_MAX_OVERHEAD; the room affects the output.
  const size_t cap = n + blosc::kMaxOverhead;
  if (!out.Reserve(cap)) return "out of memory";
  size_t cbytes = 0;
  std::string err = blosc::Compress(p.clevel, shuffle, typesize, NonNull(src), n, out.data(), cap, p.cname,
                                    size_t(p.blocksize), &cbytes);
  if (!err.empty()) return err;
  out.set_size(cbytes);
  return "";
}

std::string BloscDecompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  blosc::Header h;
  std::string err = blosc::ReadHeader(src, n, &h);
  if (!err.empty()) return err;
  // The header was checked against the buffer before this allocation.
  if (!out.Reserve(h.nbytes)) return out.owned() ? "out of memory" : TooSmall(h.nbytes, out.cap());
  if (h.nbytes == 0) {
    out.set_size(0);
    return "";
  }
  err = blosc::Decompress(src, n, out.data(), out.cap());
  if (!err.empty()) return err;
  out.set_size(h.nbytes);
  return "";
}

std::string BloscGetBytesImpl(const uint8_t* src, size_t n, size_t startByte, size_t count, uint8_t* dst, size_t* dstStart) {
  *dstStart = startByte;
  return blosc::GetBytes(src, n, startByte, count, dst);
}

// ---------------------------------------------------------------- zstd

// Contexts are expensive to create; each libuv worker thread keeps its own.
struct ZstdContexts {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
thread_local ZstdContexts tlsZstd;

std::string ZstdCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (!tlsZstd.c) tlsZstd.c = ZSTD_createCCtx();
  if (!tlsZstd.c) return "out of memory";
  const size_t bound = ZSTD_compressBound(n);
  if (ZSTD_isError(bound)) return "input of " + std::to_string(n) + " bytes is too large";
  if (!out.Reserve(bound)) return "out of memory";
  // Same as ZSTD_compress() (which numcodecs 0.11 calls): level only, content size in the header.
  size_t r = ZSTD_compressCCtx(tlsZstd.c, out.data(), bound, NonNull(src), n, p.level);
  if (ZSTD_isError(r)) return std::string("compression error: ") + ZSTD_getErrorName(r);
  out.set_size(r);
  return "";
}

std::string ZstdDecompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  if (!tlsZstd.d) tlsZstd.d = ZSTD_createDCtx();
  if (!tlsZstd.d) return "out of memory";
  if (n == 0) return "empty input is not a zstd frame";
  const unsigned long long total = ZSTD_findDecompressedSize(src, n);
  const unsigned long long bound = ZSTD_decompressBound(src, n);
  if (total == ZSTD_CONTENTSIZE_ERROR || bound == ZSTD_CONTENTSIZE_ERROR) {
    return "corrupt data (not a sequence of valid zstd frames)";
  }
  if (total != ZSTD_CONTENTSIZE_UNKNOWN) {
    // Every block needs a 3-byte header and yields at most 128 KiB, so a header claiming more than
    // that is lying; reject it before allocating.
    const unsigned long long maxPossible = (n / 3 + 1) * (unsigned long long)ZSTD_BLOCKSIZE_MAX;
    if (total > maxPossible || total > bound) {
      return "corrupt frame header (claims " + std::to_string(total) + " bytes from " + std::to_string(n) +
             " compressed bytes)";
    }
    if (total > SIZE_MAX) return "frame too large";
    if (!out.Reserve(size_t(total))) return out.owned() ? "out of memory" : TooSmall(size_t(total), out.cap());
    size_t r = ZSTD_decompressDCtx(tlsZstd.d, out.data(), size_t(total), src, n);
    if (ZSTD_isError(r)) return std::string("corrupt data (") + ZSTD_getErrorName(r) + ")";
    if (r != total) return "corrupt data (decoded size does not match the frame header)";
    out.set_size(r);
    return "";
  }
  // Content size not recorded (streamed frames): decode incrementally.
  ZSTD_DCtx_reset(tlsZstd.d, ZSTD_reset_session_only);
  if (out.owned() && !out.Reserve(std::min<unsigned long long>(bound, GuessCap(n)))) return "out of memory";
  ZSTD_inBuffer in = {src, n, 0};
  size_t ret = 1;
  std::string err;
  while (true) {
    if (!MakeRoom(out, &err)) return err;
    ZSTD_outBuffer ob = {out.data(), out.cap(), out.size()};
    const size_t inBefore = in.pos;
    const size_t outBefore = ob.pos;
    ret = ZSTD_decompressStream(tlsZstd.d, &ob, &in);
    out.set_size(ob.pos);
    if (ZSTD_isError(ret)) {
      ZSTD_DCtx_reset(tlsZstd.d, ZSTD_reset_session_only);
      return std::string("corrupt data (") + ZSTD_getErrorName(ret) + ")";
    }
    // Done when all input is consumed and either the last frame ended or output is flushed.
    if (in.pos == in.size && (ret == 0 || ob.pos < ob.size)) break;
    if (in.pos == inBefore && ob.pos == outBefore) {
      ZSTD_DCtx_reset(tlsZstd.d, ZSTD_reset_session_only);
      return kFixedFull;
    }
  }
  if (ret != 0) {
    ZSTD_DCtx_reset(tlsZstd.d, ZSTD_reset_session_only);
    return "truncated data (frame not complete)";
  }
  return "";
}

// ---------------------------------------------------------------- lz4

std::string Lz4Compress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (n > size_t(LZ4_MAX_INPUT_SIZE)) {
    return "input of " + std::to_string(n) + " bytes exceeds LZ4's limit of " + std::to_string(LZ4_MAX_INPUT_SIZE);
  }
  const int bound = LZ4_compressBound(int(n));
  if (!out.Reserve(size_t(bound) + 4)) return "out of memory";
  PutLe32(out.data(), uint32_t(n));
  int r = LZ4_compress_fast(reinterpret_cast<const char*>(NonNull(src)), reinterpret_cast<char*>(out.data() + 4),
                            int(n), bound, p.acceleration);
  if (r <= 0) return "compression error (" + std::to_string(r) + ")";
  out.set_size(size_t(r) + 4);
  return "";
}

std::string Lz4Decompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  if (n < 4) return "buffer of " + std::to_string(n) + " bytes is too short for the 4-byte LZ4 size header";
  const size_t size = Le32(src);
  const size_t body = n - 4;
  // LZ4 expands at most ~255x (one byte per 255 bytes of match length); anything beyond is corrupt.
  if (size > size_t(INT_MAX) || size > body * 255 + 64) {
    return "corrupt size header (claims " + std::to_string(size) + " bytes from " + std::to_string(body) +
           " compressed bytes)";
  }
  if (!out.Reserve(size)) return out.owned() ? "out of memory" : TooSmall(size, out.cap());
  int r = LZ4_decompress_safe(reinterpret_cast<const char*>(src + 4), reinterpret_cast<char*>(out.data()),
                              int(body), int(size));
  if (r < 0) return "corrupt data (LZ4_decompress_safe returned " + std::to_string(r) + ")";
  if (size_t(r) != size) {
    return "corrupt data (decoded " + std::to_string(r) + " bytes, header says " + std::to_string(size) + ")";
  }
  out.set_size(size);
  return "";
}

// ---------------------------------------------------------------- zlib / gzip

// Runs deflate over all input into `out`. `z` is already initialised.
std::string DeflateAll(z_stream& z, const uint8_t* src, size_t n, OutBuf& out) {
  size_t inPos = 0;
  std::string err;
  while (true) {
    const size_t chunk = std::min(n - inPos, kSlice);
    z.next_in = const_cast<Bytef*>(NonNull(src) + inPos);
    z.avail_in = uInt(chunk);
    const bool last = inPos + chunk == n;
    int r;
    do {
      if (out.size() == out.cap() && !GrowOrFail(out, &err)) return err;
      const size_t room = std::min(out.cap() - out.size(), kSlice);
      z.next_out = out.data() + out.size();
      z.avail_out = uInt(room);
      r = Zlib()->deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      out.set_size(out.size() + room - z.avail_out);
      if (r == Z_STREAM_ERROR) return "deflate failed";
    } while (last ? r != Z_STREAM_END : (z.avail_in > 0 || z.avail_out == 0));
    inPos += chunk;
    if (last) return "";
  }
}

std::string CheckZlibLevel(int level) {
  if (level < -1 || level > 9) return "level must be between -1 and 9, got " + std::to_string(level);
  return "";
}

std::string ZlibCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  std::string err = CheckZlibLevel(p.level);
  if (!err.empty()) return err;
  const ZlibApi* Z = Zlib();
  if (!Z) return kNoZlib;
  z_stream z;
  std::memset(&z, 0, sizeof z);
  // deflateInit(level): window 15, memLevel 8, default strategy, exactly as Python's zlib.compress.
  if (Z->deflateInit2_(&z, p.level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, int(sizeof z)) != Z_OK) {
    return "deflateInit failed";
  }
  if (!out.Reserve(Z->deflateBound(&z, uLong(std::min(n, kSlice))) + (n > kSlice ? n / 1000 + 64 : 0))) {
    Z->deflateEnd(&z);
    return "out of memory";
  }
  err = DeflateAll(z, src, n, out);
  Z->deflateEnd(&z);
  return err;
}

std::string GzipCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  std::string err = CheckZlibLevel(p.level);
  if (!err.empty()) return err;
  const ZlibApi* Z = Zlib();
  if (!Z) return kNoZlib;
  z_stream z;
  std::memset(&z, 0, sizeof z);
  // Python's GzipFile: raw deflate (wbits -15), memLevel 8, default strategy.
  if (Z->deflateInit2_(&z, p.level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, int(sizeof z)) != Z_OK) {
    return "deflateInit2 failed";
  }
  if (!out.Reserve(Z->deflateBound(&z, uLong(std::min(n, kSlice))) + 18 + (n > kSlice ? n / 1000 + 64 : 0))) {
    Z->deflateEnd(&z);
    return "out of memory";
  }
  // Header as written by Python's GzipFile on a BytesIO: no FNAME, mtime, XFL by level, OS=255.
  uint8_t* h = out.data();
  h[0] = 0x1f;
  h[1] = 0x8b;
  h[2] = 8;
  h[3] = 0;
  PutLe32(h + 4, p.mtime);
  h[8] = p.level == 9 ? 2 : p.level == 1 ? 4 : 0;
  h[9] = 0xff;
  out.set_size(10);
  err = DeflateAll(z, src, n, out);
  Z->deflateEnd(&z);
  if (!err.empty()) return err;
  uLong crc = Z->crc32(0L, Z_NULL, 0);
  for (size_t pos = 0; pos < n; pos += kSlice) {
    crc = Z->crc32(crc, NonNull(src) + pos, uInt(std::min(n - pos, kSlice)));
  }
  if (out.cap() - out.size() < 8 && !out.Grow(8)) return "out of memory";
  PutLe32(out.data() + out.size(), uint32_t(crc));
  PutLe32(out.data() + out.size() + 4, uint32_t(n));
  out.set_size(out.size() + 8);
  return "";
}

// Inflates one zlib or gzip member starting at src[*pos]; advances *pos past it.
std::string InflateMember(z_stream& z, const uint8_t* src, size_t n, size_t* pos, OutBuf& out) {
  std::string err;
  while (true) {
    if (z.avail_in == 0) {
      const size_t chunk = std::min(n - *pos, kSlice);
      z.next_in = const_cast<Bytef*>(src + *pos);
      z.avail_in = uInt(chunk);
      *pos += chunk;
    }
    if (!MakeRoom(out, &err)) return err;
    const size_t room = std::min(out.cap() - out.size(), kSlice);
    z.next_out = out.data() + out.size();
    z.avail_out = uInt(room);
    const int r = Zlib()->inflate(&z, Z_NO_FLUSH);
    if (r == Z_BUF_ERROR && room == 0) return kFixedFull;
    out.set_size(out.size() + room - z.avail_out);
    if (r == Z_STREAM_END) {
      *pos -= z.avail_in;  // give back what belongs to the next member
      z.avail_in = 0;
      return "";
    }
    if (r == Z_NEED_DICT) return "corrupt data (stream requires a preset dictionary)";
    if (r == Z_DATA_ERROR) return std::string("corrupt data (") + (z.msg ? z.msg : "invalid stream") + ")";
    if (r == Z_MEM_ERROR) return "out of memory";
    if (r == Z_BUF_ERROR && z.avail_in == 0 && *pos >= n) {
      return "incomplete or truncated stream";
    }
    if (r != Z_OK && r != Z_BUF_ERROR) return "inflate failed (" + std::to_string(r) + ")";
  }
}

std::string ZlibDecompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  const ZlibApi* Z = Zlib();
  if (!Z) return kNoZlib;
  if (out.owned() && !out.Reserve(GuessCap(n))) return "out of memory";
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (Z->inflateInit2_(&z, MAX_WBITS, ZLIB_VERSION, int(sizeof z)) != Z_OK) return "inflateInit failed";
  size_t pos = 0;
  // Like Python's zlib.decompress: one stream, trailing bytes ignored.
  std::string err = InflateMember(z, NonNull(src), n, &pos, out);
  Z->inflateEnd(&z);
  return err;
}

std::string GzipDecompress(const Params&, const uint8_t* src, size_t n, OutBuf& out) {
  const ZlibApi* Z = Zlib();
  if (!Z) return kNoZlib;
  if (out.owned() && !out.Reserve(GuessCap(n))) return "out of memory";
  if (n < 2 || src[0] != 0x1f || src[1] != 0x8b) return "not a gzip stream (bad magic bytes)";
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (Z->inflateInit2_(&z, 16 + MAX_WBITS, ZLIB_VERSION, int(sizeof z)) != Z_OK) return "inflateInit2 failed";
  size_t pos = 0;
  std::string err;
  // Like Python's GzipFile: any number of members, zero padding between/after them allowed.
  while (true) {
    err = InflateMember(z, src, n, &pos, out);
    if (!err.empty()) break;
    while (pos < n && src[pos] == 0) pos++;
    if (pos == n) break;
    if (n - pos < 2 || src[pos] != 0x1f || src[pos + 1] != 0x8b) {
      err = "trailing garbage after gzip member";
      break;
    }
    Z->inflateReset(&z);
  }
  Z->inflateEnd(&z);
  return err;
}

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
      err = kFixedFull;
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
  if (out.owned() && !out.Reserve(GuessCap(n))) return "out of memory";
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

#ifndef ZF_NO_LZMA
// ---------------------------------------------------------------- lzma

std::string LzmaError(lzma_ret r) {
  switch (r) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "memory usage limit reached";
    case LZMA_FORMAT_ERROR: return "input format not recognized";
    case LZMA_OPTIONS_ERROR: return "invalid or unsupported options";
    case LZMA_DATA_ERROR: return "corrupt input data";
    case LZMA_BUF_ERROR: return "truncated data (compressed data ended before the end-of-stream marker)";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    case LZMA_PROG_ERROR: return "internal error";
    default: return "liblzma error " + std::to_string(int(r));
  }
}

constexpr double kLzma1IdRounded = 4611686018427387904.0;  // 2^62: JSON's rounding of 2^62 + 1

// Filter chain plus the option structs it points into.
struct LzmaChain {
  lzma_filter filters[LZMA_FILTERS_MAX + 1];
  lzma_options_lzma lzma[LZMA_FILTERS_MAX];
  lzma_options_delta delta[LZMA_FILTERS_MAX];
  lzma_options_bcj bcj[LZMA_FILTERS_MAX];
};

bool IsBcj(lzma_vli id) {
  return id == LZMA_FILTER_X86 || id == LZMA_FILTER_POWERPC || id == LZMA_FILTER_IA64 || id == LZMA_FILTER_ARM ||
         id == LZMA_FILTER_ARMTHUMB || id == LZMA_FILTER_SPARC;
}

// Mirrors CPython's _lzma parse_filter_spec.
std::string BuildChain(const std::vector<LzmaFilterSpec>& specs, LzmaChain& c) {
  if (specs.size() > LZMA_FILTERS_MAX) {
    return "too many filters (liblzma supports at most " + std::to_string(LZMA_FILTERS_MAX) + ")";
  }
  std::memset(&c, 0, sizeof c);
  for (size_t i = 0; i < specs.size(); i++) {
    const LzmaFilterSpec& s = specs[i];
    lzma_vli id;
    if (s.id == kLzma1IdRounded) {
      id = LZMA_FILTER_LZMA1;
    } else if (s.id >= 0 && s.id < 9007199254740992.0 && s.id == double(uint64_t(s.id))) {
      id = lzma_vli(s.id);
    } else {
      return "invalid filter id " + std::to_string(s.id);
    }
    c.filters[i].id = id;
    auto bad = [&](const std::string& key) {
      return "option '" + key + "' is not valid for filter id " + std::to_string((unsigned long long)id);
    };
    if (id == LZMA_FILTER_LZMA1 || id == LZMA_FILTER_LZMA2) {
      uint32_t preset = LZMA_PRESET_DEFAULT;
      for (auto& kv : s.options) {
        if (kv.first == "preset") preset = uint32_t(kv.second);
      }
      if (lzma_lzma_preset(&c.lzma[i], preset)) return "invalid compression preset " + std::to_string(preset);
      for (auto& kv : s.options) {
        const std::string& k = kv.first;
        const uint32_t v = uint32_t(kv.second);
        if (k == "preset") continue;
        else if (k == "dict_size") c.lzma[i].dict_size = v;
        else if (k == "lc") c.lzma[i].lc = v;
        else if (k == "lp") c.lzma[i].lp = v;
        else if (k == "pb") c.lzma[i].pb = v;
        else if (k == "mode") c.lzma[i].mode = lzma_mode(v);
        else if (k == "nice_len") c.lzma[i].nice_len = v;
        else if (k == "mf") c.lzma[i].mf = lzma_match_finder(v);
        else if (k == "depth") c.lzma[i].depth = v;
        else return bad(k);
      }
      c.filters[i].options = &c.lzma[i];
    } else if (id == LZMA_FILTER_DELTA) {
      c.delta[i].type = LZMA_DELTA_TYPE_BYTE;
      c.delta[i].dist = 1;
      for (auto& kv : s.options) {
        if (kv.first == "dist") c.delta[i].dist = uint32_t(kv.second);
        else return bad(kv.first);
      }
      c.filters[i].options = &c.delta[i];
    } else if (IsBcj(id)) {
      for (auto& kv : s.options) {
        if (kv.first == "start_offset") c.bcj[i].start_offset = uint32_t(kv.second);
        else return bad(kv.first);
      }
      c.filters[i].options = &c.bcj[i];
    } else {
      return "invalid filter id " + std::to_string((unsigned long long)id);
    }
  }
  c.filters[specs.size()].id = LZMA_VLI_UNKNOWN;
  return "";
}

// Drives lzma_code over src. For decoders, *consumed reports where the stream ended.
std::string LzmaRun(lzma_stream& s, const uint8_t* src, size_t n, OutBuf& out, bool encode, size_t* consumed) {
  s.next_in = NonNull(src);
  s.avail_in = n;
  std::string err;
  while (true) {
    if (!MakeRoom(out, &err)) return err;
    const size_t room = out.cap() - out.size();
    s.next_out = out.data() + out.size();
    s.avail_out = room;
    const size_t inBefore = s.avail_in;
    const lzma_ret r = lzma_code(&s, encode ? LZMA_FINISH : LZMA_RUN);
    if (room == 0 && r != LZMA_STREAM_END && (r == LZMA_BUF_ERROR || s.avail_in == inBefore)) return kFixedFull;
    out.set_size(out.size() + room - s.avail_out);
    if (r == LZMA_STREAM_END) {
      if (consumed) *consumed = n - s.avail_in;
      return "";
    }
    if (r != LZMA_OK) return LzmaError(r);
    // A decoder that has output room left and no input, yet no end marker, was given a truncated stream.
    if (!encode && s.avail_in == 0 && s.avail_out > 0) return LzmaError(LZMA_BUF_ERROR);
  }
}

std::string LzmaCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  if (p.hasFilters && p.preset >= 0) return "cannot specify both preset and filter chain";
  const uint32_t preset = p.preset >= 0 ? uint32_t(p.preset) : LZMA_PRESET_DEFAULT;
  LzmaChain chain;
  if (p.hasFilters) {
    std::string err = BuildChain(p.filters, chain);
    if (!err.empty()) return err;
  }
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret r;
  if (p.format == 1) {
    const lzma_check check = p.check == -1 ? LZMA_CHECK_CRC64 : lzma_check(p.check);
    r = p.hasFilters ? lzma_stream_encoder(&s, chain.filters, check) : lzma_easy_encoder(&s, preset, check);
  } else if (p.format == 2 || p.format == 3) {
    if (p.check != -1 && p.check != LZMA_CHECK_NONE) return "integrity checks are only supported by FORMAT_XZ";
    if (p.format == 2) {
      lzma_options_lzma opts;
      if (p.hasFilters) {
        if (p.filters.size() != 1 || chain.filters[0].id != LZMA_FILTER_LZMA1) {
          return "invalid filter chain for FORMAT_ALONE (must be a single LZMA1 filter)";
        }
        opts = chain.lzma[0];
      } else if (lzma_lzma_preset(&opts, preset)) {
        return "invalid compression preset " + std::to_string(preset);
      }
      r = lzma_alone_encoder(&s, &opts);
    } else {
      if (!p.hasFilters) return "must specify filters for FORMAT_RAW";
      r = lzma_raw_encoder(&s, chain.filters);
    }
  } else {
    return "invalid container format " + std::to_string(p.format) + " for compression";
  }
  if (r != LZMA_OK) return LzmaError(r);
  std::string err;
  if (!out.Reserve(lzma_stream_buffer_bound(n))) err = "out of memory";
  if (err.empty()) err = LzmaRun(s, src, n, out, true, nullptr);
  lzma_end(&s);
  return err;
}

std::string LzmaDecompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  LzmaChain chain;
  if (p.format == 3) {
    if (!p.hasFilters) return "must specify filters for FORMAT_RAW";
    std::string err = BuildChain(p.filters, chain);
    if (!err.empty()) return err;
  } else if (p.format < 0 || p.format > 3) {
    return "invalid container format " + std::to_string(p.format);
  }
  if (out.owned() && !out.Reserve(GuessCap(n))) return "out of memory";
  size_t pos = 0;
  int streams = 0;
  // Python's lzma.decompress: concatenated streams; garbage after a complete stream is ignored.
  do {
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r;
    switch (p.format) {
      case 0: r = lzma_auto_decoder(&s, UINT64_MAX, 0); break;
      case 1: r = lzma_stream_decoder(&s, UINT64_MAX, 0); break;
      case 2: r = lzma_alone_decoder(&s, UINT64_MAX); break;
      default: r = lzma_raw_decoder(&s, chain.filters); break;
    }
    if (r != LZMA_OK) {
      lzma_end(&s);
      return LzmaError(r);
    }
    const size_t sizeBefore = out.size();
    size_t consumed = 0;
    std::string err = LzmaRun(s, src + pos, n - pos, out, false, &consumed);
    lzma_end(&s);
    if (!err.empty()) {
      const bool truncated = err.rfind("truncated", 0) == 0;
      if (streams > 0 && !truncated) {
        out.set_size(sizeBefore);
        return "";
      }
      return err;
    }
    streams++;
    if (consumed == 0) break;
    pos += consumed;
  } while (pos < n);
  return "";
}

#else
std::string LzmaCompress(const Params&, const uint8_t*, size_t, OutBuf&) { return "xz/lzma is not available (no liblzma.so.5 when the addon was built)"; }
std::string LzmaDecompress(const Params&, const uint8_t*, size_t, OutBuf&) { return "xz/lzma is not available (no liblzma.so.5 when the addon was built)"; }
#endif  // ZF_NO_LZMA

}  // namespace

bool OutBuf::Reserve(size_t cap) {
  if (cap == 0) cap = 1;  // never hand NULL to a library
  if (cap <= cap_) return true;
  if (!owned_) return false;
  void* p = std::realloc(data_, cap);
  if (!p) return false;
  data_ = static_cast<uint8_t*>(p);
  cap_ = cap;
  return true;
}

bool OutBuf::Grow(size_t minExtra) {
  if (!owned_) return false;
  size_t want = std::max(cap_ * 2, cap_ + minExtra);
  if (want < cap_) return false;  // overflow
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
