// Users' own q, k, v (--qkv): every format drives `weights`, whose numbers equal NumPy's masked
// softmax of the same tensors (tests/fixtures/tensors/make_reference_weights.py) and, for every
// variant, a plain masked softmax computed here from the file's q and k and the variant's mask;
// the scene takes N, H, D and B from the file; bad files and contradicting flags exit 2 with one
// line naming what is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/variant.hpp"
#include "core/tensors/tensor_file.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope {
namespace {

using test::cli;

constexpr int kB = 2, kN = 8, kH = 4;

std::string fixture(const std::string& name) { return std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/tensors/" + name; }

// weights --json of one batch row as a (H, N, N) array.
std::vector<float> printed_weights(std::vector<std::string> args, int sequence) {
  args.insert(args.begin(), "weights");
  for (const std::string a : {"--json", "--sequence"}) args.push_back(a);
  args.push_back(std::to_string(sequence));
  const auto r = cli(args);
  EXPECT_EQ(r.code, 0) << r.err;
  if (r.code != 0) return {};
  std::vector<float> out;
  const nlohmann::json printed = nlohmann::json::parse(r.out);
  for (const auto& head : printed["heads"])
    for (const auto& row : head["weights"])
      for (const auto& w : row) out.push_back(w.get<float>());
  return out;
}

struct ReferenceCase {
  std::string file;
  std::vector<std::string> flags;
  std::string expected;
  double tolerance;
};

class WeightsAgainstNumPy : public testing::TestWithParam<ReferenceCase> {};

TEST_P(WeightsAgainstNumPy, EveryCellOfEveryHeadAndBatchRow) {
  const ReferenceCase& c = GetParam();
  const TensorFile expected_file = TensorFile::open(fixture(c.expected));
  const std::vector<float> expected = expected_file.read(expected_file.entries().at(0));  // (B, H, N, N)
  ASSERT_EQ(expected.size(), static_cast<size_t>(kB * kH * kN * kN));
  std::vector<std::string> args = {"--qkv", fixture(c.file)};
  args.insert(args.end(), c.flags.begin(), c.flags.end());
  Scene scene;
  scene.qkv = fixture(c.file);
  scene.layer = c.file.rfind("layers", 0) == 0 ? std::optional<int>(0) : std::nullopt;
  scene.qkv_layout = c.file.find("bhnd") != std::string::npos ? "bhnd" : "";
  const int batches = qkv_file_sizes(scene).batch;  // the rank-3 file is batch row 0 alone
  for (int b = 0; b < batches; ++b) {
    const std::vector<float> got = printed_weights(args, b);
    ASSERT_EQ(got.size(), static_cast<size_t>(kH * kN * kN));
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(double(got[i]) - expected[b * got.size() + i]));
    EXPECT_LT(worst, c.tolerance) << c.file << " batch row " << b;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, WeightsAgainstNumPy,
    testing::Values(ReferenceCase{"qkv_f32.npz", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"qkv_f32_compressed.npz", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"qkv_f32.safetensors", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"packed_qkv_f32.npy", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"packed_qkv_f32.pt", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"qkv_bhnd_f32.npz", {"--variant", "full", "--qkv-layout", "bhnd"},
                                  "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"qkv_rank3_f32.npz", {"--variant", "full"}, "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"layers_named_f32.safetensors", {"--variant", "full", "--layer", "0"},
                                  "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"layers_axis_f32.npz", {"--variant", "full", "--layer", "0"},
                                  "expected_full_weights.npy", 1e-5},
                    ReferenceCase{"qkv_f32.npz", {"--variant", "window", "--window", "3"},
                                  "expected_window3_weights.npy", 1e-5},
                    ReferenceCase{"qkv_gqa_f32.safetensors", {"--variant", "full"}, "expected_gqa_full_weights.npy",
                                  1e-5},
                    // Rounded to 16 bits, the scores move by up to ~1e-2 (bfloat16: 8 bits of mantissa).
                    ReferenceCase{"qkv_f16.safetensors", {"--variant", "full"}, "expected_full_weights.npy", 5e-3},
                    ReferenceCase{"qkv_bf16.safetensors", {"--variant", "full"}, "expected_full_weights.npy", 3e-2},
                    ReferenceCase{"qkv_bf16.pt", {"--variant", "full"}, "expected_full_weights.npy", 3e-2}),
    [](const auto& info) {
      std::string name = info.param.file + "_" + info.param.expected;
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

// Every variant's weights on loaded q, k, v are the softmax of q·k/√D over its mask's cells,
// computed here in double from the file's tensors (so a layout, head or batch mix-up shows).
TEST(WeightsOfLoadedQkv, EveryVariantIsAPlainMaskedSoftmaxOfTheFilesTensors) {
  Scene scene;
  scene.qkv = fixture("qkv_rank3_f32.npz");  // one batch row: h2o and topk choose per sequence
  scene = qkv_file_sizes(scene);
  const auto tensors = qkv_file_open(scene);
  for (const Variant* variant : variant_all()) {
    if (variant->info().name == "file") continue;  // a user's mask file, not a pattern
    Scene s = scene;
    s.variant = variant->info().name;
    s.g = 4;
    // BigBird's default blocks leave no room for a random block in 8 tokens.
    if (s.variant == "bigbird") s.params = {{"block", "1"}};
    AnalyzeOptions structure;
    structure.values = false;
    const auto analysis = analyze(s, structure);
    for (int b = 0; b < s.batch; ++b) {
      std::vector<std::string> args = {"weights", "--json", "--qkv", s.qkv, "--variant", s.variant, "--sequence",
                                       std::to_string(b)};
      for (const auto& [key, value] : s.params) args.insert(args.end(), {"--" + key, value});
      const auto r = cli(args);
      ASSERT_EQ(r.code, 0) << s.variant << ": " << r.err;
      const auto heads = nlohmann::json::parse(r.out)["heads"];
      for (int h = 0; h < kH; ++h) {
        const QkvHead head = tensors->head(b, h);
        double worst = 0;
        for (int q = 0; q < kN; ++q) {
          std::vector<double> scores(kN, -INFINITY);
          double top = -INFINITY;
          for (int k = 0; k < kN; ++k) {
            if (!analysis->allowed(h, q, k)) continue;
            double dot = 0;
            for (int i = 0; i < 8; ++i) dot += double(head.q[q * 8 + i]) * head.k[k * 8 + i];
            scores[k] = dot / std::sqrt(8.0);
            top = std::max(top, scores[k]);
          }
          double sum = 0;
          for (int k = 0; k < kN; ++k) sum += std::isinf(scores[k]) ? 0 : std::exp(scores[k] - top);
          for (int k = 0; k < kN; ++k) {
            const double expected = std::isinf(scores[k]) ? 0 : std::exp(scores[k] - top) / sum;
            worst = std::max(worst, std::abs(expected - heads[h]["weights"][q][k].get<double>()));
          }
        }
        EXPECT_LT(worst, 1e-5) << s.variant << " batch row " << b << " head " << h;
      }
    }
  }
}

TEST(WeightsOfLoadedQkv, TheSceneTakesItsSizesFromTheFileAndSaysWhatItRead) {
  const auto r = cli({"weights", "--qkv", fixture("qkv_gqa_f32.safetensors"), "--head", "3", "--rows", "0:4",
                      "--keys", "0:4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("read q, k, v", 0), 0u) << "the first line says what was read: " << r.out;
  EXPECT_NE(r.out.find("head 3"), std::string::npos) << r.out;
  const auto mask = cli({"mask", "--json", "--qkv", fixture("qkv_f32.npz"), "--variant", "full"});
  ASSERT_EQ(mask.code, 0) << mask.err;
  EXPECT_EQ(nlohmann::json::parse(mask.out)["n"], kN);
}

TEST(WeightsOfLoadedQkv, WritesANpyFileOfTheWindow) {
  test::TempDir dir;
  const std::string out = dir / "w.npy";
  const auto r = cli({"weights", "--qkv", fixture("qkv_f32.npz"), "--variant", "full", "--head", "1,2", "--rows",
                      "2:6", "--keys", "0:8", "--out", out});
  ASSERT_EQ(r.code, 0) << r.err;
  const TensorFile written = TensorFile::open(out);
  EXPECT_EQ(written.entries().at(0).shape, (std::vector<long>{2, 4, 8}));
  const std::vector<float> values = written.read(written.entries().at(0));
  const auto json = nlohmann::json::parse(
      cli({"weights", "--json", "--qkv", fixture("qkv_f32.npz"), "--variant", "full", "--head", "2"}).out);
  EXPECT_FLOAT_EQ(values[4 * 8 + 1 * 8 + 0], json["heads"][0]["weights"][3][0].get<float>());
  EXPECT_EQ(cli({"weights", "--qkv", fixture("qkv_f32.npz"), "--out", dir / "w.csv"}).code, 2);
}

// A model's weights given with --attention are what every view shows, judged against the policy.
TEST(AttentionFile, ItsWeightsAreTheHeatmapsAndItsLeaksAreJudged) {
  const TensorFile expected_file = TensorFile::open(fixture("expected_full_weights.npy"));
  const std::vector<float> expected = expected_file.read(expected_file.entries().at(0));  // (B, H, N, N)
  // The file variant draws batch row 0 of the file.
  const std::vector<float> got = printed_weights({"--attention", fixture("expected_full_weights.npy")}, 0);
  ASSERT_EQ(got.size(), static_cast<size_t>(kH * kN * kN));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_FLOAT_EQ(got[i], expected[i]);
  EXPECT_EQ(cli({"leaks", "--attention", fixture("expected_full_weights.npy")}).code, 0);
  const auto leaks = cli({"leaks", "--json", "--attention", fixture("attention_unmasked_weights.npz")});
  EXPECT_EQ(leaks.code, 0) << leaks.err;
  EXPECT_EQ(nlohmann::json::parse(leaks.out)["total_leaks"], kH * kN * (kN - 1) / 2);
  test::TempDir dir;
  EXPECT_EQ(cli({"export", "--attention", fixture("attention_unmasked_weights.npz"), "--out", dir / "a.png"}).code, 0);
}

struct BadCase {
  std::vector<std::string> args;
  std::string message;
};

TEST(QkvFileErrors, EachBadInputExitsTwoWithOneLineNamingIt) {
  const std::vector<BadCase> cases = {
      {{"--qkv", fixture("bad_nan.npz")}, "nan at"},
      {{"--qkv", fixture("bad_inf.safetensors")}, "inf at"},
      {{"--qkv", fixture("bad_rank.npz")}, "shape"},
      {{"--qkv", fixture("bad_d_mismatch.npz")}, "shape"},
      {{"--qkv", fixture("bad_n_mismatch.npz")}, "shape"},
      {{"--qkv", fixture("bad_kv_heads.npz")}, "heads"},
      {{"--qkv", fixture("bad_int64.npz")}, "int64"},
      {{"--qkv", fixture("bad_missing_v.npz")}, "v"},
      {{"--qkv", fixture("bad_truncated.npy")}, "bad_truncated.npy"},
      {{"--qkv", fixture("bad_truncated.safetensors")}, "bad_truncated.safetensors"},
      {{"--qkv", fixture("bad_offsets_past_end.safetensors")}, "bad_offsets_past_end.safetensors"},
      {{"--qkv", fixture("bad_overlap.safetensors")}, "overlap"},
      {{"--qkv", fixture("no_such_file.npz")}, "no_such_file.npz"},
      {{"--qkv", fixture("qkv_f32.npz"), "--n", "16"}, "n: the scene says N = 16 but q, k, v in qkv_f32.npz have N = 8"},
      {{"--qkv", fixture("qkv_f32.npz"), "--heads", "2"}, "heads: the scene says H = 2"},
      {{"--qkv", fixture("qkv_f32.npz"), "--qkv-layout", "nhbd"}, "qkv-layout"},
      {{"--qkv", fixture("layers_named_f32.safetensors")}, "--layer"},
      {{"--attention", fixture("qkv_f32.npz")}, "qkv_f32.npz holds 3 tensors"},
      {{"--attention", fixture("q_f32.npy")}, "attention weights are (B, H, N, N)"},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args = {"weights"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = cli(args);
    EXPECT_EQ(r.code, 2) << c.args[1] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace attnscope
