// The command line in-process: each line of the input is one argument. Whatever the arguments,
// cli_run returns 0, 1 or 2, and exit 2 comes with a one-line message on stderr. LibTorch is not
// in this build, so `verify` and `.pt` files exercise the "cannot load" path.
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"

using namespace attnscope;

namespace {

// Large scenes are a question of time and memory budgets, not of parsing: inputs whose numbers
// multiply past this bound are skipped so each run stays fast.
constexpr double kMaxWork = 1 << 20;

bool input_bounded(const std::vector<std::string>& args) {
  double work = 1;
  for (const std::string& arg : args) {
    for (size_t i = 0; i < arg.size();) {
      if (!std::isdigit(static_cast<unsigned char>(arg[i]))) {
        ++i;
        continue;
      }
      double value = 0;
      for (; i < arg.size() && std::isdigit(static_cast<unsigned char>(arg[i])); ++i)
        value = value * 10 + (arg[i] - '0');
      work *= value > 1 ? value : 1;
      if (work > kMaxWork) return false;
    }
  }
  return true;
}

// Files the commands write (export --out, gui --screenshot) land in a scratch folder, never in
// the folder the fuzzer was started from: arguments naming other folders are skipped below.
// The move happens at the first input, after libFuzzer has started its jobs and read the corpus
// (give corpus folders as absolute paths: new inputs are written there).
void enter_scratch_folder() {
  static const bool entered = [] {
    std::string scratch = (std::filesystem::temp_directory_path() / "attnscope_fuzz_cli.XXXXXX").string();
    return mkdtemp(scratch.data()) && chdir(scratch.c_str()) == 0;
  }();
  if (!entered) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  enter_scratch_folder();
  std::vector<std::string> args{"attnscope"};
  std::string arg;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      args.push_back(arg);
      arg.clear();
    } else {
      arg += static_cast<char>(data[i]);
    }
  }
  if (!arg.empty()) args.push_back(arg);
  for (const std::string& a : args)
    if (a.find('/') != std::string::npos) return 0;
  if (!input_bounded(args)) return 0;
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  // A launcher that opens nothing: `gui` and the bare command stop after parsing.
  const GuiLauncher no_window = [](const GuiRequest&) { return 0; };
  const int code = cli_run(static_cast<int>(argv.size()), argv.data(), out, err, no_window);
  if (code < 0 || code > 2) std::abort();
  if (code == 2) {
    const std::string message = err.str();
    if (message.empty() || message.find('\n') != message.size() - 1) std::abort();
  }
  // Files written by export pile up otherwise.
  for (const auto& entry : std::filesystem::directory_iterator("."))
    std::filesystem::remove_all(entry.path());
  return 0;
}
