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

bool ReadChunkFile(const std::string& path, std::vector<uint8_t>& buf, size_t* len, bool* missing, std::string* error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) *missing = true;
    else *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    if (S_ISDIR(st.st_mode)) *missing = true;
    else *error = "cannot stat " + path;
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
      *error = "cannot read " + path + ": " + std::strerror(errno);
      close(fd);
      return false;
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  close(fd);
  *len = got;
  return true;
}

std::string WriteAtomic(const std::string& file, const std::string& tmp, const uint8_t* data, size_t n) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 && errno == ENOENT && MakeParents(tmp)) fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, data + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      std::string e = "cannot write " + tmp + ": " + std::strerror(errno);
      close(fd);
      unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(w);
  }
  if (close(fd) != 0) {
    unlink(tmp.c_str());
    return "cannot close " + tmp + ": " + std::strerror(errno);
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    std::string e = "cannot rename " + tmp + " to " + file + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return e;
  }
  return "";
}

}  // namespace addon
}  // namespace zf
