// Token text in heatmap figures: each row's text left of its number at the row's height, each
// column's text below its number, the tokens of a window taken from where the window starts, and
// numbers alone where the cells are too small to hold the text.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/figure/source.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::items_of;

TokenText numbered_words(int n) {
  TokenText text{"words.txt", {}};
  for (int t = 0; t < n; ++t) text.tokens.push_back("w" + std::to_string(t) + "x");
  return text;
}

const figure::Text* text_item(const figure::Figure& fig, const std::string& text, bool vertical) {
  for (const auto* t : items_of<figure::Text>(fig))
    if (t->text == text && t->vertical == vertical) return t;
  return nullptr;
}

TEST(FigureTokenText, EveryRowAndColumnCarriesItsTokensText) {
  const auto a = analyze(test::test_scene({.n = 16}));
  FigureOptions o;
  o.heads = {0};
  o.token_text = numbered_words(16);
  const figure::Figure fig = figure::view_heatmap(*a, o);
  ASSERT_EQ(fig.matrices.size(), 1u);
  const figure::Box m = fig.matrices[0].box;
  const double cell = m.h / 16;
  for (int t = 0; t < 16; ++t) {
    const std::string word = "w" + std::to_string(t) + "x";
    const figure::Text* row = text_item(fig, word, false);
    ASSERT_NE(row, nullptr) << word;
    EXPECT_LT(row->x, m.x) << "row text sits left of the matrix";
    EXPECT_NEAR(row->y, m.y + (t + 0.5) * cell, 1e-6) << "at its row's centre";
    EXPECT_LE(row->size, cell) << "no taller than its row";
    const figure::Text* column = text_item(fig, word, true);
    ASSERT_NE(column, nullptr) << word;
    EXPECT_NEAR(column->x, m.x + (t + 0.5) * cell, 1e-6) << "at its column's centre";
    EXPECT_GT(column->y, m.y + m.h) << "below the matrix";
  }
  // The axis title moved below the column text instead of running through it.
  const figure::Text* title = text_item(fig, "key (column)", false);
  const figure::Text* column0 = text_item(fig, "w0x", true);
  ASSERT_TRUE(title && column0);
  EXPECT_GT(title->y, column0->y + figure::text_width("w0x", column0->size));
}

TEST(FigureTokenText, AWindowLabelsItsOwnTokens) {
  const auto a = analyze(test::test_scene({.n = 256, .g = 64}), {.values = false});
  FigureOptions o;
  o.token_text = numbered_words(256);
  o.rows = {100, 116};
  o.keys = {40, 56};
  o.heads = {0};
  const figure::Figure fig = figure::view_heatmap(*a, o);
  EXPECT_NE(text_item(fig, "w100x", false), nullptr);
  EXPECT_NE(text_item(fig, "w40x", true), nullptr);
  EXPECT_EQ(text_item(fig, "w0x", false), nullptr) << "only the window's rows";
  EXPECT_EQ(text_item(fig, "w100x", true), nullptr) << "columns are keys 40..55";
}

TEST(FigureTokenText, CellsTooSmallForTextKeepNumbersOnly) {
  const auto a = analyze(test::test_scene({.n = 512, .g = 64}), {.values = false});
  FigureOptions o;
  o.mask_only = true;
  o.heads = {0};
  o.token_text = numbered_words(512);
  const figure::Figure fig = figure::view_heatmap(*a, o);
  EXPECT_EQ(text_item(fig, "w0x", false), nullptr);
  EXPECT_EQ(text_item(fig, "w0x", true), nullptr);
  EXPECT_NE(text_item(fig, "0", false), nullptr) << "the numbers stay";
}

TEST(FigureTokenText, TheEmbeddedSourceKeepsTheText) {
  FigureOptions o;
  o.token_text = numbered_words(16);
  const auto a = analyze(test::test_scene({.n = 16}));
  const FigureSource back = figure_source_from_bytes(figure_render(*a, o), "f.png");
  EXPECT_EQ(back.options.token_text, o.token_text);
}

}  // namespace
}  // namespace attnscope
