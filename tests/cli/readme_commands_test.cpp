// Every attnscope command the README shows is run here, so the documentation cannot rot. In
// code blocks, a "$ attnscope ..." line is followed by lines its output must contain ("..."
// stands for omitted lines); a trailing "# exit N" says which exit code the command must give
// (0 otherwise). Inline `attnscope ... --flag` spans must succeed. Commands run in a scratch
// folder where `assets` and `tests` lead to the repository's, so examples can name the committed
// fixtures as a reader at the repository root would. GUI commands need a display and are covered
// by the GUI tests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/process.hpp"

namespace attnscope {
namespace {

struct Example {
  std::string args;                 // after "attnscope "
  std::vector<std::string> output;  // lines that must appear in stdout
  int exit_code = 0;
};

// "lint mask.pt   # exit 1" -> args "lint mask.pt", exit code 1.
Example example_from_command(const std::string& command) {
  static const std::regex exit_comment(R"(^(.*?)\s+#\s*exit\s+(\d+)\s*$)");
  std::smatch match;
  if (std::regex_match(command, match, exit_comment))
    return {match[1].str(), {}, std::stoi(match[2].str())};
  return {command, {}, 0};
}

std::vector<Example> readme_examples() {
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/README.md");
  std::vector<Example> examples;
  std::string line;
  bool in_block = false;
  Example* current = nullptr;
  const std::regex inline_command("`attnscope ([^`]+)`");
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      current = nullptr;
      continue;
    }
    if (in_block) {
      if (line.rfind("$ attnscope ", 0) == 0) {
        examples.push_back(example_from_command(line.substr(12)));
        current = &examples.back();
      } else if (line.rfind("$ ", 0) == 0) {
        current = nullptr;
      } else if (current && !line.empty() && line != "...") {
        current->output.push_back(line);
      }
      continue;
    }
    // Inline mentions run only when they carry flags: "`attnscope export` writes ..." names a
    // command, it does not show one.
    for (std::sregex_iterator it(line.begin(), line.end(), inline_command), end; it != end; ++it)
      if ((*it)[1].str().find("--") != std::string::npos) examples.push_back({(*it)[1].str(), {}});
  }
  std::vector<Example> runnable;
  for (const Example& e : examples) {
    const bool placeholder = e.args.find_first_of("<[|") != std::string::npos ||
                             e.args.find("...") != std::string::npos ||
                             e.args.find("FILE") != std::string::npos;
    if (!placeholder && e.args.rfind("gui", 0) != 0) runnable.push_back(e);
  }
  return runnable;
}

TEST(ReadmeCommands, EveryExampleRunsAndPrintsWhatTheReadmeShows) {
  const auto examples = readme_examples();
  ASSERT_GE(examples.size(), 5u) << "the README should show the commands it documents";
  // One folder per run: concurrent runs from other checkouts must not swap its links.
  const auto dir = std::filesystem::temp_directory_path() / ("attnscope_readme_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  for (const char* shared : {"assets", "tests"}) {
    const auto link = dir / shared;
    std::filesystem::remove(link);
    std::filesystem::create_directory_symlink(std::filesystem::path(ATTNSCOPE_SOURCE_DIR) / shared,
                                              link);
  }
  for (const Example& e : examples) {
    SCOPED_TRACE("attnscope " + e.args);
    const std::string command =
        "cd '" + dir.string() + "' && '" + ATTNSCOPE_BINARY + "' " + e.args + " 2>&1";
    const auto [code, out] = test::process_run(command);
    EXPECT_EQ(code, e.exit_code) << out.substr(0, 500);
    for (const std::string& expected : e.output)
      EXPECT_NE(out.find(expected), std::string::npos) << "missing line: " << expected;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace attnscope
