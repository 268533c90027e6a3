#pragma once
// Numbers typed by users in scene files, flags, policies and gate files. A malformed number is a
// SceneError naming the key it was given for.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace attnscope {

// Parses "0,5,9" (spaces allowed); throws SceneError naming `key` on malformed input.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key);
int64_t parse_int(const std::string& text, const std::string& key);
// The number the whole of `text` holds (spaces around it allowed); nothing for anything else.
std::optional<double> number_in(const std::string& text);
// Throws SceneError "key: 'text' is not a number".
double parse_number(const std::string& text, const std::string& key);

}  // namespace attnscope
