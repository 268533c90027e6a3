// Tokens files: a JSON list of strings or one token per line, read as written; the label rule
// that makes spaces and line breaks visible and cuts long tokens at a character, never inside one.
#include <gtest/gtest.h>

#include <fstream>

#include "core/base/input_error.hpp"
#include "core/scene/token_text.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope {
namespace {

std::string written(const test::TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir / name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string error_of(const std::string& path) {
  try {
    token_text_read(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(TokenText, AJsonListKeepsEveryStringAsWritten) {
  const test::TempDir dir;
  const std::string path = written(dir, "t.json", R"(  ["The", " cat", "\n", "caf\u00e9", ""])");
  const TokenText text = token_text_read(path);
  EXPECT_EQ(text.path, path);
  EXPECT_EQ(text.tokens, (std::vector<std::string>{"The", " cat", "\n", "caf\xc3\xa9", ""}));
}

TEST(TokenText, LinesAreTokensWithoutTheirLineEnds) {
  const test::TempDir dir;
  const TokenText text = token_text_read(written(dir, "t.txt", "The\r\n cat\n\nsat\n"));
  EXPECT_EQ(text.tokens, (std::vector<std::string>{"The", " cat", "", "sat"}));
  // Only a .json name makes a JSON list: a text file may begin with the tokens "[" or "{".
  EXPECT_EQ(token_text_read(written(dir, "code.txt", "[\n{\n")).tokens, (std::vector<std::string>{"[", "{"}));
}

TEST(TokenText, BadFilesSayWhatIsWrong) {
  const test::TempDir dir;
  EXPECT_NE(error_of(dir / "missing.txt").find("cannot read"), std::string::npos);
  EXPECT_NE(error_of(written(dir, "n.json", R"(["a", 3])")).find("item 1 of the token list is number"),
            std::string::npos);
  EXPECT_NE(error_of(written(dir, "o.json", R"([)")).find("not a JSON list"), std::string::npos);
  EXPECT_NE(error_of(written(dir, "object.json", R"({"tokens": ["a"]})")).find("holds a JSON list of strings"),
            std::string::npos);
  EXPECT_NE(error_of(written(dir, "latin1.txt", "caf\xe9\n")).find("UTF-8"), std::string::npos);
  EXPECT_NE(error_of(written(dir, "empty.txt", "")).find("no tokens"), std::string::npos);
}

TEST(TokenText, ACountOtherThanNIsRefusedNamingBoth) {
  const TokenText text{"t.txt", {"a", "b", "c"}};
  EXPECT_NO_THROW(token_text_check(text, 3));
  EXPECT_NO_THROW(token_text_check(TokenText{}, 16));  // no text: nothing to check
  try {
    token_text_check(text, 16);
    FAIL() << "3 tokens for N = 16 must be refused";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find("holds 3 tokens but the scene has N = 16"), std::string::npos) << e.what();
  }
}

TEST(TokenText, LabelsShowSpacesAndBreaksAndCutAtACharacter) {
  EXPECT_EQ(token_text_shown(" cat"), "cat");
  EXPECT_EQ(token_text_shown("   "), "\u2423\u2423\u2423");
  EXPECT_EQ(token_text_shown("a\nb\tc"), "a\u21b5b\u21e5c");
  EXPECT_EQ(token_text_shown("\n"), "\u21b5");
  EXPECT_EQ(token_text_shown("abcdef", 6), "abcdef");
  EXPECT_EQ(token_text_shown("abcdefg", 6), "abcde\u2026");
  // Six characters of two bytes each: cut after the second character, not after the second byte.
  EXPECT_EQ(token_text_shown("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u2026");
  EXPECT_EQ(token_text_shown("\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u00e9");
  EXPECT_EQ(token_text_widest(TokenText{"", {"a", "\u00e9\u00e9\u00e9\u00e9", "abcdefghijklmnop"}}, 5), 5);
  EXPECT_EQ(token_text_widest(TokenText{"", {"a", "\u00e9\u00e9\u00e9\u00e9"}}, 5), 4);
}

}  // namespace
}  // namespace attnscope
