// attnscope train: the lab measures S2-Attn's leak on uniformly random tokens, where no honest
// model beats ln V. The checks are against numbers the test derives itself: ln V, the receptive
// field stacked with plain loops over the core's masks, and the saved q, k, v recomputed by the core.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "app/cli/lab_train.hpp"
#include "core/analysis/analysis.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/stack.hpp"
#include "core/tensors/tensor_file.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/support/process.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::cli;

// A small run that still separates: one group of 8 tokens (G = N), 1 layer (the wrapped group lets
// query 3 read token 4 directly), 400 steps of batch 64.
const std::vector<std::string> kLeakRun = {"train", "--n", "8", "--g", "8", "--layers", "1", "--steps", "400",
                                           "--batch", "64", "--d-model", "32", "--lr", "3e-3", "--json"};
constexpr double kMargin = 0.5;

nlohmann::json train_json(const std::string& variant, std::vector<std::string> more = {}) {
  std::vector<std::string> args = kLeakRun;
  args.insert(args.end(), {"--variant", variant});
  args.insert(args.end(), more.begin(), more.end());
  const auto r = cli(args);
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Train, S2ReadsItsTargetAndFailsUnderFullCausal) {
  const nlohmann::json j = train_json("s2");
  const double floor = std::log(16.0);
  EXPECT_NEAR(j["ln_vocab"].get<double>(), floor, 1e-12);
  const auto train = j["train_loss_per_position"].get<std::vector<double>>();
  const auto causal = j["eval_full_causal_loss_per_position"].get<std::vector<double>>();
  int leaked = 0;
  for (size_t p = 0; p < train.size(); ++p)
    if (train[p] < floor - kMargin) {
      ++leaked;
      EXPECT_GT(causal[p], floor + kMargin) << "position " << p;
    }
  EXPECT_GE(leaked, 1);
}

TEST(Train, S2FixMaskStaysAtTheFloor) {
  const nlohmann::json j = train_json("s2-fix-mask");
  const double floor = std::log(16.0);
  for (const char* key : {"train_loss_per_position", "eval_full_causal_loss_per_position"})
    for (double loss : j[key].get<std::vector<double>>()) EXPECT_NEAR(loss, floor, 0.15) << key;
}

// Which positions p can read token p+1 after the layers, stacked by hand: every layer each query
// takes the union of what its allowed keys (and itself, the residual path) held before.
// allowed(layer, head, query, key).
template <typename Allowed>
std::vector<int> stacked_reach(int n, int heads, int layers, const Allowed& allowed) {
  std::vector<std::vector<bool>> holds(n, std::vector<bool>(n, false));
  for (int q = 0; q < n; ++q) holds[q][q] = true;
  for (int l = 0; l < layers; ++l) {
    auto next = holds;
    for (int h = 0; h < heads; ++h)
      for (int q = 0; q < n; ++q)
        for (int k = 0; k < n; ++k)
          if (allowed(l, h, q, k))
            for (int t = 0; t < n; ++t)
              if (holds[k][t]) next[q][t] = true;
    holds = next;
  }
  std::vector<int> reachable;
  for (int p = 0; p + 1 < n; ++p)
    if (holds[p][p + 1]) reachable.push_back(p);
  return reachable;
}

// The same scene in every layer.
std::vector<int> stacked_reach(const Scene& scene, int layers) {
  const auto a = analyze(scene, test::structure_only());
  return stacked_reach(scene.n, scene.heads, layers, [&](int, int h, int q, int k) { return a->allowed(h, q, k); });
}

// A two-layer stack [s2, full]: S2's wrapped group in layer 0, plain causal attention in layer 1.
constexpr int kStackN = 8, kStackG = 8;
bool stack_allowed(const Analysis& s2, int layer, int h, int q, int k) {
  return layer == 0 ? s2.allowed(h, q, k) : k <= q;
}

TEST(Train, ReachableTargetsMatchAStackedMask) {
  struct Case {
    std::string variant;
    int n, g, layers;
  };
  for (const Case& c : {Case{"s2", 16, 4, 1}, Case{"s2", 16, 4, 7}, Case{"s2", 16, 4, 9}, Case{"s2", 8, 8, 2},
                        Case{"s2-fix-mask", 16, 4, 9}, Case{"short", 16, 4, 3}}) {
    const auto r = cli({"train", "--variant", c.variant, "--n", std::to_string(c.n), "--g", std::to_string(c.g),
                        "--layers", std::to_string(c.layers), "--steps", "1", "--batch", "2", "--d-model", "8",
                        "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto reported = nlohmann::json::parse(r.out)["reachable_target_positions"].get<std::vector<int>>();
    EXPECT_EQ(reported, stacked_reach(test::test_scene({.variant = c.variant, .n = c.n, .g = c.g}), c.layers))
        << c.variant << " N=" << c.n << " G=" << c.g << " L=" << c.layers;
  }
}

TEST(Train, JsonHasTheDocumentedShape) {
  const auto r = cli({"train", "--n", "8", "--g", "8", "--steps", "7", "--eval-every", "3", "--batch", "4",
                      "--d-model", "8", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"variant", "task", "vocab", "ln_vocab", "layers", "steps", "seconds", "train_loss_per_position",
                          "eval_full_causal_loss_per_position", "reachable_target_positions", "curves"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["variant"], "s2");
  EXPECT_EQ(j["task"], "random");
  EXPECT_EQ(j["steps"], 7);
  EXPECT_EQ(j["train_loss_per_position"].size(), 7u);
  EXPECT_EQ(j["eval_full_causal_loss_per_position"].size(), 7u);
  std::vector<int> steps;
  for (const auto& point : j["curves"]) {
    steps.push_back(point["step"].get<int>());
    EXPECT_TRUE(point.contains("train_loss") && point.contains("eval_loss"));
  }
  EXPECT_EQ(steps, (std::vector<int>{1, 3, 6, 7}));
}

TEST(Train, TasksRun) {
  for (const char* task : {"copy", "sort", "text"}) {
    const auto r = cli({"train", "--task", task, "--n", "8", "--g", "8", "--steps", "2", "--batch", "2",
                        "--d-model", "8", "--json"});
    ASSERT_EQ(r.code, 0) << task << ": " << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["task"], task);
    if (std::string(task) == "text") EXPECT_GT(j["vocab"].get<int>(), 30);  // the README's characters
    else EXPECT_EQ(j["vocab"], 16);
  }
}

// The trainer receives each layer's own masks: the core's S2 masks for layer 0 and, for layer 1,
// causal cells written here as k <= q.
TEST(Train, StackLayersTrainUnderTheirOwnMasks) {
  Scene scene = test::test_scene({.variant = "s2", .n = kStackN, .heads = 2, .g = kStackG});
  scene.stack = stack_to_json(stack_parse("s2,full")).dump();
  const auto s2 = analyze(test::test_scene({.variant = "s2", .n = kStackN, .heads = 2, .g = kStackG}),
                          test::structure_only());
  const LabMasks masks = lab_masks(scene, 2, test::structure_only());
  ASSERT_EQ(masks.layers.size(), 2u);
  for (int l = 0; l < 2; ++l) {
    ASSERT_EQ(masks.layers[l].masks.size(), 2u);
    for (int h = 0; h < 2; ++h)
      for (int q = 0; q < kStackN; ++q)
        for (int k = 0; k < kStackN; ++k)
          EXPECT_EQ(masks.layers[l].masks[h].contains(q, k), stack_allowed(*s2, l, h, q, k))
              << "layer " << l << " head " << h << " cell " << q << "," << k;
  }
  const auto expected_reach = stacked_reach(kStackN, 2, 2, [&](int l, int h, int q, int k) {
    return stack_allowed(*s2, l, h, q, k);
  });
  EXPECT_EQ(masks.reachable_target_positions, expected_reach);

  const auto r = cli({"train", "--stack", "s2,full", "--n", std::to_string(kStackN), "--g", std::to_string(kStackG),
                      "--steps", "2", "--batch", "2", "--d-model", "8", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["layers"], 2);
  EXPECT_EQ(j["reachable_target_positions"].get<std::vector<int>>(), expected_reach);
  // S2's wrapped group in layer 0 lets some positions reach their target: the comparison is not empty.
  EXPECT_FALSE(expected_reach.empty());
}

// A routed training at N = 16, small enough for a test: 200 steps of 32 sequences.
nlohmann::json routed_json(const std::vector<std::string>& variant) {
  std::vector<std::string> args = {"train", "--n", "16", "--task", "random", "--steps", "200", "--batch", "32",
                                   "--d-model", "32", "--lr", "3e-3", "--json"};
  args.insert(args.end(), variant.begin(), variant.end());
  const auto r = cli(args);
  EXPECT_EQ(r.code, 0) << variant[1] << ": " << r.err;
  return nlohmann::json::parse(r.out);
}

// Data-dependent variants re-select every layer's masks per sequence from the model's own q and
// k. The causal ones cannot let a position read its target, however they choose: on random tokens
// every position stays at ln V (to within the floor margin) under the training masks.
TEST(Train, RoutedVariantsTrainAndStayAtTheFloor) {
  const std::vector<std::vector<std::string>> cases = {
      {"--variant", "moba", "--block", "4", "--topk", "2"}, {"--variant", "dsa", "--topk", "4"},
      {"--variant", "topk", "--topk", "4"}};
  for (const auto& variant : cases) {
    const nlohmann::json j = routed_json(variant);
    EXPECT_EQ(j["variant"], variant[1]);
    const double floor = j["ln_vocab"].get<double>();
    for (double loss : j["train_loss_per_position"].get<std::vector<double>>())
      EXPECT_GE(loss, floor - kLabFloorMargin) << variant[1];
    EXPECT_TRUE(j["reachable_target_positions"].empty()) << variant[1];
  }
}

// A stack's routed layer re-selects per sequence too; with [full, moba] no layer lets a position
// read its target.
TEST(Train, AStacksRoutedLayerTrains) {
  const nlohmann::json j = routed_json({"--stack", "full,moba"});
  const double floor = j["ln_vocab"].get<double>();
  EXPECT_EQ(j["layers"], 2);
  for (double loss : j["train_loss_per_position"].get<std::vector<double>>()) EXPECT_GE(loss, floor - kLabFloorMargin);
  EXPECT_TRUE(j["reachable_target_positions"].empty());
}

// MoBA without the token causal mask reads its own block whole, and a row with fewer than K
// earlier blocks the next block too: those positions learn to copy their target.
TEST(Train, MoBAWithoutTheTokenCausalMaskLeaksInTraining) {
  const nlohmann::json j = routed_json({"--variant", "moba", "--block", "4", "--topk", "2", "--pitfall"});
  const double floor = j["ln_vocab"].get<double>();
  const auto train = j["train_loss_per_position"].get<std::vector<double>>();
  const auto reachable = j["reachable_target_positions"].get<std::vector<int>>();
  int leaked = 0;
  for (size_t p = 0; p < train.size(); ++p)
    if (lab_below_floor(train[p], floor)) {
      ++leaked;
      EXPECT_TRUE(std::count(reachable.begin(), reachable.end(), static_cast<int>(p))) << "position " << p;
    }
  EXPECT_GE(leaked, 8);
}

TEST(Train, BadInputExitsTwoWithOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"--task", "nope"},      {"--d-model", "63"},        {"--lr", "-1"},           {"--steps", "0"},
      {"--layers", "0"},       {"--save", "model.txt"},    {"--task", "copy", "--n", "7", "--g", "7"},
      {"--vocab", "1"},        {"--max-memory", "1", "--batch", "4096"},             {"--save", "/no/such/dir/m.safetensors"},
      {"--task", "text", "--text", "/no/such/file"},        {"--steps", "many"},
      {"--stack", "s2,full", "--layers", "3"}};
  for (const auto& extra : cases) {
    std::vector<std::string> args = {"train", "--steps", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = cli(args);
    EXPECT_EQ(r.code, 2) << extra[0] << " " << extra[1];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(Train, DivergingLossNamesTheStepAndALowerRate) {
  const auto r = cli({"train", "--n", "8", "--g", "8", "--steps", "50", "--batch", "4", "--d-model", "8", "--lr", "1e30"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("at step"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("lower --lr"), std::string::npos) << r.err;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("attnscope-train-" + std::to_string(getpid()) + "-" + name)).string();
}

// The saved q, k, v opened as any --qkv file: the core's attention on them equals the weights the
// model computed in training.
TEST(Train, SavedModelOpensAsQkvAndReproducesItsAttention) {
  const std::string path = temp_path("model.safetensors");
  const auto r = cli({"train", "--n", "8", "--g", "8", "--heads", "2", "--layers", "2", "--steps", "30", "--batch", "8",
                      "--d-model", "16", "--save", path});
  ASSERT_EQ(r.code, 0) << r.err;
  const TensorFile file = TensorFile::open(path);
  for (int layer : {0, 1}) {
    Scene scene = test::test_scene({.variant = "s2", .n = 8, .g = 8});
    scene.qkv = path;
    scene.layer = layer;
    scene = qkv_file_sizes(scene);
    const auto a = analyze(scene);
    ASSERT_EQ(a->scene.heads, 2);
    ASSERT_EQ(a->scene.d, 8);
    const TensorEntry* entry = file.find("layers." + std::to_string(layer) + ".attention_weights");
    ASSERT_NE(entry, nullptr);
    const std::vector<float> weights = file.read(*entry);  // (1, H, N, N)
    double diff = 0;
    for (int h = 0; h < 2; ++h)
      for (int q = 0; q < 8; ++q)
        for (int k = 0; k < 8; ++k)
          diff = std::max(diff, double(std::abs(weights[(h * 8 + q) * 8 + k] - a->weight(0, h, q, k))));
    EXPECT_LE(diff, 1e-5) << "layer " << layer;
  }
  const auto exported = cli({"weights", "--qkv", path, "--layer", "1", "--variant", "s2", "--g", "8", "--json"});
  EXPECT_EQ(exported.code, 0) << exported.err;

  // A damaged copy and a foreign file: one line and exit 2.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string damaged = temp_path("damaged.safetensors"), foreign = temp_path("foreign.safetensors");
  std::ofstream(damaged, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::ofstream(foreign, std::ios::binary) << "this is not a tensor file at all";
  for (const std::string& bad : {damaged, foreign}) {
    const auto opened = cli({"weights", "--qkv", bad, "--layer", "1", "--json"});
    EXPECT_EQ(opened.code, 2) << bad;
    EXPECT_EQ(std::count(opened.err.begin(), opened.err.end(), '\n'), 1) << opened.err;
  }
  for (const std::string& p : {path, damaged, foreign}) std::filesystem::remove(p);
}

// Ctrl-C (SIGINT, sent until the process is gone) stops training at once: exit 130, no file.
TEST(Train, InterruptStopsAndWritesNothing) {
  const std::string path = temp_path("interrupted.safetensors");
  const std::string command = std::string("'") + ATTNSCOPE_BINARY + "' train --n 8 --g 8 --steps 1000000 --save '" + path +
                              "' 2>/dev/null & pid=$!; sleep 1; for i in $(seq 120); do kill -INT $pid 2>/dev/null || "
                              "break; sleep 1; done; wait $pid; echo \"exit $?\"";
  const auto [code, out] = test::process_run(command);
  EXPECT_NE(out.find("exit 130"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(path));
}

// The lab figure reads train's JSON; anything else is refused with one line.
TEST(Train, LabFigureDrawsATrainingRun) {
  const auto r = cli({"train", "--n", "8", "--g", "8", "--steps", "3", "--batch", "4", "--d-model", "8", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string run = temp_path("run.json"), png = temp_path("lab.png"), bad = temp_path("bad.json");
  std::ofstream(run) << r.out;
  std::ofstream(bad) << R"({"variant": "s2"})";
  const auto drawn = cli({"export", "--view", "lab", "--lab-result", run, "--out", png});
  EXPECT_EQ(drawn.code, 0) << drawn.err;
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"export", "--view", "lab", "--lab-result", bad, "--out", png},
        std::vector<std::string>{"export", "--view", "lab", "--out", png},
        std::vector<std::string>{"export", "--lab-result", run, "--out", png}}) {
    const auto refused = cli(args);
    EXPECT_EQ(refused.code, 2);
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
  for (const std::string& p : {run, png, bad}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace attnscope
