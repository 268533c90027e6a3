#pragma once
// Everything a user (or a key, the CLI's --step, a test) can do, as data. Views only enqueue
// these; apply() runs them between frames, so every path into the state is the same one.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/analysis/lab.hpp"
#include "core/analysis/values_window.hpp"
#include "core/presentation/colormap.hpp"
#include "core/presentation/step_scores.hpp"
#include "core/scene/token_text.hpp"

namespace attnscope {

struct AnalysisDerived;  // app/gui/analysis_derived.hpp
struct DiffOverlay;   // app/gui/heatmap_image.hpp
struct HeatmapImage;  // app/gui/heatmap_image.hpp
struct Lesson;        // app/gui/lesson.hpp
struct RgbaImage;     // app/gui/heatmap_image.hpp
struct TokenBand;     // app/gui/token_bands.hpp
using StepBands = std::vector<std::vector<TokenBand>>;
struct StackStrip;    // app/gui/app_state.hpp

// A heatmap cell in original coordinates: query q may attend to key k in `head`.
struct Cell {
  int head = 0, q = 0, k = 0;
  bool operator==(const Cell&) const = default;
};

struct ImVec2Fraction {
  float x = 0.5f, y = 0.5f;
};

enum class ColorBy { Token, Group };
enum class Coords { Original, Frame };

// Rows [row_begin, row_end) × keys [key_begin, key_end) of one head, in tokens.
struct ZoomWindow {
  int head = 0;
  int row_begin = 0, row_end = 0, key_begin = 0, key_end = 0;
  bool covers(const ZoomWindow& other) const {
    return head == other.head && row_begin <= other.row_begin && row_end >= other.row_end &&
           key_begin <= other.key_begin && key_end >= other.key_end;
  }
  bool operator==(const ZoomWindow&) const = default;
};

// Which image of one head's weights: its head, coordinates and the top of its colour scale.
struct HeatmapWeightsKey {
  int head = 0;
  Coords coords = Coords::Original;
  float vmax = 1.f;
  bool operator==(const HeatmapWeightsKey&) const = default;
};

// Which image a heatmap shows: one head's cells as the step has computed them (`cells`), in
// these coordinates, on these colour scales (weights up to `vmax`, scores up to `smax`).
struct HeatmapImageKey {
  int head = 0;
  Coords coords = Coords::Original;
  StepCells cells = StepCells::Weights;
  float vmax = 1.f, smax = 1.f;
  bool operator==(const HeatmapImageKey&) const = default;
};

// Which compare overlay: one head of A against B, drawn for a theme (its masked colour where
// neither allows a cell).
struct DiffImageKey {
  int head = 0;
  ThemeName theme = ThemeName::Light;
  bool operator==(const DiffImageKey&) const = default;
};

namespace action {
struct SetScene { Scene scene; };  // an edit: recorded in the undo history
struct LoadPreset { int index = 0; };
struct StepTo { int step = 0; bool animate = true; };
struct StepNext {};
struct StepPrev {};
struct StepFirst {};
struct StepLast {};
struct Play {};
struct Pause {};
struct TogglePlay {};
struct SetSpeed { float speed = 1.f; };
struct SetCompare { bool on = false; std::vector<std::string> variants; };  // empty: a default set
struct ToggleCompare {};
struct ToggleCost {};
// The cost table's page on a projector, where it shows as many rows as fit, a page at a time.
struct SetCostPage { int page = 0; };
// The Lab panel (key T) in place of the heatmaps: train a tiny model under the scene's pattern.
struct SetLab { bool on = false; };
struct ToggleLab {};
struct SetLabSettings { LabSettings settings; };
struct SetLabLayer { int layer = 0; };  // the layer "Open the learned attention" opens
// Starts a training of the lab's settings under the current scene on a worker (refused at once
// for settings no training can use; a stack sets the layer count); its points arrive live, its
// end as LabReady.
struct LabTrain {};
struct LabReady {
  uint64_t run = 0;  // the training it ends; an older one's is dropped
  std::shared_ptr<const LabResult> result;  // null: `error` says why (refused, diverged, cancelled)
  std::string error;
  Scene scene;             // trained under
  std::string model_path;  // the model and its learned q, k, v (with a result)
};
// The trained model's q, k, v of the chosen layer become the scene's, so every view shows the
// attention the model learned.
struct OpenLabAttention {};
// A model stack (a scene with a stack): the layer every view shows, as --layer picks it (clamped
// to the model's layers); `]` and `[` step through them, a click on a thumbnail picks one.
struct SetStackLayer { int layer = 0; };
struct StackLayerNext {};
struct StackLayerPrev {};
// The receptive field after the current layer (what each query can depend on through layers
// 0..l) in place of the heatmaps.
struct ToggleStackReach {};
struct StackReady {
  uint64_t key = 0;      // the model it belongs to (stack_strip_key); another's is dropped
  int reach_layer = -1;  // the layer whose receptive field it holds
  ThemeName theme = ThemeName::Light;  // the colours of the field's image
  std::shared_ptr<const StackStrip> strip;  // null: `error` says why
  std::string error;
};
struct SetCompareHead { int head = -1; };
struct ToggleLeakMarks {};
struct SetColorBy { ColorBy by = ColorBy::Token; };
struct SetCoords { Coords coords = Coords::Original; };
struct SetColormap { ColormapName name = ColormapName::Viridis; };
struct SetClassroom { bool on = false; };
struct SetTheme { ThemeName theme = ThemeName::Light; };  // the desk theme: light or dark
// Opens a scene (.json); masks (.npy, .pt) and modules (.pt) get a message until the GUI reads
// them. From the file browser, the recent-files menu and files dropped on the window.
struct OpenFile { std::string path; };
// Each token's text beside its number on the heatmaps' axes and in the inspector (empty: numbers
// only), from a tokens file (--tokens, File > Open of a .txt or a JSON list).
struct SetTokenText { TokenText text; };
struct BrowseFolder { std::string folder; };  // opens the browser there (empty: where it was, else the working folder)
struct BrowseFilter { std::string extension; };
struct CloseBrowser {};
struct ClearRecent {};
// Stops every running job (analyses, audits, exports, weights): each ends at its next progress
// report and hands back a result saying it was cancelled.
struct CancelJobs {};
struct ToggleFullscreen {};
// `anchor`: the point that stays put, as fractions of the visible view (the pointer under the
// wheel); without one the view's centre.
struct Zoom { float factor = 1.f; std::optional<ImVec2Fraction> anchor; };
// Zoom until `span` tokens fill the heatmap, query q and key k in the middle (--zoom-to).
struct ZoomTo { int q = 0, k = 0, span = 0; };
struct Pan { float dx = 0.f, dy = 0.f; };  // fractions of the whole matrix
struct ResetZoom {};
struct Undo {};
struct Redo {};
struct SetHover { std::optional<Cell> cell; };
struct Pin { std::optional<Cell> cell; };
struct SetBreakpoint { std::string step_name; };  // empty clears it
struct SetWatch { std::optional<Cell> cell; };
// The current view at the current step as a figure file, written by a job; its result is the
// toast naming the file (or saying why there is none).
struct Export {};
struct SetExportFolder { std::string folder; };
// A note in the corner: a message goes after a few seconds, an error stays until dismissed.
struct ShowToast { std::string text; bool error = false; };
struct DismissToast {};
// A zoomed view of an analysis without stored values asks for the weights on screen; a job
// computes them.
struct ComputeZoomWeights { ZoomWindow window; };
struct ZoomWeightsReady {
  std::shared_ptr<const Analysis> analysis;  // the weights belong to it; dropped once it is replaced
  ZoomWindow window;
  std::shared_ptr<const ValuesWindow> values;
  std::string error;  // without values: why ("cancelled")
};
// A heatmap of an analysis without stored values (N <= kWeightsOverviewMaxN) asks for its head's
// weights; a job computes the image row by row and the painter uploads it in place of the
// allowed cells.
struct ComputeHeatmapWeights {
  std::shared_ptr<const Analysis> analysis;  // the current one, or one the compare view shows
  HeatmapWeightsKey key;
};
struct HeatmapWeightsReady {
  std::shared_ptr<const Analysis> analysis;  // dropped once it is no longer shown
  HeatmapWeightsKey key;
  std::shared_ptr<const HeatmapImage> image;
  std::string error;  // without an image: why ("cancelled")
};
// A heatmap of a large analysis asks for its image (heatmap_image_build, at most
// kMaxHeatmapTexels a side); a job builds it and the painter uploads it, while the matrix shows
// the job's progress. Small analyses' images are built where they are drawn.
struct ComputeHeatmapImage {
  std::shared_ptr<const Analysis> analysis;  // the current one, or one the compare view shows
  HeatmapImageKey key;
};
struct HeatmapImageReady {
  std::shared_ptr<const Analysis> analysis;  // dropped once it is no longer shown
  HeatmapImageKey key;
  std::shared_ptr<const HeatmapImage> image;
  std::string error;  // without an image: why ("cancelled")
};
// The compare view of a large scene asks for its A-vs-B overlay (diff_overlay); a job builds it
// with its counts, and the view shows the job's progress meanwhile.
struct ComputeDiffImage {
  std::shared_ptr<const Analysis> a, b;  // two of the compare view's analyses
  DiffImageKey key;
};
struct DiffImageReady {
  std::shared_ptr<const Analysis> a, b;  // dropped once either is no longer shown
  DiffImageKey key;
  std::shared_ptr<const DiffOverlay> overlay;
  std::string error;  // without an overlay: why ("cancelled")
};
// The token grid of a large analysis asks for a step's bands (step_token_bands); a job finds them
// once, and the grid shows its progress meanwhile.
struct ComputeTokenBands {
  std::shared_ptr<const Analysis> analysis;
  int step = 0;
};
struct TokenBandsReady {
  std::shared_ptr<const Analysis> analysis;  // dropped once it is replaced
  int step = 0;
  std::shared_ptr<const StepBands> bands;
  std::string error;  // without bands: why ("cancelled")
};
// The cost panel of an analysis whose lesson has no cost table yet (every variant's masks at the
// scene's numbers: seconds at N = 131072 × 32 heads): a job finds it, and the panel shows its
// progress meanwhile.
struct CostReady {
  std::shared_ptr<const Analysis> analysis;  // dropped once it is replaced
  std::shared_ptr<const Lesson> lesson;      // with the cost table; null: `error` says why
  std::string error;
};
// A worker finished analysing the scene with this hash; installed only if still current.
struct AnalysisReady {
  uint64_t generation = 0;
  uint64_t scene_hash = 0;
  std::shared_ptr<const Analysis> analysis;
  std::string error;
  // Non-empty: the audit of the module at this path, opened from File > Open; its scene replaces
  // the current one (undoable) unless the user changed the scene meanwhile.
  std::string opened_module;
  // Its scales, lesson and step texts, found on the worker, so installing it (as the current
  // scene, or later as a compared variant made the scene's own) only swaps pointers.
  std::shared_ptr<const AnalysisDerived> derived;
};
}  // namespace action

using Action = std::variant<
    action::SetScene, action::LoadPreset, action::StepTo, action::StepNext, action::StepPrev,
    action::StepFirst, action::StepLast, action::Play, action::Pause, action::TogglePlay,
    action::SetSpeed, action::SetCompare, action::ToggleCompare, action::SetCompareHead,
    action::ToggleCost, action::SetCostPage, action::SetLab, action::ToggleLab, action::SetLabSettings, action::SetLabLayer,
    action::LabTrain, action::LabReady, action::OpenLabAttention, action::ToggleLeakMarks, action::SetColorBy, action::SetCoords,
    action::SetColormap, action::SetClassroom, action::SetTheme, action::OpenFile, action::SetTokenText,
    action::BrowseFolder, action::BrowseFilter, action::CloseBrowser, action::ClearRecent, action::CancelJobs,
    action::ToggleFullscreen, action::Zoom, action::Pan, action::ResetZoom, action::Undo,
    action::Redo, action::SetHover, action::Pin, action::SetBreakpoint, action::SetWatch,
    action::Export, action::SetExportFolder, action::ShowToast, action::DismissToast, action::AnalysisReady, action::ZoomTo,
    action::ComputeZoomWeights, action::ZoomWeightsReady, action::ComputeHeatmapWeights,
    action::HeatmapWeightsReady, action::ComputeHeatmapImage, action::HeatmapImageReady, action::ComputeTokenBands,
    action::TokenBandsReady, action::SetStackLayer, action::StackLayerNext, action::StackLayerPrev,
    action::ToggleStackReach, action::StackReady, action::ComputeDiffImage, action::DiffImageReady, action::CostReady>;

// The views' outbox for one frame.
struct ActionQueue {
  std::vector<Action> actions;
  void push(Action a) { actions.push_back(std::move(a)); }
  template <class T>
  const T* find() const {  // the last action of type T, for tests and the frame loop
    for (auto it = actions.rbegin(); it != actions.rend(); ++it)
      if (const T* a = std::get_if<T>(&*it)) return a;
    return nullptr;
  }
};

}  // namespace attnscope
