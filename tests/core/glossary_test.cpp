// The glossary: terms are found in step text, and docs/glossary.md defines every one of them.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/analysis/analysis.hpp"
#include "core/presentation/glossary.hpp"

namespace attnscope {
namespace {

std::vector<std::string> names(const std::vector<const GlossaryTerm*>& terms) {
  std::vector<std::string> out;
  for (const GlossaryTerm* t : terms) out.push_back(t->term);
  return out;
}

TEST(Glossary, FindsWholeWordsAndAliases) {
  EXPECT_EQ(names(glossary_terms_in("The causal mask compares frame slots; a leak follows.")),
            (std::vector<std::string>{"frame", "slot", "leak"}));
  EXPECT_TRUE(glossary_terms_in("groupings").empty());  // not the word "group"
  EXPECT_EQ(names(glossary_terms_in("cu_seqlens = [0, 2, 6]")), (std::vector<std::string>{"cu_seqlens"}));
}

TEST(Glossary, EveryS2StepNamesATerm) {
  const auto a = analyze(Scene{});
  for (const Step& s : a->trace().steps)
    EXPECT_FALSE(glossary_terms_in(s.explanation + " " + s.why).empty()) << s.name;
}

TEST(Glossary, TheDocsDefineEveryTerm) {
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/docs/glossary.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t begin = doc.find("<!-- section:glossary -->");
  const size_t end = doc.find("<!-- /section:glossary -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string section = doc.substr(begin, end - begin);
  for (const GlossaryTerm& t : glossary())
    EXPECT_NE(section.find("**" + t.term + "**"), std::string::npos) << t.term;
}

}  // namespace
}  // namespace attnscope
