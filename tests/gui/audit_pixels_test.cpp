// gui --audit on the odd-G module, checked pixel by pixel against independent expectations:
// leak marks exactly on the cells where Python autograd (the generator's JSON) finds a
// dependency on a later token, and at the last step the token grid showing that output
// position p of the shifted head holds query (p + 1) mod 15's result.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <tuple>

#include "core/presentation/token_motion.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

const std::string kModules = std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/modules/";

TEST(AuditPixelsGLTest, ModuleLeaksAndOutputProvenanceAreDrawn) {
  const Screenshot s = screenshot_take("--audit " + kModules + "s2_odd_g.pt --n 15", "audit_odd_g");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const Theme& theme = s.theme();
  std::ifstream in(kModules + "s2_odd_g.json");
  const auto expected = nlohmann::json::parse(in);
  std::set<std::tuple<int, int, int>> leaks;
  for (const auto& head : expected["per_head"])
    for (const auto& cell : head["cells"])
      if (cell[1] > cell[0]) leaks.insert({head["head"].get<int>(), cell[0].get<int>(), cell[1].get<int>()});
  ASSERT_EQ(leaks.size(), 18u);
  for (int head = 0; head < 2; ++head)
    for (int q = 0; q < 15; ++q)
      for (int k = 0; k < 15; ++k) {
        const auto [x, y] = s.cell_centre(head, q, k);
        EXPECT_EQ(colour_near(s, x, y, theme.leak), leaks.count({head, q, k}) > 0)
            << "head " << head << " cell (" << q << "," << k << ")";
      }
  int checked = 0;
  for (const auto& cell : s.layout["token_cells"]) {
    const int row = cell["row"], head = cell["head"];
    if (row >= 15) continue;  // batch row 1 repeats batch row 0
    const auto& r = cell["rect"];
    const int x = static_cast<int>(r[0].get<double>() + 4), y = static_cast<int>((r[1].get<double>() + r[3].get<double>()) / 2);
    const int query = head == 1 ? (row + 1) % 15 : row;
    EXPECT_LE(color_distance(s.at(x, y), token_color(query, 15)), 6) << "row " << row << " head " << head;
    ++checked;
  }
  EXPECT_EQ(checked, 30);
}

}  // namespace
}  // namespace attnscope::test
