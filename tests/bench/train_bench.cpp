// The lab's training step (core/torch/lab_run.cpp) against the same model written in PyTorch
// (train_bench_pytorch.py: same shapes, mask, Adam and one thread) in a persistent /usr/bin/python3,
// timed in the same run. Each iteration reports CPU seconds per training step.
// Run: build/tests/bench/train_bench
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <stdexcept>
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/torch/lab_run.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr int kStepsPerIteration = 50;

// Mean seconds per step of each benchmark, for the ratio printed at the end (manual time adds a
// suffix to the names that the shared ratio report does not pair).
std::map<std::string, double>& seconds_per_step() {
  static std::map<std::string, double> seconds;
  return seconds;
}

// CPU time, not wall-clock time: both sides run on one thread, and on a shared machine the CPU
// time a step takes is what stays comparable between the two.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void record(benchmark::State& state, const std::string& name, double total) {
  if (state.iterations() > 0) seconds_per_step()[name] = total / static_cast<double>(state.iterations());
}

struct Shape {
  int n, g, heads, d_model, layers, batch;
  std::string name() const {
    return "train_step_n" + std::to_string(n) + "_h" + std::to_string(heads) + "_d" + std::to_string(d_model) + "_l" +
           std::to_string(layers) + "_b" + std::to_string(batch);
  }
};

// One PyTorch process for the whole run, driven line by line over pipes.
class PyTorch {
 public:
  PyTorch() {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      // One thread, as the lab runs: PyTorch's own and OpenBLAS's pools.
      setenv("OMP_NUM_THREADS", "1", 1);
      setenv("OPENBLAS_NUM_THREADS", "1", 1);
      execl("/usr/bin/python3", "python3", ATTNSCOPE_BENCH_DIR "/train_bench_pytorch.py", nullptr);
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
  }
  ~PyTorch() {
    fclose(in_);
    fclose(out_);
    waitpid(pid_, nullptr, 0);
  }
  double seconds_per_step(const Shape& s, int vocab) {
    std::fprintf(in_, "1 %d %d %d %d %d %d %d\n", s.batch, s.n, s.heads, s.d_model, s.layers, vocab, kStepsPerIteration);
    std::fflush(in_);
    char reply[64];
    if (!std::fgets(reply, sizeof reply, out_)) throw std::runtime_error("the PyTorch baseline died");
    return std::stod(reply);
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

void train_libtorch(benchmark::State& state, const Shape& s) {
  LabRunOptions o;
  o.scene = test::test_scene({.variant = "s2", .n = s.n, .heads = s.heads, .g = s.g});
  const auto a = analyze(o.scene, test::structure_only());
  o.layers = {{a->build.masks, a->build.output_query}};
  o.settings.layers = s.layers;
  o.settings.batch = s.batch;
  o.settings.d_model = s.d_model;
  o.settings.steps = kStepsPerIteration;
  o.settings.eval_every = kStepsPerIteration;
  double total = 0;
  for (auto _ : state) {
    const double start = cpu_seconds();
    lab_run(o, {});
    const double step = (cpu_seconds() - start) / kStepsPerIteration;
    state.SetIterationTime(step);
    total += step;
  }
  record(state, s.name() + "/libtorch", total);
}

void train_pytorch(benchmark::State& state, const Shape& s) {
  static PyTorch pytorch;
  double total = 0;
  for (auto _ : state) {
    const double step = pytorch.seconds_per_step(s, 16);
    state.SetIterationTime(step);
    total += step;
  }
  record(state, s.name() + "/pytorch", total);
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  for (const Shape& s : {Shape{8, 8, 2, 64, 2, 128}, Shape{64, 16, 4, 64, 2, 32}}) {
    benchmark::RegisterBenchmark((s.name() + "/libtorch").c_str(), train_libtorch, s)
        ->UseManualTime()->Iterations(5)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((s.name() + "/pytorch").c_str(), train_pytorch, s)
        ->UseManualTime()->Iterations(5)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  std::printf("\nCPU time per training step, libtorch against pytorch, same run:\n");
  for (const auto& [name, seconds] : seconds_per_step()) {
    const size_t slash = name.rfind('/');
    if (name.substr(slash + 1) != "libtorch") continue;
    const auto base = seconds_per_step().find(name.substr(0, slash) + "/pytorch");
    if (base != seconds_per_step().end())
      std::printf("  %-40s %7.2f ms vs %7.2f ms: %5.2fx\n", name.substr(0, slash).c_str(), 1e3 * seconds,
                  1e3 * base->second, seconds / base->second);
  }
  benchmark::Shutdown();
  return 0;
}
