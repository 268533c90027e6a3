// The audit engine against Python autograd: each module written by
// tests/fixtures/modules/make_modules.py (and make_pytorch2_modules.py, as PyTorch 2 saves them)
// comes with the cells where autograd finds
// d out[b, q, h] / d input[b', k] non-zero; the engine must find exactly those.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/scene/scene.hpp"
#include "core/torch/audit_run.hpp"

namespace attnscope {
namespace {

const std::string kModules = std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/modules/";

nlohmann::json expected_load(const std::string& name) {
  std::ifstream in(kModules + name + ".json");
  return nlohmann::json::parse(in);
}

AuditOptions options_for(const nlohmann::json& expected) {
  AuditOptions options;
  options.file = kModules + expected.at("module").get<std::string>();
  options.inputs = expected.at("inputs").get<std::string>();
  options.batch = expected.at("batch");
  options.n = expected.at("n");
  options.heads = expected.at("heads");
  options.d = expected.at("d");
  return options;
}

AuditResult audit(const std::string& name) {
  return audit_run(options_for(expected_load(name)), [](int, int) {});
}

class AuditVsAutograd : public ::testing::TestWithParam<std::string> {};

TEST_P(AuditVsAutograd, DependencyCellsMatch) {
  const nlohmann::json expected = expected_load(GetParam());
  const AuditResult result = audit_run(options_for(expected), [](int, int) {});
  ASSERT_EQ(result.dependencies.size(), expected.at("per_head").size());
  for (const auto& head : expected.at("per_head")) {
    std::vector<std::pair<int, int>> cells;
    for (const auto& cell : head.at("cells")) cells.emplace_back(cell[0], cell[1]);
    EXPECT_EQ(result.dependencies[head.at("head").get<int>()].cells(), cells) << "head " << head.at("head");
  }
  std::vector<CrossBatchCell> cross;
  for (const auto& c : expected.at("cross_batch")) cross.push_back({c[0], c[1], c[2], c[3], c[4]});
  EXPECT_EQ(result.cross_batch, cross);
}

INSTANTIATE_TEST_SUITE_P(Modules, AuditVsAutograd,
                         ::testing::Values("s2_even_g", "s2_odd_g", "s2_fix_mask", "s2_roll_in_group",
                                           "s2_sequence_first", "causal_dropped", "causal", "s2_ratio",
                                           "s2_stack1", "s2_stack2", "s2_stack3", "s2_stack7", "sdpa_causal",
                                           "sdpa_window", "sdpa_scale", "sdpa_gqa", "sdpa_maskless"),
                         [](const auto& info) { return info.param; });

// PyTorch 2's fused attention is one step of the module's trace, saying which mask it applied.
TEST(AuditSteps, ScaledDotProductAttentionIsOneStepNamingItsMask) {
  const AuditResult causal = audit("sdpa_causal");
  const auto& steps = causal.steps.steps;
  const auto attention = std::find_if(steps.begin(), steps.end(), [](const Step& s) { return s.name == "attention"; });
  ASSERT_NE(attention, steps.end());
  EXPECT_NE(attention->explanation.find("causal, aligned top-left"), std::string::npos) << attention->explanation;
  const AuditResult maskless = audit("sdpa_maskless");
  const auto open = std::find_if(maskless.steps.steps.begin(), maskless.steps.steps.end(),
                                 [](const Step& s) { return s.name == "attention"; });
  ASSERT_NE(open, maskless.steps.steps.end());
  EXPECT_NE(open->explanation.find("no mask, so every query reads every key"), std::string::npos);
}

// Batch rows that do not read each other are probed in the same passes: two rows cost the
// passes of one plus one check per row and draw, and give the same cells. Rows that do mix
// (a group view over a sequence-first layout) are probed a token of one row at a time.
TEST(AuditBatching, IndependentBatchRowsShareTheirPasses) {
  AuditOptions one = options_for(expected_load("s2_even_g"));
  one.batch = 1;
  one.n = 512;  // 16 stacked passes per draw for one batch row
  AuditOptions two = one;
  two.batch = 2;
  const AuditResult single = audit_run(one, [](int, int) {});
  const AuditResult both = audit_run(two, [](int, int) {});
  EXPECT_EQ(both.dependencies, single.dependencies);
  EXPECT_TRUE(both.cross_batch.empty());
  // Apart from one check per row and draw, only the workers' stack checks (up to 3 per worker
  // and draw, as the workers happen to start) may differ; probing the rows one after the
  // other would add 2 x 16 passes.
  EXPECT_LT(both.forwards - single.forwards, 16);
  const AuditResult mixed = audit("s2_sequence_first");
  EXPECT_FALSE(mixed.cross_batch.empty());
  EXPECT_GE(mixed.forwards, 2 * 2 * 16) << "a token of one batch row per probe";
}

TEST(AuditErrors, RaisingModuleKeepsItsMessage) {
  try {
    audit("raises");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("RuntimeError: sequence length must be a multiple of 7"),
              std::string::npos) << e.what();
  }
}

TEST(AuditErrors, WrongOutputShapeIsNamed) {
  try {
    audit("wrong_shape");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("returned shape (2, 2, 16, 8)"), std::string::npos) << e.what();
  }
}

// The tokens each row of batch 0 holds for `head` at a step.
std::vector<int> column(const Step& step, int head) {
  std::vector<int> tokens;
  for (int row = 0; row < step.rows; ++row)
    if (step.batch[row] == 0) tokens.push_back(step.token(row, head));
  return tokens;
}

const Step& step_named(const AuditResult& result, const std::string& name) {
  for (const Step& step : result.steps.steps)
    if (step.name == name) return step;
  throw std::runtime_error("no step " + name);
}

// torch.roll(x, s) puts token t in slot (t + s) mod N, so after roll(-G//2 = -2, 1) at N = 16
// slot r holds token (r + 2) mod 16 in the shifted head; the plain head is not in that tensor.
TEST(AuditSteps, RollProvenanceIsTheHandDerivedRoll) {
  const AuditResult result = audit("s2_even_g");
  const Step& roll = step_named(result, "roll");
  EXPECT_EQ(roll.shape, (std::vector<long>{2, 16, 3, 1, 8}));
  std::vector<int> rolled, missing(16, -1);
  for (int r = 0; r < 16; ++r) rolled.push_back((r + 2) % 16);
  EXPECT_EQ(column(roll, 1), rolled);
  EXPECT_EQ(column(roll, 0), missing);
  // The group view: rows r = 4·group + offset of the (B·N/G, G, ...) tensor, both heads.
  const Step& grouped = step_named(result, "view");
  EXPECT_EQ(grouped.shape, (std::vector<long>{8, 4, 3, 2, 8}));
  for (int r = 0; r < 32; ++r) EXPECT_EQ(grouped.group(r, 1), r / 4);
  EXPECT_EQ(column(grouped, 1), rolled);
  // The output is back in token order.
  std::vector<int> identity;
  for (int r = 0; r < 16; ++r) identity.push_back(r);
  ASSERT_GE(result.output_step, 0);
  EXPECT_EQ(column(result.steps.steps[result.output_step], 0), identity);
  EXPECT_EQ(column(result.steps.steps[result.output_step], 1), identity);
}

// Odd G = 5: rolled by -3, back by +2, so output position p of the shifted head holds the
// result computed for query (p + 1) mod 15.
TEST(AuditSteps, OddGroupOutputHoldsTheNextQuery) {
  const AuditResult result = audit("s2_odd_g");
  std::vector<int> next;
  for (int p = 0; p < 15; ++p) next.push_back((p + 1) % 15);
  ASSERT_GE(result.output_step, 0);
  EXPECT_EQ(column(result.steps.steps[result.output_step], 1), next);
  EXPECT_NE(audit_leak_reason(result, 1, 0, 1).find("output 0 holds the result of query 1"),
            std::string::npos) << audit_leak_reason(result, 1, 0, 1);
}

}  // namespace
}  // namespace attnscope
