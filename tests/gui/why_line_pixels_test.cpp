// The classroom's "why it matters" line on a 1024×768 projector: in the body type, and red only
// when it says a query can read its own next token (the sidecar reports its type and colour).
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(WhyLinePixelsGLTest, OnAProjectorTheWhyLineIsBodyTypeAndRedOnlyForAnAlarm) {
  const Screenshot s = screenshot_take("--classroom --size 1024x768", "why_line_projector");
  ASSERT_EQ(s.exit_code, 0);
  const nlohmann::json* why = nullptr;
  for (const auto& line : s.layout["lines"])
    if (line["name"] == "why") why = &line;
  ASSERT_NE(why, nullptr) << "the classroom scene leaks: its why-line is shown";
  const std::string text = (*why)["text"];
  EXPECT_GE((*why)["font_size"].get<double>(), s.layout["body_font_size"].get<double>()) << text;
  const Rgb8 drawn{(*why)["color"][0].get<uint8_t>(), (*why)["color"][1].get<uint8_t>(), (*why)["color"][2].get<uint8_t>()};
  const bool alarm = text.find("no query can") == std::string::npos;
  EXPECT_EQ(drawn == s.theme().leak, alarm) << text;
}

}  // namespace
}  // namespace attnscope::test
