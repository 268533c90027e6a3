#include "core/tensors/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "core/base/input_error.hpp"

namespace attnscope {

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError("file: cannot open '" + path + "' (" + std::strerror(errno) + "); check the path");
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    throw InputError("file: '" + path + "' is not a regular file; give the path of a tensor file");
  }
  size_ = static_cast<size_t>(status.st_size);
  // An empty file has nothing to map (mmap refuses a length of 0); its view stays empty.
  if (size_ > 0) {
    void* data = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    const int error = errno;
    if (data == MAP_FAILED) {
      ::close(fd);
      throw InputError("file: cannot map '" + path + "' into memory (" + std::strerror(error) + ")");
    }
    data_ = static_cast<const char*>(data);
  }
  // The mapping keeps the file's pages; the descriptor is not needed any more.
  ::close(fd);
}

void MappedFile::release(std::string_view span) const {
  if (!data_ || span.data() < data_ || span.data() + span.size() > data_ + size_ || span.empty()) return;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t begin = reinterpret_cast<uintptr_t>(span.data()) / page * page;
  const uintptr_t end = reinterpret_cast<uintptr_t>(span.data() + span.size());
  // The mapping is private and never written, so dropping its pages loses nothing; it starts on a
  // page, so rounding the span's start down to one stays inside it.
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace attnscope
