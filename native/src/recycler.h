// Large buffers that JavaScript has let go of, kept a moment for the next allocation of the same
// size instead of released.
//
// A fresh large allocation is fresh pages: the kernel clears each one on its first touch, a page
// fault apiece (a 4 MB buffer: ~1,000 faults, about half a millisecond on this project's test
// machine; a 400 MB result: a third of an uncompressed read). Loops that decode or read one chunk
// or array after another free a buffer of the size the next one needs, but only when V8 collects
// it, in batches, and the allocator then returns large blocks to the kernel. Keeping them here
// makes the next buffer's pages already present. Bounded by count and bytes; a buffer not reused
// within kRecycleAge is released by a background thread, so RSS falls back soon after the loop
// ends. Reused bytes hold old values: callers write every byte they hand out.
// ZARRFLOW_NO_RECYCLE (any value) turns every recycler off.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace zf {

class Recycler {
 public:
  using Release = void (*)(void* p, size_t n);
  static constexpr auto kRecycleAge = std::chrono::milliseconds(1500);

  // `release` gives a buffer back for good (munmap, free); at most maxCount buffers and maxBytes
  // in all are kept.
  Recycler(Release release, size_t maxCount, size_t maxBytes) : release_(release), maxCount_(maxCount), maxBytes_(maxBytes) {}
  Recycler(const Recycler&) = delete;
  Recycler& operator=(const Recycler&) = delete;

  // A kept buffer of exactly n bytes, or nullptr.
  void* Take(size_t n);
  // Keeps the buffer for reuse, releasing the longest-kept ones to stay within the bounds; false
  // (the caller releases it) when recycling is off, the buffer alone is over the byte bound, or
  // JavaScript holds another buffer of this size counted by Live: that one is what the next
  // allocation of this size will reuse, and keeping this one too would hold twice the memory.
  bool Keep(void* p, size_t n);
  // Counts buffers of n bytes handed to JavaScript (+1) and collected (-1), for Keep's rule.
  void Live(size_t n, int64_t d);
  // {live, kept} buffers of exactly n bytes.
  std::pair<int64_t, int64_t> Counts(size_t n);
  // Bytes kept right now.
  size_t Bytes();

 private:
  struct Kept {
    void* p;
    size_t n;
    std::chrono::steady_clock::time_point since;
  };
  void DropOldest(std::unique_lock<std::mutex>& lk);
  void Expire();

  const Release release_;
  const size_t maxCount_;
  const size_t maxBytes_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Kept> kept_;
  size_t bytes_ = 0;
  bool started_ = false;
  std::map<size_t, int64_t> live_;
};

// Freed codec outputs handed to JavaScript (codec decode/encode results of at least
// kPooledOutputBytes): OutBuf takes from it, the result's finalizer keeps into it. Never destroyed.
constexpr size_t kPooledOutputBytes = size_t(1) << 20;
Recycler& OutputRecycler();

}  // namespace zf
