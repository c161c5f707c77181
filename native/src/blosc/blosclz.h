// zarrflow's implementation of the BloscLZ codec (format of c-blosc 1.x, "blosclz" 2.x encoder).
#pragma once

#include <cstddef>
#include <cstdint>

namespace zf {
namespace blosc {

// Compresses `length` bytes into at most `maxout` bytes. Returns the compressed size, or 0 when the
// data does not compress (the caller then stores it raw), exactly as c-blosc 1.21's encoder does.
// `split` tells whether the caller split the block into typesize streams.
int BloscLZCompress(int clevel, const uint8_t* in, int length, uint8_t* out, int maxout, bool split);

// Decodes into at most `maxout` bytes; returns the decoded size, or 0 on malformed input.
int BloscLZDecompress(const uint8_t* in, int length, uint8_t* out, int maxout);

}  // namespace blosc
}  // namespace zf
