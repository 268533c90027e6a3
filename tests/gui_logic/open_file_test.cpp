// Opening files from the GUI: scenes, masks, q, k, v, attention weights and modules open as an
// undoable edit and join the
// recent lists; unreadable files leave the scene alone with a message; the browser lists folders
// first and filters by extension.
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui_internal.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/gui/scene_source.hpp"
#include "core/scene/qkv_file.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const fs::path folder = fs::path(::testing::TempDir()) / ("attnscope_open_" + name);
  fs::remove_all(folder);
  fs::create_directories(folder);
  return folder;
}

std::string tensor_fixture(const std::string& name) {
  return std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/tensors/" + name;
}

// A q, k, v file replaces the generated tensors: the scene takes the file's sizes, keeps its
// variant, the weights on screen are the file's, and one edit brings the generator back.
TEST(OpenFileTest, QkvFilesReplaceTheGeneratedTensorsUntilSwitchedBack) {
  for (const std::string name : {"qkv_f32.npz", "qkv_gqa_f32.safetensors", "packed_qkv_f32.npy"}) {
    AppState state = state_with(classroom_scene());
    apply(state, action::OpenFile{tensor_fixture(name)});
    ASSERT_EQ(state.scene.qkv, tensor_fixture(name)) << (state.toast ? state.toast->text : "");
    EXPECT_EQ(state.scene.variant, "s2");
    EXPECT_EQ(state.scene.n, 8);
    EXPECT_EQ(state.scene.heads, 4);
    EXPECT_EQ(state.scene.batch, 2);
    ASSERT_TRUE(state.analysis && state.analysis->has_values()) << state.error;
    const QkvHead head = qkv_file_open(state.scene)->head(0, 1);
    double dot = 0;  // query 1 of head 1 reads keys 0 and 1 in the first group
    for (int i = 0; i < 8; ++i) dot += double(head.q[8 + i]) * (head.k[i] - head.k[8 + i]);
    const double expected = 1 / (1 + std::exp(-dot / std::sqrt(8.0)));
    EXPECT_NEAR(state.analysis->weight(0, 1, 1, 0), expected, 1e-5) << name;
    EXPECT_NE(window_title(state.scene).find("q, k, v from " + name), std::string::npos);
    Scene generated = state.scene;
    generated.qkv.clear();
    apply(state, action::SetScene{generated});
    EXPECT_TRUE(state.error.empty()) << state.error;
    EXPECT_EQ(window_title(state.scene).find("from"), std::string::npos);
    apply(state, action::Undo{});
    EXPECT_EQ(state.scene.qkv, tensor_fixture(name));
  }
}

// A tokens file labels the views while it has one token per token of the scene: a .txt of lines
// or a .json list (a .json object stays a scene); another N hides the text and says why.
TEST(OpenFileTest, TokensFilesLabelTheViewsWhileTheirCountIsN) {
  const fs::path folder = scratch("tokens");
  std::ofstream(folder / "words.txt") << "The\n cat\n sat\n on\n the\n mat\n and\n the\n dog\n sat\n too\n.\n It\n was\n warm\n.\n";
  std::ofstream(folder / "words.json") << R"(["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p"])";
  AppState state = state_with(classroom_scene());
  ASSERT_EQ(state.scene.n, 16);
  apply(state, action::OpenFile{(folder / "words.txt").string()});
  EXPECT_EQ(state.token_text.tokens.size(), 16u);
  EXPECT_EQ(state.token_label(1), "cat");
  EXPECT_EQ(state.scene.variant, "s2") << "the scene is unchanged";
  apply(state, action::OpenFile{(folder / "words.json").string()});
  EXPECT_EQ(state.token_label(15), "p");
  Scene longer = state.scene;
  longer.n = 32;
  apply(state, action::SetScene{longer});
  ASSERT_TRUE(state.analysis && state.analysis->n() == 32) << state.error;
  EXPECT_FALSE(state.token_text_on());
  EXPECT_EQ(state.token_label(1), "") << "16 tokens do not label N = 32";
  apply(state, action::Undo{});
  EXPECT_EQ(state.token_label(1), "b") << "shown again at N = 16";
  apply(state, action::SetTokenText{});
  EXPECT_FALSE(state.token_text_on());
}

TEST(OpenFileTest, AttentionWeightsOpenAsTheHeatmapsWithTheirLeaks) {
  AppState state = state_with(classroom_scene());
  apply(state, action::OpenFile{tensor_fixture("attention_unmasked_weights.npz")});
  ASSERT_EQ(state.scene.variant, "file") << (state.toast ? state.toast->text : "");
  ASSERT_TRUE(state.analysis);
  EXPECT_EQ(state.analysis->metrics.total_leaks, 4 * 8 * 7 / 2);
  ASSERT_TRUE(state.analysis->build.given_weights);
  float row[8];
  state.analysis->build.given_weights->row(0, 2, 3, row);
  EXPECT_FLOAT_EQ(state.analysis->weight(0, 2, 3, 5), row[5]);
}

TEST(OpenFileTest, ASceneFileOpensAsAnEditAndJoinsTheRecentScenes) {
  const fs::path folder = scratch("scene");
  std::ofstream(folder / "toy.json") << R"({"title": "toy", "variant": "s2", "n": 8, "g": 2})";
  AppState state = state_with(classroom_scene());
  apply(state, action::OpenFile{(folder / "toy.json").string()});
  EXPECT_EQ(state.scene.title, "toy");
  EXPECT_EQ(state.analysis->n(), 8);
  EXPECT_EQ(state.recent.scenes, std::vector<std::string>{(folder / "toy.json").string()});
  ASSERT_TRUE(state.toast);
  EXPECT_EQ(state.toast->text, "opened toy.json");
  EXPECT_FALSE(state.toast->error);
  apply(state, action::Undo{});
  EXPECT_EQ(state.scene.title, "classroom");
  // Opening it again keeps one entry, first.
  std::ofstream(folder / "other.json") << R"({"variant": "full", "n": 8})";
  apply(state, action::OpenFile{(folder / "other.json").string()});
  apply(state, action::OpenFile{(folder / "toy.json").string()});
  EXPECT_EQ(state.recent.scenes,
            (std::vector<std::string>{(folder / "toy.json").string(), (folder / "other.json").string()}));
}

TEST(OpenFileTest, TheRecentListKeepsTheLastTen) {
  const fs::path folder = scratch("ten");
  AppState state = state_with(classroom_scene());
  for (int i = 0; i < 12; ++i) {
    const fs::path file = folder / ("s" + std::to_string(i) + ".json");
    std::ofstream(file) << R"({"n": 8, "g": 2})";
    apply(state, action::OpenFile{file.string()});
  }
  ASSERT_EQ(state.recent.scenes.size(), RecentFiles::kLimit);
  EXPECT_EQ(state.recent.scenes.front(), (folder / "s11.json").string());
  EXPECT_EQ(state.recent.scenes.back(), (folder / "s2.json").string());
  apply(state, action::ClearRecent{});
  EXPECT_TRUE(state.recent.scenes.empty());
}

TEST(OpenFileTest, FilesThatCannotOpenLeaveTheSceneAloneAndSayWhy) {
  const fs::path folder = scratch("bad");
  std::ofstream(folder / "broken.json") << R"({"variant": "s2", "n": )";
  std::ofstream(folder / "mask.npy") << "not read";
  std::ofstream(folder / "model.pt") << "not read";
  std::ofstream(folder / "notes.csv") << "hello";
  AppState state = state_with(classroom_scene());
  const auto expect_unchanged = [&](const std::string& file, const std::string& says) {
    apply(state, action::OpenFile{(folder / file).string()});
    EXPECT_EQ(state.scene.title, "classroom") << file;
    EXPECT_TRUE(state.history.undo.empty()) << file;
    EXPECT_TRUE(state.recent.scenes.empty()) << file;
    ASSERT_TRUE(state.toast) << file;
    EXPECT_TRUE(state.toast->error) << file;
    EXPECT_NE(state.toast->text.find(says), std::string::npos) << state.toast->text;
  };
  expect_unchanged("broken.json", "cannot open broken.json");
  expect_unchanged("mask.npy", "cannot open mask.npy: file: " + (folder / "mask.npy").string() + " is not a NumPy");
  expect_unchanged("model.pt", "cannot open model.pt");  // no auditor: a mask or nothing
  expect_unchanged("notes.csv", "none of them");
  expect_unchanged("missing.json", "no such file");
}

TEST(OpenFileTest, AMaskOpensWithTheFileVariantAtItsSizeAndShowsItsLeak) {
  const fs::path folder = scratch("mask");
  // An additive mask saved by NumPy whose cell (2, 5) is 0: query 2 reads the future key 5.
  fs::copy_file(std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/masks/neg_inf_leak_f32.npy", folder / "leaky.npy");
  AppState state = state_with(classroom_scene());
  apply(state, action::OpenFile{(folder / "leaky.npy").string()});
  EXPECT_EQ(state.scene.variant, "file");
  EXPECT_EQ(state.scene.title, "your mask: leaky.npy");
  ASSERT_TRUE(state.analysis);
  EXPECT_EQ(state.analysis->n(), 8);
  EXPECT_EQ(state.analysis->heads(), 1);
  EXPECT_EQ(state.analysis->metrics.total_leaks, 1);
  EXPECT_TRUE(state.analysis->leaks_at(0, 2, 5));
  EXPECT_EQ(state.recent.masks, std::vector<std::string>{(folder / "leaky.npy").string()});
  ASSERT_TRUE(state.toast);
  EXPECT_FALSE(state.toast->error) << state.toast->text;
  apply(state, action::Undo{});
  EXPECT_EQ(state.scene.title, "classroom");
}

TEST(OpenFileTest, AModuleOpensThroughTheAuditorOnAWorkerAndUndoReturns) {
  const fs::path folder = scratch("module");
  std::ofstream(folder / "attn.pt") << "not a saved tensor";
  AppState state = state_with(classroom_scene());
  std::string audited;
  state.audit_module = [&audited](const Scene& sizes, const std::string& path, const std::function<void(double)>& progress) {
    progress(1.0);
    audited = path;
    Scene scene = sizes;
    scene.title = "audited";
    scene.variant = "full";
    return analyze(scene);
  };
  apply(state, action::OpenFile{(folder / "attn.pt").string()});
  ASSERT_EQ(state.jobs.size(), 1u) << "the audit runs on a worker";
  EXPECT_EQ(state.scene.title, "classroom") << "nothing changes before it is done";
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_EQ(audited, (folder / "attn.pt").string());
  EXPECT_EQ(state.scene.title, "audited");
  EXPECT_EQ(state.analysis->scene.title, "audited");
  EXPECT_EQ(state.recent.modules, std::vector<std::string>{(folder / "attn.pt").string()});
  apply(state, action::Undo{});
  EXPECT_EQ(state.scene.title, "classroom");
  EXPECT_EQ(state.analysis->scene.title, "classroom");
}

TEST(OpenFileTest, AFileNeitherMaskNorModuleSaysBoth) {
  const fs::path folder = scratch("neither");
  std::ofstream(folder / "junk.pt") << "junk";
  AppState state = state_with(classroom_scene());
  state.audit_module = [](const Scene&, const std::string&, const std::function<void(double)>&) -> std::shared_ptr<const Analysis> {
    throw InputError("junk.pt is not a TorchScript module saved by torch.jit.save");
  };
  apply(state, action::OpenFile{(folder / "junk.pt").string()});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_EQ(state.scene.title, "classroom");
  EXPECT_TRUE(state.history.undo.empty());
  EXPECT_TRUE(state.recent.modules.empty());
  ASSERT_TRUE(state.toast);
  EXPECT_TRUE(state.toast->error);
  EXPECT_NE(state.toast->text.find("cannot open junk.pt: not a mask ("), std::string::npos) << state.toast->text;
  EXPECT_NE(state.toast->text.find("not q, k, v ("), std::string::npos) << state.toast->text;
  EXPECT_NE(state.toast->text.find("not a module (junk.pt is not a TorchScript module"), std::string::npos) << state.toast->text;
}

// A module that raises at the scene's sizes: the note names the fields to change in the panel's
// words, not the command line's flags.
TEST(OpenFileTest, AModuleThatRaisesNamesTheFieldsToChange) {
  const fs::path folder = scratch("raises");
  std::ofstream(folder / "heads.pt") << "junk";
  AppState state = state_with(classroom_scene());
  state.audit_module = [](const Scene&, const std::string&, const std::function<void(double)>&) -> std::shared_ptr<const Analysis> {
    throw InputError("heads.pt: the module raised: RuntimeError: Expected 2 elements in a list but found 1; forward was "
                     "called with a tensor of shape (1, 16, 3, 1, 8); if the module expects other sizes, give them "
                     "with --n, --heads, --d or --g");
  };
  apply(state, action::OpenFile{(folder / "heads.pt").string()});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_TRUE(state.toast);
  EXPECT_NE(state.toast->text.find("give them with \"N tokens\", \"H heads\", \"D dim\" or \"G group\""), std::string::npos)
      << state.toast->text;
  EXPECT_EQ(state.toast->text.find("--"), std::string::npos) << state.toast->text;
}

TEST(OpenFileTest, ARunningAuditShowsItsProgressAndCancelStopsIt) {
  const fs::path folder = scratch("cancel");
  std::ofstream(folder / "slow.pt") << "not a saved tensor";
  AppState state = state_with(classroom_scene());
  state.audit_module = [](const Scene&, const std::string&, const std::function<void(double)>& progress)
      -> std::shared_ptr<const Analysis> {
    for (;;) {  // an audit that would never end: only the cancel thrown by progress() stops it
      progress(0.5);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  apply(state, action::OpenFile{(folder / "slow.pt").string()});
  ASSERT_EQ(state.jobs.size(), 1u);
  EXPECT_EQ(state.jobs[0].what, "auditing slow.pt");
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (state.jobs[0].control->done < 0.5f && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(state.jobs[0].control->done, 0.5f);
  // Esc while something runs is cancel.
  GuiHarness gui;
  gui.frame(state);
  ActionQueue keys = gui.frame(state, {}, {KeyPress{GLFW_KEY_ESCAPE, false, false, false}});
  ASSERT_TRUE(keys.find<action::CancelJobs>());
  apply_all(state, keys);
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_TRUE(state.jobs.empty());
  EXPECT_EQ(state.scene.title, "classroom");
  ASSERT_TRUE(state.toast);
  EXPECT_EQ(state.toast->text, "cannot open slow.pt: the audit was cancelled");
}

TEST(OpenFileTest, TheBrowserListsFoldersFirstAndFiltersByExtension) {
  const fs::path folder = scratch("browse");
  fs::create_directories(folder / "zeta");
  fs::create_directories(folder / "alpha");
  fs::create_directories(folder / ".hidden");
  for (const char* file : {"b.json", "a.npy", "c.pt", "d.txt", "f.csv", ".e.json"}) std::ofstream(folder / file) << "x";
  AppState state = state_with(classroom_scene());
  apply(state, action::BrowseFolder{folder.string()});
  ASSERT_TRUE(state.browser.open);
  EXPECT_EQ(state.browser.folder, folder.string());
  auto names = [&] {
    std::vector<std::string> n;
    for (const auto& e : state.browser.entries) n.push_back(e.folder ? e.name + "/" : e.name);
    return n;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"alpha/", "zeta/", "a.npy", "b.json", "c.pt", "d.txt"}));
  apply(state, action::BrowseFilter{".json"});
  EXPECT_EQ(names(), (std::vector<std::string>{"alpha/", "zeta/", "b.json"}));
  apply(state, action::BrowseFolder{(folder / "alpha").string()});
  EXPECT_EQ(state.browser.filter, ".json") << "the filter stays while browsing";
  EXPECT_TRUE(names().empty());
  apply(state, action::BrowseFolder{(folder / "nowhere").string()});
  EXPECT_NE(state.browser.error.find("cannot list"), std::string::npos);
  apply(state, action::CloseBrowser{});
  EXPECT_FALSE(state.browser.open);
  apply(state, action::BrowseFolder{});
  EXPECT_EQ(state.browser.folder, (folder / "nowhere").string()) << "it reopens where it was";
}

TEST(OpenFileTest, CtrlOOpensTheBrowserWhichClicksOpenFiles) {
  const fs::path folder = scratch("view");
  std::ofstream(folder / "toy.json") << R"({"n": 8, "g": 2})";
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  const ActionQueue keys = gui.frame(state, {}, {KeyPress{GLFW_KEY_O, true, false, false}});
  EXPECT_TRUE(keys.find<action::BrowseFolder>());
  apply(state, action::BrowseFolder{folder.string()});
  gui.frame(state);
  ImGuiWindow* window = ImGui::FindWindowByName("Open file");
  ASSERT_NE(window, nullptr);
  EXPECT_TRUE(window->Active);
  // Click the only entry: its row is the first item in the entries child.
  ImGuiWindow* entries = nullptr;
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if (std::string(w->Name).find("Open file/entries") != std::string::npos) entries = w;
  ASSERT_NE(entries, nullptr);
  const ImVec2 row{entries->Pos.x + 40.f, entries->Pos.y + entries->WindowPadding.y + ImGui::GetFontSize() * 0.5f};
  gui.frame(state, [&](ImGuiIO& io) { io.MousePos = row; });
  gui.frame(state, [&](ImGuiIO& io) {
    io.MousePos = row;
    io.MouseDown[0] = true;
  });
  const ActionQueue click = gui.frame(state, [&](ImGuiIO& io) { io.MousePos = row; });
  const auto open = click.find<action::OpenFile>();
  ASSERT_TRUE(open);
  EXPECT_EQ(open->path, (folder / "toy.json").string());
  EXPECT_TRUE(click.find<action::CloseBrowser>());
}

}  // namespace
}  // namespace attnscope::test
