// q, k, v at the scale of a long-context model: (1, 131072, 32, 128) bfloat16, 1 GiB each. A view
// of one head reads that head, converts it alone to float32 and gives the file's pages back as it
// goes, so the process stays far below the file's 3 GiB. The file is sparse (all zeros, no disk
// used), which makes every score equal: the weights of a row are 1 / (its allowed keys).
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope {
namespace {

constexpr int64_t kN = 131072, kHeads = 32, kD = 128;
constexpr int64_t kTensorBytes = kN * kHeads * kD * 2;

std::string sparse_safetensors(const test::TempDir& dir) {
  nlohmann::json header;
  int64_t offset = 0;
  for (const char* name : {"q", "k", "v"}) {
    header[name] = {{"dtype", "BF16"}, {"shape", {1, kN, kHeads, kD}}, {"data_offsets", {offset, offset + kTensorBytes}}};
    offset += kTensorBytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  const std::string path = dir / "long.safetensors";
  {
    std::ofstream out(path, std::ios::binary);
    const uint64_t length = text.size();
    out.write(reinterpret_cast<const char*>(&length), 8);
    out << text;
  }
  std::filesystem::resize_file(path, 8 + text.size() + offset);
  return path;
}

TEST(QkvScale, OneHeadOfAGibibyteTensorIsReadWithoutHoldingTheFile) {
  const test::TempDir dir;
  const std::string file = sparse_safetensors(dir);
  // Query 131000 of an unshifted head sits in the last group of 32768 (keys 98304..131000).
  const auto r = test::process_run(std::string(ATTNSCOPE_BINARY) + " weights --qkv " + file +
                                   " --variant s2 --g 32768 --head 3 --rows 131000:131001 --keys 98300:98308 --json");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto printed = nlohmann::json::parse(r.out);
  const auto& row = printed["heads"][0]["weights"][0];
  ASSERT_EQ(row.size(), 8u);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(row[k].get<double>(), 0.0) << "key " << 98300 + k << " is in another group";
  for (int k = 4; k < 8; ++k) EXPECT_NEAR(row[k].get<double>(), 1.0 / (131000 - 98304 + 1), 1e-9);
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  const double peak_mib = usage.ru_maxrss / 1024.0;
  // One head in float32 is 3 × 64 MiB; the file is 3 GiB, and the head's pages alone 1.5 GiB.
  EXPECT_LT(peak_mib, 768) << "peak resident memory of the weights command";
  RecordProperty("peak_mib", static_cast<int>(peak_mib));
}

}  // namespace
}  // namespace attnscope
