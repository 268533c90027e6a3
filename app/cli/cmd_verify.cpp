// verify: the Eigen core against the LibTorch transcription of the paper's code.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/torch_loader.hpp"

namespace attnscope {

namespace {

constexpr double kTolerance = 1e-5;
// A dense (B, H, N, N) comparison above this many cells would need gigabytes.
constexpr int64_t kMaxDenseCells = int64_t{1} << 27;

class VerifyCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "verify",
                 "run the Eigen core and the LibTorch reference on the same q, k, v and compare");
  }

  int run(std::ostream& out, std::ostream&) override {
    const auto a = analysis();
    const Scene& scene = a->scene;
    const int64_t dense = int64_t{scene.batch} * scene.heads * scene.n * scene.n;
    if (dense > kMaxDenseCells)
      throw SceneError(fmt::format("n: verify compares dense (B, H, N, N) weights, {} cells here; "
                                   "use a smaller --n (at most {} for one head)",
                                   dense, static_cast<int>(std::sqrt(double(kMaxDenseCells)))));
    const ReferenceResult ref = torch_module().reference_run(scene, a->qkv);
    double output_diff = 0;
    for (size_t i = 0; i < ref.output.size(); ++i)
      output_diff = std::max(output_diff, double(std::abs(ref.output[i] - a->attention.output[i])));
    double weight_diff = 0;
    for (int b = 0; b < scene.batch; ++b)
      for (int h = 0; h < scene.heads; ++h)
        for (int q = 0; q < scene.n; ++q)
          for (int k = 0; k < scene.n; ++k) {
            const size_t index = ((size_t(b) * scene.heads + h) * scene.n + q) * scene.n + k;
            weight_diff = std::max(weight_diff, double(std::abs(ref.weights[index] - a->weight(b, h, q, k))));
          }
    const bool ok = output_diff <= kTolerance && weight_diff <= kTolerance;
    if (json_) {
      const nlohmann::json report = {{"variant", scene.variant},
                            {"n", scene.n},
                            {"h", scene.heads},
                            {"batch", scene.batch},
                            {"max_abs_diff_output", output_diff},
                            {"max_abs_diff_weights", weight_diff},
                            {"tolerance", kTolerance},
                            {"ok", ok}};
      out << report.dump(2) << "\n";
    } else {
      out << fmt::format("variant {}  n={}  heads={}  batch={}: Eigen core vs LibTorch reference\n",
                         scene.variant, scene.n, scene.heads, scene.batch);
      out << fmt::format("  max |output difference|  = {:.3g}\n", output_diff);
      out << fmt::format("  max |weight difference|  = {:.3g}\n", weight_diff);
      out << fmt::format("  {} (tolerance {:g})\n", ok ? "agree" : "DISAGREE", kTolerance);
    }
    return ok ? 0 : 1;
  }
};

}  // namespace

std::unique_ptr<Command> command_verify() { return std::make_unique<VerifyCommand>(); }

}  // namespace attnscope
