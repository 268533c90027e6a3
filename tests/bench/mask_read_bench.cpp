// Reading a large user mask for lint: a (1, H, N, N) bool .npy is streamed row by row, so memory
// stays near a couple of heads' masks and the time near one plain read of the file. Both are
// measured in the same run: "read" is the baseline (the file read once in 4 MiB chunks),
// "lint" the whole judgement (scan, reading, policy check). Peak resident memory is reported
// as a counter. Default: the (1, 32, 8192, 8192), 2 GiB; --mask_n/--mask_heads shrink it.
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/masks/mask_file.hpp"
#include "core/masks/mask_lint.hpp"
#include "core/masks/mask_reading.hpp"
#include "core/tensors/npy_format.hpp"
#include "tests/bench/ratio_reporter.hpp"

namespace attnscope {
namespace {

int g_n = 8192, g_heads = 32;

std::string mask_path() {
  return (std::filesystem::temp_directory_path() /
          ("attnscope_bench_mask_" + std::to_string(g_heads) + "x" + std::to_string(g_n) + ".npy"))
      .string();
}

// A causal bool mask per head, written one row at a time.
void write_mask() {
  const std::string path = mask_path();
  if (std::filesystem::exists(path)) return;
  std::ofstream out(path + ".part", std::ios::binary);
  out << npy_header_text("|b1", {1, g_heads, g_n, g_n});
  std::vector<char> row(g_n);
  for (int h = 0; h < g_heads; ++h)
    for (int q = 0; q < g_n; ++q) {
      for (int k = 0; k < g_n; ++k) row[k] = k <= q;
      out.write(row.data(), g_n);
    }
  out.close();
  std::filesystem::rename(path + ".part", path);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void BM_MaskRead(benchmark::State& state) {
  std::vector<char> chunk(4 << 20);
  int64_t sum = 0;
  for (auto _ : state) {
    std::ifstream in(mask_path(), std::ios::binary);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0)
      sum += chunk[0];
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(std::filesystem::file_size(mask_path())));
}

void BM_MaskLint(benchmark::State& state) {
  int64_t leaks = 0;
  for (auto _ : state) {
    const MaskScan scan = mask_scan(mask_file_open(mask_path()));
    const MaskReading reading = mask_reading(scan, MaskKind::Auto);
    leaks += mask_lint(reading.cells, scan.shape, policy_parse("causal", g_n), MaskAlign::BottomRight, "")
                 .total_leaks();
  }
  if (leaks != 0) state.SkipWithError("a causal mask must not leak");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(std::filesystem::file_size(mask_path())));
  state.counters["peak_rss_MiB"] = peak_rss_mib();
  state.counters["one_head_MiB"] = double(g_n) * g_n / (1 << 20);
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mask_n=", 9) == 0) attnscope::g_n = std::atoi(argv[i] + 9);
    else if (std::strncmp(argv[i], "--mask_heads=", 13) == 0) attnscope::g_heads = std::atoi(argv[i] + 13);
    else args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  attnscope::write_mask();
  const std::string workload = "mask_" + std::to_string(attnscope::g_heads) + "x" + std::to_string(attnscope::g_n);
  benchmark::RegisterBenchmark((workload + "/read").c_str(), attnscope::BM_MaskRead)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark((workload + "/lint").c_str(), attnscope::BM_MaskLint)->Unit(benchmark::kMillisecond);
  attnscope::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("read");
  std::printf("peak resident memory %.0f MiB; one head's bool mask is %.0f MiB\n", attnscope::peak_rss_mib(),
              double(attnscope::g_n) * attnscope::g_n / (1 << 20));
  return 0;
}
