#include "zlib_api.h"

#include <dlfcn.h>

namespace zf {

namespace {

template <typename T>
bool Sym(void* h, const char* name, T* out) {
  *out = reinterpret_cast<T>(dlsym(h, name));
  return *out != nullptr;
}

bool Fill(void* h, ZlibApi* z) {
  return Sym(h, "zlibVersion", &z->zlibVersion) && Sym(h, "deflateInit2_", &z->deflateInit2_) &&
         Sym(h, "deflate", &z->deflate) && Sym(h, "deflateEnd", &z->deflateEnd) && Sym(h, "deflateBound", &z->deflateBound) &&
         Sym(h, "inflateInit2_", &z->inflateInit2_) && Sym(h, "inflate", &z->inflate) &&
         Sym(h, "inflateEnd", &z->inflateEnd) && Sym(h, "inflateReset", &z->inflateReset) &&
         Sym(h, "compress2", &z->compress2) && Sym(h, "uncompress", &z->uncompress) && Sym(h, "crc32", &z->crc32);
}

// libz.so.1 calls its own exported functions (deflateInit2_ -> deflateReset, ...). Node exports a
// zlib of its own, which would be preferred for those calls under the default lookup order, and
// mixing the two crashes; RTLD_DEEPBIND makes libz.so.1 resolve its symbols within itself first.
#ifdef RTLD_DEEPBIND
constexpr int kOpenFlags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#else
constexpr int kOpenFlags = RTLD_NOW | RTLD_LOCAL;
#endif

const ZlibApi* Load() {
  static ZlibApi api;
  static const char* const kNames[] = {"libz.so.1", "libz.1.dylib", "libz.so"};
  for (const char* name : kNames) {
#if defined(ZF_SANITIZE) && defined(__GLIBC__)
    // Sanitizer build (native/build-sanitize.sh): ASan refuses RTLD_DEEPBIND, so libz.so.1 goes
    // into a link namespace of its own instead, where node's zlib symbols cannot shadow its own.
    void* h = dlmopen(LM_ID_NEWLM, name, RTLD_NOW | RTLD_LOCAL);
#else
    void* h = dlopen(name, kOpenFlags);
#endif
    if (h && Fill(h, &api)) {
      api.source = name;
      return &api;
    }
    if (h) dlclose(h);
  }
  if (Fill(RTLD_DEFAULT, &api)) {
    api.source = "node";
    return &api;
  }
  return nullptr;
}

}  // namespace

const ZlibApi* Zlib() {
  static const ZlibApi* api = Load();  // thread-safe static initialisation
  return api;
}

}  // namespace zf
