// Strided reads of uncompressed chunk files through a read-only mapping; see mapped_file.h.
#include "mapped_file.h"

#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>

namespace zf {
namespace addon {

namespace {

// Where the current pool thread's guarded copy resumes when its mapping faults; null when the
// thread is not inside one.
thread_local sigjmp_buf* tlsResume = nullptr;

std::mutex handlerMu;
struct sigaction previousAction;

void OnSigbus(int, siginfo_t*, void*) {
  if (sigjmp_buf* resume = tlsResume) {
    tlsResume = nullptr;
    siglongjmp(*resume, 1);
  }
  // Not a guarded copy: give the signal back to whoever had it (for most programs the default,
  // which ends the process). Returning repeats the faulting access under that disposition.
  sigaction(SIGBUS, &previousAction, nullptr);
}

// Installs OnSigbus unless it is the SIGBUS handler already (another library may have replaced it
// since: it then becomes the one a foreign SIGBUS goes to). False when that cannot be done.
bool EnsureHandler() {
  std::lock_guard<std::mutex> lock(handlerMu);
  struct sigaction current;
  if (sigaction(SIGBUS, nullptr, &current) != 0) return false;
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == OnSigbus) return true;
  struct sigaction ours = {};
  ours.sa_sigaction = OnSigbus;
  ours.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&ours.sa_mask);
  previousAction = current;
  return sigaction(SIGBUS, &ours, nullptr) == 0;
}

// Only plain loops run between sigsetjmp and the end of the copy (CopyMerged allocates nothing and
// owns nothing with a destructor), so abandoning it with siglongjmp is safe.
bool GuardedCopy(const Axes& m, int64_t elem, int64_t swap, const uint8_t* src, uint8_t* dst, int64_t* idx) {
  sigjmp_buf resume;
  if (sigsetjmp(resume, 1) != 0) return false;
  tlsResume = &resume;
  CopyMerged(m.n.data(), m.a.data(), m.b.data(), m.n.size(), elem, swap, src, dst, idx);
  tlsResume = nullptr;
  return true;
}

}  // namespace

MapResult CopyFromMapping(int fd, size_t size, const std::string& path, const Scatter& s, const Axes& m, uint8_t* dst) {
  if (size == 0 || !EnsureHandler()) return MapResult::Unmapped;
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) return MapResult::Unmapped;
  // Failpoint for the test suite: the file is cut short in place after it was mapped, as another
  // program rewriting it without a rename would (the copy below then faults).
  static const bool truncateForTest = std::getenv("ZARRFLOW_FAILPOINT_TRUNCATE_MAPPED") != nullptr;
  if (truncateForTest && truncate(path.c_str(), 0) != 0) {
    munmap(map, size);
    return MapResult::Unmapped;
  }
  std::vector<int64_t> idx(m.n.size(), 0);
  const bool ok = GuardedCopy(m, s.elem, s.swap, static_cast<const uint8_t*>(map) + s.srcOff, dst + s.dstOff, idx.data());
  munmap(map, size);
  return ok ? MapResult::Copied : MapResult::Shrank;
}

}  // namespace addon
}  // namespace zf
