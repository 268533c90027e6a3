// Figure export: time and file size by N and format, and the same heatmap drawn by matplotlib
// (imshow + savefig in a persistent /usr/bin/python3) as the baseline, in the same run.
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "tests/bench/ratio_reporter.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope::bench {
namespace {

constexpr int kDpi = 200;

std::shared_ptr<const Analysis> analysis_of(int n) {
  static std::map<int, std::shared_ptr<const Analysis>> cache;
  auto& a = cache[n];
  if (!a) a = analyze(test::test_scene({.n = n, .g = std::max(4, n / 4)}));
  return a;
}

void export_figure(benchmark::State& state, int n, FigureFormat format, bool mask_only) {
  const auto a = analysis_of(n);
  FigureOptions o;
  o.format = format;
  o.dpi = kDpi;
  o.mask_only = mask_only;
  size_t bytes = 0;
  for (auto _ : state) {
    const std::string file = figure_render(*a, o);
    bytes = file.size();
    benchmark::DoNotOptimize(file.data());
  }
  state.counters["KiB"] = static_cast<double>(bytes) / 1024.0;
}

// Dense (H, N, N) float32 weights with NaN on masked cells, as a .npy file.
std::string write_weights_npy(const Analysis& a, const std::string& path) {
  const int n = a.n(), h = a.heads();
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(h) + ", " +
                       std::to_string(n) + ", " + std::to_string(n) + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  for (int head = 0; head < h; ++head)
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < n; ++k) {
        const float w = a.allowed(head, q, k) ? a.weight(0, head, q, k) : NAN;
        out.write(reinterpret_cast<const char*>(&w), 4);
      }
  return path;
}

// One matplotlib process for the whole run, driven line by line over pipes.
class Matplotlib {
 public:
  Matplotlib() {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      execl("/usr/bin/python3", "python3", ATTNSCOPE_BENCH_DIR "/figure_bench_matplotlib.py", nullptr);
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
  }
  ~Matplotlib() {
    fclose(in_);
    fclose(out_);
    waitpid(pid_, nullptr, 0);
  }
  void render(const std::string& weights, const std::string& png) {
    std::fprintf(in_, "%s %s %d\n", weights.c_str(), png.c_str(), kDpi);
    std::fflush(in_);
    char reply[64];
    if (!std::fgets(reply, sizeof reply, out_)) throw std::runtime_error("matplotlib baseline died");
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

void heatmap_matplotlib(benchmark::State& state, int n) {
  static Matplotlib matplotlib;
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string weights = write_weights_npy(*analysis_of(n), dir + "/attnscope-bench-" + std::to_string(n) + ".npy");
  const std::string png = dir + "/attnscope-bench-matplotlib.png";
  matplotlib.render(weights, png);  // warm-up: font cache, first-figure setup
  for (auto _ : state) matplotlib.render(weights, png);
  state.counters["KiB"] = static_cast<double>(std::filesystem::file_size(png)) / 1024.0;
  std::filesystem::remove(weights);
}

void register_all() {
  for (int n : {16, 128, 512, 1024}) {
    const std::string w = "heatmap_png_n" + std::to_string(n);
    // No ->Arg here: the ratio report pairs names that differ only in their last part.
    benchmark::RegisterBenchmark((w + "/attnscope").c_str(), [n](benchmark::State& s) {
      export_figure(s, n, FigureFormat::Png, false);
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((w + "/matplotlib").c_str(), [n](benchmark::State& s) {
      heatmap_matplotlib(s, n);
    })->Unit(benchmark::kMillisecond);
  }
  const std::pair<const char*, FigureFormat> formats[] = {
      {"png", FigureFormat::Png}, {"svg", FigureFormat::Svg}, {"pdf", FigureFormat::Pdf}, {"gif", FigureFormat::Gif}};
  for (const auto& [name, format] : formats)
    for (bool mask : {false, true})
      for (int n : {16, 128, 1024})
        benchmark::RegisterBenchmark(
            (std::string("export_") + name + (mask ? "_mask" : "_weights") + "_n" + std::to_string(n)).c_str(),
            [format = format, mask, n](benchmark::State& s) { export_figure(s, n, format, mask); })
            ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace attnscope::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  attnscope::bench::register_all();
  attnscope::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("matplotlib");
  return 0;
}
