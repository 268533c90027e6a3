#pragma once
// Messages quote what files hold: tensor names, and LibTorch's messages bytes of a damaged file,
// even bytes of its own memory when the file corrupted it. Before such text reaches a terminal,
// control characters (escape sequences, newlines) become '?' and it is cut to a line.
#include <string>

namespace attnscope {

inline std::string printable_line(std::string text) {
  constexpr size_t kMax = 240;
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

}  // namespace attnscope
