// The scene travels with the figure: every format embeds it, export --from reads it back, and
// redrawing gives the same bytes.
#include <gtest/gtest.h>

#include "core/figure/figure.hpp"
#include "core/figure/source.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

class FigureSourceRoundTrip : public testing::TestWithParam<FigureFormat> {};

TEST_P(FigureSourceRoundTrip, EmbeddedSceneAndOptionsComeBack) {
  Scene scene = test::test_scene({.title = "round trip: (parens) \\ backslash & <xml> \u00e9",
                                  .n = 16,
                                  .seed = 7,
                                  .compare = {"full"},
                                  .captions = {{"roll", "a custom caption"}}});
  scene.captions_key = scene_captions_key(scene);  // written for this scene
  FigureOptions o;
  o.format = GetParam();
  o.view = GetParam() == FigureFormat::Gif ? FigureView::Steps : FigureView::Compare;
  o.size = FigureSize::Single;
  o.dpi = 90;
  o.theme = ThemeName::Dark;
  o.colormap = ColormapName::Magma;
  o.heads = {1};
  o.caption = "caption \"quoted\"";
  if (o.view == FigureView::Compare) {  // a window is a heatmap's
    o.view = FigureView::Heatmap;
    o.rows = {2, 9};
    o.keys = {0, 5};
  }
  const auto a = analyze(scene);
  test::TempDir dir;
  const std::string path = dir / (std::string("f.") + figure_format_name(o.format));
  figure_export(*a, o, path);
  const FigureSource back = figure_read_source(path);
  EXPECT_EQ(back.scene, scene);
  EXPECT_EQ(back.options, o);
}

TEST_P(FigureSourceRoundTrip, RedrawingFromTheFileGivesTheSameBytes) {
  const std::string ext = figure_format_name(GetParam());
  test::TempDir dir;
  const std::string first = dir / ("first." + ext), second = dir / ("second." + ext);
  const std::string view = GetParam() == FigureFormat::Gif ? "steps" : "heatmap";
  auto r = test::cli({"export", "--view", view, "--n", "32", "--g", "8", "--dpi", "80", "--out", first});
  ASSERT_EQ(r.code, 0) << r.err;
  r = test::cli({"export", "--from", first, "--out", second});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string a = test::read_file(first), b = test::read_file(second);
  ASSERT_GT(a.size(), 100u);
  EXPECT_TRUE(a == b) << ext << ": " << a.size() << " vs " << b.size() << " bytes";
}

INSTANTIATE_TEST_SUITE_P(Formats, FigureSourceRoundTrip,
                         testing::Values(FigureFormat::Png, FigureFormat::Svg, FigureFormat::Pdf, FigureFormat::Gif),
                         [](const auto& info) { return std::string(figure_format_name(info.param)); });

TEST(FigureSource, FromOverridesOnlyWhatIsGiven) {
  test::TempDir dir;
  ASSERT_EQ(test::cli({"export", "--n", "32", "--g", "8", "--theme", "dark", "--out", dir / "a.png"}).code, 0);
  ASSERT_EQ(test::cli({"export", "--from", dir / "a.png", "--out", dir / "b.pdf"}).code, 0);
  const FigureSource b = figure_read_source(dir / "b.pdf");
  EXPECT_EQ(b.scene.n, 32);
  EXPECT_EQ(b.options.theme, ThemeName::Dark);
  EXPECT_EQ(b.options.format, FigureFormat::Pdf);
}

TEST(FigureSource, FromRefusesSceneFlagsAndForeignFiles) {
  test::TempDir dir;
  ASSERT_EQ(test::cli({"export", "--out", dir / "a.png"}).code, 0);
  auto r = test::cli({"export", "--from", dir / "a.png", "--n", "32", "--out", dir / "b.png"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--n"), std::string::npos) << r.err;
  test::write_file(dir / "plain.png", "not a figure");
  r = test::cli({"export", "--from", dir / "plain.png", "--out", dir / "c.png"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("carries no attnscope scene"), std::string::npos) << r.err;
}

TEST(FigureSource, SourcesFromOlderVersionsKeepDefaultsForMissingKeys) {
  // A figure written before GIF in-between frames existed has no "gif_tween_frames".
  const std::string old = R"({"kind": "attnscope-figure", "version": 1,
    "scene": {"variant": "s2", "n": 16},
    "figure": {"view": "heatmap", "format": "png", "dpi": 120, "theme": "dark"}})";
  const FigureSource source = figure::source_parse(old);
  EXPECT_EQ(source.scene.n, 16);
  EXPECT_EQ(source.options.dpi, 120);
  EXPECT_EQ(source.options.theme, ThemeName::Dark);
  EXPECT_EQ(source.options.gif_tween_frames, FigureOptions{}.gif_tween_frames);
  EXPECT_THROW(figure::source_parse(R"({"kind": "attnscope-figure", "scene": {"n": 16},
    "figure": {"dpi": "high"}})"), SceneError);
}

}  // namespace
}  // namespace attnscope
