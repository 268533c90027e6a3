#pragma once
// The text of each token, from the user's tokens file: labels for the axes and the inspector. It is
// not part of the scene (the masks and weights never depend on it); figures and the GUI carry it
// beside the scene.
#include <string>
#include <vector>

namespace attnscope {

struct TokenText {
  std::string path;                 // the file it came from; empty: no text, token numbers only
  std::vector<std::string> tokens;  // one per position, as written in the file (UTF-8)
  bool empty() const { return tokens.empty(); }
  bool operator==(const TokenText&) const = default;
};

// A .json file holds a list of strings (what `tokenizer.convert_ids_to_tokens` gives, saved with
// json.dump); any other file is text read as one token per line. Throws InputError naming the file and what is
// wrong (unreadable, not UTF-8, a list holding something other than strings, no tokens).
TokenText token_text_read(const std::string& path);
// The same from the file's bytes; `path` names the file in messages and, by its extension, the form.
TokenText token_text_parse(const std::string& bytes, const std::string& path);

// Throws SceneError when the file's token count is not the scene's N, naming both.
void token_text_check(const TokenText& text, int n);

// The text shown for a token in labels: line breaks and tabs as visible marks, a token of spaces
// as open boxes, other spaces at the ends dropped, at most `max_chars` characters (an ellipsis the
// last of them when cut).
std::string token_text_shown(const std::string& token, int max_chars = 12);
// Characters (not bytes) of the longest token_text_shown(token, max_chars) among the tokens.
int token_text_widest(const TokenText& text, int max_chars = 12);

}  // namespace attnscope
