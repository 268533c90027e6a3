// attnscope built without the GUI (-DATTNSCOPE_BUILD_GUI=OFF): every subcommand, and `gui` says
// that this build has none.
#include <iostream>

#include "app/cli/cli.hpp"

int main(int argc, char** argv) { return attnscope::cli_run(argc, argv, std::cout, std::cerr); }
