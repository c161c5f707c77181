// zlib and gzip adapters over the system runtime libz.so.1 (blosc/zlib_api.h, no -dev package).
//
// Python semantics are mirrored where they are observable: zlib decodes one stream and ignores
// trailing bytes like zlib.decompress, gzip writes the header of Python's GzipFile and reads any
// number of members.
#include "codec_util.h"

#include <cstring>

#include "blosc/zlib_api.h"

namespace zf {
namespace detail {

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

// Checks the level, starts a deflate stream with `wbits` (memLevel 8, default strategy, as Python's
// zlib and GzipFile do) and reserves its bound plus `extra` bytes of framing in `out`.
std::string StartDeflate(const Params& p, size_t n, int wbits, size_t extra, const ZlibApi** api, z_stream& z, OutBuf& out) {
  std::string err = CheckZlibLevel(p.level);
  if (!err.empty()) return err;
  const ZlibApi* Z = *api = Zlib();
  if (!Z) return kNoZlib;
  std::memset(&z, 0, sizeof z);
  if (Z->deflateInit2_(&z, p.level, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, int(sizeof z)) != Z_OK) {
    return "deflateInit2 failed";
  }
  if (!out.Reserve(Z->deflateBound(&z, uLong(std::min(n, kSlice))) + extra + (n > kSlice ? n / 1000 + 64 : 0))) {
    Z->deflateEnd(&z);
    return "out of memory";
  }
  return "";
}

std::string ZlibCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  const ZlibApi* Z = nullptr;
  z_stream z;
  // deflateInit(level): window 15, exactly as Python's zlib.compress.
  std::string err = StartDeflate(p, n, MAX_WBITS, 0, &Z, z, out);
  if (!err.empty()) return err;
  err = DeflateAll(z, src, n, out);
  Z->deflateEnd(&z);
  return err;
}

std::string GzipCompress(const Params& p, const uint8_t* src, size_t n, OutBuf& out) {
  const ZlibApi* Z = nullptr;
  z_stream z;
  // Python's GzipFile: raw deflate (wbits -15); 18 bytes of gzip header and trailer.
  std::string err = StartDeflate(p, n, -MAX_WBITS, 18, &Z, z, out);
  if (!err.empty()) return err;
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
    if (r == Z_BUF_ERROR && room == 0) return FullError(out);
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
  if (out.owned() && !out.Reserve(StartCap(out, n))) return "out of memory";
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
  if (out.owned() && !out.Reserve(StartCap(out, n))) return "out of memory";
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

}  // namespace detail
}  // namespace zf
