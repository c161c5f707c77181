// zlib as zarrflow uses it: the system's zlib runtime (libz.so.1, present on every Debian/Ubuntu
// and most Linux systems), opened at first use with dlopen and called through this table.
//
// Node exports its own bundled (Chromium) zlib, whose deflate output differs from the zlib Python
// links. Calling through pointers taken from the libz.so.1 handle keeps zarrflow's output identical
// to Python's without RTLD_DEEPBIND and without needing zlib's -dev package at build time (types
// come from the zlib.h Node ships in its include directory). When libz.so.1 cannot be opened the
// table falls back to the zlib Node exports: output is then valid but not byte-identical.
#pragma once

#include <zlib.h>

namespace zf {

struct ZlibApi {
  const char* (*zlibVersion)();
  int (*deflateInit2_)(z_streamp, int, int, int, int, int, const char*, int);
  int (*deflate)(z_streamp, int);
  int (*deflateEnd)(z_streamp);
  uLong (*deflateBound)(z_streamp, uLong);
  int (*inflateInit2_)(z_streamp, int, const char*, int);
  int (*inflate)(z_streamp, int);
  int (*inflateEnd)(z_streamp);
  int (*inflateReset)(z_streamp);
  int (*compress2)(Bytef*, uLongf*, const Bytef*, uLong, int);
  int (*uncompress)(Bytef*, uLongf*, const Bytef*, uLong);
  uLong (*crc32)(uLong, const Bytef*, uInt);
  const char* source;  // "libz.so.1" or "node"
};

// The table, or nullptr when no zlib could be found at all.
const ZlibApi* Zlib();

}  // namespace zf
