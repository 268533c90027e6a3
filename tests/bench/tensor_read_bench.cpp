// Reading one head of a large bfloat16 q from a .safetensors file as float32, against one plain
// sequential read() of the whole file, in the same run: the file is mapped, so a head costs the
// pages it lies on, not the file. The workload is a (1, N, 32, 128) tensor, by default N = 32768
// (256 MiB); --tensor_n shrinks it. Two heads: head 5 read as (B, N, H, D) (N runs of 128
// values, 8 KiB apart) and as (B, H, N, D) (one run of N * 128). After the timings, the file is
// dropped from the page cache and each head read once more, and the pages then in the cache are
// counted: what reading a head brought from disk.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/tensors/tensor_file.hpp"
#include "tests/bench/ratio_reporter.hpp"

namespace attnscope {
namespace {

constexpr int kHeads = 32, kD = 128, kHead = 5;
int g_n = 32768;

std::string tensor_path() {
  return (std::filesystem::temp_directory_path() / ("attnscope_bench_q_" + std::to_string(g_n) + ".safetensors"))
      .string();
}

int64_t tensor_bytes() { return int64_t{g_n} * kHeads * kD * 2; }

// A safetensors file of one bfloat16 tensor "q", written row by row.
void write_tensor() {
  const std::string path = tensor_path();
  if (std::filesystem::exists(path)) return;
  std::string header = "{\"q\":{\"dtype\":\"BF16\",\"shape\":[1," + std::to_string(g_n) + "," +
                       std::to_string(kHeads) + "," + std::to_string(kD) + "],\"data_offsets\":[0," +
                       std::to_string(tensor_bytes()) + "]}}";
  header.append((8 - header.size() % 8) % 8, ' ');
  std::ofstream out(path + ".part", std::ios::binary);
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  out << header;
  std::vector<uint16_t> row(kHeads * kD);
  for (int n = 0; n < g_n; ++n) {
    for (size_t i = 0; i < row.size(); ++i) {
      const float value = std::sin(0.37f * static_cast<float>(i) + static_cast<float>(n));
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      row[i] = static_cast<uint16_t>(bits >> 16);
    }
    out.write(reinterpret_cast<const char*>(row.data()), static_cast<std::streamsize>(row.size() * 2));
  }
  out.close();
  std::filesystem::rename(path + ".part", path);
}

// One head as (B, N, H, D) or as (B, H, N, D).
TensorRuns head_runs(bool bnhd) {
  if (bnhd) return {int64_t{kHead} * kD, kD, int64_t{kHeads} * kD, g_n};
  return {int64_t{kHead} * g_n * kD, int64_t{g_n} * kD, 0, 1};
}

void read_head(bool bnhd, std::vector<float>& out) {
  const TensorFile file = TensorFile::open(tensor_path());
  file.read(*file.find("q"), head_runs(bnhd), out.data());
}

void BM_Read(benchmark::State& state) {
  std::vector<char> chunk(4 << 20);
  int64_t sum = 0;
  for (auto _ : state) {
    std::ifstream in(tensor_path(), std::ios::binary);
    while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) sum += chunk[0];
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(std::filesystem::file_size(tensor_path())));
}

void BM_Head(benchmark::State& state, bool bnhd) {
  std::vector<float> head(static_cast<size_t>(g_n) * kD);
  for (auto _ : state) {
    read_head(bnhd, head);
    benchmark::DoNotOptimize(head.data());
  }
  state.counters["head_MiB"] = double(g_n) * kD * 2 / (1 << 20);
}

// The file's pages in the page cache after dropping it from the cache and reading one head.
double cached_mib_after_one_head(bool bnhd) {
  const std::string path = tensor_path();
  const int fd = ::open(path.c_str(), O_RDONLY);
  const size_t size = std::filesystem::file_size(path);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  std::vector<float> head(static_cast<size_t>(g_n) * kD);
  read_head(bnhd, head);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  ::mincore(map, size, resident.data());
  size_t pages = 0;
  for (unsigned char r : resident) pages += r & 1;
  ::munmap(map, size);
  ::close(fd);
  return double(pages) * page / (1 << 20);
}

}  // namespace
}  // namespace attnscope

int main(int argc, char** argv) {
  using namespace attnscope;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--tensor_n=", 11) == 0) g_n = std::atoi(argv[i] + 11);
    else args.push_back(argv[i]);
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  write_tensor();
  const std::string workload = "bf16_q_1x" + std::to_string(g_n) + "x32x128";
  benchmark::RegisterBenchmark((workload + "/read").c_str(), BM_Read)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark((workload + "/head_bnhd").c_str(), BM_Head, true)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark((workload + "/head_bhnd").c_str(), BM_Head, false)->Unit(benchmark::kMillisecond);
  bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios("read");
  std::printf("file %.0f MiB, one head %.1f MiB; in the page cache after one head from a cold file: "
              "%.1f MiB as (B, N, H, D), %.1f MiB as (B, H, N, D)\n",
              double(tensor_bytes()) / (1 << 20), double(g_n) * kD * 2 / (1 << 20), cached_mib_after_one_head(true),
              cached_mib_after_one_head(false));
  return 0;
}
