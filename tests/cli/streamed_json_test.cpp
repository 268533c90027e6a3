// A streamed document prints as nlohmann would print the same document with the deferred
// values in place, one line or indented.
#include "app/cli/streamed_json.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace attnscope {
namespace {

std::string printed(const StreamedJson& streamed, const nlohmann::json& doc, int indent) {
  std::ostringstream out;
  streamed.print(doc, out, indent);
  return out.str();
}

const nlohmann::json kPlain = {{"variant", "s2"},
                               {"n", 16},
                               {"empty_list", nlohmann::json::array()},
                               {"empty_object", nlohmann::json::object()},
                               {"heads", {{{"head", 1}, {"why", "a \"quoted\" reason"}}, 2.5, nullptr}}};

TEST(StreamedJson, DocumentsWithoutDeferredValuesPrintAsNlohmannDumps) {
  const StreamedJson none;
  EXPECT_EQ(printed(none, kPlain, -1), kPlain.dump());
  EXPECT_EQ(printed(none, kPlain, 2), kPlain.dump(2));
}

TEST(StreamedJson, DeferredValuesAreWrittenInTheirPlace) {
  StreamedJson streamed;
  nlohmann::json doc = kPlain;
  doc["runs"] = streamed.defer([](std::ostream& out) { out << "[[0,12,16],[1,12,16]]"; });
  doc["heads"].push_back(streamed.defer([](std::ostream& out) { out << "[]"; }));
  nlohmann::json expected = kPlain;
  expected["runs"] = {{0, 12, 16}, {1, 12, 16}};
  expected["heads"].push_back(nlohmann::json::array());
  for (const int indent : {-1, 2}) {
    const std::string text = printed(streamed, doc, indent);
    EXPECT_EQ(nlohmann::json::parse(text), expected) << text;
  }
  EXPECT_EQ(printed(streamed, doc, -1), expected.dump());
}

}  // namespace
}  // namespace attnscope
