#pragma once
// The command line: every subcommand runs headless and is callable in-process by the tests.
#include <ostream>

namespace attnscope {

// Returns the process exit code: 0 success, 1 a finding (leak in lint, verify mismatch),
// 2 a usage error (with a one-line message on `err`).
int cli_run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace attnscope
