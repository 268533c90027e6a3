// The lesson deck: one 16:9 page per step of the classroom scene and one per idea after them, at
// projector size (1920 × 1080 pixels: no text under 28 px, a leaking cell at least 40 px), as one
// PDF with that many pages or one PNG per page named by its page.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope {
namespace {

constexpr double kProjectorWidth = 1920;

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint32_t big_endian(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes.at(at + i));
  return v;
}

TEST(FigureLessonDeck, OnePagePerStepAndIdeaAtProjectorSize) {
  const auto a = analyze(Scene{});
  const std::vector<figure::DeckPage> pages = figure::view_lesson(*a, {});
  const size_t steps = a->trace().steps.size();
  // The steps, then the leak, the wrapped group, the symmetry, the cost and the next-token reach.
  ASSERT_EQ(pages.size(), steps + 5);
  EXPECT_EQ(pages[2].name, "step-02-roll");
  EXPECT_EQ(pages[steps].name, "leak");
  for (const figure::DeckPage& page : pages) {
    SCOPED_TRACE(page.name);
    const figure::Figure& f = page.figure;
    EXPECT_NEAR(f.width / f.height, 16.0 / 9.0, 1e-9);
    const double px = kProjectorWidth / f.width;
    for (const auto& item : f.items)
      if (const auto* t = std::get_if<figure::Text>(&item)) EXPECT_GE(t->size * px, 28.0) << "\"" << t->text << "\"";
  }
  // The leak page shows the leaking head alone; the wrapped page zooms into its leaking cells.
  const figure::Figure& leak = pages[steps].figure;
  ASSERT_EQ(leak.matrices.size(), 1u);
  EXPECT_EQ(leak.matrices.front().head, 1);
  const figure::Figure& wrapped = pages[steps + 1].figure;
  ASSERT_EQ(pages[steps + 1].name, "wrapped");
  const Rgb8 red = theme_get(ThemeName::Light).leak;
  double largest = 0;
  for (const auto& item : wrapped.items)
    if (const auto* s = std::get_if<figure::StrokeBoxes>(&item); s && s->color == red)
      for (const figure::Box& b : s->boxes) largest = std::max(largest, std::min(b.w, b.h));
  EXPECT_GE(largest * kProjectorWidth / wrapped.width, 40.0) << "a leaking cell in pixels";
}

TEST(FigureLessonDeck, PdfHasEveryPageAndPngIsOneFilePerPage) {
  const auto a = analyze(Scene{});
  const size_t pages = figure::view_lesson(*a, {}).size();
  FigureOptions o;
  o.view = FigureView::Lesson;
  o.format = FigureFormat::Pdf;
  const std::string pdf = figure_render(*a, o);
  const std::regex page_object(R"(/Type\s*/Page[^s])");
  EXPECT_EQ(static_cast<size_t>(std::distance(std::sregex_iterator(pdf.begin(), pdf.end(), page_object),
                                              std::sregex_iterator())),
            pages);

  const test::TempDir dir;
  o.format = FigureFormat::Png;
  EXPECT_THROW(figure_render(*a, o), SceneError) << "many files: only figure_export writes them";
  figure_export(*a, o, dir / "lesson.png");
  const std::vector<std::string> files = figure_deck_png_paths(*a, o, dir / "lesson.png");
  ASSERT_EQ(files.size(), pages);
  EXPECT_EQ(std::filesystem::path(files[3]).filename(), "lesson-04-step-03-concat.png");
  for (const std::string& file : files) {
    const std::string png = file_bytes(file);
    ASSERT_GT(png.size(), 24u) << file;
    EXPECT_EQ(big_endian(png, 16), 1920u) << file;  // IHDR width
    EXPECT_EQ(big_endian(png, 20), 1080u) << file;  // IHDR height
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "lesson.png"));
}

}  // namespace
}  // namespace attnscope
