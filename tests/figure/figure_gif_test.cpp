// The step animation read back with giflib: one frame per step, held frames where tokens move,
// a loop block, and frames that are the same raster as the tokens view.
#include <gif_lib.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

struct Gif {
  int frames = 0, width = 0, height = 0;
  std::vector<int> delays_cs;
  bool loops = false;
  std::vector<Rgb8> first_pixels;  // first frame, decoded through the colour table
  std::vector<Rgb8> last_pixels;   // every frame drawn in turn onto the canvas (DISPOSE_DO_NOT)
  int partial_frames = 0;          // frames stored as a sub-rectangle of the canvas
};

Gif read_gif(const std::string& path) {
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  if (!gif) throw std::runtime_error(GifErrorString(error));
  Gif out;
  if (DGifSlurp(gif) != GIF_OK) throw std::runtime_error(GifErrorString(gif->Error));
  out.frames = gif->ImageCount;
  out.width = gif->SWidth, out.height = gif->SHeight;
  for (int i = 0; i < gif->ImageCount; ++i) {
    GraphicsControlBlock gcb;
    DGifSavedExtensionToGCB(gif, i, &gcb);
    out.delays_cs.push_back(gcb.DelayTime);
    const SavedImage& img = gif->SavedImages[i];
    for (int e = 0; e < img.ExtensionBlockCount; ++e)
      if (img.ExtensionBlocks[e].Function == APPLICATION_EXT_FUNC_CODE && img.ExtensionBlocks[e].ByteCount == 11 &&
          std::memcmp(img.ExtensionBlocks[e].Bytes, "NETSCAPE2.0", 11) == 0)
        out.loops = true;
  }
  const SavedImage& first = gif->SavedImages[0];
  const ColorMapObject* map = first.ImageDesc.ColorMap ? first.ImageDesc.ColorMap : gif->SColorMap;
  for (int p = 0; p < first.ImageDesc.Width * first.ImageDesc.Height; ++p) {
    const GifColorType c = map->Colors[first.RasterBits[p]];
    out.first_pixels.push_back({c.Red, c.Green, c.Blue});
  }
  out.last_pixels = out.first_pixels;
  for (int i = 1; i < gif->ImageCount; ++i) {
    const SavedImage& img = gif->SavedImages[i];
    const GifImageDesc& d = img.ImageDesc;
    const ColorMapObject* m = d.ColorMap ? d.ColorMap : gif->SColorMap;
    out.partial_frames += d.Width < gif->SWidth || d.Height < gif->SHeight;
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        const GifColorType c = m->Colors[img.RasterBits[y * d.Width + x]];
        out.last_pixels[(d.Top + y) * gif->SWidth + d.Left + x] = {c.Red, c.Green, c.Blue};
      }
  }
  DGifCloseFile(gif, &error);
  return out;
}

TEST(FigureGif, OneFramePerStepWithHoldsWhereTokensMove) {
  const auto a = analyze(Scene{});
  FigureOptions o;
  o.view = FigureView::Steps;
  o.format = FigureFormat::Gif;
  o.gif_frame_ms = 500;
  o.gif_hold_ms = 2000;
  test::TempDir dir;
  figure_export(*a, o, dir / "steps.gif");
  const Gif gif = read_gif(dir / "steps.gif");
  const auto& steps = a->trace().steps;
  // Expected frames: per step, 4 in-between frames of 60 ms if its tokens moved, then the step.
  std::vector<int> expected;
  std::map<std::string, int> step_frame;
  for (size_t k = 0; k < steps.size(); ++k) {
    const bool moved = k > 0 && (steps[k].tokens != steps[k - 1].tokens || steps[k].groups != steps[k - 1].groups);
    if (moved) expected.insert(expected.end(), 4, 6);
    step_frame[steps[k].name] = static_cast<int>(expected.size());
    expected.push_back(k == 0 || k + 1 == steps.size() || moved ? 200 : 50);
  }
  EXPECT_TRUE(gif.loops);
  EXPECT_EQ(gif.delays_cs, expected);
  // S2's roll moves tokens, its scores step does not.
  EXPECT_EQ(gif.delays_cs[step_frame["roll"]], 200);
  EXPECT_EQ(gif.delays_cs[step_frame["roll"] - 1], 6);
  EXPECT_EQ(gif.delays_cs[step_frame["scores"]], 50);
}

TEST(FigureGif, TweenZeroGivesOneFramePerStep) {
  const auto a = analyze(Scene{});
  FigureOptions o;
  o.view = FigureView::Steps;
  o.format = FigureFormat::Gif;
  o.gif_tween_frames = 0;
  test::TempDir dir;
  figure_export(*a, o, dir / "steps.gif");
  EXPECT_EQ(read_gif(dir / "steps.gif").frames, static_cast<int>(a->trace().steps.size()));
}

TEST(FigureGif, FirstFrameIsTheTokensViewOfTheFirstStep) {
  // The palette keeps flat colours exactly, so the GIF's first frame and a PNG of the same
  // step at the same dpi agree on nearly every pixel (only anti-aliased edges may move).
  const auto a = analyze(Scene{});
  FigureOptions o;
  o.view = FigureView::Steps;
  o.format = FigureFormat::Gif;
  o.dpi = 72;
  test::TempDir dir;
  figure_export(*a, o, dir / "steps.gif");
  const Gif gif = read_gif(dir / "steps.gif");
  EXPECT_EQ(gif.first_pixels.front(), theme_get(o.theme).background);
  int exact = 0;
  for (const Rgb8& p : gif.first_pixels) exact += p == theme_get(o.theme).background || p == category_color(0);
  EXPECT_GT(exact, gif.frames > 0 ? static_cast<int>(gif.first_pixels.size() / 2) : 0);
}

TEST(FigureGif, LaterFramesStoreOnlyWhatChanged) {
  // The title never changes, the step name does: composed frame by frame, the last frame keeps
  // the first frame's title row and differs from it further down.
  const auto a = analyze(Scene{});
  FigureOptions o;
  o.view = FigureView::Steps;
  o.format = FigureFormat::Gif;
  test::TempDir dir;
  figure_export(*a, o, dir / "steps.gif");
  const Gif gif = read_gif(dir / "steps.gif");
  EXPECT_EQ(gif.partial_frames, gif.frames - 1);
  const int title_rows = gif.height / 8;
  const auto split = gif.first_pixels.begin() + static_cast<std::ptrdiff_t>(title_rows) * gif.width;
  EXPECT_TRUE(std::equal(gif.first_pixels.begin(), split, gif.last_pixels.begin()));
  EXPECT_FALSE(std::equal(split, gif.first_pixels.end(), gif.last_pixels.begin() + (split - gif.first_pixels.begin())));
}

TEST(FigureGif, StillViewsMakeOneFrame) {
  const auto a = analyze(Scene{});
  FigureOptions o;
  o.format = FigureFormat::Gif;
  test::TempDir dir;
  figure_export(*a, o, dir / "heatmap.gif");
  EXPECT_EQ(read_gif(dir / "heatmap.gif").frames, 1);
}

}  // namespace
}  // namespace attnscope
