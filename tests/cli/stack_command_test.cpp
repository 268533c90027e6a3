// mask, leaks and cost of a model stack: every layer reported, one layer shown with --layer, the
// receptive field through the layers, and bad stacks refused in one line.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

using test::cli;

std::string model(const std::string& name) { return std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/models/" + name + ".json"; }

TEST(StackCommand, LeaksReportsEveryLayer) {
  const auto r = cli({"leaks", "--stack", "window:window=4*2,full", "--layers", "6", "--n", "32", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["layers"].size(), 6u);
  // Named as the figure's headers and the GUI strip name them: "variant · key=value".
  EXPECT_EQ(j["layers"][0]["pattern"], "window \u00b7 window=4");
  EXPECT_EQ(j["layers"][2]["pattern"], "full");
  // A window of 4 after one layer, 7 after two, the whole prefix after the full layer 2.
  EXPECT_EQ(j["layers"][0]["reach_last"], 4);
  EXPECT_EQ(j["layers"][1]["reach_last"], 7);
  EXPECT_EQ(j["layers"][2]["reach_last"], 32);
  EXPECT_EQ(j["whole_prefix_after_layer"], 2);
  EXPECT_EQ(j["next_token_first_layer"], -1);
}

TEST(StackCommand, ALeakingLayerIsCounted) {
  const auto r = cli({"leaks", "--stack", "window:window=4,s2:g=8", "--layers", "4", "--n", "32"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("layer   1  s2 \u00b7 G=8 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("leaks         16"), std::string::npos) << r.out;
}

// Terminal columns of UTF-8 text: one per code point.
size_t columns(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

TEST(StackCommand, LongLayerNamesFitTheirColumn) {
  // Quest's entry sets three parameters ("quest · prompt=32640 · page=16 · budget=1024", 44
  // columns): the text line cuts it after its last whole parameter that fits 40 columns, so every
  // line's "leaks" starts in the same column; JSON keeps the whole name.
  const auto r = cli({"leaks", "--scene", model("quest_longchat_7b")});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::set<size_t> leaks_columns;
  int quest_lines = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("layer ", 0) != 0) continue;
    const size_t at = line.find(" leaks ");
    ASSERT_NE(at, std::string::npos) << line;
    const std::string pattern = line.substr(11, at - 11);
    EXPECT_LE(columns(pattern), 40u) << line;
    leaks_columns.insert(columns(line.substr(0, at)));
    if (pattern.rfind("quest \u00b7 ", 0) == 0) {
      ++quest_lines;
      EXPECT_NE(pattern.find(" \u2026"), std::string::npos) << "cut at a parameter, marked: " << line;
    }
  }
  EXPECT_EQ(leaks_columns.size(), 1u) << r.out;
  EXPECT_EQ(quest_lines, 30) << r.out;
  const auto j = cli({"leaks", "--scene", model("quest_longchat_7b"), "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  const std::string whole = nlohmann::json::parse(j.out)["layers"][2]["pattern"];
  EXPECT_EQ(whole.rfind("quest \u00b7 ", 0), 0u) << whole;
  EXPECT_EQ(whole.find("\u2026"), std::string::npos) << whole;
}

TEST(StackCommand, LayerShowsOneLayer) {
  const auto r = cli({"mask", "--stack", "window:window=2,full", "--n", "8", "--heads", "1", "--layer", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("q=  7 ########"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("every query reads its whole prefix after layer 1 (2 of 2 layers)"), std::string::npos) << r.out;
  const auto window = cli({"mask", "--stack", "window:window=2,full", "--n", "8", "--heads", "1", "--layer", "0"});
  EXPECT_NE(window.out.find("q=  7 ......##"), std::string::npos) << window.out;
}

TEST(StackCommand, CostTotalsTheModel) {
  const auto r = cli({"cost", "--scene", model("gemma3_27b_classroom"), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"]["layers"], 62);
  EXPECT_LT(j["model"]["attention"].get<double>(), j["model"]["attention_full"].get<double>());
  EXPECT_LT(j["model"]["total"].get<double>(), j["model"]["total_full"].get<double>());
}

TEST(StackCommand, PresetsAtTheirRealLength) {
  for (const char* name : {"gemma3_27b", "gpt_oss_120b"}) {
    const auto r = cli({"leaks", "--scene", model(name), "--json"});
    ASSERT_EQ(r.code, 0) << name << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["whole_prefix_after_layer"], std::string(name) == "gemma3_27b" ? 5 : 1) << name;
  }
}

TEST(StackCommand, BadStacksExitTwoWithOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"leaks", "--stack", "window:window=4*0"},
        std::vector<std::string>{"leaks", "--stack", "nosuch"},
        std::vector<std::string>{"mask", "--stack", "window:window=99", "--n", "16"},
        std::vector<std::string>{"leaks", "--stack", "full", "--layers", "0"},
        std::vector<std::string>{"mask", "--stack", "full", "--variant", "s2"},
        std::vector<std::string>{"leaks", "--stack", "missing.json"}}) {
    const auto r = cli(args);
    EXPECT_EQ(r.code, 2) << args[2] << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(StackCommand, ExportDrawsTheStack) {
  const std::string out = (std::filesystem::temp_directory_path() / ("attnscope_stack_" + std::to_string(getpid()) + ".png")).string();
  const auto r = cli({"export", "--scene", model("gemma3_27b_classroom"), "--view", "stack", "--out", out});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GT(std::filesystem::file_size(out), 1000u);
  std::filesystem::remove(out);
  // A scene without a stack has no layers to draw.
  const auto plain = cli({"export", "--view", "stack", "--out", out});
  EXPECT_EQ(plain.code, 2);
  EXPECT_NE(plain.err.find("--view stack draws a model's layers"), std::string::npos) << plain.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

std::string stacks(const std::string& name) { return std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/stacks/" + name; }

TEST(StackLint, TheRightLayersAreClean) {
  for (const char* file : {"right", "layer_axis.npy"}) {
    const auto r = cli({"lint", stacks(file), "--stack", "window:window=8*5,full"});
    EXPECT_EQ(r.code, 0) << file << r.out << r.err;
    EXPECT_NE(r.out.find("6 layers of 2 heads at N = 32"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("clean: every layer is the mask its stack entry gives"), std::string::npos) << r.out;
  }
}

TEST(StackLint, AMissingWindowIsNamedByItsLayer) {
  const auto r = cli({"lint", stacks("no_window"), "--stack", "window:window=8*5,full", "--json"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["layer"], 3);
  EXPECT_EQ(j["findings"][0]["text"], "layer 3 has no window: every earlier key is readable, expected window 8");
}

TEST(StackLint, APatternOneLayerLateFailsAtBothEnds) {
  const auto r = cli({"lint", stacks("shifted"), "--stack", "window:window=8*5,full"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("layer 0 has no window: every earlier key is readable, expected window 8\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layer 5 reads a window of 8: keys 8 or more tokens back are lost, expected every earlier key "
                       "(full attention)\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("layer 1 "), std::string::npos) << r.out;
}

TEST(StackLint, BadStackOrFolderExitsTwo) {
  EXPECT_EQ(cli({"lint", stacks("right"), "--stack", "window:window=8*0"}).code, 2);
  EXPECT_EQ(cli({"lint", stacks("missing"), "--stack", "full"}).code, 2);
}

}  // namespace
}  // namespace attnscope
