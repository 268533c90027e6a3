#pragma once
// The OpenGL Painter: heatmap textures built once per (analysis, head, coordinates, scale) and drawn as
// one quad through shaders/heatmap.*, from an ImGui draw callback; difference images as plain
// nearest-sampled RGBA textures. Textures unused for a while are freed. It starts no threads:
// images built in the background arrive through HeatmapPaint::image and ::weights (and
// DiffPaint::overlay) and are
// uploaded once, a few per frame (upload_budget), so a step showing many never stalls a frame.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <tuple>

#include "app/gui/painter.hpp"
#include "app/render/shader_program.hpp"

namespace attnscope {

class GlPainter final : public Painter {
 public:
  GlPainter();  // links every program; throws std::runtime_error with the info log
  ~GlPainter() override;

  // Call once per frame before the views run.
  void begin_frame(ImVec2 display_size, ImVec2 framebuffer_scale);
  // Texels of heatmap images a frame uploads at most (the first upload of a frame always goes):
  // one full-size image by default (creating a texture costs as much as filling it, so uploading
  // one in strips saves nothing). A screenshot, which must show every image, lifts it.
  void set_upload_budget(int64_t texels) { upload_budget_ = texels; }

  bool heatmap(ImDrawList* list, const HeatmapPaint& paint, ImVec2 p0, ImVec2 p1, ImVec2 uv0,
               ImVec2 uv1) override;
  bool diff(ImDrawList* list, const DiffPaint& paint, ImVec2 p0, ImVec2 p1) override;
  void cells(ImDrawList* list, const CellsPaint& paint, ImVec2 p0, ImVec2 p1) override;

 private:
  struct Texture {
    GLuint id = 0;
    float uv_scale = 1.f;  // the texture covers size·cells_per_texel >= N cells
    std::shared_ptr<const Analysis> keep_a, keep_b;  // so a key's address is never reused
    std::shared_ptr<const RowRuns> keep_cells;
    std::shared_ptr<const RowRuns> keep_marked;
    uint64_t last_used = 0;
    bool weights = false;  // holds the paint's computed weights (until then, the allowed cells)
  };
  struct Quad {
    GlPainter* self;
    GLuint cells;
    ColormapName colormap;
    Theme theme;
    ImVec2 p0, p1, uv0, uv1;
    bool leak_fill;
    CellsDrawn drawn;  // what the heatmap draws: selects the shader's colouring
  };
  using HeatmapKey = std::tuple<const Analysis*, int, Coords, float, StepCells>;
  using DiffKey = std::tuple<const Analysis*, const Analysis*, int, ThemeName>;
  using CellsKey = std::tuple<const RowRuns*, uint32_t, uint32_t, int, const RowRuns*, uint32_t>;  // cells, on, off, max size, marked, mark

  static void draw_quad(const ImDrawList* list, const ImDrawCmd* cmd);
  void evict();
  bool upload_allowed(int size);  // an image `size` texels a side; counts it against this frame's budget

  ShaderProgram heatmap_program_;
  GLuint vao_ = 0;
  std::map<ColormapName, GLuint> colormaps_;
  GLuint diverging_ = 0;
  std::map<HeatmapKey, Texture> heatmaps_;
  std::map<DiffKey, Texture> diffs_;
  std::map<CellsKey, Texture> cells_;
  std::deque<Quad> quads_;  // this frame's callbacks point into it; a deque never moves them
  uint64_t frame_ = 0;
  int64_t upload_budget_ = int64_t{kMaxHeatmapTexels} * kMaxHeatmapTexels;
  int64_t uploaded_ = 0;  // texels this frame
  ImVec2 display_{1, 1}, scale_{1, 1};
};

}  // namespace attnscope
