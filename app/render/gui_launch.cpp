#include "app/render/gui_launch.hpp"

// GL prototypes come from gl.hpp; GLFW must not pull in the legacy GL headers first.
#include "app/render/gl.hpp"
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <numeric>
#include <optional>
#include <utility>

#include "app/gui/apply.hpp"
#include "app/gui/export_figure.hpp"
#include "app/gui/startup.hpp"
#include "app/gui/view_context.hpp"
#include "app/render/gl_painter.hpp"
#include "app/render/screenshot.hpp"
#include "app/render/window_icon.hpp"

namespace attnscope {

namespace {

constexpr float kFixedDelta = 1.f / 60.f;  // screenshot and bench mode: frames do not depend on the clock

bool display_required() {
  const char* v = std::getenv("ATTNSCOPE_REQUIRE_DISPLAY");
  return v && std::string(v) == "1";
}

int no_display(const GuiRequest& request, const char* why) {
  std::cerr << "attnscope: no display found (" << why << "); the GUI needs X11 or Wayland.\n"
            << "The same scene works headless:\n"
            << "  attnscope mask      draw each head's cells, leaks marked X\n"
            << "  attnscope leaks     explain every leaking cell\n"
            << "  attnscope steps     the step trace with each position's token\n"
            << "  attnscope export --view heatmap --out heatmap.png\n"
            << "  xvfb-run -a attnscope gui --screenshot window.png\n";
  const bool test_mode = !request.screenshot.empty() || request.bench_frames > 0;
  if (test_mode && !display_required()) return 77;
  return 1;
}

void print_frame_times(std::vector<double> ms, const Scene& scene) {
  std::sort(ms.begin(), ms.end());
  const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size();
  const double median = ms[ms.size() / 2];
  const double p95 = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.95))];
  std::cout << fmt::format("frames {}  {} N={} H={}  mean {:.2f} ms  median {:.2f} ms  p95 {:.2f} ms\n", ms.size(),
                           scene.variant, scene.n, scene.heads, mean, median, p95);
}

class Window {
 public:
  explicit Window(GLFWwindow* w) : w_(w) {}
  ~Window() {
    glfwDestroyWindow(w_);
    glfwTerminate();
  }
  GLFWwindow* get() const { return w_; }

 private:
  GLFWwindow* w_;
};

void set_fullscreen(GLFWwindow* window, bool on) {
  if (on) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (mode) glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window, nullptr, 40, 40, 1280, 800, 0);
  }
}

// Saves the settings when they change, at most once a second (dragging a slider edits the scene
// every frame), and at exit. Runs that do not use settings never write.
class SettingsWriter {
 public:
  SettingsWriter(const GuiStart& start, GLFWwindow* window)
      : path_(start.settings_path), saved_(start.settings), window_(window) {}
  void save(AppState& state, bool final) {
    if (path_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::seconds(1)) return;
    int w = saved_.window_width, h = saved_.window_height;
    if (!state.view.fullscreen) glfwGetWindowSize(window_, &w, &h);  // the size to come back to
    const Settings current = settings_from_state(state, w, h);
    if (current == saved_) return;
    last_ = now;
    saved_ = current;
    try {
      settings_save(path_, current);
    } catch (const std::exception& e) {
      state.status = std::string("settings not saved: ") + e.what();
    }
  }

 private:
  std::string path_;
  Settings saved_;
  GLFWwindow* window_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int gui_launch(const GuiRequest& request) {
  const bool screenshot = !request.screenshot.empty();
  const bool bench = request.bench_frames > 0;
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return no_display(request, "DISPLAY is not set");
  if (!glfwInit()) return no_display(request, "GLFW could not connect to it");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  const GuiStart startup = gui_start(request);
  if (!startup.warning.empty()) std::cerr << "attnscope: " << startup.warning << "\n";
  GLFWwindow* raw = glfwCreateWindow(startup.settings.window_width, startup.settings.window_height, "attnscope",
                                     nullptr, nullptr);
  if (!raw) {
    glfwTerminate();
    return no_display(request, "no OpenGL 3.3 context");
  }
  Window window(raw);
  glfwMakeContextCurrent(raw);
  window_icon_set(raw);
  // Files dropped on the window are opened between frames, like File > Open.
  std::vector<std::string> dropped;
  glfwSetWindowUserPointer(raw, &dropped);
  glfwSetDropCallback(raw, [](GLFWwindow* w, int count, const char** paths) {
    auto* files = static_cast<std::vector<std::string>*>(glfwGetWindowUserPointer(w));
    files->insert(files->end(), paths, paths + count);
  });
  glfwSwapInterval(screenshot || bench ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; a saved .ini would make runs differ
  const UiFonts fonts = ui_fonts_load(io);
  ImGui_ImplGlfw_InitForOpenGL(raw, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int code = 0;
  {
    std::unique_ptr<GlPainter> painter;
    try {
      painter = std::make_unique<GlPainter>();
    } catch (const std::exception& e) {
      std::cerr << "attnscope: " << e.what() << "\n";
      code = 1;
    }
    AppState state;
    state_open(state, request, startup.settings, (std::filesystem::path(assets_dir()) / "scenes").string());
    if (!startup.warning.empty()) state.status = startup.warning;
    SettingsWriter settings(startup, raw);
    if (request.cost) apply(state, action::ToggleCost{});
    if (request.audit) {
      // An audited module is not a scene analyze() can rebuild: install its analysis as is.
      state.scene = request.audit->scene;
      apply(state, action::AnalysisReady{state.generation, scene_hash(state.scene), request.audit, ""});
    }
    if (screenshot || bench)
      for (const Action& a : jobs_wait(state)) apply(state, a);
    const int last_step = state.analysis ? static_cast<int>(state.analysis->trace().steps.size()) - 1 : 0;
    const int start = request.step >= 0 ? request.step : (screenshot || bench ? last_step : 0);
    apply(state, action::StepTo{start, false});
    if (!state.error.empty()) std::cerr << "attnscope: " << state.error << "\n";

    std::optional<ThemeName> style;
    bool fullscreen = false;
    int exports_done = 0;
    const int frames = screenshot ? request.frames : bench ? request.bench_frames : -1;
    std::vector<double> frame_ms;
    ScreenReport report;
    ActionQueue queue;
    // Frames still to draw before waiting for input: the last input's actions show only on the
    // frame after the one that emitted them, and ImGui settles hover state over a frame or two.
    int settle = 3;
    std::future<std::string> exporting;
    for (int frame = 0; painter && !glfwWindowShouldClose(raw) && (frames < 0 || frame < frames); ++frame) {
      const auto t0 = std::chrono::steady_clock::now();
      // When nothing moves, sleep until input arrives instead of redrawing the same frame; the
      // timeout keeps the analysis spinner and status line fresh.
      if (settle == 0 && !screenshot && !bench) glfwWaitEventsTimeout(0.25);
      else glfwPollEvents();
      for (const Action& a : jobs_poll(state)) apply(state, a);
      for (const std::string& path : std::exchange(dropped, {})) apply(state, action::OpenFile{path});
      if (style != state.view.theme()) ui_style_apply(*(style = state.view.theme()));
      if (fullscreen != state.view.fullscreen) set_fullscreen(raw, fullscreen = state.view.fullscreen);
      // Exports render on a worker from analyses the state already holds, so frames go on.
      if (exporting.valid() && exporting.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        state.status = exporting.get();
      while (exports_done < state.export_requests && !exporting.valid()) {
        ++exports_done;
        if (auto request = export_request(state, std::filesystem::current_path().string())) {
          state.status = "exporting " + request->path + " ...";
          exporting = std::async(std::launch::async, [r = std::move(*request)] { return export_run(r); });
        } else {
          state.status = "nothing to export yet";
        }
      }

      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      if (screenshot || bench) {
        io.DeltaTime = kFixedDelta;
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // wherever the pointer is, nothing is hovered
      }
      const float dt = io.DeltaTime;
      ImGui::NewFrame();
      painter->begin_frame(io.DisplaySize, io.DisplayFramebufferScale);
      report.clear();
      ViewContext ctx{state, queue, *painter, report, fonts, std::nullopt};
      if (!screenshot && !bench) keyboard_actions(ctx);
      view_frame(ctx);
      ImGui::Render();

      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(raw, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      const Rgb8 bg = theme_get(state.view.theme()).background;
      glClearColor(bg.r / 255.f, bg.g / 255.f, bg.b / 255.f, 1.f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

      if (screenshot && frame == frames - 1) {
        const Step* step = state.current_step();
        nlohmann::json sidecar = screen_report_json(report, io.DisplayFramebufferScale.x);
        sidecar["width"] = fb_w;
        sidecar["height"] = fb_h;
        sidecar["theme"] = theme_name(state.view.theme());
        sidecar["colormap"] = colormap_name(state.view.colormap);
        sidecar["coords"] = state.view.coords == Coords::Frame ? "frame" : "original";
        sidecar["step"] = state.play.step;
        sidecar["step_name"] = step ? step->name : "";
        sidecar["scene"] = scene_to_json(state.scene);
        sidecar["error"] = state.error;
        try {
          screenshot_write(request.screenshot, fb_w, fb_h, sidecar);
        } catch (const std::exception& e) {
          std::cerr << "attnscope: " << e.what() << "\n";
          code = 1;
        }
      }
      if (bench) glFinish();  // count the GPU's work in the frame, not just its submission
      glfwSwapBuffers(raw);
      if (bench && frame > 0)  // the first frame builds the textures
        frame_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());

      const bool acted = !queue.actions.empty();
      apply_all(state, queue);
      tick(state, dt);
      settings.save(state, false);
      const bool moving = state.play.playing || state.play.t < 1.f || !state.jobs.empty() || exporting.valid();
      settle = acted || moving ? 3 : std::max(0, settle - 1);
    }
    settings.save(state, true);
    if (bench && !frame_ms.empty()) print_frame_times(frame_ms, state.scene);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  return code;
}

}  // namespace attnscope
