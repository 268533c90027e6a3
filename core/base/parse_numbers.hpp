#pragma once
// Whole numbers typed by users in scene files, flags and policies. A malformed number is a
// SceneError naming the key it was given for.
#include <cstdint>
#include <string>
#include <vector>

namespace attnscope {

// Parses "0,5,9" (spaces allowed); throws SceneError naming `key` on malformed input.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key);
int64_t parse_int(const std::string& text, const std::string& key);

}  // namespace attnscope
