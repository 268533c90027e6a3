// `cmake --install` into a temporary prefix, then the installed binary run from an unrelated
// folder: it must find its presets, the LibTorch module and nothing from the source or build tree.
#include <gtest/gtest.h>
#include <stb_image.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace attnscope {
namespace {

namespace fs = std::filesystem;

struct Process {
  int code = -1;
  std::string out;  // stdout and stderr
};

// Runs `command` in `folder` with a clean environment for attnscope: no asset override, and
// settings in a folder of the test's own.
Process run_in(const fs::path& folder, const std::string& command) {
  const std::string line = "cd '" + folder.string() + "' && env -u ATTNSCOPE_ASSETS XDG_CONFIG_HOME='" +
                           (folder / "config").string() + "' " + command + " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  Process p;
  std::array<char, 4096> buffer;
  while (size_t got = fread(buffer.data(), 1, buffer.size(), pipe)) p.out.append(buffer.data(), got);
  const int status = pclose(pipe);
  p.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return p;
}

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class InstallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prefix_ = fs::path(::testing::TempDir()) / "attnscope_install_prefix";
    scratch_ = fs::path(::testing::TempDir()) / "attnscope_install_scratch";
    fs::remove_all(prefix_);
    fs::remove_all(scratch_);
    fs::create_directories(scratch_);
    const Process install = run_in(scratch_, std::string("'") + ATTNSCOPE_CMAKE + "' --install '" +
                                                 ATTNSCOPE_BUILD_DIR + "' --prefix '" + prefix_.string() + "'");
    install_code_ = install.code;
    install_log_ = install.out;
  }
  void SetUp() override { ASSERT_EQ(install_code_, 0) << install_log_; }

  static fs::path bin() { return prefix_ / "bin" / "attnscope"; }
  static fs::path share() { return prefix_ / "share"; }
  static Process attnscope(const std::string& args) { return run_in(scratch_, "'" + bin().string() + "' " + args); }

  static inline fs::path prefix_, scratch_;
  static inline int install_code_ = -1;
  static inline std::string install_log_;
};

TEST_F(InstallTest, PutsEveryPartWhereTheLayoutSays) {
  EXPECT_TRUE(fs::exists(bin()));
  EXPECT_TRUE(fs::exists(prefix_ / ATTNSCOPE_LIBDIR / "attnscope" / "libattnscope_torch.so"));
  EXPECT_TRUE(fs::exists(prefix_ / ATTNSCOPE_LIBDIR / "attnscope" / "libattnscope_core.so"));
  EXPECT_TRUE(fs::exists(share() / "attnscope" / "scenes" / "01_classroom.json"));
  EXPECT_TRUE(fs::exists(share() / "applications" / "attnscope.desktop"));
  EXPECT_TRUE(fs::exists(share() / "icons" / "hicolor" / "scalable" / "apps" / "attnscope.svg"));
  for (int size : {48, 128, 256}) {
    const std::string folder = std::to_string(size) + "x" + std::to_string(size);
    const fs::path png = share() / "icons" / "hicolor" / folder / "apps" / "attnscope.png";
    int w = 0, h = 0, channels = 0;
    ASSERT_TRUE(stbi_info(png.c_str(), &w, &h, &channels)) << png;
    EXPECT_EQ(w, size) << png;
    EXPECT_EQ(h, size) << png;
  }
}

TEST_F(InstallTest, TheManPageDocumentsEverySubcommand) {
  const std::string page = file_text(share() / "man" / "man1" / "attnscope.1");
  EXPECT_NE(page.find(".TH ATTNSCOPE 1"), std::string::npos);
  for (const char* command : {"variants", "mask", "leaks", "steps", "verify", "lint", "export", "gui"})
    EXPECT_NE(page.find(std::string(".SS ") + command + "\n"), std::string::npos) << command;
  EXPECT_NE(page.find("settings.json"), std::string::npos);
  // groff reads it without a warning (-ww: all warnings).
  const Process groff = run_in(scratch_, "groff -man -Tutf8 -ww -z '" + (share() / "man" / "man1" / "attnscope.1").string() + "'");
  EXPECT_EQ(groff.code, 0);
  EXPECT_EQ(groff.out, "");
}

TEST_F(InstallTest, TheDesktopEntryIsValid) {
  const fs::path entry = share() / "applications" / "attnscope.desktop";
  const Process validate = run_in(scratch_, "desktop-file-validate '" + entry.string() + "'");
  EXPECT_EQ(validate.code, 0) << validate.out;
  EXPECT_EQ(validate.out, "") << "hints count too";
  const std::string text = file_text(entry);
  EXPECT_NE(text.find("\nExec=attnscope "), std::string::npos);
  EXPECT_NE(text.find("\nIcon=attnscope\n"), std::string::npos);
}

TEST_F(InstallTest, HeadlessCommandsRunFromAnotherFolder) {
  const Process mask = attnscope("mask --head 1");
  EXPECT_EQ(mask.code, 0) << mask.out;
  EXPECT_NE(mask.out.find("head 1: 40 allowed (15.6% of N²), 4 leaks"), std::string::npos) << mask.out;
  const Process variants = attnscope("variants");
  EXPECT_EQ(variants.code, 0);
  EXPECT_NE(variants.out.find("s2-fix-split"), std::string::npos);
  // verify loads the LibTorch module, which the installed binary finds only beside itself.
  const Process verify = attnscope("verify --batch 2 --n 32 --g 8");
  EXPECT_EQ(verify.code, 0) << verify.out;
  EXPECT_NE(verify.out.find("agree"), std::string::npos) << verify.out;
  const Process version = attnscope("--version");
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out.rfind(std::string("attnscope ") + ATTNSCOPE_VERSION, 0), 0u) << version.out;
}

TEST_F(InstallTest, TheDesktopCommandOpensTheInstalledPresets) {
  const char* require = std::getenv("ATTNSCOPE_REQUIRE_DISPLAY");
  if (!std::getenv("DISPLAY") && !(require && std::string(require) == "1")) GTEST_SKIP() << "no display";
  // A preset only the installed tree has sorts first, so the GUI opens it when no scene is named.
  nlohmann::json preset = {{"title", "installed preset"}, {"variant", "s2-fix-mask"}, {"n", 8}, {"g", 2}, {"heads", 2}};
  std::ofstream(share() / "attnscope" / "scenes" / "00_installed.json") << preset.dump();
  std::string exec;
  std::istringstream entry(file_text(share() / "applications" / "attnscope.desktop"));
  for (std::string line; std::getline(entry, line);)
    if (line.rfind("Exec=", 0) == 0) exec = line.substr(5);
  ASSERT_FALSE(exec.empty());
  const fs::path shot = scratch_ / "desktop.png";
  const Process gui = run_in(scratch_, "PATH='" + bin().parent_path().string() + "':\"$PATH\" " + exec +
                                           " --screenshot '" + shot.string() + "'");
  ASSERT_EQ(gui.code, 0) << gui.out;
  const nlohmann::json layout = nlohmann::json::parse(file_text(shot.string() + ".json"));
  EXPECT_EQ(layout["scene"]["title"], "installed preset");
  EXPECT_EQ(layout["error"], "");
  ASSERT_EQ(layout["heatmaps"].size(), 2u);
  // Rendered, not blank: the first heatmap holds masked grey, viridis weights and group lines.
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(shot.c_str(), &w, &h, &channels, 3);
  ASSERT_NE(pixels, nullptr);
  const auto& r = layout["heatmaps"][0]["rect"];
  std::set<int> colours;
  for (int y = r[1].get<int>(); y < r[3].get<int>(); y += 2)
    for (int x = r[0].get<int>(); x < r[2].get<int>(); x += 2) {
      const unsigned char* p = pixels + (static_cast<size_t>(y) * w + x) * 3;
      colours.insert(p[0] << 16 | p[1] << 8 | p[2]);
    }
  stbi_image_free(pixels);
  EXPECT_GE(colours.size(), 8u);
  EXPECT_FALSE(fs::exists(scratch_ / "config" / "attnscope")) << "a screenshot must not write settings";
}

}  // namespace
}  // namespace attnscope
