// Structure-only analysis (masks, leaks, trace, metrics; no attention values) at LongLoRA's
// real settings, with ratios from the same run: against the same scene at N = 8192 (16x the
// tokens should cost about 16x, not 256x: the cost follows row runs), and against the value
// path at the largest size it handles. Run: build/tests/bench/structure_bench
#include "core/analysis/analysis.hpp"
#include "core/reach/reach.hpp"
#include "tests/bench/ratio_reporter.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

void analyse(benchmark::State& state, Scene scene, bool values, int layers) {
  AnalyzeOptions options;
  options.values = values;
  for (auto _ : state) {
    const auto a = analyze(scene, options);
    if (layers > 0) benchmark::DoNotOptimize(reach_compute(a->build.masks, layers));
    benchmark::DoNotOptimize(a->metrics.total_leaks);
  }
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  auto add = [](const std::string& name, Scene scene, bool values, int layers) {
    benchmark::RegisterBenchmark(name.c_str(), analyse, scene, values, layers)->Unit(benchmark::kMillisecond);
  };
  // Growth with N at H = 32: the baseline is N = 8192, G = 2048.
  add("s2_h32_structure/n8192", test::test_scene({.n = 8192, .heads = 32, .g = 2048}), false, 0);
  add("s2_h32_structure/n131072", test::test_scene({.n = 131072, .heads = 32, .g = 32768}), false, 0);
  add("s2_h32_structure/n131072_layers4", test::test_scene({.n = 131072, .heads = 32, .g = 32768}), false, 4);
  // Sparse Transformer's strided heads: their four-layer receptive field against their masks
  // alone (one layer holds 24 M single-key runs; the sets reach every prefix in two).
  const Scene strided = test::test_scene({.variant = "strided", .n = 131072, .heads = 32, .g = 32768});
  add("strided_h32_n131072/mask", strided, false, 0);
  add("strided_h32_n131072/layers4", strided, false, 4);
  // Structure against the value path on the paper's table scene (H = 2, the value path's size).
  add("s2_n8192_g2048_h2/values", test::test_scene({.n = 8192, .heads = 2, .g = 2048}), true, 0);
  add("s2_n8192_g2048_h2/structure", test::test_scene({.n = 8192, .heads = 2, .g = 2048}), false, 0);
  benchmark::Initialize(&argc, argv);
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("n8192");
  reporter.print_ratios("values");
  reporter.print_ratios("mask");
  benchmark::Shutdown();
  return 0;
}
