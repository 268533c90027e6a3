// Figures at LongLoRA's real length: a window of real weights is computed for the window alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "core/figure/figure.hpp"
#include "core/figure/source.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/core/child_rss.hpp"

namespace attnscope {
namespace {

TEST(ScaleExport, AWindowOfWeightsAtN131072StaysSmall) {
  const std::string out =
      (std::filesystem::temp_directory_path() / ("attnscope-window-" + std::to_string(getpid()) + ".png")).string();
  const auto report = test::run_in_child([&out] {
    std::ostringstream text, err;
    return static_cast<long>(test::cli_to({"export", "--n", "131072", "--g", "32768", "--heads", "32", "--head",
                                           "0,16", "--rows", "16360:16408", "--keys", "16360:16408", "--out", out},
                                          text, err));
  });
  EXPECT_EQ(report.value, 0L);
  EXPECT_LT(report.peak_rss_kib, 256L * 1024L) << "peak resident size in KiB";
  const FigureSource source = figure_read_source(out);
  EXPECT_EQ(source.options.rows, (TokenRange{16360, 16408}));
  EXPECT_EQ(source.options.keys, (TokenRange{16360, 16408}));
  EXPECT_EQ(source.scene.n, 131072);
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace attnscope
