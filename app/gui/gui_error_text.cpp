// The core's messages about a scene in the GUI's words: keys and flags become the scene panel's
// field labels, and the fields they name are the ones to outline.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "app/gui/apply.hpp"

namespace attnscope {

namespace {

// The GUI's name for a scene key or command-line flag in the core's messages.
const std::pair<const char*, const char*> kFieldLabels[] = {
    {"n", "N tokens"}, {"g", "G group"}, {"heads", "H heads"}, {"d", "D dim"}, {"batch", "B batch"},
    {"shift", "shift"}, {"policy", "policy"}, {"seed", "seed"}, {"variant", "variant"}};

std::string field_label(const std::string& key) {
  for (const auto& [k, label] : kFieldLabels)
    if (key == k) return label;
  return key;
}

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The sizes the core's prose names by their one-letter keys ("use an n that is a multiple of g"),
// in the panel's symbols ("use an N that is a multiple of G"); a letter inside a word, a path or a
// quote stays as it is.
const std::pair<char, char> kSizeSymbols[] = {{'n', 'N'}, {'g', 'G'}, {'d', 'D'}};

std::optional<char> size_symbol(const std::string& message, size_t i) {
  for (const auto& [key, symbol] : kSizeSymbols) {
    if (message[i] != key) continue;
    const bool starts = i > 0 && (message[i - 1] == ' ' || message[i - 1] == '(');
    const char next = i + 1 < message.size() ? message[i + 1] : '\0';
    const bool ends = next == '\0' || next == ' ' || next == ',' || next == ';' || next == ')' || next == '.';
    if (starts && ends) return symbol;
  }
  return std::nullopt;
}

}  // namespace

std::string gui_error_text(const std::string& message, std::vector<std::string>& fields) {
  fields.clear();
  if (message.empty()) return message;
  auto mark = [&](const std::string& key) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) fields.push_back(key);
  };
  std::string out;
  size_t i = 0;
  // The message starts with the key it is about ("g: ..."): that field holds the bad value.
  const size_t colon = message.find(": ");
  if (colon != std::string::npos && colon > 0 &&
      std::all_of(message.begin(), message.begin() + colon, key_char)) {
    const std::string key = message.substr(0, colon);
    mark(key);
    out = field_label(key) + ": ";
    i = colon + 2;
  }
  // Values it quotes ("the group size g = 5") are in fields too.
  for (const auto& [key, label] : kFieldLabels)
    if (message.find(std::string(" ") + key + " = ") != std::string::npos) mark(key);
  // Flags it suggests ("pick a --g that divides n") become the fields to change.
  while (i < message.size()) {
    if (message.compare(i, 2, "--") == 0 && i + 2 < message.size() && std::isalpha(static_cast<unsigned char>(message[i + 2]))) {
      size_t end = i + 2;
      while (end < message.size() && key_char(message[end])) ++end;
      const std::string key = message.substr(i + 2, end - i - 2);
      mark(key);
      out += "\"" + field_label(key) + "\"";
      // A value after the flag ("--n 16") reads as the field set to it.
      if (end + 1 < message.size() && message[end] == ' ' && std::isdigit(static_cast<unsigned char>(message[end + 1])))
        out += " =";
      i = end;
    } else if (const auto symbol = size_symbol(message, i)) {
      out += *symbol;
      ++i;
    } else {
      out += message[i++];
    }
  }
  return out;
}

std::string audit_sizes_note(const Scene& sizes, const std::vector<std::string>& fields) {
  struct Given {
    const char* key;
    const char* symbol;
    int value;
  };
  const Given given[] = {{"n", "N", sizes.n}, {"heads", "H", sizes.heads}, {"d", "D", sizes.d}, {"batch", "B", sizes.batch}};
  std::string ran, named;
  for (const auto& [key, symbol, value] : given) {
    ran += fmt::format("{}{} = {}", ran.empty() ? "" : ", ", symbol, value);
    if (std::find(fields.begin(), fields.end(), key) != fields.end())
      named += fmt::format("{}\"{}\"", named.empty() ? "" : ", ", field_label(key));
  }
  if (named.empty()) return "";
  return fmt::format("the module ran with {} from the current scene; set {} to the sizes it expects and open it again",
                     ran, named);
}

}  // namespace attnscope
