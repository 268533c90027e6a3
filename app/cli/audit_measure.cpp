#include "app/cli/audit_measure.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "app/cli/torch_loader.hpp"
#include "core/base/input_error.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

AuditOptions audit_options(const Scene& scene, const std::string& file, const std::string& inputs) {
  AuditOptions options;
  options.file = file;
  options.inputs = inputs;
  options.n = scene.n;
  options.heads = scene.heads;
  options.d = scene.d;
  options.batch = scene.batch;
  options.seed = scene.seed;
  return options;
}

AuditResult audit_measure(const AuditOptions& options, const IsolationLimits& limits,
                          bool progress_to_stderr, const IsolatedProgress& progress) {
  if (!std::filesystem::is_regular_file(options.file))
    throw InputError("file: cannot open '" + options.file + "'; check the path");
  const bool draw = progress_to_stderr && isatty(STDERR_FILENO);
  const std::string payload = isolated_run(
      [] { torch_module(); },
      [&](const IsolatedProgress& report) {
        const AuditProgress probes = [&](int done, int total) {
          if (done % 8 != 0 && done != total) return;
          report(static_cast<double>(done) / total);
          if (!draw) return;
          std::fprintf(stderr, "\raudit: %d of %d token probes%s", done, total, done == total ? "\n" : "");
          std::fflush(stderr);
        };
        return audit_result_serialize(torch_module().audit_run(options, probes));
      },
      limits, options.file, progress);
  return audit_result_parse(payload);
}

}  // namespace attnscope
