// Slides (--size slide and the lesson deck): 16:9 pages that read from the back of a room. At a
// 1920 × 1080 page every text is at least 28 px and a leaking cell at least 40 px; the storyboard
// and the compare view become decks of several pages rather than shrinking their type; a leaking
// cell's red outline spans 40 px in the rendered PNG.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <regex>

#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/compare.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/scene/variant.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

constexpr double kProjectorWidth = 1920, kProjectorHeight = 1080;

// What a page measures at 1920 × 1080: its smallest text, its smallest matrix cell, and its
// smallest cell of a matrix that shows a leak (0 when none does).
struct PageSizes {
  double text_px = 1e9, cell_px = 1e9, leak_cell_px = 0;
};

PageSizes measure(const figure::Figure& f, const Analysis* leaks_from = nullptr) {
  PageSizes m;
  const double px = kProjectorWidth / f.width;
  for (const auto* t : test::items_of<figure::Text>(f)) m.text_px = std::min(m.text_px, t->size * px);
  for (const figure::MatrixPlacement& p : f.matrices) {
    const double cell = p.box.w / (p.cols > 0 ? p.cols : p.n) * px;
    m.cell_px = std::min(m.cell_px, cell);
    // A panel named after a variant shows that variant's leaks; "A vs B" panels show none.
    if (leaks_from && p.label == leaks_from->scene.variant && leaks_from->metrics.heads[p.head].leaks > 0)
      m.leak_cell_px = m.leak_cell_px > 0 ? std::min(m.leak_cell_px, cell) : cell;
  }
  return m;
}

void expect_projector_page(const figure::Figure& f, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_NEAR(f.width / f.height, kProjectorWidth / kProjectorHeight, 1e-9);
  const double px = kProjectorWidth / f.width;
  for (const auto* t : test::items_of<figure::Text>(f)) EXPECT_GE(t->size * px, 28.0) << "\"" << t->text << "\"";
}

FigureOptions slide(FigureView view) {
  FigureOptions o;
  o.view = view;
  o.size = FigureSize::Slide;
  return o;
}

TEST(FigureSlides, LessonLeakPageDrawsTheLeakingHeadAt40PxCells) {
  const auto a = analyze(Scene{});
  const std::vector<figure::DeckPage> pages = figure::view_lesson(*a, {});
  const auto leak = std::find_if(pages.begin(), pages.end(), [](const auto& p) { return p.name == "leak"; });
  ASSERT_NE(leak, pages.end());
  ASSERT_EQ(leak->figure.matrices.size(), 1u);
  const PageSizes m = measure(leak->figure, a.get());
  EXPECT_GE(m.leak_cell_px, 40.0);
  EXPECT_GE(m.text_px, 28.0);
  // The whole 16 × 16 matrix, not a crop.
  EXPECT_EQ(leak->figure.matrices.front().n, a->n());
  for (const figure::DeckPage& page : pages) {
    const PageSizes p = measure(page.figure, a.get());
    if (p.leak_cell_px > 0) {
      EXPECT_GE(p.leak_cell_px, 40.0) << page.name;
    }
  }
}

// The outline of a leaking cell, found in the PNG by walking from the cell's centre past the red
// cross to the outline on each side: its span is the cell as the room sees it. Where the cell lies
// on the wrapped group's border, the group's orange outline is drawn over its red one.
TEST(FigureSlides, LeakCellIsAtLeast40PxInThePng) {
  const auto a = analyze(Scene{});
  const test::TempDir dir;
  FigureOptions o;
  o.view = FigureView::Lesson;
  o.format = FigureFormat::Png;
  figure_export(*a, o, dir / "lesson.png");
  const std::vector<figure::DeckPage> pages = figure::view_lesson(*a, o);
  const std::vector<std::string> files = figure_deck_png_paths(*a, o, dir / "lesson.png");
  size_t at = 0;
  while (at < pages.size() && pages[at].name != "leak") ++at;
  ASSERT_LT(at, pages.size());
  const test::Image img = test::decode_png(files[at]);
  ASSERT_EQ(img.width, 1920);
  const figure::MatrixPlacement& m = pages[at].figure.matrices.front();
  const auto cells = a->leaks[m.head].cells();
  ASSERT_FALSE(cells.empty());
  const Rgb8 red = theme_get(ThemeName::Light).leak;
  auto is_red = [&](int x, int y) { return test::color_distance(img.at(x, y), red) < 60; };
  auto is_outline = [&](int x, int y) {
    return is_red(x, y) || test::color_distance(img.at(x, y), theme_get(ThemeName::Light).wrapped_group) < 60;
  };
  for (const auto& [q, k] : cells) {
    SCOPED_TRACE(testing::Message() << "leak (" << q << ", " << k << ")");
    const auto [cx, cy] = test::cell_pixel(m, q, k, 192);
    // Steps away from the centre until the leak colour starts again after leaving the cross.
    auto outline = [&](int dx, int dy) {
      int x = cx, y = cy, step = 0;
      while (step < 200 && is_red(x, y)) x += dx, y += dy, ++step;
      while (step < 200 && !is_outline(x, y)) x += dx, y += dy, ++step;
      return step;
    };
    // The outline found is this cell's: no wider than the cell the model placed.
    const double cell_px = m.box.w / m.n * 192 / 72;
    const int across = outline(-1, 0) + outline(1, 0) + 1, down = outline(0, -1) + outline(0, 1) + 1;
    EXPECT_GE(across, 40);
    EXPECT_GE(down, 40);
    EXPECT_LE(across, cell_px + 2);
    EXPECT_LE(down, cell_px + 2);
  }
}

TEST(FigureSlides, StoryboardIsADeckOfTwoToFourStepsAPage) {
  const auto a = analyze(Scene{});
  const FigureOptions o = slide(FigureView::Steps);
  ASSERT_TRUE(figure_is_deck(o));
  const std::vector<figure::DeckPage> pages = figure::view_steps_slides(*a, o);
  const int steps = static_cast<int>(a->trace().steps.size());
  // Every step once, in order, two to four a page (the last page may hold fewer).
  int next = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    expect_projector_page(pages[i].figure, pages[i].name);
    int shown = 0;
    for (int k = 0; k < steps; ++k)
      if (test::has_text(pages[i].figure, step_number_short(k, a->trace().steps[k].name))) {
        EXPECT_EQ(k, next) << pages[i].name;
        next = k + 1, ++shown;
      }
    EXPECT_LE(shown, 4) << pages[i].name;
    if (i + 1 < pages.size()) {
      EXPECT_GE(shown, 2) << pages[i].name;
    }
  }
  EXPECT_EQ(next, steps);
  // Token numbers stay in the cells (at 28 px or more, checked above).
  for (const figure::DeckPage& page : pages) EXPECT_TRUE(test::has_text(page.figure, "15")) << page.name;
}

TEST(FigureSlides, StoryboardGifStaysTheAnimation) {
  FigureOptions o = slide(FigureView::Steps);
  o.format = FigureFormat::Gif;
  EXPECT_FALSE(figure_is_deck(o));
}

TEST(FigureSlides, CompareIsOnePagePerHeadAndComparedVariant) {
  const auto a = analyze(Scene{});
  const FigureOptions o = slide(FigureView::Compare);
  const std::vector<figure::DeckPage> pages = figure::view_compare_slides(*a, o);
  const std::vector<std::string> variants = compare_variants(a->scene);
  ASSERT_EQ(pages.size(), static_cast<size_t>(a->heads()) * (variants.size() - 1));
  for (const figure::DeckPage& page : pages) {
    expect_projector_page(page.figure, page.name);
    ASSERT_EQ(page.figure.matrices.size(), 3u) << page.name;
    const auto& ms = page.figure.matrices;
    EXPECT_NE(ms[0].label, ms[1].label) << page.name;
    EXPECT_EQ(ms[2].label, ms[0].label + " vs " + ms[1].label);
    const PageSizes m = measure(page.figure, a.get());
    // Three 16-token matrices and a colorbar across 1920 px: about 24 px a cell.
    EXPECT_GE(m.cell_px, 23.0) << page.name;
  }
  EXPECT_EQ(pages[1].name, "head-0-s2-fix-split");
}

TEST(FigureSlides, CostSlideReadsFromTheRoom) {
  const auto a = analyze(Scene{});
  const figure::Figure f = figure::view_cost(*a, slide(FigureView::Cost));
  expect_projector_page(f, "cost");
  EXPECT_TRUE(test::has_text(f, "s2-fix-split"));
}

// The variant gallery as slides: each variant's preset as a heatmap at --size slide. A single
// leaking head is drawn with 40 px cells.
TEST(FigureSlides, GalleryHeatmapsAtSlideSize) {
  for (const Variant* v : variant_all()) {
    if (v->info().preset.empty()) continue;
    const Scene scene = test::preset(v->info().preset);
    if (scene.n > 64) continue;  // the long-context presets are drawn by their own figures
    const auto a = analyze(scene);
    const figure::Figure f = figure::view_heatmap(*a, slide(FigureView::Heatmap));
    expect_projector_page(f, v->info().name);
    const PageSizes m = measure(f, a.get());
    // Four heads (longnet) or 32 tokens (select-merge) in a row come out near 16 px a cell.
    EXPECT_GE(m.cell_px, 16.0) << v->info().name;
    std::cout << v->info().name << ": text " << m.text_px << " px, cells " << m.cell_px << " px, leak cells "
              << m.leak_cell_px << " px\n";
    if (a->heads() == 1 && m.leak_cell_px > 0) {
      EXPECT_GE(m.leak_cell_px, 40.0) << v->info().name;
    }
  }
}

TEST(FigureSlides, DecksAsPngAreOneProjectorImagePerPage) {
  const auto a = analyze(Scene{});
  const test::TempDir dir;
  for (const FigureView view : {FigureView::Steps, FigureView::Compare}) {
    FigureOptions o = slide(view);
    o.format = FigureFormat::Png;
    const std::string path = dir / (std::string(figure_view_name(view)) + ".png");
    figure_export(*a, o, path);
    const std::vector<std::string> files = figure_deck_png_paths(*a, o, path);
    ASSERT_EQ(files.size(), figure::view_deck(*a, o).size());
    EXPECT_GE(files.size(), 2u);
    for (const std::string& file : files) {
      const test::Image img = test::decode_png(file);
      EXPECT_EQ(img.width, 1920) << file;
      EXPECT_EQ(img.height, 1080) << file;
    }
    EXPECT_FALSE(std::filesystem::exists(path));
    o.format = FigureFormat::Svg;
    EXPECT_THROW(figure_render(*a, o), SceneError) << "a deck is a PDF or PNGs";
    o.format = FigureFormat::Pdf;
    const std::string pdf = figure_render(*a, o);
    const std::regex page_object(R"(/Type\s*/Page[^s])");
    EXPECT_EQ(static_cast<size_t>(std::distance(std::sregex_iterator(pdf.begin(), pdf.end(), page_object),
                                                std::sregex_iterator())),
              files.size());
  }
}

TEST(FigureSlides, CliWritesDecksByFlagOrExtension) {
  const test::TempDir dir;
  const auto pdf = test::cli({"export", "--view", "lesson", "--format", "pdf", "--out", dir / "deck"});
  ASSERT_EQ(pdf.code, 0) << pdf.err;
  EXPECT_EQ(test::read_file(dir / "deck").rfind("%PDF", 0), 0u);
  const auto png = test::cli({"export", "--view", "steps", "--size", "slide", "--out", dir / "steps.png"});
  ASSERT_EQ(png.code, 0) << png.err;
  EXPECT_NE(png.out.find("steps-01-"), std::string::npos) << png.out;
  const auto svg = test::cli({"export", "--view", "compare", "--size", "slide", "--out", dir / "c.svg"});
  EXPECT_EQ(svg.code, 2);
  EXPECT_NE(svg.err.find("one PDF"), std::string::npos) << svg.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "c.svg"));
}

// No variant is compared with itself: a repeated name is compared once, and a list that names
// only the scene's own variant is refused.
TEST(FigureSlides, CompareNeverPairsAVariantWithItself) {
  EXPECT_EQ(compare_distinct({"s2", "full", "s2", "full", "short"}), (std::vector<std::string>{"s2", "full", "short"}));
  Scene scene;
  scene.compare = {"s2", "full", "full"};
  EXPECT_EQ(compare_variants(scene), (std::vector<std::string>{"s2", "full"}));
  const figure::Figure f = figure::view_compare(*analyze(scene), FigureOptions{});
  for (const figure::MatrixPlacement& m : f.matrices) EXPECT_NE(m.label, "s2 vs s2");
  const test::TempDir dir;
  const auto r = test::cli({"export", "--view", "compare", "--compare", "s2,s2", "--out", dir / "c.png"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("never compared with itself"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "c.png"));
}

}  // namespace
}  // namespace attnscope
