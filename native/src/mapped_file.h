// Strided reads of uncompressed chunk files through a read-only mapping.
//
// A column of an uncompressed chunk needs a few bytes of every row, so every page of the file: a
// read() copies the whole file (measured: 10 columns of 4 MB chunks, 3.9 ms) where a mapping touches
// only the elements wanted and the kernel maps the page-cache pages around each fault (1.9 ms).
// A file cut short in place while mapped (another program rewriting it without a rename; zarr
// writers rename) makes the next access to a page past its end raise SIGBUS. The copy runs under a
// guard: a SIGBUS on a pool thread inside it abandons the copy and the read fails with an error
// naming the file, instead of ending the process. A SIGBUS anywhere else goes to the handler that
// was installed before (by default, ending the process, as without this module).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "job.h"

namespace zf {
namespace addon {

// A region's merged axes (MergeAxes's n, a, b).
struct Axes {
  std::vector<int64_t> n, a, b;
};

enum class MapResult {
  Copied,    // the region is in dst
  Unmapped,  // the file could not be mapped (nothing done): read it another way
  Shrank,    // the file was cut short during the copy: dst holds part of the region
};

// Copies region `s` (merged as `m`) of the file open as `fd`, `size` bytes long, into `dst`
// through a mapping. Bounds are the caller's to check (against `size` and dst).
MapResult CopyFromMapping(int fd, size_t size, const std::string& path, const Scatter& s, const Axes& m, uint8_t* dst);

}  // namespace addon
}  // namespace zf
