// Every registered variant describes itself completely: a preset scene that loads and renders, the
// relatives it is compared with, parameters with their own help and parseable defaults, and golden
// rows written independently of the core (or a stated reason why there are none). The LibTorch
// half of the description is checked in tests/differential/variant_reference_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/analysis/analysis.hpp"
#include "core/figure/formats.hpp"
#include "core/figure/views.hpp"
#include "core/scene/shaping_params.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

std::vector<std::string> variant_names() {
  std::vector<std::string> names;
  for (const Variant* v : variant_all()) names.push_back(v->info().name);
  return names;
}

std::set<std::string> golden_variants() {
  std::set<std::string> names;
  for (const char* file : {"/golden/masks.json", "/golden/zoo_masks.json"}) {
    std::ifstream in(std::string(ATTNSCOPE_TEST_DATA) + file);
    const nlohmann::json golden = nlohmann::json::parse(in);
    for (const auto& c : golden["cases"]) names.insert(c["variant"].get<std::string>());
  }
  return names;
}

class VariantRegistry : public ::testing::TestWithParam<std::string> {
 protected:
  const VariantInfo& info() const { return variant_find(GetParam())->info(); }
};

TEST_P(VariantRegistry, PresetLoadsAndRendersItsVariant) {
  ASSERT_FALSE(info().preset.empty()) << "declare the preset scene in the variant's info()";
  const std::string path = std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/" + info().preset + ".json";
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const Scene scene = scene_load(path);
  EXPECT_EQ(scene.variant, GetParam());
  const auto analysis = analyze(scene);
  EXPECT_GT(analysis->metrics.total_allowed, 0);
  const figure::Pixels pixels = figure::rasterize(figure::view_heatmap(*analysis, {}), 72);
  ASSERT_GT(pixels.width, 0);
  // Something besides the background was drawn.
  const std::vector<uint8_t> corner(pixels.rgb.begin(), pixels.rgb.begin() + 3);
  bool varied = false;
  for (size_t i = 0; i + 2 < pixels.rgb.size() && !varied; i += 3)
    varied = !std::equal(corner.begin(), corner.end(), pixels.rgb.begin() + static_cast<long>(i));
  EXPECT_TRUE(varied);
}

TEST_P(VariantRegistry, RelativesAreOtherVariants) {
  ASSERT_FALSE(info().relatives.empty());
  for (const std::string& other : info().relatives) {
    EXPECT_NE(other, GetParam());
    EXPECT_NE(variant_find(other), nullptr) << other;
  }
}

TEST_P(VariantRegistry, GoldenRowsOrADeclaredReason) {
  const bool golden = golden_variants().count(GetParam()) > 0;
  EXPECT_NE(golden, !info().golden_absent.empty())
      << (golden ? "golden rows exist, so drop golden_absent"
                 : "add golden rows in tests/golden/ or say why there are none in golden_absent");
}

// Help is the variant's own: it never describes another variant's use of the same name.
TEST_P(VariantRegistry, ParametersHaveOwnHelpAndParseableDefaults) {
  const Scene scene = test::test_scene({.variant = GetParam()});
  for (const ParamSpec& spec : info().params) {
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    for (const std::string& other : variant_names()) {
      if (other == GetParam()) continue;
      EXPECT_EQ(spec.help.find(other + ":"), std::string::npos) << spec.name << " mentions " << other;
    }
    if (!spec.default_value.empty()) {
      EXPECT_NO_THROW(scene_param_json(scene, spec.name)) << spec.name;
    }
  }
}

// The parameter line of CLI text and figure subtitles lists exactly what shaped the mask.
TEST_P(VariantRegistry, ShapingParamsAreDeclaredKeys) {
  const Scene scene = scene_load(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/" + info().preset + ".json");
  std::set<std::string> declared(info().uses.begin(), info().uses.end());
  for (const ParamSpec& spec : info().params) declared.insert(spec.name);
  for (const ShapingParam& p : shaping_params(scene, *variant_find(GetParam())))
    EXPECT_TRUE(declared.count(p.key)) << p.key;
}

INSTANTIATE_TEST_SUITE_P(AllVariants, VariantRegistry, ::testing::ValuesIn(variant_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(ShapingParams, FollowTheDeclaredRules) {
  Scene scene = test::test_scene({.variant = "block"});
  const Variant& block = *variant_find("block");
  // g is block's default block size: it shapes the mask until --block replaces it.
  auto keys = [&] {
    std::vector<std::string> out;
    for (const ShapingParam& p : shaping_params(scene, block)) out.push_back(p.key + "=" + p.value);
    return out;
  };
  EXPECT_EQ(keys(), (std::vector<std::string>{"g=4", "layout=local"}));
  scene.params["block"] = "8";
  EXPECT_EQ(keys(), (std::vector<std::string>{"block=8", "layout=local"}));

  Scene sf = test::test_scene({.variant = "sf"});
  const Variant& sf_variant = *variant_find("sf");
  std::vector<std::string> sf_keys;
  for (const ShapingParam& p : shaping_params(sf, sf_variant)) sf_keys.push_back(p.key);
  // proportion applies only under reading r2, and sink-causal is an unset flag.
  EXPECT_EQ(std::count(sf_keys.begin(), sf_keys.end(), "proportion"), 0);
  EXPECT_EQ(std::count(sf_keys.begin(), sf_keys.end(), "sink-causal"), 0);
  sf.params["reading"] = "r2";
  sf.params["sink-causal"] = "true";
  const auto on = shaping_params(sf, sf_variant);
  EXPECT_TRUE(std::any_of(on.begin(), on.end(), [](const ShapingParam& p) { return p.key == "proportion" && p.value == "0.75"; }));
  EXPECT_TRUE(std::any_of(on.begin(), on.end(), [](const ShapingParam& p) { return p.key == "sink-causal" && p.flag; }));
}

}  // namespace
}  // namespace attnscope
