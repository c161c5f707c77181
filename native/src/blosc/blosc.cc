// The Blosc 1.x container: see blosc.h for the format.
#include "blosc.h"

#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "blosclz.h"
#include "shuffle.h"
#include "zlib_api.h"
#include "../copy.h"
#include "../le32.h"

namespace zf {
namespace blosc {

namespace {

enum Code { kBloscLZ = 0, kLZ4 = 1, kLZ4HC = 2, kSnappy = 3, kZlib = 4, kZstd = 5 };
constexpr size_t kMinBufferSize = 128;  // smaller buffers are stored uncompressed
constexpr size_t kMaxSplits = 16;
constexpr size_t kL1 = 32 * 1024;


int FormatOf(int code) {
  switch (code) {
    case kBloscLZ: return 0;
    case kLZ4:
    case kLZ4HC: return 1;
    case kSnappy: return 2;
    case kZlib: return 3;
    case kZstd: return 4;
  }
  return -1;
}

// High-compression-ratio codecs get larger blocks.
bool Hcr(int code) { return code == kLZ4HC || code == kZlib || code == kZstd; }

// malloc'd scratch that frees itself; no exceptions on failure.
struct Scratch {
  uint8_t* p = nullptr;
  explicit Scratch(size_t n) : p(static_cast<uint8_t*>(std::malloc(n ? n : 1))) {}
  ~Scratch() { std::free(p); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

// Per-thread zstd contexts (creating one costs more than compressing a small block).
struct ZstdCtx {
  ZSTD_CCtx* c = nullptr;
  ZSTD_DCtx* d = nullptr;
  ~ZstdCtx() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
thread_local ZstdCtx tlsZstd;

// One stream through the inner codec. 0 means "did not compress"; negative is an error.
int CodecCompress(int code, int clevel, const uint8_t* in, int n, uint8_t* out, int maxout, bool split) {
  switch (code) {
    case kBloscLZ: return BloscLZCompress(clevel, in, n, out, maxout, split);
    case kLZ4:
      return LZ4_compress_fast(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out), n, maxout, 10 - clevel);
    case kLZ4HC:
      return LZ4_compress_HC(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out), n, maxout, clevel);
    case kZlib: {
      const ZlibApi* z = Zlib();
      if (!z) return -5;
      uLongf cl = uLongf(maxout);
      return z->compress2(out, &cl, in, uLong(n), clevel) == Z_OK ? int(cl) : 0;
    }
    case kZstd: {
      int level = clevel < 9 ? clevel * 2 - 1 : ZSTD_maxCLevel();
      if (level == 8) level = ZSTD_maxCLevel() - 2;
      if (!tlsZstd.c) tlsZstd.c = ZSTD_createCCtx();
      if (!tlsZstd.c) return -3;
      const size_t r = ZSTD_compressCCtx(tlsZstd.c, out, size_t(maxout), in, size_t(n), level);
      return ZSTD_isError(r) ? 0 : int(r);
    }
  }
  return -5;
}

// Decodes one stream of exactly `expect` bytes; false on any mismatch.
bool CodecDecompress(int format, const uint8_t* in, int n, uint8_t* out, int expect) {
  switch (format) {
    case 0: return BloscLZDecompress(in, n, out, expect) == expect;
    case 1:
      return LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out), n, expect) == expect;
    case 3: {
      const ZlibApi* z = Zlib();
      if (!z) return false;
      uLongf ul = uLongf(expect);
      return z->uncompress(out, &ul, in, uLong(n)) == Z_OK && ul == uLongf(expect);
    }
    case 4: {
      if (!tlsZstd.d) tlsZstd.d = ZSTD_createDCtx();
      if (!tlsZstd.d) return false;
      const size_t r = ZSTD_decompressDCtx(tlsZstd.d, out, size_t(expect), in, size_t(n));
      return !ZSTD_isError(r) && r == size_t(expect);
    }
  }
  return false;
}

// Shuffles and compresses one block at dest (the stream lengths included). Returns the bytes
// written, 0 when the block does not fit in what is left of destsize, or negative on error.
long CompressBlock(int code, int clevel, int flags, size_t typesize, size_t bsize, bool leftover, size_t ntbytes,
                   size_t destsize, const uint8_t* src, uint8_t* dest, uint8_t* tmp) {
  const bool dontSplit = flags & kDontSplit;
  const uint8_t* data = src;
  if ((flags & kShuffle) && typesize > 1) {
    Shuffle(typesize, bsize, src, tmp);
    data = tmp;
  } else if ((flags & kBitShuffle) && bsize >= typesize) {
    BitShuffle(typesize, bsize, src, tmp, tmp + bsize);
    data = tmp;
  }
  const size_t nsplits = (!dontSplit && !leftover) ? typesize : 1;
  const size_t neblock = bsize / nsplits;
  long ctbytes = 0;
  for (size_t j = 0; j < nsplits; j++) {
    dest += 4;
    ntbytes += 4;
    ctbytes += 4;
    long maxout = long(neblock);
    if (ntbytes + size_t(maxout) > destsize) {
      maxout = long(destsize) - long(ntbytes);
      if (maxout <= 0) return 0;
    }
    long cbytes = CodecCompress(code, clevel, data + j * neblock, int(neblock), dest, int(maxout), !dontSplit);
    if (cbytes > maxout) return -1;
    if (cbytes < 0) return cbytes;
    if (cbytes == 0 || size_t(cbytes) == neblock) {
      if (ntbytes + neblock > destsize) return 0;
      CopyBytes(dest, data + j * neblock, neblock);
      cbytes = long(neblock);
    }
    PutLe32(dest - 4, uint32_t(cbytes));
    dest += cbytes;
    ntbytes += size_t(cbytes);
    ctbytes += cbytes;
  }
  return ctbytes;
}

// Whether a block's decoded streams still need a byte or a bit unshuffle.
bool NeedsByteUnshuffle(const Header& h) { return (h.flags & kShuffle) && h.typesize > 1; }
bool NeedsBitUnshuffle(const Header& h, size_t bsize) { return (h.flags & kBitShuffle) && bsize >= h.typesize; }

// Decodes the streams of one block, whose offset table entry is src[offset], into target (bsize
// bytes, still shuffled if the block was).
std::string DecodeStreams(const Header& h, const uint8_t* src, size_t offset, size_t bsize, bool leftover, uint8_t* target) {
  const size_t ts = h.typesize;
  const bool split = !(h.flags & kDontSplit) && ts <= kMaxSplits && bsize / ts >= kMinBufferSize && !leftover;
  const size_t nsplits = split ? ts : 1;
  const size_t neblock = bsize / nsplits;
  for (size_t j = 0; j < nsplits; j++) {
    if (offset + 4 > h.cbytes) return "corrupt data (stream header beyond the buffer)";
    const size_t csize = Le32(src + offset);
    offset += 4;
    if (csize > h.cbytes - offset) return "corrupt data (stream longer than the buffer)";
    if (csize == neblock) {
      CopyBytes(target, src + offset, neblock);
    } else if (!CodecDecompress(h.format(), src + offset, int(csize), target, int(neblock))) {
      return "corrupt data (a block does not decode to its size)";
    }
    offset += csize;
    target += neblock;
  }
  return "";
}

// Per-thread block scratch: a fresh block-sized allocation per chunk costs page faults.
uint8_t* BlockScratch(size_t bytes) {
  thread_local ScratchBytes scratch;
  if (scratch.size() < bytes) scratch.resize(bytes);
  return scratch.data();
}

}  // namespace

int CompCode(const std::string& cname) {
  if (cname == "blosclz") return kBloscLZ;
  if (cname == "lz4") return kLZ4;
  if (cname == "lz4hc") return kLZ4HC;
  if (cname == "snappy") return kSnappy;
  if (cname == "zlib") return kZlib;
  if (cname == "zstd") return kZstd;
  return -1;
}

bool CanCompress(const std::string& cname) {
  const int c = CompCode(cname);
  return c >= 0 && c != kSnappy && (c != kZlib || Zlib() != nullptr);
}

std::string Compressors() { return Zlib() ? "blosclz,lz4,lz4hc,zlib,zstd" : "blosclz,lz4,lz4hc,zstd"; }

bool SplitBlock(int code, size_t typesize, size_t blocksize) {
  return code != kZstd && typesize <= kMaxSplits && blocksize / typesize >= kMinBufferSize;
}

size_t ComputeBlocksize(int code, int clevel, size_t typesize, size_t nbytes, size_t forced) {
  if (nbytes < typesize) return 1;
  size_t blocksize = nbytes;
  if (forced) {
    blocksize = std::min(std::max(forced, kMinBufferSize), kMaxBlocksize);
  } else if (nbytes >= kL1) {
    blocksize = kL1;
    if (Hcr(code)) blocksize *= 2;
    static const int kFactor8[10] = {2, 4, 8, 16, 32, 32, 64, 64, 64, 64};  // eighths
    blocksize = blocksize * size_t(kFactor8[clevel]) / 8;
    if (clevel == 9 && Hcr(code)) blocksize *= 2;
  }
  if (clevel > 0 && SplitBlock(code, typesize, blocksize)) {
    blocksize = std::min<size_t>(blocksize, size_t(1) << 18);
    blocksize *= typesize;
    blocksize = std::max<size_t>(blocksize, size_t(1) << 16);
    blocksize = std::min<size_t>(blocksize, size_t(1) << 20);
  }
  if (blocksize > nbytes) blocksize = nbytes;
  if (blocksize > typesize) blocksize = blocksize / typesize * typesize;
  return blocksize;
}

std::string Compress(int clevel, int shuffle, size_t typesize, const uint8_t* src, size_t n, uint8_t* dest,
                     size_t destsize, const std::string& cname, size_t forcedBlocksize, size_t* cbytesOut) {
  const int code = CompCode(cname);
  if (code < 0 || !CanCompress(cname)) {
    return "compressor '" + cname + "' is not available (available: " + Compressors() + ")";
  }
  if (clevel < 0 || clevel > 9) return "clevel must be between 0 and 9, got " + std::to_string(clevel);
  if (shuffle < 0 || shuffle > 2) return "shuffle must be 0, 1 or 2, got " + std::to_string(shuffle);
  if (n > kMaxBufferSize) return "input of " + std::to_string(n) + " bytes exceeds blosc's limit of " + std::to_string(kMaxBufferSize) + " bytes";
  if (destsize < kMaxOverhead) return "output buffer smaller than the blosc header";
  if (destsize > size_t(2147483647u)) destsize = 2147483647u;
  if (typesize == 0 || typesize > kMaxTypesize) typesize = 1;
  const size_t blocksize = ComputeBlocksize(code, clevel, typesize, n, forcedBlocksize);
  const size_t nblocks = n / blocksize + (n % blocksize ? 1 : 0);
  const size_t leftover = n % blocksize;

  int flags = 0;
  bool memcpyed = clevel == 0 || n < kMinBufferSize;
  if (shuffle == 1) flags |= kShuffle;
  if (shuffle == 2) flags |= kBitShuffle;
  if (!SplitBlock(code, typesize, blocksize)) flags |= kDontSplit;
  flags |= FormatOf(code) << 5;
  dest[0] = 2;
  dest[1] = 1;
  dest[3] = uint8_t(typesize);
  PutLe32(dest + 4, uint32_t(n));
  PutLe32(dest + 8, uint32_t(blocksize));

  size_t ntbytes = 0;
  if (!memcpyed) {
    ntbytes = kHeaderSize + 4 * nblocks;
    if (ntbytes > destsize) {
      ntbytes = 0;
    } else {
      Scratch tmp(2 * blocksize);  // shuffled block + bitshuffle scratch
      if (!tmp.p) return "out of memory";
      for (size_t j = 0; j < nblocks; j++) {
        PutLe32(dest + kHeaderSize + 4 * j, uint32_t(ntbytes));
        const bool last = j == nblocks - 1 && leftover > 0;
        const size_t bsize = last ? leftover : blocksize;
        const long c = CompressBlock(code, clevel, flags, typesize, bsize, last, ntbytes, destsize, src + j * blocksize,
                                     dest + ntbytes, tmp.p);
        if (c < 0) return "internal compressor error " + std::to_string(c);
        if (c == 0) {
          ntbytes = 0;
          break;
        }
        ntbytes += size_t(c);
      }
    }
  }
  if (ntbytes == 0) {
    // Stored uncompressed (level 0, tiny input, or incompressible data).
    if (n + kMaxOverhead > destsize) return "output buffer too small for incompressible data";
    memcpyed = true;
    if (n) CopyBytes(dest + kHeaderSize, src, n);
    ntbytes = kHeaderSize + n;
  }
  if (memcpyed) flags |= kMemcpyed;
  dest[2] = uint8_t(flags);
  PutLe32(dest + 12, uint32_t(ntbytes));
  *cbytesOut = ntbytes;
  return "";
}

std::string ReadHeader(const uint8_t* src, size_t n, Header* h) {
  if (n < kHeaderSize) {
    return "buffer of " + std::to_string(n) + " bytes is too short for a blosc header (16 bytes)";
  }
  h->version = src[0];
  h->versionlz = src[1];
  h->flags = src[2];
  h->typesize = src[3];
  h->nbytes = Le32(src + 4);
  h->blocksize = Le32(src + 8);
  h->cbytes = Le32(src + 12);
  if (h->version != 2) return "not a blosc 1.x buffer (format version " + std::to_string(h->version) + ")";
  if (h->cbytes > n) {
    return "truncated buffer (header says " + std::to_string(h->cbytes) + " compressed bytes, got " +
           std::to_string(n) + ")";
  }
  if (h->cbytes < kHeaderSize || h->nbytes > kMaxBufferSize) {
    return "corrupt header (nbytes=" + std::to_string(h->nbytes) + ", cbytes=" + std::to_string(h->cbytes) + ")";
  }
  if (h->nbytes == 0) return "";
  if (h->flags & 0x08) return "corrupt header (unknown flag 0x08)";
  if (h->typesize == 0) return "corrupt header (typesize 0)";
  if (h->blocksize == 0 || h->blocksize > kMaxBlocksize || h->blocksize > h->nbytes) {
    return "corrupt header (blocksize " + std::to_string(h->blocksize) + " for " + std::to_string(h->nbytes) + " bytes)";
  }
  if (h->flags & kMemcpyed) {
    if (h->cbytes != h->nbytes + kMaxOverhead) {
      return "corrupt header (uncompressed buffer of " + std::to_string(h->nbytes) + " bytes stored in " +
             std::to_string(h->cbytes) + " bytes)";
    }
    return "";
  }
  const int format = h->format();
  if (format == 2) return "blosc buffer compressed with snappy, which zarrflow does not support";
  if (format > 4) return "corrupt header (unknown inner codec format " + std::to_string(format) + ")";
  if (format == 3 && !Zlib()) return "blosc buffer compressed with zlib, but no zlib is available";
  if (h->versionlz != 1) return "corrupt header (inner codec format version " + std::to_string(h->versionlz) + ")";
  const size_t nblocks = h->nbytes / h->blocksize + (h->nbytes % h->blocksize ? 1 : 0);
  const size_t dataStart = kHeaderSize + 4 * nblocks;
  if (dataStart > h->cbytes) {
    return "corrupt header (claims " + std::to_string(h->nbytes) + " bytes in " + std::to_string(nblocks) +
           " blocks, more than " + std::to_string(h->cbytes) + " compressed bytes can hold)";
  }
  for (size_t i = 0; i < nblocks; i++) {
    const size_t start = Le32(src + kHeaderSize + 4 * i);
    if (start < dataStart || start >= h->cbytes) return "corrupt block offset table";
  }
  return "";
}

std::string Decompress(const uint8_t* src, size_t n, uint8_t* dst, size_t dstCap) {
  Header h;
  std::string err = ReadHeader(src, n, &h);
  if (!err.empty()) return err;
  if (h.nbytes > dstCap) {
    return "output buffer too small (needs " + std::to_string(h.nbytes) + " bytes, got " + std::to_string(dstCap) + ")";
  }
  if (h.nbytes == 0) return "";
  return GetBytes(src, n, 0, h.nbytes, dst);
}

std::string GetBytes(const uint8_t* src, size_t n, size_t start, size_t count, uint8_t* dst) {
  const Run run{start, count, dst};
  return DecompressRuns(src, n, &run, 1);
}

std::string DecompressRuns(const uint8_t* src, size_t n, const Run* runs, size_t nruns) {
  Header h;
  std::string err = ReadHeader(src, n, &h);
  if (!err.empty()) return err;
  for (size_t r = 0; r < nruns; r++) {
    if (runs[r].off > h.nbytes || runs[r].len > h.nbytes - runs[r].off) return "partial range beyond the chunk";
    if (r > 0 && runs[r].off < runs[r - 1].off + runs[r - 1].len) return "runs out of order";
  }
  if (nruns == 0 || h.nbytes == 0) return "";
  if (h.flags & kMemcpyed) {
    for (size_t r = 0; r < nruns; r++) CopyBytes(runs[r].dst, src + kHeaderSize + runs[r].off, runs[r].len);
    return "";
  }
  const size_t bs = h.blocksize;
  const size_t nblocks = h.nbytes / bs + (h.nbytes % bs ? 1 : 0);
  uint8_t* tmp = BlockScratch(3 * bs);  // decoded streams | bit-unshuffle scratch | bit-unshuffled block
  size_t r = 0;
  for (size_t j = runs[0].off / bs; j < nblocks && r < nruns; j++) {
    const size_t bstart = j * bs;
    const bool leftover = j == nblocks - 1 && h.nbytes % bs != 0;
    const size_t bsize = leftover ? h.nbytes % bs : bs;
    const size_t bend = bstart + bsize;
    while (r < nruns && (runs[r].len == 0 || runs[r].off + runs[r].len <= bstart)) r++;
    if (r == nruns) break;
    if (runs[r].off >= bend) {
      j = runs[r].off / bs - 1;  // skip to the next block a run touches
      continue;
    }
    // A byte shuffle wins over a bit shuffle flag, as c-blosc decodes.
    const bool doShuffle = NeedsByteUnshuffle(h), doBit = !doShuffle && NeedsBitUnshuffle(h, bsize);
    const size_t offset = Le32(src + kHeaderSize + 4 * j);
    if (runs[r].off <= bstart && runs[r].off + runs[r].len >= bend) {
      // The whole block lands in one run: decode (and unshuffle) straight into place.
      uint8_t* to = runs[r].dst + (bstart - runs[r].off);
      err = DecodeStreams(h, src, offset, bsize, leftover, (doShuffle || doBit) ? tmp : to);
      if (!err.empty()) return err;
      if (doShuffle) {
        Unshuffle(h.typesize, bsize, tmp, to);
      } else if (doBit) {
        BitUnshuffle(h.typesize, bsize, tmp, to, tmp + bsize);
      }
      continue;
    }
    err = DecodeStreams(h, src, offset, bsize, leftover, tmp);
    if (!err.empty()) return err;
    const uint8_t* plain = tmp;
    if (doBit) {
      BitUnshuffle(h.typesize, bsize, tmp, tmp + 2 * bs, tmp + bsize);
      plain = tmp + 2 * bs;
    }
    // Every run overlapping this block, the last one possibly continuing into the next.
    for (size_t k = r; k < nruns && runs[k].off < bend; k++) {
      const size_t lo = std::max(runs[k].off, bstart), hi = std::min(runs[k].off + runs[k].len, bend);
      uint8_t* to = runs[k].dst + (lo - runs[k].off);
      if (doShuffle) {
        UnshuffleBytes(h.typesize, bsize, tmp, lo - bstart, hi - bstart, to);
      } else {
        CopyBytes(to, plain + (lo - bstart), hi - lo);
      }
    }
  }
  return "";
}

}  // namespace blosc
}  // namespace zf
