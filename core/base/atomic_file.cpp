#include "core/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace attnscope {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw std::runtime_error("cannot write " + path + ": " + reason);
}

// Writes everything or returns the errno of the failed write (ENOSPC on a full disk).
int write_all(int fd, std::string_view bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t got = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    written += static_cast<size_t>(got);
  }
  return 0;
}

// Devices and pipes (/dev/stdout, /dev/full) cannot be replaced by a rename, and replacing the
// device node itself would be wrong: they are written in place, which cannot leave a partial
// file behind because they are not files.
void write_in_place(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) fail(path, std::strerror(errno));
  const int error = write_all(fd, bytes);
  if (::close(fd) != 0 && error == 0) fail(path, std::strerror(errno));
  if (error != 0) fail(path, std::strerror(error));
}

}  // namespace

void atomic_write_file(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) {
    if (S_ISDIR(existing.st_mode)) fail(path, "it is a folder; give a file name inside it");
    if (!S_ISREG(existing.st_mode)) return write_in_place(path, bytes);
    // A rename would replace a file its owner made read-only (even as root): refuse instead.
    if (::access(path.c_str(), W_OK) != 0 || !(existing.st_mode & S_IWUSR))
      fail(path, "the file is read-only; make it writable or choose another name");
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_name = (dir / ("." + target.filename().string() + ".XXXXXX.tmp")).string();
  const int fd = mkstemps(temp_name.data(), 4);
  if (fd < 0) fail(path, std::string(std::strerror(errno)) + " (check that the folder exists and is writable)");
  // From here on every failure removes the temporary, so no partial file is ever left.
  const auto give_up = [&](int error) {
    ::close(fd);
    ::unlink(temp_name.c_str());
    fail(path, std::strerror(error));
  };
  if (const int error = write_all(fd, bytes); error != 0) give_up(error);
  // Match the permissions a plain fopen would give (mkstemp creates 0600).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0) give_up(errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp_name.c_str());
    fail(path, std::strerror(error));
  }
  if (std::rename(temp_name.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp_name.c_str());
    fail(path, std::strerror(error));
  }
}

}  // namespace attnscope
