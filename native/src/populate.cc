// populateAsync: faulting in a fresh buffer's pages on the libuv pool; allocAligned: large
// page-aligned result buffers.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "exports.h"
#include "napi_util.h"
#include "recycler.h"

namespace zf {
namespace addon {

namespace {

// Transparent huge pages where the kernel offers them on request ("madvise" mode): a 400 MB result
// then costs ~200 faults instead of ~100k, and its unmapping is as cheap. Only whole 2 MiB pages
// inside [p, p + n) are advised; a no-op where THP is off. ZARRFLOW_NO_HUGEPAGES (any value) turns
// it off, e.g. where compaction for huge pages stalls a fragmented machine.
void AdviseHugePages(void* p, size_t n) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  static const bool noHuge = std::getenv("ZARRFLOW_NO_HUGEPAGES") != nullptr;
  const uintptr_t huge = 2u << 20;
  const uintptr_t a = (reinterpret_cast<uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const uintptr_t b = (reinterpret_cast<uintptr_t>(p) + n) & ~(huge - 1);
  if (b > a && !noHuge) madvise(reinterpret_cast<void*>(a), b - a, MADV_HUGEPAGE);
#endif
}

// Page-aligned zeroed memory of our own (anonymous mmap on Linux), or nullptr; and its release.
void* MapZeroed(size_t n) {
#ifdef __linux__
  void* p = mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
#else
  void* p = nullptr;
  if (posix_memalign(&p, 4096, n) != 0) return nullptr;
  std::memset(p, 0, n);
  return p;
#endif
}

void Unmap(void* p, size_t n) {
#ifdef __linux__
  munmap(p, n);
#else
  std::free(p);
#endif
}

// ---------------------------------------------------------------- page population
//
// populateAsync(bytes) -> Promise<void>
// Faults in the pages of a fresh (lazily zeroed) buffer on a pool thread with
// MADV_POPULATE_WRITE, so a large read result is not paid for one page fault at a time on the
// JS thread; several calls on slices of one buffer populate it in parallel. A no-op where the
// kernel lacks it.

struct PopulateJob {
  uint8_t* p = nullptr;
  size_t n = 0;
  napi_ref ref = nullptr;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
};

void ExecutePopulate(napi_env, void* data) {
  auto* job = static_cast<PopulateJob*>(data);
#ifdef __linux__
  const uintptr_t page = 4096;
  uintptr_t a = (reinterpret_cast<uintptr_t>(job->p) + page - 1) & ~(page - 1);
  uintptr_t b = (reinterpret_cast<uintptr_t>(job->p) + job->n) & ~(page - 1);
  if (b > a) {
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
    AdviseHugePages(job->p, job->n);
    if (madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE) != 0) {
      // Older kernels: touch one byte a page (the memory is zero, so writing zero is harmless).
      for (uintptr_t q = a; q < b; q += page) *reinterpret_cast<volatile uint8_t*>(q) = 0;
    }
  }
#endif
}

void CompletePopulate(napi_env env, napi_status, void* data) {
  auto* job = static_cast<PopulateJob*>(data);
  napi_value undef;
  napi_get_undefined(env, &undef);
  napi_resolve_deferred(env, job->deferred, undef);
  napi_delete_reference(env, job->ref);
  napi_delete_async_work(env, job->work);
  delete job;
}

// ---------------------------------------------------------------- result buffer reuse
//
// A large result that is collected is kept for a moment instead of unmapped (recycler.h): the next
// result of the same size (a loop reading one array, or one time step after another) then finds
// its pages already faulted and zeroing-free, where a fresh mapping pays the kernel's page clearing
// (a third of a 400 MB uncompressed read on this machine's profile) and the old one its unmapping.
// At most 4 buffers and 2 GiB; allocAligned's caller overwrites every element.

// Never destroyed: the detached thread may outlive static destruction at exit.
Recycler& ResultRecycler() {
  static Recycler* r = new Recycler(Unmap, 4, size_t(2) << 30);
  return *r;
}

void FreeAligned(napi_env env, void* data, void* hint) {
  const size_t n = reinterpret_cast<uintptr_t>(hint);
  ResultRecycler().Live(n, -1);
  if (!ResultRecycler().Keep(data, n)) Unmap(data, n);
  int64_t left;
  napi_adjust_external_memory(env, -static_cast<int64_t>(n), &left);
}

}  // namespace

// allocAligned(nbytes) -> ArrayBuffer | undefined
// A large result buffer of our own: page-aligned anonymous memory (huge pages asked for, as
// above), released when the ArrayBuffer is collected (kept a moment for reuse: Recycler), so its
// contents are zero only when fresh. V8's own large ArrayBuffers sit 16 bytes past a
// page (malloc's header), so chunk rows copied or read into them are never 32-byte aligned
// relative to their source and take the slow copy (copy.h); into this buffer a local uncompressed
// chunk is read by the kernel straight into place. Undefined where external buffers are refused
// (a V8 sandbox) or memory is short: the caller allocates as usual.
napi_value AllocAligned(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  napi_get_undefined(env, &result);
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  double want = 0;
  if (argc < 1 || napi_get_value_double(env, argv[0], &want) != napi_ok || !(want >= 1) || want > 9007199254740991.0) return result;
  const size_t n = static_cast<size_t>(want);
  void* p = ResultRecycler().Take(n);
  if (!p) {
    p = MapZeroed(n);
    if (!p) return result;
    AdviseHugePages(p, n);
  }
  napi_value ab;
  if (napi_create_external_arraybuffer(env, p, n, FreeAligned, reinterpret_cast<void*>(static_cast<uintptr_t>(n)), &ab) != napi_ok) {
    Unmap(p, n);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) { napi_value e; napi_get_and_clear_last_exception(env, &e); }
    return result;
  }
  ResultRecycler().Live(n, +1);
  int64_t total;
  napi_adjust_external_memory(env, static_cast<int64_t>(n), &total);
  return ab;
}

namespace {

// The size argument of alignedBuffers/recycledOutputs (0 when missing or not a size).
size_t SizeArg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double want = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc >= 1) napi_get_value_double(env, argv[0], &want);
  return want >= 1 && want <= 9007199254740991.0 ? static_cast<size_t>(want) : 0;
}

napi_value NumberPair(napi_env env, double x, double y) {
  napi_value out, a, b;
  napi_create_array_with_length(env, 2, &out);
  napi_create_double(env, x, &a);
  napi_create_double(env, y, &b);
  napi_set_element(env, out, 0, a);
  napi_set_element(env, out, 1, b);
  return out;
}

}  // namespace

// alignedBuffers(nbytes) -> [live, kept]: how many allocAligned buffers of exactly nbytes are held
// by JavaScript (not yet collected), and how many are kept for reuse. A finalizer runs some time
// after the garbage collection that freed its buffer; the read path waits a moment for a dead
// result of the size it needs to arrive here rather than map a second one.
napi_value AlignedBuffers(napi_env env, napi_callback_info info) {
  const auto [live, kept] = ResultRecycler().Counts(SizeArg(env, info));
  return NumberPair(env, static_cast<double>(live), static_cast<double>(kept));
}

// recycledBytes() -> number: the bytes of collected results kept for reuse (for tests and
// diagnostics: a result that is dropped and collected shows up here until reused or expired).
napi_value RecycledBytes(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_double(env, static_cast<double>(ResultRecycler().Bytes()), &out);
  return out;
}

// recycledOutputs(nbytes) -> [kept, bytes]: collected codec outputs of exactly nbytes kept for the
// next codec call's output (recycler.h, OutputRecycler), and the bytes of all kept ones (tests).
napi_value RecycledOutputs(napi_env env, napi_callback_info info) {
  return NumberPair(env, static_cast<double>(OutputRecycler().Counts(SizeArg(env, info)).second), static_cast<double>(OutputRecycler().Bytes()));
}

napi_value PopulateAsync(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  auto* job = new PopulateJob();
  napi_value ab;
  size_t off;
  if (argc < 1 || !GetBytes(env, argv[0], &job->p, &job->n, &ab, &off)) {
    delete job;
    ThrowError(env, "expected a Uint8Array");
    return nullptr;
  }
  napi_value promise, name;
  napi_create_string_utf8(env, "zarrflow:populate", NAPI_AUTO_LENGTH, &name);
  if (napi_create_reference(env, argv[0], 1, &job->ref) != napi_ok || napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, nullptr, name, ExecutePopulate, CompletePopulate, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    ThrowError(env, "could not queue populate work");
    return nullptr;
  }
  return promise;
}

}  // namespace addon
}  // namespace zf
