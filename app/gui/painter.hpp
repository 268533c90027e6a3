#pragma once
// How views draw textured heatmaps without knowing about OpenGL: the renderer implements this
// with cached textures and a shader; the logic tests implement it by recording the calls.
#include <imgui.h>

#include <memory>

#include "app/gui/heatmap_image.hpp"

namespace attnscope {

struct HeatmapPaint {
  std::shared_ptr<const Analysis> analysis;
  int head = 0;
  Coords coords = Coords::Original;
  ColormapName colormap = ColormapName::Viridis;
  ThemeName theme = ThemeName::Light;
  float vmax = 1.f;        // top of the colour scale (AppState::weight_scale)
  bool leak_fill = false;  // paint leaking texels in the leak colour (cells too small for marks)
  StepCells cells = StepCells::Weights;  // what the current step has computed
  CellsDrawn drawn = CellsDrawn::Weights;  // how its cells are coloured (core's cells_drawn rule)
  float smax = 1.f;                      // top of the diverging score scale (step_score_scale)
  // An analysis without values: its head's weights once their job has computed them (the state's
  // HeatmapWeights), drawn in place of the allowed cells; null until then.
  std::shared_ptr<const HeatmapImage> weights;
  // A large analysis (not heatmap_image_in_frame): the step's image once its job has built it
  // (the state's HeatmapStepImage); null until then, and for small analyses, built in the frame.
  std::shared_ptr<const HeatmapImage> image;
};

// Two variants' masks in one image: every cell coloured by whether only A, only B or both allow it.
struct DiffPaint {
  std::shared_ptr<const Analysis> a, b;
  int head = 0;
  ThemeName theme = ThemeName::Light;
  // A large scene (not heatmap_image_in_frame): the overlay once its job has built it (the state's
  // CompareDiff); null until then, and for small scenes, built in the frame.
  std::shared_ptr<const DiffOverlay> overlay;
};

// A set of cells in two colours: a model stack's layer thumbnails and its receptive field.
inline constexpr int kThumbnailMaxTexels = 128;  // a thumbnail's side at most: built where it is drawn
struct CellsPaint {
  std::shared_ptr<const RowRuns> cells;
  Rgb8 on, off;
  int max_size = kMaxHeatmapTexels;  // texels per side at most (a thumbnail needs few)
  std::shared_ptr<const RowRuns> marked;  // cells drawn in `mark` over the others (a layer's leaks); may be null
  Rgb8 mark{};
  // The cells' image in these colours built off the frame (the receptive field's, by its job),
  // uploaded as it is; null: built where it is drawn (a thumbnail's few texels).
  std::shared_ptr<const RgbaImage> image;
};

class Painter {
 public:
  virtual ~Painter() = default;
  // Draws the visible part [uv0, uv1] (fractions of the whole N×N matrix, row 0 on top) into
  // the screen rectangle [p0, p1]. False when there is nothing to draw yet: the image of a large
  // analysis is still being built, or waits for a later frame's upload (a frame uploads only a
  // few, so it never stalls); the caller draws a placeholder.
  virtual bool heatmap(ImDrawList* list, const HeatmapPaint& paint, ImVec2 p0, ImVec2 p1,
                       ImVec2 uv0, ImVec2 uv1) = 0;
  // False, as heatmap(), while a large scene's overlay is still built or waits for its upload.
  virtual bool diff(ImDrawList* list, const DiffPaint& paint, ImVec2 p0, ImVec2 p1) = 0;
  virtual void cells(ImDrawList* list, const CellsPaint& paint, ImVec2 p0, ImVec2 p1) = 0;
};

}  // namespace attnscope
