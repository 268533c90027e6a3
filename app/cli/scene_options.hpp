#pragma once
// The scene flags shared by every subcommand: --scene FILE, then the flags given after it.
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "core/analysis/analysis.hpp"

namespace attnscope {

class SceneOptions {
 public:
  // Adds --scene, the shared scene flags and every variant's own flags to `command`.
  void attach(CLI::App& command);
  // The scene file (or the built-in classroom scene) with the given flags applied.
  // Throws SceneError.
  Scene scene() const;
  AnalyzeOptions analyze_options() const;
  // Whether the user named a scene file or set any scene flag.
  bool any_given() const;
  // Whether this shared flag (without dashes) was given.
  bool given(const std::string& name) const { return options_.at(name)->count() > 0; }

 private:
  std::string scene_file_;
  std::map<std::string, std::string> values_;  // flag name -> text as typed
  std::map<std::string, CLI::Option*> options_;
  std::string max_memory_mb_;
};

// The scene users see when they give no scene file.
Scene scene_classroom_default();

}  // namespace attnscope
