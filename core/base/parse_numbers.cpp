#include "core/base/parse_numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/base/input_error.hpp"

namespace attnscope {

std::optional<double> number_in(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  while (used < text.size() && text[used] == ' ') ++used;
  if (used != text.size()) return std::nullopt;
  return value;
}

double parse_number(const std::string& text, const std::string& key) {
  const auto value = number_in(text);
  if (!value) throw SceneError(fmt::format("{}: '{}' is not a number", key, text));
  return *value;
}

int64_t parse_int(const std::string& text, const std::string& key) {
  size_t used = 0;
  int64_t value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw SceneError(fmt::format("{}: '{}' is not a whole number", key, text));
  return value;
}

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& key) {
  std::vector<int64_t> out;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    item.erase(std::remove_if(item.begin(), item.end(), ::isspace), item.end());
    if (item.empty())
      throw SceneError(fmt::format("{}: '{}' has an empty item; write numbers separated by "
                                   "commas, e.g. 0,5",
                                   key, text));
    out.push_back(parse_int(item, key));
  }
  return out;
}

}  // namespace attnscope
