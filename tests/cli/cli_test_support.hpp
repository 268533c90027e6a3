#pragma once
// Runs the CLI in-process and captures what it prints.
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli.hpp"

namespace attnscope::test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs the CLI with what it prints going to `out`; returns the exit code.
inline int cli_to(std::vector<std::string> args, std::ostream& out, std::ostream& err) {
  args.insert(args.begin(), "attnscope");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  return cli_run(static_cast<int>(argv.size()), argv.data(), out, err);
}

inline CliResult cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  CliResult r;
  r.code = cli_to(std::move(args), out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace attnscope::test
