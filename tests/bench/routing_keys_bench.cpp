// The routed variants' builds (scoring, selection, masks and trace) at their papers' parameters,
// each against one Eigen GEMM of the scoring shapes it computes, timed in the same run: the
// ratio says what the selection and the row runs cost on top of the products a kernel needs,
// and a table splits each build into its phases, each as its own ratio to the GEMM.
// Both sides run on one thread (the core starts none, and Eigen is built without OpenMP here).
// Run: build/tests/bench/routing_keys_bench [--benchmark_filter=quest]
#include <Eigen/Core>

#include <map>
#include <string>
#include <vector>

#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "tests/bench/phase_split.hpp"
#include "tests/bench/ratio_reporter.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kN = 8192, kHeads = 2, kD = 64;

struct Workload {
  std::string name;
  std::string variant;
  std::map<std::string, std::string> params;
  // The scoring product per head: (rows × D) · (D × cols).
  int rows, cols;
};

void gemm(benchmark::State& state, int rows, int cols) {
  const Matrix a = Matrix::Random(rows, kD), b = Matrix::Random(kD, cols);
  Matrix c(rows, cols);
  for (auto _ : state)
    for (int h = 0; h < kHeads; ++h) {
      c.noalias() = a * b;
      benchmark::DoNotOptimize(c.data());
    }
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  const int prompt = kN * 3 / 4, decoded = kN - prompt;
  const std::vector<Workload> workloads = {
      // The last 64 queries against every key.
      {"minference_vertical_slash", "minference",
       {{"pattern", "vertical-slash"}, {"last-q", "64"}, {"force-vertical", "30"}, {"force-slash", "100"},
        {"vertical", "1000"}, {"slash", "6096"}},
       64, kN},
      // Pooled query blocks against pooled key blocks.
      {"minference_block_sparse", "minference", {{"pattern", "block-sparse"}, {"block", "64"}, {"topk", "100"}},
       kN / 64, kN / 64},
      // No scores: the products of the cells it reads, sinks and band.
      {"minference_a_shape", "minference", {{"pattern", "a-shape"}, {"sinks", "128"}, {"local", "3968"}}, kN, 4096},
      {"duo", "duo", {{"retrieval-heads", "0"}, {"sinks", "128"}, {"recent", "256"}}, kN, 384},
      // The window's 32 queries against the prompt.
      {"snapkv", "snapkv", {{"prompt", std::to_string(prompt)}, {"window", "32"}, {"capacity", "2048"}, {"kernel", "7"}},
       32, prompt},
      // Each decoded query against every page's max and min.
      {"quest", "quest", {{"prompt", std::to_string(prompt)}, {"page", "16"}, {"budget", "1024"}}, decoded,
       2 * kN / 16}};
  for (const Workload& w : workloads) {
    const Scene scene = test::test_scene({.variant = w.variant, .n = kN, .heads = kHeads, .d = kD, .params = w.params});
    scene_validate(scene);
    benchmark::RegisterBenchmark((w.name + "/build").c_str(), bench::phased_build, scene)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((w.name + "/gemm").c_str(), gemm, w.rows, w.cols)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("gemm");
  reporter.print_part_ratios("gemm", bench::phase_columns());
  benchmark::Shutdown();
  return 0;
}
