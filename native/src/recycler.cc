// Recycler (recycler.h): the kept list, its bounds, and the background thread that expires it.
#include "recycler.h"

#include <cstdlib>
#include <thread>

namespace zf {

namespace {
bool RecyclingOff() {
  static const bool off = std::getenv("ZARRFLOW_NO_RECYCLE") != nullptr;
  return off;
}
void FreeMalloced(void* p, size_t) { std::free(p); }
}  // namespace

void* Recycler::Take(size_t n) {
  std::lock_guard<std::mutex> lk(m_);
  for (size_t i = 0; i < kept_.size(); i++) {
    if (kept_[i].n != n) continue;
    void* p = kept_[i].p;
    bytes_ -= n;
    kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(i));
    return p;
  }
  return nullptr;
}

bool Recycler::Keep(void* p, size_t n) {
  if (RecyclingOff() || n > maxBytes_) return false;
  std::unique_lock<std::mutex> lk(m_);
  if (live_.count(n)) return false;
  while (!kept_.empty() && (kept_.size() >= maxCount_ || bytes_ + n > maxBytes_)) DropOldest(lk);
  kept_.push_back({p, n, std::chrono::steady_clock::now()});
  bytes_ += n;
  if (!started_) {
    started_ = true;
    std::thread([this] { Expire(); }).detach();
  }
  cv_.notify_one();
  return true;
}

void Recycler::Live(size_t n, int64_t d) {
  std::lock_guard<std::mutex> lk(m_);
  if ((live_[n] += d) <= 0) live_.erase(n);
}

std::pair<int64_t, int64_t> Recycler::Counts(size_t n) {
  std::lock_guard<std::mutex> lk(m_);
  auto it = live_.find(n);
  int64_t kept = 0;
  for (const Kept& k : kept_) kept += k.n == n;
  return {it == live_.end() ? 0 : it->second, kept};
}

size_t Recycler::Bytes() {
  std::lock_guard<std::mutex> lk(m_);
  return bytes_;
}

// Releases the longest-kept buffer, outside the lock (munmap of a large mapping takes a while).
void Recycler::DropOldest(std::unique_lock<std::mutex>& lk) {
  const Kept old = kept_.front();
  kept_.erase(kept_.begin());
  bytes_ -= old.n;
  lk.unlock();
  release_(old.p, old.n);
  lk.lock();
}

// The background thread: releases what has waited kRecycleAge unused.
void Recycler::Expire() {
  std::unique_lock<std::mutex> lk(m_);
  for (;;) {
    if (kept_.empty()) {
      cv_.wait(lk);
      continue;
    }
    const auto due = kept_.front().since + kRecycleAge;
    if (std::chrono::steady_clock::now() < due) {
      cv_.wait_until(lk, due);
      continue;
    }
    DropOldest(lk);
  }
}

// V8 collects dead results in batches, dozens of 4 MB chunks at once: 128 MiB covers such a
// batch (64 MiB did not, measured on a loop of 4 MB Blosc decodes); 64 buffers caps the list scan.
Recycler& OutputRecycler() {
  // Never destroyed: the detached thread may outlive static destruction at exit.
  static Recycler* r = new Recycler(FreeMalloced, 64, size_t(128) << 20);
  return *r;
}

}  // namespace zf
