#pragma once
// Runs the real views for one frame with ImGui but no display and no GL: a font atlas is built,
// input is set on ImGuiIO, and the actions the views enqueue are returned.
#include <imgui.h>

#include <functional>
#include <vector>

#include "app/gui/apply.hpp"
#include "app/gui/view_context.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope::test {

// Records what the views asked to paint instead of drawing it.
struct RecordingPainter final : Painter {
  struct Call {
    int head;
    ImVec2 p0, p1, uv0, uv1;
    std::shared_ptr<const HeatmapImage> weights;  // the computed weights handed over, if any
    CellsDrawn drawn;                             // how its cells are coloured
    std::shared_ptr<const HeatmapImage> image;    // a large analysis's image built by its job, if any
  };
  std::vector<Call> heatmaps;
  int diffs = 0;
  std::shared_ptr<const DiffOverlay> diff_overlay;  // the last overlay a job built and the view handed over
  struct CellsCall {
    std::shared_ptr<const RowRuns> cells;
    ImVec2 p0, p1;
    std::shared_ptr<const RgbaImage> image;  // built off the frame (the receptive field's), if any
  };
  std::vector<CellsCall> cells_calls;
  // Draws what the GL painter would: an image it was handed, or one it builds (small analyses).
  bool heatmap(ImDrawList*, const HeatmapPaint& paint, ImVec2 p0, ImVec2 p1, ImVec2 uv0, ImVec2 uv1) override {
    heatmaps.push_back({paint.head, p0, p1, uv0, uv1, paint.weights, paint.drawn, paint.image});
    return paint.weights || paint.image || heatmap_image_in_frame(*paint.analysis);
  }
  bool diff(ImDrawList*, const DiffPaint& paint, ImVec2, ImVec2) override {
    ++diffs;
    diff_overlay = paint.overlay;
    return paint.overlay || heatmap_image_in_frame(*paint.a);
  }
  void cells(ImDrawList*, const CellsPaint& paint, ImVec2 p0, ImVec2 p1) override {
    cells_calls.push_back({paint.cells, p0, p1, paint.image});
  }
};

class GuiHarness {
 public:
  GuiHarness() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    io.DeltaTime = 1.f / 60.f;
    fonts_ = ui_fonts_load(io);
    ui_style_apply(ThemeName::Light);
  }
  ~GuiHarness() { ImGui::DestroyContext(); }

  // One frame; `input` sets mouse and keys before it, `presses` are the key presses the window
  // queued since the last frame. Returns the frame's actions.
  ActionQueue frame(const AppState& state, const std::function<void(ImGuiIO&)>& input = {},
                    const std::vector<KeyPress>& presses = {}) {
    ImGuiIO& io = ImGui::GetIO();
    for (bool& down : io.KeysDown) down = false;
    io.KeyCtrl = io.KeyShift = false;
    io.MouseDown[0] = false;
    io.MouseWheel = 0.f;
    if (input) input(io);
    painter.heatmaps.clear();
    painter.cells_calls.clear();
    report.clear();
    ActionQueue queue;
    ImGui::NewFrame();
    ViewContext ctx{state, queue, painter, report, fonts_, std::nullopt};
    keyboard_actions(ctx, presses);
    view_frame(ctx);
    ImGui::Render();
    return queue;
  }

  RecordingPainter painter;
  ScreenReport report;

 private:
  UiFonts fonts_;
};

inline AppState state_with(const Scene& scene) {
  AppState state;
  apply(state, action::SetScene{scene});
  state.history.undo.clear();
  return state;
}

// S2, N = 16, G = 4, H = 2.
inline Scene classroom_scene() { return test_scene({.title = "classroom"}); }

}  // namespace attnscope::test
