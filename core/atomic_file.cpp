#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace attnscope {

void atomic_write_file(const std::string& path, std::string_view bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_name = (dir / ("." + target.filename().string() + ".XXXXXX.tmp")).string();
  const int fd = mkstemps(temp_name.data(), 4);
  if (fd < 0)
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno) +
                             " (check that the folder exists and is writable)");
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t got = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (got < 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temp_name.c_str());
      throw std::runtime_error("cannot write " + path + ": " + reason);
    }
    written += static_cast<size_t>(got);
  }
  // Match the permissions a plain fopen would give (mkstemp creates 0600).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp_name.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
  if (std::rename(temp_name.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp_name.c_str());
    throw std::runtime_error("cannot write " + path + ": " + reason);
  }
}

}  // namespace attnscope
