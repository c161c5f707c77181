// Blosc, zstd and lz4 adapters.
//
// Blosc is zarrflow's own implementation of the c-blosc 1.21 container (blosc/); zstd and lz4 come
// from the C sources npm packages ship, or from the system runtime libraries (see build.mjs).
// LZ4 prefixes the little-endian uncompressed size like numcodecs.
#include "codec_util.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_findDecompressedSize / ZSTD_decompressBound
#include <lz4.h>
#include <zstd.h>

#include <climits>

#include "blosc/blosc.h"

namespace zf {
namespace detail {

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
  if (!out.Reserve(h.nbytes)) return ReserveError(out, h.nbytes);
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
    if (!out.Reserve(size_t(total))) return ReserveError(out, size_t(total));
    size_t r = ZSTD_decompressDCtx(tlsZstd.d, out.data(), size_t(total), src, n);
    if (ZSTD_isError(r)) return std::string("corrupt data (") + ZSTD_getErrorName(r) + ")";
    if (r != total) return "corrupt data (decoded size does not match the frame header)";
    out.set_size(r);
    return "";
  }
  // Content size not recorded (streamed frames): decode incrementally.
  ZSTD_DCtx_reset(tlsZstd.d, ZSTD_reset_session_only);
  if (out.owned() && !out.Reserve(std::min<unsigned long long>(bound, StartCap(out, n)))) return "out of memory";
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
      return FullError(out);
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
  if (!out.Reserve(size)) return ReserveError(out, size);
  int r = LZ4_decompress_safe(reinterpret_cast<const char*>(src + 4), reinterpret_cast<char*>(out.data()),
                              int(body), int(size));
  if (r < 0) return "corrupt data (LZ4_decompress_safe returned " + std::to_string(r) + ")";
  if (size_t(r) != size) {
    return "corrupt data (decoded " + std::to_string(r) + " bytes, header says " + std::to_string(size) + ")";
  }
  out.set_size(size);
  return "";
}

}  // namespace detail
}  // namespace zf
