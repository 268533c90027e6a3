// The routed variants' choice (scores, ranking, masks and trace: the variant's build, on q, k, v
// generated once before timing) at the papers' settings, each against one Eigen matrix product
// of its own scoring shapes in the same run:
// MoBA N × D times D × N/B per head, NSA N × D times D × (compressed tokens) per head, DSA the
// causal half of N × D times D × N per head. The goal is at most 2x. A table splits each choice
// into its phases (scoring, selection, masks, trace), each as its own ratio to the product. Both sides run on one
// thread (the core starts none, and Eigen is built without OpenMP here), so the ratio compares
// like with like. Run:
// build/tests/bench/routing_blocks_bench [--routing_n=N] [--routing_heads=H] [--routing_dsa_n=N]
#include <Eigen/Core>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "tests/bench/phase_split.hpp"
#include "tests/bench/ratio_reporter.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// `heads` products of (rows × d) by (d × cols), `triangle`: only the causal half, in row chunks.
void gemm(benchmark::State& state, int heads, int rows, int d, int cols, bool triangle) {
  const Matrix q = Matrix::Random(rows, d), k = Matrix::Random(cols, d);
  Matrix out;
  for (auto _ : state)
    for (int h = 0; h < heads; ++h) {
      if (!triangle) {
        out.noalias() = q * k.transpose();
        benchmark::DoNotOptimize(out.data());
        continue;
      }
      for (int r = 0; r < rows; r += 256) {
        const int m = std::min(256, rows - r), upto = std::min(cols, r + m);
        out.noalias() = q.middleRows(r, m) * k.topRows(upto).transpose();
        benchmark::DoNotOptimize(out.data());
      }
    }
}

int flag(int& argc, char** argv, const char* name, int fallback) {
  const std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0) {
      const int value = std::atoi(argv[i] + prefix.size());
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      return value;
    }
  return fallback;
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  const int n = flag(argc, argv, "routing_n", 131072), heads = flag(argc, argv, "routing_heads", 32);
  const int dsa_n = flag(argc, argv, "routing_dsa_n", 16384), d = 8;
  auto add = [](const std::string& name, auto fn, auto... args) {
    benchmark::RegisterBenchmark(name.c_str(), fn, args...)->Unit(benchmark::kMillisecond);
  };
  const std::string size = "n" + std::to_string(n) + "_h" + std::to_string(heads);
  // MoBA: blocks of 512, top-k 3.
  add("moba_" + size + "/choice", bench::phased_build,
      test::test_scene({.variant = "moba", .n = n, .heads = heads, .params = {{"block", "512"}, {"topk", "3"}}}));
  add("moba_" + size + "/gemm", gemm, heads, n, d, (n + 511) / 512, false);
  // NSA: l = 32, d = 16, l' = 64, n = 16, w = 512, one KV head per 4 query heads.
  add("nsa_" + size + "/choice", bench::phased_build,
      test::test_scene({.variant = "nsa", .n = n, .heads = heads,
                        .params = {{"cmp-block", "32"}, {"cmp-stride", "16"}, {"block", "64"}, {"topk", "16"},
                                   {"local-blocks", "2"}, {"window", "512"}, {"kv-heads", std::to_string(std::max(1, heads / 4))}}}));
  add("nsa_" + size + "/gemm", gemm, heads, n, d, (n - 32) / 16 + 1, false);
  // DSA: key-level routing is quadratic, so a shorter N; index_topk 2048.
  const std::string dsa_size = "n" + std::to_string(dsa_n) + "_h" + std::to_string(heads);
  add("dsa_" + dsa_size + "/choice", bench::phased_build,
      test::test_scene({.variant = "dsa", .n = dsa_n, .heads = heads, .params = {{"topk", std::to_string(std::min(2048, dsa_n))}}}));
  add("dsa_" + dsa_size + "/gemm", gemm, heads, dsa_n, d, dsa_n, true);
  benchmark::Initialize(&argc, argv);
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("gemm");
  reporter.print_part_ratios("gemm", bench::phase_columns());
  benchmark::Shutdown();
  return 0;
}
