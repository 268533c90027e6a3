// attnscope: a subcommand runs the headless CLI; no subcommand opens the GUI.
#include <iostream>

#include "app/cli/cli.hpp"

int main(int argc, char** argv) {
  if (argc > 1) return attnscope::cli_run(argc, argv, std::cout, std::cerr);
  // The GUI is not part of this build yet: show the classroom scene as text instead.
  const char* classroom[] = {"attnscope", "mask"};
  return attnscope::cli_run(2, classroom, std::cout, std::cerr);
}
