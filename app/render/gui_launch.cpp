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
#include <cstdint>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <optional>
#include <utility>

#include "app/gui/apply.hpp"
#include "app/gui/scene_source.hpp"
#include "app/gui/startup.hpp"
#include "app/gui/view_context.hpp"
#include "app/gui/work_timer.hpp"
#include "app/render/gl_painter.hpp"
#include "app/render/screenshot.hpp"
#include "app/render/window_icon.hpp"
#include "core/base/atomic_file.hpp"
#include "core/presentation/compare.hpp"

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

// The first frame (the first visit to the step: its textures are built) is reported apart, with
// the jobs' time the frames waited for (the weights a step asks for, computed on workers) and the
// main thread's longest named work item on its CPU clock (work_timer).
void print_frame_times(std::vector<double> ms, double first_ms, double jobs_ms, const Scene& scene) {
  std::sort(ms.begin(), ms.end());
  const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / ms.size();
  const double median = ms[ms.size() / 2];
  const double p95 = ms[std::min(ms.size() - 1, static_cast<size_t>(ms.size() * 0.95))];
  std::cout << fmt::format("frames {}  {} N={} H={}  mean {:.2f} ms  median {:.2f} ms  p95 {:.2f} ms  max {:.2f} ms  "
                           "first frame {:.2f} ms  jobs {:.2f} s\n",
                           ms.size(), scene.variant, scene.n, scene.heads, mean, median, p95, ms.back(), first_ms,
                           jobs_ms / 1000.0);
  const WorkItem longest = work_longest();
  std::cout << fmt::format("longest work {:.2f} ms: {}  most work in a frame {:.2f} ms\n", longest.ms,
                           longest.name.empty() ? "none" : longest.name, work_most_in_a_frame_ms());
  std::string items;
  for (const WorkItem& item : work_items()) items += fmt::format("{}{} {:.2f} ms", items.empty() ? "" : "; ", item.name, item.ms);
  std::cout << "work items: " << (items.empty() ? "none" : items) << "\n";
}

// --bench-then's change (checked by the CLI) as the action its control enqueues.
Action bench_then_action(const AppState& state, const std::string& then) {
  const size_t colon = then.find(':');
  const std::string kind = then.substr(0, colon), name = colon == std::string::npos ? "" : then.substr(colon + 1);
  if (kind == "compare") {
    std::vector<std::string> variants = state.view.compare ? state.view.compare_variants : std::vector<std::string>{state.scene.variant};
    variants.resize(std::max<size_t>(variants.size(), 2));
    variants[1] = name;
    return action::SetCompare{true, variants};
  }
  if (kind == "variant") return action::SetScene{compare_scene(state.scene, name)};
  if (kind == "theme") return action::SetTheme{theme_parse(name)};
  return action::ToggleCost{};
}

// The default 1280×800 (or last session's size) would overflow a 1024×768 projector: the window
// opens no larger than the primary monitor's work area (the screen minus panels and docks).
void fit_work_area(int& width, int& height) {
  GLFWmonitor* monitor = glfwGetPrimaryMonitor();
  if (!monitor) return;
  int x = 0, y = 0, w = 0, h = 0;
  glfwGetMonitorWorkarea(monitor, &x, &y, &w, &h);
  if (w > 0) width = std::min(width, w);
  if (h > 0) height = std::min(height, h);
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

void set_fullscreen(GLFWwindow* window, bool on, int width, int height) {
  if (on) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (mode) glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    glfwSetWindowMonitor(window, nullptr, 40, 40, width, height, 0);
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
      apply(state, action::ShowToast{std::string("settings not saved: ") + e.what(), true});
    }
  }

 private:
  std::string path_;
  Settings saved_;
  GLFWwindow* window_;
  std::chrono::steady_clock::time_point last_{};
};


// What the window system reported between two frames. Key presses are queued, not polled once
// per frame, so a press and release within one frame still counts; any input wakes the idle loop.
struct WindowEvents {
  std::vector<KeyPress> presses;
  std::vector<std::string> dropped;  // files dropped on the window, opened between frames like File > Open
  uint64_t count = 0;
};

WindowEvents& window_events(GLFWwindow* w) { return *static_cast<WindowEvents*>(glfwGetWindowUserPointer(w)); }

// Installed before ImGui's backend, which then calls them after its own (it chains callbacks
// that were set before ImGui_ImplGlfw_InitForOpenGL).
void events_install(GLFWwindow* w, WindowEvents& events) {
  glfwSetWindowUserPointer(w, &events);
  glfwSetKeyCallback(w, [](GLFWwindow* w, int key, int, int act, int mods) {
    WindowEvents& e = window_events(w);
    ++e.count;
    if (act == GLFW_PRESS || act == GLFW_REPEAT)
      e.presses.push_back({key, (mods & GLFW_MOD_CONTROL) != 0, (mods & GLFW_MOD_SHIFT) != 0, act == GLFW_REPEAT});
  });
  glfwSetCharCallback(w, [](GLFWwindow* w, unsigned) { ++window_events(w).count; });
  glfwSetCursorPosCallback(w, [](GLFWwindow* w, double, double) { ++window_events(w).count; });
  glfwSetMouseButtonCallback(w, [](GLFWwindow* w, int, int, int) { ++window_events(w).count; });
  glfwSetScrollCallback(w, [](GLFWwindow* w, double, double) { ++window_events(w).count; });
  glfwSetCursorEnterCallback(w, [](GLFWwindow* w, int) { ++window_events(w).count; });
  glfwSetWindowFocusCallback(w, [](GLFWwindow* w, int) { ++window_events(w).count; });
  glfwSetFramebufferSizeCallback(w, [](GLFWwindow* w, int, int) { ++window_events(w).count; });
  glfwSetWindowRefreshCallback(w, [](GLFWwindow* w) { ++window_events(w).count; });
  glfwSetDropCallback(w, [](GLFWwindow* w, int count, const char** paths) {
    WindowEvents& e = window_events(w);
    ++e.count;
    e.dropped.insert(e.dropped.end(), paths, paths + count);
  });
}

// Something on screen moves by itself: the loop keeps drawing instead of waiting for input.
bool state_animating(const AppState& state) {
  return state.play.playing || state.play.t < 1.f || !state.jobs.empty();  // a job's bar moves
}

// Frames drawn after the last input, so hover and click states settle before the loop sleeps.
constexpr int kSettleFrames = 3;

nlohmann::json state_json(const AppState& state, const ScreenReport& report, float scale) {
  const Step* step = state.current_step();
  nlohmann::json j{{"step", state.play.step},
                   {"step_name", step ? step->name : ""},
                   {"steps", state.analysis ? state.analysis->trace().steps.size() : 0},
                   {"zoom", state.view.zoom},
                   {"pan", {state.view.pan_x, state.view.pan_y}},
                   {"classroom", state.view.classroom},
                   {"compare", state.view.compare},
                   {"error", state.error},
                   {"scene", scene_to_json(state.scene)}};
  if (state.hover) j["hover"] = {state.hover->head, state.hover->q, state.hover->k};
  j["layout"] = screen_report_json(report, scale);
  return j;
}

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
  // --size, else the size the window had last time, as far as it fits the screen.
  int width = request.width > 0 ? request.width : startup.settings.window_width;
  int height = request.height > 0 ? request.height : startup.settings.window_height;
  if (request.width <= 0) fit_work_area(width, height);
  GLFWwindow* raw = glfwCreateWindow(width, height, "attnscope", nullptr, nullptr);
  if (!raw) {
    glfwTerminate();
    return no_display(request, "no OpenGL 3.3 context");
  }
  Window window(raw);
  glfwMakeContextCurrent(raw);
  window_icon_set(raw);
  glfwSwapInterval(screenshot || bench ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; a saved .ini would make runs differ
  const UiFonts fonts = ui_fonts_load(io);
  WindowEvents events;
  events_install(raw, events);
  ImGui_ImplGlfw_InitForOpenGL(raw, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int code = 0;
  {
    std::unique_ptr<GlPainter> painter;
    try {
      painter = std::make_unique<GlPainter>();
      if (screenshot) painter->set_upload_budget(INT64_MAX);  // the picture shows every image, not the first few
    } catch (const std::exception& e) {
      std::cerr << "attnscope: " << e.what() << "\n";
      code = 1;
    }
    AppState state;
    state_open(state, request, startup.settings, (std::filesystem::path(assets_dir()) / "scenes").string());
    if (!startup.warning.empty()) apply(state, action::ShowToast{startup.warning, true});
    SettingsWriter settings(startup, raw);
    if (request.cost) apply(state, action::ToggleCost{});
    if (request.stack_reach) apply(state, action::ToggleStackReach{});
    if (const auto& z = request.zoom_to) apply(state, action::ZoomTo{z->q, z->k, z->span});
    if (screenshot || bench)
      for (const Action& a : jobs_wait(state)) apply(state, a);
    const int last_step = state.analysis ? static_cast<int>(state.analysis->trace().steps.size()) - 1 : 0;
    const int start = request.step >= 0 ? request.step : (screenshot || bench ? last_step : 0);
    apply(state, action::StepTo{start, false});
    if (!state.error.empty()) std::cerr << "attnscope: " << state.error << "\n";
    work_frame_end();  // the start's work (the first analysis installed) as a frame of its own, as it is live

    std::optional<ThemeName> style;
    std::string title;
    bool fullscreen = false;
    const int frames = screenshot ? request.frames : bench ? request.bench_frames : -1;
    std::vector<double> frame_ms;
    double first_frame_ms = 0.0, jobs_ms = 0.0;
    ScreenReport report;
    ActionQueue queue;
    int settle = kSettleFrames;
    uint64_t events_seen = events.count;
    std::string state_written;
    for (int frame = 0; painter && !glfwWindowShouldClose(raw) && (frames < 0 || frame < frames); ++frame) {
      const auto t0 = std::chrono::steady_clock::now();
      if (frames >= 0 || settle > 0 || state_animating(state)) {
        glfwPollEvents();
      } else {
        // Nothing moves: sleep until input arrives (or a toast or a text cursor needs a redraw).
        const double timeout = io.WantTextInput ? 0.5 : state.toast ? std::clamp(state.toast->seconds_left(), 0.05, 30.0) : 30.0;
        glfwWaitEventsTimeout(timeout);
        const bool input = events.count != events_seen;
        if (!input && !io.WantTextInput && !(state.toast && state.toast->seconds_left() <= 0.0)) {
          --frame;
          continue;
        }
      }
      if (events.count != events_seen) settle = kSettleFrames;
      else settle = std::max(0, settle - 1);
      events_seen = events.count;
      if (frames < 0)
        for (const Action& a : jobs_poll(state)) apply(state, a);
      for (const std::string& path : std::exchange(events.dropped, {})) apply(state, action::OpenFile{path});
      if (style != state.view.theme()) ui_style_apply(*(style = state.view.theme()));
      if (std::string now = window_title(state.scene); now != title) glfwSetWindowTitle(raw, (title = now).c_str());
      if (fullscreen != state.view.fullscreen) set_fullscreen(raw, fullscreen = state.view.fullscreen, width, height);

      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      if (screenshot || bench) {
        io.DeltaTime = kFixedDelta;
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);  // wherever the pointer is, nothing is hovered
      }
      // After an idle wait the clock jumped: animations resume where they stopped.
      const float dt = std::min(io.DeltaTime, 0.1f);
      ImGui::NewFrame();
      painter->begin_frame(io.DisplaySize, io.DisplayFramebufferScale);
      report.clear();
      ViewContext ctx{state, queue, *painter, report, fonts, std::nullopt};
      if (!screenshot && !bench) keyboard_actions(ctx, events.presses);
      events.presses.clear();
      view_frame(ctx);
      ImGui::Render();

      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(raw, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      const Rgb8 bg = theme_get(state.view.theme()).background;
      glClearColor(bg.r / 255.f, bg.g / 255.f, bg.b / 255.f, 1.f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

      // The glyph check walks every vertex drawn: only for the frames someone reads it from, the
      // screenshot's and, for scripts driving the live window, each one --state-out reports.
      const bool last_screenshot_frame = screenshot && frame == frames - 1;
      if (last_screenshot_frame || !request.state_out.empty()) screen_report_glyphs(report, *ImGui::GetDrawData());
      if (last_screenshot_frame) {
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

      apply_all(state, queue);
      if (bench && frame == frames / 2 && !request.bench_then.empty()) apply(state, bench_then_action(state, request.bench_then));
      // Screenshots and benchmarks wait for the jobs the views started (the weights a heatmap or
      // a zoomed view asked for), untimed, so the next frame shows them. What their results do to
      // the state (an analysis installed) counts in the frame, as jobs_poll's would.
      double waited_ms = 0.0;
      if (frames >= 0) {
        const auto jobs_start = std::chrono::steady_clock::now();
        const std::vector<Action> ready = jobs_wait(state);
        waited_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - jobs_start).count();
        jobs_ms += waited_ms;
        for (const Action& a : ready) apply(state, a);
      }
      if (bench) {  // the first frame builds the textures
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() - waited_ms;
        if (frame > 0) frame_ms.push_back(ms);
        else first_frame_ms = ms;
        work_frame_end();
      }
      tick(state, dt);
      settings.save(state, false);
      if (!request.state_out.empty()) {
        const std::string now = state_json(state, report, io.DisplayFramebufferScale.x).dump();
        if (now != state_written) {
          try {
            atomic_write_file(request.state_out, now + "\n");
            state_written = now;
          } catch (const std::exception& e) {
            std::cerr << "attnscope: " << e.what() << "\n";
          }
        }
      }
    }
    jobs_stop(state);
    settings.save(state, true);
    if (bench && !frame_ms.empty()) print_frame_times(frame_ms, first_frame_ms, jobs_ms, state.scene);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  return code;
}

}  // namespace attnscope
