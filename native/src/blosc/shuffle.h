// Byte and bit shuffles of one Blosc block (zarrflow's own implementation).
#pragma once

#include <cstddef>
#include <cstdint>

namespace zf {
namespace blosc {

// dst[j * n + i] = src[i * typesize + j] for the n = size / typesize whole items; trailing bytes copied.
void Shuffle(size_t typesize, size_t size, const uint8_t* src, uint8_t* dst);
void Unshuffle(size_t typesize, size_t size, const uint8_t* src, uint8_t* dst);
// Bytes [lo, hi) of Unshuffle's output, written to dst[0, hi - lo): a run of a chunk unshuffled
// straight into its place in the caller's array, with no block-sized intermediate.
void UnshuffleBytes(size_t typesize, size_t size, const uint8_t* src, size_t lo, size_t hi, uint8_t* dst);

// Bit transposition as c-blosc's bitshuffle: for whole items n (a multiple of 8), bit k of byte j
// of every item goes to bit-row j * 8 + k; otherwise (n not a multiple of 8) a plain copy.
// `scratch` must hold `size` bytes.
void BitShuffle(size_t typesize, size_t size, const uint8_t* src, uint8_t* dst, uint8_t* scratch);
void BitUnshuffle(size_t typesize, size_t size, const uint8_t* src, uint8_t* dst, uint8_t* scratch);

// Which SIMD path the shuffles use ("avx2", "sse2" or "scalar").
const char* ShuffleImplementation();

}  // namespace blosc
}  // namespace zf
