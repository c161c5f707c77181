// Chunk file I/O on pool threads: reading a stored chunk, writing one atomically.
//
// Failures carry a code for the JS side: the errno name (e.g. "EACCES", "ENOSPC"), or
// "ERR_NOT_REGULAR_FILE" for a FIFO, device or socket standing where a chunk file should be. Such
// files are never read: opening is non-blocking and the type is checked before any read, so a FIFO
// cannot park a pool thread and /dev/zero cannot grow memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "copy.h"
#include "job.h"

namespace zf {
namespace addon {

// A failed file operation: a message naming the file, and its code (see above).
struct IoError {
  std::string message;
  std::string code;
  bool failed() const { return !message.empty(); }
};

// The errno name of `e` ("EACCES"), or "EIO" style fallbacks as "E<number>".
std::string ErrnoName(int e);

// The most bytes a chunk of `chunkBytes` decoded bytes may take when stored by a compressor:
// chunkBytes + ceil(chunkBytes / 16) + 64 KiB, as maxStoredChunkBytes in src/chunk/stored-size.ts.
int64_t MaxStoredChunkBytes(int64_t chunkBytes);
// Reads the whole file at `path` into `buf` (grown as needed, never shrunk), its length in *len.
// False on failure, with *missing set (no such file, or a directory: the chunk is not stored and the
// caller fills with the fill value) or *error. A file larger than MaxStoredChunkBytes(chunkBytes)
// is refused on its fstat, before anything is allocated or read (code "ERR_VALUE_TOO_LARGE").
bool ReadChunkFile(const std::string& path, int64_t chunkBytes, ScratchBytes& buf, size_t* len, bool* missing, IoError* error);
// Copies the region `s` of the *uncompressed* chunk stored at `path` (exactly s.chunkBytes long)
// into `dst`, reading only the bytes the region needs: contiguous runs straight into their place
// in `dst` (preadv, one kernel copy), strided regions through a small cache-resident window. A
// whole-file read into a chunk-sized buffer costs twice the memory traffic and, for a row or a
// column, reads bytes never used. False with *missing (no such file) or *error set on failure;
// only regular files are read (as ReadChunkFile).
bool ReadRawRegion(const std::string& path, const Scatter& s, uint8_t* dst, size_t dstLen, bool* missing, IoError* error);
// Writes `data` to `tmp` and renames it over `file`, so an interrupted write leaves the old file.
// Every failure (ENOSPC, EACCES, EROFS, ...) is reported; the temporary file is removed.
IoError WriteAtomic(const std::string& file, const std::string& tmp, const uint8_t* data, size_t n);

}  // namespace addon
}  // namespace zf
