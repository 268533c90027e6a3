#include "app/cli/commands.hpp"

namespace attnscope {

std::vector<std::unique_ptr<Command>> commands_create(GuiLauncher launcher) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(command_variants());
  commands.push_back(command_mask());
  commands.push_back(command_leaks());
  commands.push_back(command_steps());
  commands.push_back(command_weights());
  commands.push_back(command_cost());
  commands.push_back(command_verify());
  commands.push_back(command_lint());
  commands.push_back(command_audit());
  commands.push_back(command_train());
  commands.push_back(command_export());
  commands.push_back(command_gui(std::move(launcher)));
  return commands;
}

}  // namespace attnscope
