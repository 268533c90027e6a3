#include "core/scene/token_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// Length in bytes of the UTF-8 sequence that starts with `lead`, or 0 when `lead` cannot start one.
int utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

bool valid_utf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const int length = utf8_length(static_cast<unsigned char>(text[i]));
    if (length == 0 || i + length > text.size()) return false;
    for (int j = 1; j < length; ++j)
      if ((static_cast<unsigned char>(text[i + j]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

std::vector<std::string> tokens_from_json(const std::string& bytes, const std::string& path) {
  nlohmann::json list;
  try {
    list = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("{}: not a JSON list of token strings ({})", path, e.what()));
  }
  if (!list.is_array())
    throw InputError(fmt::format("{}: a tokens file holds a JSON list of strings, e.g. [\"The\", \" cat\"]", path));
  std::vector<std::string> tokens;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string())
      throw InputError(fmt::format("{}: item {} of the token list is {}, not a string", path, i, list[i].type_name()));
    tokens.push_back(list[i].get<std::string>());
  }
  return tokens;
}

std::vector<std::string> tokens_from_lines(const std::string& bytes) {
  std::vector<std::string> tokens;
  std::istringstream in(bytes);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    tokens.push_back(line);
  }
  return tokens;
}

}  // namespace

TokenText token_text_read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read the tokens file", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return token_text_parse(bytes.str(), path);
}

TokenText token_text_parse(const std::string& text, const std::string& path) {
  if (!valid_utf8(text)) throw InputError(fmt::format("{}: a tokens file must be UTF-8 text", path));
  // By the name, not the first character: "[" and "{" are tokens of code, and lead lines of text.
  const bool json = std::filesystem::path(path).extension() == ".json";
  TokenText out{path, json ? tokens_from_json(text, path) : tokens_from_lines(text)};
  if (out.tokens.empty()) throw InputError(fmt::format("{}: the tokens file holds no tokens", path));
  return out;
}

void token_text_check(const TokenText& text, int n) {
  if (!text.empty() && static_cast<int>(text.tokens.size()) != n)
    throw SceneError(fmt::format("tokens: {} holds {} token{} but the scene has N = {}; give one token per position",
                                 text.path, text.tokens.size(), text.tokens.size() == 1 ? "" : "s", n));
}

std::string token_text_shown(const std::string& token, int max_chars) {
  const size_t begin = token.find_first_not_of(' '), end = token.find_last_not_of(' ');
  // A token of spaces is still a token: one open box per space, so it is seen and counted.
  if (begin == std::string::npos) {
    std::string boxes;
    for (size_t i = 0; i < token.size() && static_cast<int>(i) < max_chars; ++i) boxes += "\u2423";
    return boxes;
  }
  std::string shown;
  int chars = 0;
  for (size_t i = begin; i <= end;) {
    const char c = token[i];
    const int length = std::max(utf8_length(static_cast<unsigned char>(c)), 1);
    // The last place goes to the ellipsis when more characters follow.
    if (chars == max_chars - 1 && i + length <= end) {
      shown += "\u2026";
      break;
    }
    if (c == '\n')
      shown += "\u21b5";
    else if (c == '\t')
      shown += "\u21e5";
    else if (static_cast<unsigned char>(c) < 0x20)
      shown += "\u00b7";
    else
      shown.append(token, i, length);
    i += length;
    ++chars;
  }
  return shown;
}

int token_text_widest(const TokenText& text, int max_chars) {
  int widest = 0;
  for (const std::string& token : text.tokens) {
    const std::string shown = token_text_shown(token, max_chars);
    int chars = 0;
    for (const char c : shown) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    widest = std::max(widest, chars);
  }
  return widest;
}

}  // namespace attnscope
