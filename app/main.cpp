// attnscope: a subcommand runs the headless CLI; `gui` or no subcommand opens the desktop GUI.
#include <iostream>

#include "app/cli/cli.hpp"
#include "app/render/gui_launch.hpp"

int main(int argc, char** argv) {
  return attnscope::cli_run(argc, argv, std::cout, std::cerr, attnscope::gui_launch);
}
