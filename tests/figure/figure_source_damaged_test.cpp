// Damaged and hostile figure files given to `export --from`: the embedded scene is read without
// decoding the image, and whatever the bytes, the answer is a source or a InputError.
#include <gtest/gtest.h>

#include "core/figure/figure.hpp"
#include "core/figure/source.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

// A GIF whose comment (the figure source) is followed by an image descriptor that claims
// 65535 x 65535 pixels and then ends: the source must come back without the 4 GiB image
// being allocated or decoded.
std::string gif_with_huge_truncated_image(const std::string& comment) {
  std::string gif = "GIF89a";
  gif += std::string("\x01\x00\x01\x00\x00\x00\x00", 7);  // 1x1 screen, no colour table
  gif += "\x21\xFE";                                     // comment extension
  for (size_t at = 0; at < comment.size(); at += 255) {
    const std::string part = comment.substr(at, 255);
    gif += static_cast<char>(part.size());
    gif += part;
  }
  gif += '\0';
  gif += std::string("\x2C\x00\x00\x00\x00\xFF\xFF\xFF\xFF\x00\x08", 11);  // image 65535 x 65535
  return gif;
}

TEST(FigureSourceDamaged, GifSourceIsReadWithoutDecodingTheImage) {
  const Scene scene = test::test_scene({.n = 8, .g = 2});
  const std::string source = figure::source_json(scene, FigureOptions{});
  ASSERT_GT(source.size(), 255u) << "the comment must span several sub-blocks";
  const FigureSource back = figure_source_from_bytes(gif_with_huge_truncated_image(source), "huge.gif");
  EXPECT_EQ(back.scene, scene);
}

TEST(FigureSourceDamaged, TruncatedFilesOfEveryFormatAreRefusedWithAMessage) {
  const std::string gif = gif_with_huge_truncated_image(figure::source_json(Scene{}, FigureOptions{}));
  for (const std::string& bytes :
       {std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16), gif.substr(0, 40), std::string("GIF89a"),
        std::string("<svg><metadata id=\"attnscope-source\">{\"kind\""), std::string("%PDF /Keywords (abc\\"),
        std::string("%PDF /Keywords <FEFFD800>")}) {
    EXPECT_THROW(figure_source_from_bytes(bytes, "damaged"), InputError) << bytes.size() << " bytes";
  }
}

TEST(FigureSourceDamaged, SvgWithAnUnterminatedEntityEnds) {
  // Found by fuzz_figure_source: an '&' with no ';' after it restarted the scan at the start.
  const std::string svg = "<svg><metadata id=\"attnscope-source\">{\"kind\": \"a&b\"}</metadata></svg>";
  EXPECT_THROW(figure_source_from_bytes(svg, "amp.svg"), InputError);
  const std::string many(100000, '&');
  EXPECT_THROW(figure_source_from_bytes("<metadata id=\"attnscope-source\">" + many + ";</metadata>", "amps.svg"),
               InputError);
}

TEST(FigureSourceDamaged, UnknownOptionNamesAreInputErrors) {
  // Found by fuzz_figure_source: a PDF whose source named the colormap "viridks" threw the
  // colormap's own error type, which the reader did not promise.
  const std::string svg =
      "<svg><metadata id=\"attnscope-source\">{\"figure\":{\"colormap\":\"viridks\"},"
      "\"kind\":\"attnscope-figure\",\"scene\":{\"n\":16},\"version\":1}</metadata></svg>";
  try {
    figure_source_from_bytes(svg, "typo.svg");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown colormap 'viridks'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace attnscope
