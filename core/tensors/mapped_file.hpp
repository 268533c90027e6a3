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
  // Unmaps the pages under `span` (a part of bytes(); anything else is ignored) from this process:
  // they stay in the page cache and map again when read. Reading one head of a (B, N, H, D) tensor
  // touches a page of every token, so without this a process reading heads one after another
  // would count the whole file as its own memory.
  void release(std::string_view span) const;

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace attnscope
