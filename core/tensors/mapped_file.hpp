#pragma once
// A file mapped read-only into memory: reading part of a tensor then costs only the pages that
// part lies on, not a read of the whole file.
#include <string>
#include <string_view>

namespace attnscope {

class MappedFile {
 public:
  // Throws InputError naming the path when it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace attnscope
