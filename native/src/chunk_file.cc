// Chunk file I/O on pool threads; see chunk_file.h.
#include "chunk_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

bool ReadChunkFile(const std::string& path, std::vector<uint8_t>& buf, size_t* len, bool* missing, IoError* error) {
  // O_NONBLOCK: opening a FIFO without a writer must not block the pool thread.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR || e == EISDIR) *missing = true;
    else *error = Fail("cannot open", path, e);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int e = errno;
    close(fd);
    *error = Fail("cannot stat", path, e);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    *missing = true;
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    *error = {path + " is " + KindOf(st.st_mode) + ", not a regular file; refusing to read it as a chunk", "ERR_NOT_REGULAR_FILE"};
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
