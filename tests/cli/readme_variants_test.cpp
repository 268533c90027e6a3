// The variant table of docs/variants.md lists exactly the variants `attnscope variants --json` reports, in
// its order, each with exactly its declared parameters: adding a variant or a parameter without
// documenting it fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

struct TableRow {
  std::string name;
  std::vector<std::string> params;
};

// Rows of the table under "| variant | rule | params (default) | ..." in the variants section.
std::vector<TableRow> readme_variant_rows() {
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/docs/variants.md");
  std::vector<TableRow> rows;
  bool in_table = false;
  static const std::regex code_span("`([^`]+)`");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| variant | rule | params", 0) == 0) {
      in_table = true;
      continue;
    }
    if (!in_table || line.rfind("|---", 0) == 0) continue;
    if (line.rfind("| `", 0) != 0) break;
    // Columns split on " | " (a `\|` inside a rule is not a separator).
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|' && line[i - 1] != '\\') {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    TableRow row;
    std::smatch m;
    if (std::regex_search(cells.at(0), m, code_span)) row.name = m[1];
    const std::string params = cells.at(2);
    for (auto it = std::sregex_iterator(params.begin(), params.end(), code_span); it != std::sregex_iterator(); ++it)
      row.params.push_back((*it)[1]);
    rows.push_back(row);
  }
  return rows;
}

TEST(ReadmeVariants, TableMatchesTheRegistry) {
  const auto result = test::cli({"variants", "--json"});
  ASSERT_EQ(result.code, 0);
  const auto variants = nlohmann::json::parse(result.out)["variants"];
  const std::vector<TableRow> rows = readme_variant_rows();
  ASSERT_EQ(rows.size(), variants.size()) << "one row of docs/variants.md per variant";
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].name, variants[i]["name"].get<std::string>()) << "row " << i;
    EXPECT_EQ(rows[i].params, variants[i]["params"].get<std::vector<std::string>>()) << rows[i].name;
  }
}

}  // namespace
}  // namespace attnscope
