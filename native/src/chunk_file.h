// Chunk file I/O on pool threads: reading a stored chunk, writing one atomically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "job.h"

namespace zf {
namespace addon {

// Reads the whole file at `path` into `buf` (grown as needed, never shrunk), its length in *len.
// False on failure, with *missing set (no such file: the caller fills with the fill value) or *error.
bool ReadChunkFile(const std::string& path, std::vector<uint8_t>& buf, size_t* len, bool* missing, std::string* error);
// Copies the region `s` of the *uncompressed* chunk stored at `path` (exactly s.chunkBytes long)
// into `dst`, reading only the bytes the region needs: contiguous runs straight into their place
// in `dst` (preadv, one kernel copy), strided regions through a small cache-resident window. A
// whole-file read into a chunk-sized buffer costs twice the memory traffic and, for a row or a
// column, reads bytes never used. False with *missing (no such file) or *error set on failure.
bool ReadRawRegion(const std::string& path, const Scatter& s, uint8_t* dst, size_t dstLen, bool* missing, std::string* error);
// Writes `data` to `tmp` and renames it over `file`, so an interrupted write leaves the old file.
std::string WriteAtomic(const std::string& file, const std::string& tmp, const uint8_t* data, size_t n);

}  // namespace addon
}  // namespace zf
