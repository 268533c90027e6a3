// audit's cost as a multiple of the module's own forward pass, both measured in the same run:
// LongLoRA's S2 code (group = N/4) at (B, N, 3, H, D) = (1, 256, 3, 8, 64) and (1, 1024, 3, 8, 64).
// Run: build/tests/bench/audit_bench
#include <benchmark/benchmark.h>

#include <string>

#include "core/torch/audit_run.hpp"

namespace attnscope {
namespace {

void audit_module(benchmark::State& state, int n) {
  AuditOptions options;
  options.file = std::string(ATTNSCOPE_FIXTURES) + "/modules/s2_ratio.pt";
  options.batch = 1;
  options.n = n;
  options.heads = 8;
  options.d = 64;
  AuditResult result;
  for (auto _ : state) result = audit_run(options, [](int, int) {});
  state.counters["forward_ms"] = result.forward_seconds * 1e3;
  state.counters["forwards"] = result.forwards;
  state.counters["audit_x_forward"] = result.seconds / result.forward_seconds;
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  for (const int n : {256, 1024})
    benchmark::RegisterBenchmark(("audit_s2_n" + std::to_string(n) + "_h8_d64").c_str(), audit_module, n)
        ->Unit(benchmark::kSecond)
        ->Iterations(1);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
}
