#include "app/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/cli/commands.hpp"
#include "app/cli/version.hpp"

namespace attnscope {

int cli_run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
            const GuiLauncher& launcher) {
  CLI::App app{"attnscope: see what sparse and shifted attention patterns attend to, step by step",
               "attnscope"};
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  app.set_version_flag("--version", version_text(), "print the version and source revision, then exit");
  app.footer("With no subcommand attnscope opens the desktop GUI on the classroom scene.");
  std::vector<std::unique_ptr<Command>> commands = commands_create(launcher);
  for (auto& command : commands) command->attach(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << "attnscope: " << e.what() << " (see 'attnscope --help')\n";
    return 2;
  }
  for (auto& command : commands)
    if (command->chosen()) {
      try {
        return command->run(out, err);
      } catch (const AnalysisCancelled&) {
        err << "\nattnscope: cancelled; nothing was written\n";
        return 130;
      } catch (const InputError& e) {
        err << "attnscope: " << e.what() << "\n";
        return 2;
      } catch (const std::exception& e) {
        err << "attnscope: " << e.what() << "\n";
        return 2;
      }
    }
  if (launcher) {
    GuiRequest request;
    request.scene = scene_classroom_default();
    return launcher(request);
  }
  err << "attnscope: no subcommand given; see 'attnscope --help'\n";
  return 2;
}

}  // namespace attnscope
