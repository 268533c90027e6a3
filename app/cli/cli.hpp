#pragma once
// The command line: every subcommand runs headless and is callable in-process by the tests.
#include <ostream>

#include "app/cli/gui_request.hpp"

namespace attnscope {

// Returns the process exit code: 0 success, 1 a finding (leak in lint, verify mismatch),
// 2 a usage error (with a one-line message on `err`). `gui` and the bare command call `launcher`,
// which the binary supplies from the GUI library; without one they report that there is no GUI.
int cli_run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const GuiLauncher& launcher = {});

}  // namespace attnscope
