// Grouped causal attention: the Eigen core against LibTorch running Algorithm 1's tensor code on
// the same packed q, k, v (both on one thread), and against the core's own dense causal
// attention. Run: build/tests/bench/attention_bench
#include <ATen/Parallel.h>

#include "core/analysis/analysis.hpp"
#include "core/torch/reference.hpp"
#include "core/variants/grouped.hpp"
#include "tests/bench/ratio_reporter.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

struct Workload {
  Scene scene;
  Qkv qkv;
  FrameLayout frame;
};

Workload workload(int n, int g, int heads, int d) {
  Workload w;
  w.scene = test::test_scene({.variant = "s2", .n = n, .heads = heads, .d = d, .g = g});
  w.qkv = qkv_generate(w.scene);
  w.frame = grouped_frame_rolled(w.scene, SegmentRule::FrameCausal);
  return w;
}

void core_grouped(benchmark::State& state, int n, int g) {
  const Workload w = workload(n, g, 8, 64);
  for (auto _ : state) benchmark::DoNotOptimize(attention_grouped_output(w.qkv, w.frame));
}

void torch_grouped(benchmark::State& state, int n, int g) {
  at::set_num_threads(1);
  const Workload w = workload(n, g, 8, 64);
  for (auto _ : state) benchmark::DoNotOptimize(reference_s2_output(w.scene, w.qkv));
}

void core_dense(benchmark::State& state, int n) {
  Workload w = workload(n, n, 8, 64);
  w.scene.variant = "full";
  FrameLayout dense;
  dense.n = n;
  dense.heads.assign(8, frame_rolled(n, 0, {0}, SegmentRule::FrameCausal));
  for (auto _ : state) benchmark::DoNotOptimize(attention_grouped_output(w.qkv, dense));
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  for (const auto& [n, g] : std::vector<std::pair<int, int>>{{2048, 512}, {4096, 1024}}) {
    const std::string name = "s2_n" + std::to_string(n) + "_g" + std::to_string(g) + "_h8_d64";
    benchmark::RegisterBenchmark((name + "/torch").c_str(), torch_grouped, n, g)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "/core").c_str(), core_grouped, n, g)->Unit(benchmark::kMillisecond);
    const std::string dense = "causal_n" + std::to_string(n) + "_h8_d64";
    benchmark::RegisterBenchmark((dense + "/dense").c_str(), core_dense, n)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((dense + "/grouped_g" + std::to_string(g)).c_str(), core_grouped, n, g)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("torch");
  reporter.print_ratios("dense");
  benchmark::Shutdown();
  return 0;
}
