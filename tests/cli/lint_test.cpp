// lint on files written here the way numpy.save and torch.save write them. A known-leaky mask
// must make it exit 1: that proves the check can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "core/tensors/npy_format.hpp"
#include "core/torch/pt_load.hpp"
#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

using test::cli;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

void write_npy(const std::string& path, const std::string& descr, const std::vector<long>& shape,
               const std::string& data, bool fortran = false) {
  std::ofstream(path, std::ios::binary) << npy_header_text(descr, shape, fortran) << data;
}

// The classroom s2 masks as an (H, N, N) bool array: head 1 leaks (0,14) (0,15) (1,14) (1,15).
std::string s2_mask_bytes() {
  const auto a = analyze(Scene{});
  std::string bytes;
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) bytes += char(a->allowed(h, q, k) ? 1 : 0);
  return bytes;
}

TEST(Lint, KnownLeakyMaskExitsOneAndListsTheCells) {
  const std::string path = temp_path("attnscope_s2_mask.npy");
  write_npy(path, "|b1", {2, 16, 16}, s2_mask_bytes());
  const auto r = cli({"lint", path, "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "bool");
  EXPECT_EQ(j["total_leaks"], 4);
  EXPECT_EQ(j["per_head"][0]["leaks"], nlohmann::json::array());
  EXPECT_EQ(j["per_head"][1]["leaks"], (nlohmann::json{{0, 14}, {0, 15}, {1, 14}, {1, 15}}));
  const auto text = cli({"lint", path});
  EXPECT_NE(text.out.find("head 1: 40 allowed, 4 leaks: (q=0, k=14) (q=0, k=15) (q=1, k=14) (q=1, k=15)"), std::string::npos)
      << text.out;
  // Judged against a policy that allows the wrapped cells, the same mask passes.
  EXPECT_EQ(cli({"lint", path, "--policy", "bidirectional"}).code, 0);
}

TEST(Lint, CausalMaskPasses) {
  std::string bytes;
  for (int q = 0; q < 8; ++q)
    for (int k = 0; k < 8; ++k) bytes += char(k <= q);
  const std::string path = temp_path("attnscope_causal.npy");
  write_npy(path, "|u1", {8, 8}, bytes);
  const auto r = cli({"lint", path});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no leaks"), std::string::npos);
}

TEST(Lint, FortranOrderIsTransposedBackToRows) {
  // A strictly upper-triangular mask stored column-major: read correctly it leaks 28 cells.
  std::string column_major;
  for (int k = 0; k < 8; ++k)
    for (int q = 0; q < 8; ++q) column_major += char(k > q);
  const std::string path = temp_path("attnscope_fortran.npy");
  write_npy(path, "|b1", {8, 8}, column_major, true);
  const auto j = nlohmann::json::parse(cli({"lint", path, "--json"}).out);
  EXPECT_EQ(j["total_leaks"], 28);
  EXPECT_EQ(j["per_head"][0]["leaks"][0], (nlohmann::json{0, 1}));
}

TEST(Lint, TorchSavedAdditiveMaskIsReadAsAdditive) {
  MaskTensor t;
  t.shape = {1, 2, 4, 4};
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 4; ++q)
      for (int k = 0; k < 4; ++k)
        t.values.push_back(k <= q || (h == 1 && q == 0 && k == 3) ? 0.f : -INFINITY);
  const std::string path = temp_path("attnscope_additive.pt");
  pt_save(t, path);
  const auto r = cli({"lint", path, "--json"});
  EXPECT_EQ(r.code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "additive");
  EXPECT_EQ(j["shape"], (nlohmann::json{1, 2, 4, 4}));
  EXPECT_EQ(j["per_head"][1]["leaks"], (nlohmann::json{{0, 3}}));
  EXPECT_EQ(j["per_head"][1]["batch"], 0);
}

TEST(Lint, TorchSavedIndexListIsReadAsTheMaskItImplies) {
  // Blocks of 2 over 6 keys, one query per row: block b starts at key 2b. Query 1 selecting
  // block 1 (keys 2, 3) selects a block after it; query 2 selecting block 1 reads its own block,
  // whose key 3 is a leak but not a block after the query.
  MaskTensor t;
  t.dtype = MaskTensor::DType::Int;
  t.dtype_name = "int64";
  t.shape = {1, 1, 6, 2};
  t.values = {0, -1, 0, 1, 1, 0, 1, -1, 2, 1, 2, -1};
  const std::string path = temp_path("attnscope_blocks.pt");
  pt_save(t, path);
  const auto r = cli({"lint", path, "--indices", "block", "--block-size", "2", "--json"});
  ASSERT_EQ(r.code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["kind"], "block-indices");
  EXPECT_EQ(j["dtype"], "int64");
  // Query 0 reads key 1 of its block, query 1 keys 2 and 3, query 2 key 3, query 4 key 5.
  EXPECT_EQ(j["per_head"][0]["leaks"], (nlohmann::json{{0, 1}, {1, 2}, {1, 3}, {2, 3}, {4, 5}}));
  nlohmann::json future;
  for (const auto& f : j["findings"])
    if (f["class"] == "index-future") future = f["cells"];
  EXPECT_EQ(future, (nlohmann::json{{1, 1}}));
}

TEST(Lint, SoftmaxGreaterThanZeroMasksNothing) {
  // A common mistake: mask = softmax(scores) > 0 is true everywhere, since softmax is never 0.
  MaskTensor t;
  t.shape = {6, 6};
  // Rows of softmax(scores): non-negative, each summing to 1, so they read as weights.
  float row_sum = 0;
  for (int k = 0; k < 6; ++k) row_sum += std::exp(-float(k));
  for (int i = 0; i < 36; ++i) t.values.push_back(std::exp(-float(i % 6)) / row_sum);
  const std::string path = temp_path("attnscope_weights.pt");
  pt_save(t, path);
  const auto j = nlohmann::json::parse(cli({"lint", path, "--json"}).out);
  EXPECT_EQ(j["kind"], "weights");
  EXPECT_EQ(j["total_leaks"], 15);  // every cell above the diagonal
}

TEST(Lint, BadFilesGetClearMessages) {
  const std::string nan_path = temp_path("attnscope_nan.npy");
  std::string nan_bytes(4 * 4 * 4, '\0');
  const float nan = NAN;
  std::memcpy(nan_bytes.data() + 4 * 6, &nan, 4);
  write_npy(nan_path, "<f4", {4, 4}, nan_bytes);
  const std::string tall = temp_path("attnscope_tall.npy");
  write_npy(tall, "|b1", {5, 4}, std::string(20, '\1'));
  const std::string junk = temp_path("attnscope_junk.npy");
  std::ofstream(junk) << "not numpy";
  const std::string junk_pt = temp_path("attnscope_junk.pt");
  std::ofstream(junk_pt) << "not a zip";
  const std::string csv = temp_path("attnscope_mask.csv");
  std::ofstream(csv) << "1,0\n1,1\n";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"lint", nan_path}, "holds NaN at batch 0, head 0, query row 1, key 2"},
      {{"lint", tall}, "has shape (5, 4); 5 queries but only 4 keys"},
      {{"lint", junk}, "is not a NumPy .npy array we can read (no .npy magic)"},
      {{"lint", junk_pt}, "is not a tensor saved by torch.save"},
      {{"lint", csv}, "is not .npy, .npz, .safetensors or .pt"},
      {{"lint", temp_path("attnscope_missing.npy")}, "cannot open"},
      {{"lint", tall, "--kind", "maybe"}, "kind: unknown kind 'maybe'"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = cli(args);
    EXPECT_EQ(r.code, 2) << args[1];
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

}  // namespace
}  // namespace attnscope
