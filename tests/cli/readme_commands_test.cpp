// Every attnscope command README.md and docs/*.md show is run here, so the documentation cannot
// rot. In
// code blocks, a "$ attnscope ..." line is followed by lines its output must contain ("..."
// stands for omitted lines); a trailing "# exit N" says which exit code the command must give
// (0 otherwise). Inline `attnscope ... --flag` spans must succeed. Commands run in a scratch
// folder where `assets` and `tests` lead to the repository's, so examples can name the committed
// fixtures as a reader at the repository root would. GUI commands need a display and are covered
// by the GUI tests. The lesson (docs/lesson.md) is held tighter: every number in its prose is one
// that a command shown in the same section prints, so a fact cannot drift from its command.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
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

struct Section {
  std::string heading;                // the "## " line that opens it ("" before the first)
  std::vector<Example> examples;      // its "$ attnscope" lines and the output shown under them
  std::vector<std::string> prose;     // its lines outside code blocks
};

// A markdown file cut at its "## " headings.
std::vector<Section> doc_sections(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<Section> sections(1);
  std::string line;
  bool in_block = false;
  Example* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      current = nullptr;
      continue;
    }
    if (in_block) {
      if (line.rfind("$ attnscope ", 0) == 0) {
        sections.back().examples.push_back(example_from_command(line.substr(12)));
        current = &sections.back().examples.back();
      } else if (line.rfind("$ ", 0) == 0) {
        current = nullptr;
      } else if (current && !line.empty() && line != "...") {
        current->output.push_back(line);
      }
      continue;
    }
    if (line.rfind("## ", 0) == 0) {
      sections.push_back({line, {}, {}});
      current = nullptr;
      continue;
    }
    sections.back().prose.push_back(line);
  }
  return sections;
}

bool placeholder(const Example& e) {
  return e.args.find_first_of("<[|") != std::string::npos || e.args.find("...") != std::string::npos ||
         e.args.find("FILE") != std::string::npos;
}

// The commands of every section, and inline mentions that carry flags: "`attnscope export`
// writes ..." names a command, it does not show one.
std::vector<Example> doc_examples(const std::filesystem::path& file) {
  std::vector<Example> examples;
  const std::regex inline_command("`attnscope ([^`]+)`");
  for (const Section& section : doc_sections(file)) {
    examples.insert(examples.end(), section.examples.begin(), section.examples.end());
    for (const std::string& line : section.prose)
      for (std::sregex_iterator it(line.begin(), line.end(), inline_command), end; it != end; ++it)
        if ((*it)[1].str().find("--") != std::string::npos) examples.push_back({(*it)[1].str(), {}});
  }
  std::vector<Example> runnable;
  for (const Example& e : examples)
    if (!placeholder(e) && e.args.rfind("gui", 0) != 0) runnable.push_back(e);
  return runnable;
}

std::vector<std::filesystem::path> doc_files() {
  const std::filesystem::path root(ATTNSCOPE_SOURCE_DIR);
  std::vector<std::filesystem::path> files{root / "README.md"};
  for (const auto& entry : std::filesystem::directory_iterator(root / "docs"))
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  std::sort(files.begin() + 1, files.end());
  return files;
}

// The numbers of a text as written, thousands separators dropped: "8,392,704 cells, 25.0%" ->
// {"8392704", "25.0"}.
std::set<std::string> numbers_in(const std::string& text) {
  static const std::regex number(R"(\d+(?:,\d{3})*(?:\.\d+)?)");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), number), end; it != end; ++it) {
    std::string n = (*it)[0].str();
    n.erase(std::remove(n.begin(), n.end(), ','), n.end());
    out.insert(n);
  }
  return out;
}

// Prose without what is not a claim: code spans, link targets and image paths, and names that
// carry digits (S2-Attn, LLaMA-2, R1).
std::string claims_of(const std::string& line) {
  static const std::regex code_span("`[^`]*`");
  static const std::regex link_target(R"(\]\([^)]*\))");
  static const std::regex named(R"([A-Za-z]+-?[0-9][A-Za-z0-9]*)");
  const std::string prose = std::regex_replace(std::regex_replace(line, code_span, " "), link_target, "]");
  return std::regex_replace(prose, named, " ");
}

TEST(ReadmeCommands, EveryExampleRunsAndPrintsWhatTheDocsShow) {
  std::vector<Example> examples;
  for (const auto& file : doc_files()) {
    const auto in_file = doc_examples(file);
    examples.insert(examples.end(), in_file.begin(), in_file.end());
  }
  ASSERT_GE(examples.size(), 20u) << "the docs should show the commands they document";
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

// Each number in a section of the lesson's prose appears in a command line or a shown output line of
// that section (the test above checks that the command prints those lines).
TEST(ReadmeCommands, EveryNumberOfTheLessonIsPrintedByACommandBesideIt) {
  const auto sections = doc_sections(std::filesystem::path(ATTNSCOPE_SOURCE_DIR) / "docs" / "lesson.md");
  ASSERT_GE(sections.size(), 5u) << "the lesson has its sections";
  int checked = 0;
  for (const Section& section : sections) {
    SCOPED_TRACE(section.heading);
    std::set<std::string> printed;
    for (const Example& e : section.examples) {
      printed.merge(numbers_in(e.args));
      for (const std::string& line : e.output) printed.merge(numbers_in(line));
    }
    for (const std::string& line : section.prose)
      for (const std::string& n : numbers_in(claims_of(line))) {
        EXPECT_TRUE(printed.count(n)) << n << " in \"" << line << "\" is printed by no command of its section";
        ++checked;
      }
  }
  EXPECT_GE(checked, 20) << "the lesson states its numbers";
}

}  // namespace
}  // namespace attnscope
