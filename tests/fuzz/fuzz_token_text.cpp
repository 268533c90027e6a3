// Tokens files: any bytes, as a .json list or as lines, either read or throw InputError; every
// label made from what was read is UTF-8 of at most the characters asked for.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/base/input_error.hpp"
#include "core/scene/token_text.hpp"

using namespace attnscope;

namespace {

int characters(const std::string& text) {
  int count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"tokens.json", "tokens.txt"}) {
    TokenText text;
    try {
      text = token_text_parse(bytes, name);
    } catch (const InputError&) {
      continue;
    }
    if (text.tokens.empty()) std::abort();
    for (const std::string& token : text.tokens)
      for (int max_chars : {1, 3, 12})
        if (characters(token_text_shown(token, max_chars)) > max_chars) std::abort();
  }
  return 0;
}
