// zarrflow's implementation of the Blosc 1.x container (format version 2), compatible byte for byte
// with c-blosc 1.21 as numcodecs 0.11 uses it: same header, block sizes, stream splitting, shuffles
// and inner codec calls. Nothing here throws or allocates before the header has been validated.
//
// Header (16 bytes, little-endian):
//   0 version (2)   1 inner codec format version (1)   2 flags   3 typesize
//   4 nbytes (uncompressed)   8 blocksize   12 cbytes (whole buffer incl. header)
// flags: 0x01 byte shuffle, 0x02 stored uncompressed ("memcpyed"), 0x04 bit shuffle,
//        0x10 blocks not split into typesize streams, bits 5-7 inner codec format
//        (0 blosclz, 1 lz4/lz4hc, 2 snappy, 3 zlib, 4 zstd).
// Unless memcpyed, a table of nblocks 32-bit offsets follows, and every block is one stream, or
// typesize streams when split, each as a 32-bit length and the compressed (or raw when the length
// equals the stream's size) bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zf {
namespace blosc {

constexpr size_t kHeaderSize = 16;
constexpr size_t kMaxOverhead = 16;
constexpr size_t kMaxBufferSize = 2147483647u - kMaxOverhead;
constexpr size_t kMaxTypesize = 255;
constexpr size_t kMaxBlocksize = (2147483647u - kMaxTypesize * 4) / 3;

enum Flags : uint8_t { kShuffle = 0x01, kMemcpyed = 0x02, kBitShuffle = 0x04, kDontSplit = 0x10 };

struct Header {
  int version = 0;
  int versionlz = 0;
  int flags = 0;
  size_t typesize = 0;
  size_t nbytes = 0;
  size_t blocksize = 0;
  size_t cbytes = 0;
  int format() const { return (flags >> 5) & 7; }
};

// Compressor code for a cname (blosclz 0, lz4 1, lz4hc 2, snappy 3, zlib 4, zstd 5), -1 if unknown.
int CompCode(const std::string& cname);
// Whether this build can compress with cname (everything but snappy).
bool CanCompress(const std::string& cname);
// "blosclz,lz4,lz4hc,zlib,zstd"
std::string Compressors();

// Block size c-blosc 1.21 chooses (compute_blocksize), forced when forcedBlocksize > 0.
size_t ComputeBlocksize(int compcode, int clevel, size_t typesize, size_t nbytes, size_t forcedBlocksize);
// Whether blocks are split into typesize streams (c-blosc's default "forward compatible" mode).
bool SplitBlock(int compcode, size_t typesize, size_t blocksize);

// Compresses src into dest (destsize >= n + kMaxOverhead guarantees success, as in numcodecs).
// shuffle: 0 none, 1 byte, 2 bit. Returns "" and sets *cbytes, or a reason.
std::string Compress(int clevel, int shuffle, size_t typesize, const uint8_t* src, size_t n, uint8_t* dest,
                     size_t destsize, const std::string& cname, size_t forcedBlocksize, size_t* cbytes);

// Reads and validates the header against the buffer length: version, flags, sizes, and (unless
// memcpyed) the block offset table. Nothing is decoded.
std::string ReadHeader(const uint8_t* src, size_t n, Header* h);

// Decodes the whole buffer into dst, which must hold the header's nbytes (at most dstCap).
std::string Decompress(const uint8_t* src, size_t n, uint8_t* dst, size_t dstCap);

// Decodes bytes [start, start + count) of the uncompressed data into dst, touching only the blocks
// that hold them.
std::string GetBytes(const uint8_t* src, size_t n, size_t start, size_t count, uint8_t* dst);

// A run of a chunk's decoded bytes, [off, off + len), and where it goes.
struct Run {
  size_t off;
  size_t len;
  uint8_t* dst;
};

// Decodes the runs (ascending, not overlapping) straight into their destinations, decoding only
// the blocks they touch and unshuffling only their bytes: no chunk-sized intermediate, so a chunk
// scattered into a larger array is written once (rows), and a column decodes its blocks but
// unshuffles only its items.
std::string DecompressRuns(const uint8_t* src, size_t n, const Run* runs, size_t nruns);

}  // namespace blosc
}  // namespace zf
