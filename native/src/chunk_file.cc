// Chunk file I/O on pool threads; see chunk_file.h.
#include "chunk_file.h"
#include "mapped_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

namespace zf {
namespace addon {

namespace {

// Creates the directories above `file` (mkdir -p of its parent).
bool MakeParents(const std::string& file) {
  size_t pos = 1;
  while ((pos = file.find('/', pos)) != std::string::npos) {
    std::string dir = file.substr(0, pos);
    if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) return false;
    pos++;
  }
  return true;
}

// Reads exactly `n` bytes at `off`; an error message, or "" on success.
std::string PreadAll(int fd, const std::string& path, uint8_t* p, size_t n, int64_t off) {
  while (n > 0) {
    ssize_t r = pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return "cannot read " + path + ": " + std::strerror(errno);
    if (r == 0) return "unexpected end of " + path;
    p += r, n -= static_cast<size_t>(r), off += r;
  }
  return "";
}

// Reads the file range [off, off + total) scattered over `iov` (whose lengths add up to total).
std::string PreadvAll(int fd, const std::string& path, std::vector<iovec>& iov, int64_t off, size_t total) {
  size_t first = 0;
  while (total > 0) {
    const int cnt = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    ssize_t r = preadv(fd, iov.data() + first, cnt, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return "cannot read " + path + ": " + std::strerror(errno);
    if (r == 0) return "unexpected end of " + path;
    total -= static_cast<size_t>(r), off += r;
    size_t k = static_cast<size_t>(r);
    while (first < iov.size() && k >= iov[first].iov_len) k -= iov[first++].iov_len;
    if (k > 0) {
      iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + k;
      iov[first].iov_len -= k;
    }
  }
  return "";
}

thread_local ScratchBytes tlsWindow;
const int64_t kWindow = 128 * 1024;  // stays in L2 between the kernel's copy and ours
const int64_t kMapMinBytes = 256 * 1024;  // a sparse strided region this long is copied from a mapping

// Reads the file range [from, from + span) into tlsWindow from the 64-byte boundary below `from`,
// so that the kernel's copy is aligned (see copy.h); returns where `from` landed.
const uint8_t* ReadAligned(int fd, const std::string& path, int64_t from, int64_t span, std::string* err) {
  const int64_t start = from & ~int64_t{63};
  const size_t need = static_cast<size_t>(from - start + span);
  if (tlsWindow.size() < need) tlsWindow.resize(std::max(need, static_cast<size_t>(kWindow + 64)));
  *err = PreadAll(fd, path, tlsWindow.data(), need, start);
  return tlsWindow.data() + (from - start);
}

}  // namespace

std::string ErrnoName(int e) {
  switch (e) {
#define ZF_ERRNO(x) case x: return #x;
    ZF_ERRNO(EACCES) ZF_ERRNO(EPERM) ZF_ERRNO(ENOENT) ZF_ERRNO(ENOTDIR) ZF_ERRNO(EISDIR) ZF_ERRNO(ENOSPC)
    ZF_ERRNO(EROFS) ZF_ERRNO(EIO) ZF_ERRNO(EMFILE) ZF_ERRNO(ENFILE) ZF_ERRNO(ENAMETOOLONG) ZF_ERRNO(ELOOP)
    ZF_ERRNO(EEXIST) ZF_ERRNO(EFBIG) ZF_ERRNO(ENXIO) ZF_ERRNO(ENODEV) ZF_ERRNO(ETXTBSY) ZF_ERRNO(EXDEV)
    ZF_ERRNO(EBUSY) ZF_ERRNO(EAGAIN) ZF_ERRNO(EINVAL) ZF_ERRNO(ENOMEM) ZF_ERRNO(EOVERFLOW) ZF_ERRNO(ESTALE)
#ifdef EDQUOT
    ZF_ERRNO(EDQUOT)
#endif
#undef ZF_ERRNO
    default: return "E" + std::to_string(e);
  }
}

namespace {

IoError Fail(const std::string& what, const std::string& path, int e) {
  return {what + " " + path + ": " + std::strerror(e), ErrnoName(e)};
}

const char* KindOf(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

// Opens `path` for reading if it is a regular file: the fd, or -1 with *missing (no such file, or a
// directory: the chunk is not stored) or *error set. O_NONBLOCK: opening a FIFO without a writer
// must not block the pool thread; anything but a regular file is refused before it is read.
int OpenRegular(const std::string& path, struct stat* st, bool* missing, IoError* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR || e == EISDIR) *missing = true;
    else *error = Fail("cannot open", path, e);
    return -1;
  }
  if (fstat(fd, st) != 0) {
    const int e = errno;
    close(fd);
    *error = Fail("cannot stat", path, e);
    return -1;
  }
  if (S_ISDIR(st->st_mode)) {
    close(fd);
    *missing = true;
    return -1;
  }
  if (!S_ISREG(st->st_mode)) {
    close(fd);
    *error = {path + " is " + KindOf(st->st_mode) + ", not a regular file; refusing to read it as a chunk", "ERR_NOT_REGULAR_FILE"};
    return -1;
  }
  return fd;
}

}  // namespace


bool ReadRawRegion(const std::string& path, const Scatter& s, uint8_t* dst, size_t dstLen, bool* missing, IoError* error) {
  // Bounds first, as the whole-file path checks them.
  int64_t lo, hi;
  Extent(s, s.sst, s.srcOff, &lo, &hi);
  if (lo < 0 || hi > s.chunkBytes) { *error = {"scatter source region out of range", ""}; return false; }
  Extent(s, s.dst, s.dstOff, &lo, &hi);
  if (lo < 0 || hi > static_cast<int64_t>(dstLen)) { *error = {"scatter destination region out of range", ""}; return false; }
  struct stat st;
  const int fd = OpenRegular(path, &st, missing, error);
  if (fd < 0) return false;
  if (st.st_size != s.chunkBytes) {
    close(fd);
    // A codec-level error (no errno code): the stored bytes are not a chunk of this size.
    *error = {"decoded to " + std::to_string(st.st_size) + " bytes, expected " + std::to_string(s.chunkBytes), ""};
    return false;
  }
  // Merge axes contiguous in both (as CopyStrided does); empty regions copy nothing.
  Axes axes;
  std::vector<int64_t>&n = axes.n, &a = axes.a, &b = axes.b;
  if (!MergeAxes(s, n, a, b)) { close(fd); return true; }
  const size_t nd = n.size();
  std::string err;
  const bool runs = s.swap <= 1 && a[nd - 1] == s.elem && b[nd - 1] == s.elem;
  bool ascending = true;
  // Runs read straight into `dst` only where the kernel's copy is fast: destination and file offset
  // 32-byte aligned relative to each other, for every run (see copy.h); otherwise through the window.
  bool relAligned = ((reinterpret_cast<uintptr_t>(dst) + static_cast<uintptr_t>(s.dstOff - s.srcOff)) & 31) == 0;
  for (size_t d = 0; d < nd; d++) {
    ascending = ascending && a[d] > 0;
    relAligned = relAligned && ((b[d] - a[d]) & 31) == 0;
  }
  if (runs && ascending && relAligned) {
    // Contiguous runs: each read straight into its place, file-adjacent runs in one preadv.
    std::vector<iovec> iov;
    int64_t start = s.srcOff, end = s.srcOff;
    ForEachRun(n, a, b, s.elem, s.srcOff, s.dstOff, true, [&](int64_t p, int64_t q, int64_t len) {
      if (p != end) {
        err = PreadvAll(fd, path, iov, start, static_cast<size_t>(end - start));
        if (!err.empty()) return false;
        iov.clear();
        start = end = p;
      }
      iov.push_back({dst + q, static_cast<size_t>(len)});
      end += len;
      return true;
    });
    if (err.empty()) err = PreadvAll(fd, path, iov, start, static_cast<size_t>(end - start));
  } else if (ascending && nd >= 1) {
    // Strided (a column) or byte-swapped: read the outermost axis a few steps at a time into a
    // small window and copy from there while it is in cache.
    Scatter inner = s;
    inner.nd = static_cast<int>(nd);
    inner.shape = n, inner.sst = a, inner.dst = b;
    inner.shape[0] = 1;
    int64_t ilo, ihi;
    Extent(inner, inner.sst, 0, &ilo, &ihi);  // bytes one outer step needs, from its start
    MapResult mapped = MapResult::Unmapped;
    if (ihi * 4 <= a[0] && n[0] * a[0] >= kMapMinBytes) {
      // Under a quarter of each step's bytes used, over many pages: through a mapping.
      mapped = CopyFromMapping(fd, static_cast<size_t>(st.st_size), path, s, axes, dst);
      if (mapped == MapResult::Shrank) err = path + " was cut short while it was read (rewritten in place by another program?)";
    }
    const int64_t stepsPer = std::max<int64_t>(1, (kWindow - ihi) / a[0] + 1);
    for (int64_t i = 0; mapped == MapResult::Unmapped && i < n[0] && err.empty(); i += stepsPer) {
      const int64_t k = std::min(stepsPer, n[0] - i);
      const int64_t from = s.srcOff + i * a[0];
      const int64_t span = (k - 1) * a[0] + ihi;
      const uint8_t* at = ReadAligned(fd, path, from, span, &err);
      if (!err.empty()) break;
      Scatter part = inner;
      part.shape[0] = k;
      part.srcOff = at - tlsWindow.data();
      part.dstOff = s.dstOff + i * b[0];
      CopyStrided(part, tlsWindow.data(), dst);
    }
  } else {
    // Descending strides (a reversed selection): read the needed extent whole.
    Extent(s, s.sst, s.srcOff, &lo, &hi);
    const uint8_t* at = ReadAligned(fd, path, lo, hi - lo, &err);
    if (err.empty()) {
      Scatter shifted = s;
      shifted.srcOff += (at - tlsWindow.data()) - lo;
      CopyStrided(shifted, tlsWindow.data(), dst);
    }
  }
  close(fd);
  if (!err.empty()) { *error = {err, "EIO"}; return false; }
  return true;
}

int64_t MaxStoredChunkBytes(int64_t chunkBytes) {
  return chunkBytes + (chunkBytes + 15) / 16 + 64 * 1024;
}

bool ReadChunkFile(const std::string& path, int64_t chunkBytes, ScratchBytes& buf, size_t* len, bool* missing, IoError* error) {
  struct stat st;
  const int fd = OpenRegular(path, &st, missing, error);
  if (fd < 0) return false;
  const int64_t maxBytes = MaxStoredChunkBytes(chunkBytes);
  if (static_cast<int64_t>(st.st_size) > maxBytes) {
    close(fd);
    *error = {std::to_string(static_cast<int64_t>(st.st_size)) + " bytes stored, more than the " + std::to_string(maxBytes) +
                  " bytes a chunk of " + std::to_string(chunkBytes) + " decoded bytes may take; refusing to read " + path,
              "ERR_VALUE_TOO_LARGE"};
    return false;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  // Chunk files are replaced by rename, never rewritten in place, so the size is stable.
  if (buf.size() < size) buf.resize(size);
  size_t got = 0;
  while (got < size) {
    ssize_t r = read(fd, buf.data() + got, size - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      close(fd);
      *error = Fail("cannot read", path, e);
      return false;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  close(fd);
  *len = got;
  return true;
}

IoError WriteAtomic(const std::string& file, const std::string& tmp, const uint8_t* data, size_t n) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 && errno == ENOENT && MakeParents(tmp)) fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Fail("cannot create", tmp, errno);
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      IoError e = Fail("cannot write", tmp, errno);
      close(fd);
      unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(w);
  }
  if (close(fd) != 0) {
    IoError e = Fail("cannot close", tmp, errno);
    unlink(tmp.c_str());
    return e;
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    IoError e = {"cannot rename " + tmp + " to " + file + ": " + std::strerror(errno), ErrnoName(errno)};
    unlink(tmp.c_str());
    return e;
  }
  return {};
}

}  // namespace addon
}  // namespace zf
