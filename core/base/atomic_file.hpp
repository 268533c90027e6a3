#pragma once
#include <string>
#include <string_view>

namespace attnscope {

// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it over `path`,
// so readers never see a half-written file. Throws std::runtime_error with the OS reason.
void atomic_write_file(const std::string& path, std::string_view bytes);

}  // namespace attnscope
